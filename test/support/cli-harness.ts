import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { runCli } from '../../apps/cli/src/cli';

export const REPO_ROOT = resolve(__dirname, '../..');
export const SAMPLES = resolve(REPO_ROOT, '../shared/interop/vpcp-sdk');

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the CLI in-process with captured output: fast enough to cover every command. */
export async function cli(...args: string[]): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, {
    result: (text) => (stdout += text + '\n'),
    info: (text) => (stderr += text + '\n'),
    error: (text) => (stderr += `lienthong: ${text}\n`),
  });
  return { code, stdout, stderr };
}

const execFileAsync = promisify(execFile);

/** Runs an external tool (openssl, xmlsec1, the CLI as a real process) without throwing on a non-zero exit. */
export async function run(command: string, args: string[], options: { cwd?: string } = {}): Promise<CliRun> {
  try {
    const { stdout, stderr } = await execFileAsync(command, args, {
      cwd: options.cwd ?? REPO_ROOT,
      maxBuffer: 64 << 20,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

export function tempDir(prefix = 'lienthong-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}
