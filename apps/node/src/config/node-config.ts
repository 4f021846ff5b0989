import { z } from 'zod';
import { env, loadConfig } from '@lienthong/common';

export type NodeMode = 'dedicated' | 'shared';

/** The node's whole configuration, validated once at start; nothing else reads `process.env`. */
export interface NodeConfig {
  databaseUrl: string;
  amqpUrl: string;
  busPrefix: string;
  port: number;
  host: string;
  mode: NodeMode;
  nodeId: string;
  axisUrl: string;
  adminToken: string;
  keyPassphrase: string;
  maxPackageBytes: number;
  trustRefreshSeconds: number;
  outboxPollMs: number;
}

/** DI token of the {@link NodeConfig} object. */
export const NODE_CONFIG = Symbol('NodeConfig');

export const DEFAULT_MAX_PACKAGE_BYTES = 50 * 1024 * 1024;

const positiveInt = (fallback: number, min = 1) =>
  z.coerce
    .number({ error: 'must be a whole number' })
    .int('must be a whole number')
    .min(min, `must be at least ${min}`)
    .default(fallback);

const schema = z
  .object({
    DATABASE_URL: env.postgresUrl(),
    AMQP_URL: env.amqpUrl(),
    BUS_PREFIX: z
      .string()
      .regex(/^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/, 'must be dot-separated words of letters, digits, _ or -')
      .default('axis'),
    // 0 lets the operating system pick a free port (in-process tests).
    PORT: z.coerce.number().int().min(0).max(65535, 'must be a TCP port').default(3100),
    HOST: z.string().min(1).default('127.0.0.1'),
    NODE_MODE: z.enum(['dedicated', 'shared'], { error: 'must be "dedicated" or "shared"' }),
    NODE_ID: z
      .string({ error: 'is required (the node name in the directory, e.g. node-vpcp)' })
      .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'must be up to 64 letters, digits, ".", "_" or "-"'),
    AXIS_URL: env.httpUrl(),
    NODE_ADMIN_TOKEN: env.secret(24),
    NODE_KEY_PASSPHRASE: env.secret(12),
    MAX_PACKAGE_BYTES: positiveInt(DEFAULT_MAX_PACKAGE_BYTES, 1024),
    TRUST_REFRESH_SECONDS: positiveInt(60),
    OUTBOX_POLL_MS: positiveInt(200, 10),
  })
  .transform((e): NodeConfig => ({
    databaseUrl: e.DATABASE_URL,
    amqpUrl: e.AMQP_URL,
    busPrefix: e.BUS_PREFIX,
    port: e.PORT,
    host: e.HOST,
    mode: e.NODE_MODE,
    nodeId: e.NODE_ID,
    axisUrl: e.AXIS_URL.replace(/\/+$/, ''),
    adminToken: e.NODE_ADMIN_TOKEN,
    keyPassphrase: e.NODE_KEY_PASSPHRASE,
    maxPackageBytes: e.MAX_PACKAGE_BYTES,
    trustRefreshSeconds: e.TRUST_REFRESH_SECONDS,
    outboxPollMs: e.OUTBOX_POLL_MS,
  }));

/** Throws ConfigError listing every problem, one line each. */
export function loadNodeConfig(source: NodeJS.ProcessEnv = process.env): NodeConfig {
  return loadConfig(schema, source);
}
