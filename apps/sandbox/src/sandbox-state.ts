import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * What the sandbox keeps between runs, next to its databases in the data directory
 * (`sandbox.json`, readable by its owner only): the tokens and passphrases made on the first run,
 * the demo agencies' API keys (a node shows a key once and keeps only its hash, so this file is
 * the only place it can be read again), and the addresses of the running sandbox for `npm run demo`.
 */
export interface SandboxState {
  version: 1;
  operatorToken: string;
  adminToken: string;
  caPassphrase: string;
  keyPassphrase: string;
  /** Agency code → the API key of its software. */
  apiKeys: Record<string, string>;
  /** Set while a sandbox runs on this data directory. */
  running?: RunningInfo;
}

export interface RunningInfo {
  pid: number;
  axisUrl: string;
  /** Node id → its base URL. */
  nodes: Record<string, string>;
  /** Agency code → the node id that hosts it. */
  hostedBy: Record<string, string>;
}

export const STATE_FILE = 'sandbox.json';

const secret = (label: string) => `${label}-${randomBytes(18).toString('base64url')}`;

export function newState(): SandboxState {
  return {
    version: 1,
    operatorToken: secret('operator'),
    adminToken: secret('node-admin'),
    caPassphrase: secret('ca'),
    keyPassphrase: secret('node-keys'),
    apiKeys: {},
  };
}

/** The saved state, or undefined when there is none yet. Throws on a file it cannot understand. */
export function readState(dataDir: string): SandboxState | undefined {
  const path = join(dataDir, STATE_FILE);
  if (!existsSync(path)) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new Error(`${path} is not valid JSON (${(error as Error).message}); move it away to start afresh`);
  }
  if (!isState(parsed)) {
    throw new Error(`${path} is not a lienthong sandbox state file; move it away to start afresh`);
  }
  return parsed;
}

export function loadOrCreateState(dataDir: string): SandboxState {
  const existing = readState(dataDir);
  if (existing) return existing;
  const state = newState();
  writeState(dataDir, state);
  return state;
}

/** Atomic (write then rename) and private (0600), so a crash never leaves half a file of secrets. */
export function writeState(dataDir: string, state: SandboxState): void {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const path = join(dataDir, STATE_FILE);
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
  chmodSync(temporary, 0o600);
  renameSync(temporary, path);
}

function isState(value: unknown): value is SandboxState {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    v.version === 1 &&
    ['operatorToken', 'adminToken', 'caPassphrase', 'keyPassphrase'].every(
      (k) => typeof v[k] === 'string' && (v[k] as string).length >= 24,
    ) &&
    typeof v.apiKeys === 'object' &&
    v.apiKeys !== null &&
    Object.values(v.apiKeys).every((k) => typeof k === 'string')
  );
}
