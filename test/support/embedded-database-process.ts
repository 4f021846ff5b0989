import { spawn, ChildProcess } from 'node:child_process';
import { join } from 'node:path';

/*
 * PGlite uses dynamic import() of Node built-ins, which jest's module sandbox refuses without
 * --experimental-vm-modules, so the tests run the sandbox's embedded database in a child process
 * (the sandbox's own startEmbeddedDatabase, through ts-node) and connect to it like the apps do.
 */

export interface EmbeddedDatabaseProcess {
  url: string;
  poolMax: number;
  /** SIGTERM: the child stops the socket server and closes PGlite, then exits. */
  stop(): Promise<void>;
}

const ROOT = join(__dirname, '..', '..');

export function startEmbeddedDatabaseProcess(
  dir: string,
  timeoutMs = 60_000,
): Promise<EmbeddedDatabaseProcess> {
  const child = spawn(
    process.execPath,
    ['-r', 'ts-node/register/transpile-only', '-r', 'tsconfig-paths/register', '-e', SCRIPT, dir],
    {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, TS_NODE_PROJECT: join(ROOT, 'tsconfig.json') },
    },
  );
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`embedded database did not start in ${timeoutMs} ms: ${err}`));
    }, timeoutMs);
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const line = out.split('\n').find((l) => l.startsWith('{'));
      if (!line) return;
      clearTimeout(timer);
      const { url, poolMax } = JSON.parse(line) as { url: string; poolMax: number };
      resolve({ url, poolMax, stop: () => stop(child) });
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`embedded database exited (${code}) before it was ready: ${err}`));
    });
  });
}

function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const force = setTimeout(() => child.kill('SIGKILL'), 15_000);
    child.once('exit', () => {
      clearTimeout(force);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

const SCRIPT = `
const { startEmbeddedDatabase } = require('./apps/sandbox/src/databases');
startEmbeddedDatabase('test', process.argv[1]).then((db) => {
  process.stdout.write(JSON.stringify({ url: db.url, poolMax: db.poolMax }) + '\\n');
  process.once('SIGTERM', () => db.close().then(() => process.exit(0), () => process.exit(1)));
}, (error) => { process.stderr.write(String(error && error.stack || error)); process.exit(1); });
`;
