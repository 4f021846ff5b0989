import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '@lienthong/common';
import { loadAxisConfig } from './axis-config';

const minimal = {
  DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/axis',
  AMQP_URL: 'amqp://guest:guest@127.0.0.1:5672',
  AXIS_OPERATOR_TOKEN: 'x'.repeat(24),
  AXIS_DATA_DIR: '/var/lib/axis',
  AXIS_CA_PASSPHRASE: 'p'.repeat(12),
};

function problems(env: NodeJS.ProcessEnv): string[] {
  try {
    loadAxisConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe('axis configuration', () => {
  it('fills the defaults', () => {
    expect(loadAxisConfig(minimal)).toEqual({
      databaseUrl: minimal.DATABASE_URL,
      amqpUrl: minimal.AMQP_URL,
      busPrefix: 'axis',
      port: 3000,
      host: '127.0.0.1',
      operatorToken: minimal.AXIS_OPERATOR_TOKEN,
      dataDir: '/var/lib/axis',
      caPassphrase: minimal.AXIS_CA_PASSPHRASE,
      trustAnchorPaths: [],
      crlValidityHours: 24,
      logLevel: 'info',
    });
  });

  it('reports every problem at once, one line each, without echoing secrets', () => {
    const found = problems({
      DATABASE_URL: 'mysql://x',
      AXIS_OPERATOR_TOKEN: 'short-secret',
      AXIS_CA_PASSPHRASE: 'tiny',
      BUS_PREFIX: 'a b',
      PORT: 'http',
      CRL_VALIDITY_HOURS: '-1',
    });
    const names = found.map((line) => line.split(':')[0]).sort();
    expect(names).toEqual(
      [
        'AMQP_URL',
        'AXIS_CA_PASSPHRASE',
        'AXIS_DATA_DIR',
        'AXIS_OPERATOR_TOKEN',
        'BUS_PREFIX',
        'CRL_VALIDITY_HOURS',
        'DATABASE_URL',
        'PORT',
      ].sort(),
    );
    expect(found.join('\n')).not.toContain('short-secret');
    expect(found.every((line) => !line.includes('\n'))).toBe(true);
  });

  it('reads trust anchor paths, which must exist', () => {
    const dir = mkdtempSync(join(tmpdir(), 'axis-config-'));
    const anchor = join(dir, 'gov.pem');
    writeFileSync(anchor, '');
    expect(loadAxisConfig({ ...minimal, AXIS_TRUST_ANCHORS: ` ${anchor} ,` }).trustAnchorPaths).toEqual([
      anchor,
    ]);
    expect(problems({ ...minimal, AXIS_TRUST_ANCHORS: `${anchor},${join(dir, 'missing.pem')}` })).toEqual([
      expect.stringMatching(/^AXIS_TRUST_ANCHORS: /),
    ]);
  });
});
