#!/usr/bin/env node
// `npm start`: builds the sandbox when its bundle is missing or older than any source file, so a
// fresh clone and an edited tree both start right, and an unchanged tree starts at once.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const target = join(root, 'dist', 'apps', 'sandbox', 'main.js');

function newestSource() {
  let newest = 0;
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (/\.(ts|json)$/.test(entry.name) && !/\.(spec|test)\.ts$/.test(entry.name)) {
        newest = Math.max(newest, statSync(path).mtimeMs);
      }
    }
  };
  walk(join(root, 'apps'));
  walk(join(root, 'libs'));
  for (const file of ['package-lock.json', 'nest-cli.json', 'tsconfig.json']) {
    if (existsSync(join(root, file))) newest = Math.max(newest, statSync(join(root, file)).mtimeMs);
  }
  return newest;
}

if (existsSync(target) && statSync(target).mtimeMs >= newestSource()) process.exit(0);
process.stdout.write('Building the sandbox (first start, or the sources changed)…\n');
const result = spawnSync('npx', ['--no-install', 'nest', 'build', 'sandbox'], { cwd: root, stdio: 'inherit' });
if (result.status !== 0 || !existsSync(target)) {
  process.stderr.write('The build failed: see the errors above.\n');
  process.exit(result.status || 1);
}
