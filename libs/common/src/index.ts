export * from './app-error';
export * from './config';
export * from './database';
export * from './http-problem.filter';
export * from './group-commit';
