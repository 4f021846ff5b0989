import type { Config } from 'jest';

// Path aliases mirror tsconfig.json so tests import libraries the way apps do.
const moduleNameMapper = {
  '^@lienthong/([a-z-]+)$': '<rootDir>/libs/$1/src',
  '^@lienthong/([a-z-]+)/(.*)$': '<rootDir>/libs/$1/src/$2',
};

// Type checking runs once in `npm run typecheck`; jest only transpiles.
const transform = {
  '^.+\\.ts$': ['ts-jest', { isolatedModules: true }] as [string, object],
};

const common = {
  moduleFileExtensions: ['ts', 'js', 'json'],
  moduleNameMapper,
  transform,
  testEnvironment: 'node',
};

const config: Config = {
  projects: [
    { ...common, displayName: 'unit', rootDir: '.', testMatch: ['<rootDir>/{apps,libs}/**/*.spec.ts'] },
    { ...common, displayName: 'interop', rootDir: '.', testMatch: ['<rootDir>/test/**/*.test.ts'] },
  ],
};

export default config;
