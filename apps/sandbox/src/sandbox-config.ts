import { resolve } from 'node:path';
import { env, loadConfig } from '@lienthong/common';
import { z } from 'zod';

/**
 * The sandbox's whole configuration, from the environment, validated once. With nothing set it
 * runs embedded (PGlite, in-process bus); `DATABASE_URL` and `AMQP_URL` together switch it to
 * PostgreSQL and RabbitMQ.
 */
export interface SandboxConfig {
  /** Absolute: CA, certificates, secrets, demo API keys and (embedded) the databases. */
  dataDir: string;
  host: string;
  ports: { axis: number; dedicated: number; shared: number };
  /** Absent: embedded. */
  external?: { databaseUrl: string; amqpUrl: string };
  busPrefix: string;
  /** LOG_LEVEL for every app (JSON logs on stdout); unset: warnings and errors only. */
  logLevel?: string;
}

const port = (fallback: number) =>
  z.coerce
    .number({ error: 'must be a TCP port (0: any free port)' })
    .int('must be a TCP port (0: any free port)')
    .min(0, 'must be a TCP port (0: any free port)')
    .max(65535, 'must be a TCP port (0: any free port)')
    .default(fallback);

const schema = z
  .object({
    LIENTHONG_DATA_DIR: z.string().min(1).default('.lienthong-data'),
    LIENTHONG_HOST: z.string().min(1).default('127.0.0.1'),
    LIENTHONG_AXIS_PORT: port(3000),
    LIENTHONG_DEDICATED_PORT: port(3101),
    LIENTHONG_SHARED_PORT: port(3102),
    DATABASE_URL: env.postgresUrl().optional(),
    AMQP_URL: env.amqpUrl().optional(),
    BUS_PREFIX: z
      .string()
      .regex(/^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/, 'must be dot-separated words of letters, digits, _ or -')
      .default('axis'),
    LOG_LEVEL: z.string().min(1).optional(),
  })
  .superRefine((e, ctx) => {
    // Half of the real infrastructure would mean an embedded database next to a real broker
    // (or the reverse): never what anyone wants, so say so instead of guessing.
    if ((e.DATABASE_URL === undefined) !== (e.AMQP_URL === undefined)) {
      const missing = e.DATABASE_URL === undefined ? 'DATABASE_URL' : 'AMQP_URL';
      ctx.addIssue({
        code: 'custom',
        path: [missing],
        message: 'must be set together with the other one (both: PostgreSQL and RabbitMQ; neither: embedded)',
      });
    }
    const ports = [e.LIENTHONG_AXIS_PORT, e.LIENTHONG_DEDICATED_PORT, e.LIENTHONG_SHARED_PORT].filter(
      (p) => p !== 0,
    );
    if (new Set(ports).size !== ports.length) {
      ctx.addIssue({
        code: 'custom',
        path: ['LIENTHONG_AXIS_PORT'],
        message: 'the axis and the two nodes need three different ports',
      });
    }
  });

/** Throws ConfigError with one line per mistake. `cwd` resolves a relative data directory. */
export function loadSandboxConfig(
  environment: NodeJS.ProcessEnv = process.env,
  cwd: string = process.cwd(),
): SandboxConfig {
  const e = loadConfig(schema, environment);
  return {
    dataDir: resolve(cwd, e.LIENTHONG_DATA_DIR),
    host: e.LIENTHONG_HOST,
    ports: {
      axis: e.LIENTHONG_AXIS_PORT,
      dedicated: e.LIENTHONG_DEDICATED_PORT,
      shared: e.LIENTHONG_SHARED_PORT,
    },
    ...(e.DATABASE_URL !== undefined && e.AMQP_URL !== undefined
      ? { external: { databaseUrl: e.DATABASE_URL, amqpUrl: e.AMQP_URL } }
      : {}),
    busPrefix: e.BUS_PREFIX,
    ...(e.LOG_LEVEL !== undefined ? { logLevel: e.LOG_LEVEL } : {}),
  };
}
