import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { CliError, EXIT } from './cli-error';

export function readInput(path: string, what: string): Buffer {
  try {
    return readFileSync(path);
  } catch (error) {
    throw new CliError(`Cannot read ${what} "${path}": ${describeFsError(error)}`, EXIT.usage);
  }
}

export function readText(path: string, what: string): string {
  return readInput(path, what).toString('utf8');
}

export function writeOutput(
  path: string,
  data: string | Uint8Array,
  options: { secret?: boolean } = {},
): void {
  try {
    mkdirSync(dirname(path), { recursive: true });
    // Private keys are readable by their owner only.
    writeFileSync(path, data, { mode: options.secret ? 0o600 : 0o644 });
  } catch (error) {
    throw new CliError(`Cannot write "${path}": ${describeFsError(error)}`, EXIT.usage);
  }
}

function describeFsError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'no such file or directory';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'EISDIR') return 'it is a directory';
  return (error as Error).message;
}
