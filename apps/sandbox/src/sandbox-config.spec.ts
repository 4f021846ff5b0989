import { ConfigError } from '@lienthong/common';
import { loadSandboxConfig } from './sandbox-config';

describe('loadSandboxConfig', () => {
  it('runs embedded with nothing set, data under ./.lienthong-data, the README ports', () => {
    expect(loadSandboxConfig({}, '/home/me/lienthong')).toEqual({
      dataDir: '/home/me/lienthong/.lienthong-data',
      host: '127.0.0.1',
      ports: { axis: 3000, dedicated: 3101, shared: 3102 },
      busPrefix: 'axis',
    });
  });

  it('switches to PostgreSQL and RabbitMQ when both URLs are set', () => {
    const config = loadSandboxConfig(
      {
        DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/lienthong',
        AMQP_URL: 'amqp://guest:guest@127.0.0.1:5672',
        LIENTHONG_DATA_DIR: '/var/lib/lienthong',
        LIENTHONG_AXIS_PORT: '0',
      },
      '/somewhere',
    );
    expect(config.external).toEqual({
      databaseUrl: 'postgres://postgres@127.0.0.1:5432/lienthong',
      amqpUrl: 'amqp://guest:guest@127.0.0.1:5672',
    });
    expect(config.dataDir).toBe('/var/lib/lienthong');
    expect(config.ports.axis).toBe(0);
  });

  it('refuses one URL without the other, naming the missing one', () => {
    expect(() => loadSandboxConfig({ DATABASE_URL: 'postgres://h/db' })).toThrow(
      /AMQP_URL: must be set together/,
    );
    expect(() => loadSandboxConfig({ AMQP_URL: 'amqp://h' })).toThrow(/DATABASE_URL: must be set together/);
  });

  it('reports every mistake at once: bad ports, ports used twice, bad URLs', () => {
    let problems: string[] = [];
    try {
      loadSandboxConfig({
        LIENTHONG_AXIS_PORT: '3101',
        LIENTHONG_SHARED_PORT: 'x',
        DATABASE_URL: 'mysql://h/db',
        AMQP_URL: 'amqp://h',
      });
    } catch (error) {
      problems = (error as ConfigError).problems;
    }
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^LIENTHONG_SHARED_PORT: must be a TCP port/),
        expect.stringMatching(/^DATABASE_URL: must be a postgres:\/\/ URL/),
      ]),
    );
    expect(() => loadSandboxConfig({ LIENTHONG_AXIS_PORT: '3101' })).toThrow(/three different ports/);
  });

  it('allows several ports of 0 (each picks a free one)', () => {
    const config = loadSandboxConfig({
      LIENTHONG_AXIS_PORT: '0',
      LIENTHONG_DEDICATED_PORT: '0',
      LIENTHONG_SHARED_PORT: '0',
    });
    expect(config.ports).toEqual({ axis: 0, dedicated: 0, shared: 0 });
  });
});
