import { ConfigError } from '@lienthong/common';
import { loadNodeConfig } from './node-config';

const valid = {
  DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/node',
  AMQP_URL: 'amqp://guest:guest@127.0.0.1:5672',
  NODE_MODE: 'shared',
  NODE_ID: 'node-vpcp',
  AXIS_URL: 'http://127.0.0.1:3000/',
  NODE_ADMIN_TOKEN: 'a-long-enough-admin-token!!',
  NODE_KEY_PASSPHRASE: 'twelve-chars',
};

describe('loadNodeConfig', () => {
  it('applies the documented defaults', () => {
    expect(loadNodeConfig(valid)).toMatchObject({
      busPrefix: 'axis',
      port: 3100,
      host: '127.0.0.1',
      mode: 'shared',
      axisUrl: 'http://127.0.0.1:3000',
      maxPackageBytes: 50 * 1024 * 1024,
      trustRefreshSeconds: 60,
      outboxPollMs: 200,
      outboxLingerMs: 25,
      traceBatchMs: 250,
      heartbeatSeconds: 30,
      auditCheckpointSeconds: 300,
    });
  });

  it('reads LOG_LEVEL (default info) and refuses an unknown level', () => {
    expect(loadNodeConfig(valid).logLevel).toBe('info');
    expect(loadNodeConfig({ ...valid, LOG_LEVEL: 'debug' }).logLevel).toBe('debug');
    expect(() => loadNodeConfig({ ...valid, LOG_LEVEL: 'loud' })).toThrow(
      /LOG_LEVEL.*must be one of fatal, error/,
    );
  });

  it('reads TRACE_BATCH_MS from 0 (at once) to 10000', () => {
    expect(loadNodeConfig({ ...valid, TRACE_BATCH_MS: '0' }).traceBatchMs).toBe(0);
    expect(() => loadNodeConfig({ ...valid, TRACE_BATCH_MS: '60000' })).toThrow(
      /TRACE_BATCH_MS.*at most 10000/,
    );
  });

  it('reads OUTBOX_LINGER_MS from 0 (off) to 1000', () => {
    expect(loadNodeConfig({ ...valid, OUTBOX_LINGER_MS: '0' }).outboxLingerMs).toBe(0);
    expect(() => loadNodeConfig({ ...valid, OUTBOX_LINGER_MS: '5000' })).toThrow(
      /OUTBOX_LINGER_MS.*at most 1000/,
    );
    expect(() => loadNodeConfig({ ...valid, OUTBOX_LINGER_MS: '-1' })).toThrow(/OUTBOX_LINGER_MS/);
  });

  it('reads VDXP_BASE_PATH (default /vdxp), normalized, and refuses / or odd characters', () => {
    expect(loadNodeConfig(valid).vdxpBasePath).toBe('/vdxp');
    expect(loadNodeConfig({ ...valid, VDXP_BASE_PATH: 'sdk/vdxp/' }).vdxpBasePath).toBe('/sdk/vdxp');
    expect(() => loadNodeConfig({ ...valid, VDXP_BASE_PATH: '/' })).toThrow(/VDXP_BASE_PATH/);
    expect(() => loadNodeConfig({ ...valid, VDXP_BASE_PATH: '/v dxp' })).toThrow(/VDXP_BASE_PATH/);
  });

  it('reports every problem at once, one line each, never echoing a secret', () => {
    let error: ConfigError | undefined;
    try {
      loadNodeConfig({
        ...valid,
        NODE_MODE: 'both',
        NODE_ADMIN_TOKEN: 'short-secret',
        NODE_KEY_PASSPHRASE: undefined,
        MAX_PACKAGE_BYTES: 'lots',
      });
    } catch (e) {
      error = e as ConfigError;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = error!.problems;
    expect(problems).toHaveLength(4);
    expect(problems.find((p) => p.startsWith('NODE_MODE'))).toContain('"dedicated" or "shared"');
    expect(problems.find((p) => p.startsWith('NODE_ADMIN_TOKEN'))).toContain('at least 24');
    expect(problems.find((p) => p.startsWith('NODE_KEY_PASSPHRASE'))).toContain('required');
    expect(problems.find((p) => p.startsWith('MAX_PACKAGE_BYTES'))).toBeDefined();
    expect(problems.join('\n')).not.toContain('short-secret');
  });
});
