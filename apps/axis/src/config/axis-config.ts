import { existsSync } from 'node:fs';
import { env, loadConfig } from '@lienthong/common';
import { logLevelSchema } from '@lienthong/observability';
import { z } from 'zod';

/** The DI token of the validated {@link AxisConfig}; nothing else reads `process.env`. */
export const APP_CONFIG = 'AppConfig';

// Prefixes become the first word of every exchange and queue name (see BusTopology).
const BUS_PREFIX = /^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/;

const schema = z
  .object({
    DATABASE_URL: env.postgresUrl(),
    AMQP_URL: env.amqpUrl(),
    BUS_PREFIX: z
      .string()
      .regex(BUS_PREFIX, 'must be dot-separated words (letters, digits, _ and -)')
      .default('axis'),
    // 0 lets the system choose a free port (tests).
    PORT: z.coerce.number().int().min(0).max(65535).default(3000),
    HOST: z.string().min(1).default('127.0.0.1'),
    AXIS_OPERATOR_TOKEN: env.secret(24),
    AXIS_DATA_DIR: z.string({ error: 'is required (the directory of the CA key and certificate)' }).min(1),
    AXIS_CA_PASSPHRASE: env.secret(12),
    AXIS_TRUST_ANCHORS: z
      .string()
      .optional()
      .transform((value) =>
        (value ?? '')
          .split(',')
          .map((path) => path.trim())
          .filter((path) => path !== ''),
      )
      .refine(
        (paths) => paths.every((path) => existsSync(path)),
        'every path must name an existing PEM file',
      ),
    // Connections to PostgreSQL (default 10); the embedded sandbox sets 1.
    DATABASE_POOL_MAX: z.coerce.number().int().min(1).max(100).optional(),
    LOG_LEVEL: logLevelSchema,
    CRL_VALIDITY_HOURS: z.coerce
      .number()
      .positive()
      .max(24 * 365)
      .default(24),
  })
  .transform((e) => ({
    databaseUrl: e.DATABASE_URL,
    amqpUrl: e.AMQP_URL,
    busPrefix: e.BUS_PREFIX,
    port: e.PORT,
    host: e.HOST,
    operatorToken: e.AXIS_OPERATOR_TOKEN,
    dataDir: e.AXIS_DATA_DIR,
    caPassphrase: e.AXIS_CA_PASSPHRASE,
    trustAnchorPaths: e.AXIS_TRUST_ANCHORS,
    crlValidityHours: e.CRL_VALIDITY_HOURS,
    logLevel: e.LOG_LEVEL,
    databasePoolMax: e.DATABASE_POOL_MAX,
  }));

export type AxisConfig = z.infer<typeof schema>;

/** Throws ConfigError listing every problem, one line each. */
export function loadAxisConfig(environment: NodeJS.ProcessEnv = process.env): AxisConfig {
  return loadConfig(schema, environment);
}
