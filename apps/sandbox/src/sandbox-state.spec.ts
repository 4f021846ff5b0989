import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadOrCreateState, readState, STATE_FILE, writeState } from './sandbox-state';

describe('sandbox state', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'lienthong-state-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('makes secrets once, keeps them, and is readable by its owner only', () => {
    const first = loadOrCreateState(dir);
    expect(first.operatorToken.length).toBeGreaterThanOrEqual(24);
    expect(
      new Set([first.operatorToken, first.adminToken, first.caPassphrase, first.keyPassphrase]).size,
    ).toBe(4);
    expect(statSync(join(dir, STATE_FILE)).mode & 0o777).toBe(0o600);
    const again = loadOrCreateState(dir);
    expect(again).toEqual(first);
  });

  it('round-trips API keys and the running sandbox', () => {
    const state = loadOrCreateState(dir);
    state.apiKeys['000.00.00.G22'] = 'lt_key';
    state.running = {
      pid: 42,
      axisUrl: 'http://127.0.0.1:3000',
      nodes: { a: 'http://x' },
      hostedBy: { g: 'a' },
    };
    writeState(dir, state);
    expect(readState(dir)).toEqual(state);
  });

  it('is undefined when absent, and refuses a file that is not its own', () => {
    expect(readState(dir)).toBeUndefined();
    writeFileSync(join(dir, STATE_FILE), '{"version":2}');
    expect(() => readState(dir)).toThrow(/not a lienthong sandbox state file/);
    writeFileSync(join(dir, STATE_FILE), '{oops');
    expect(() => readState(dir)).toThrow(/not valid JSON/);
  });
});
