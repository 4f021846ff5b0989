import { z } from 'zod';
import { env, loadConfig } from '@lienthong/common';
import { LogLevelName, logLevelSchema } from '@lienthong/observability';

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
  /** After a batch smaller than the relay's limit, wait this long so rows that follow share a claim. */
  outboxLingerMs?: number;
  /**
   * Trace events written within one window of this many ms (TRACE_BATCH_MS) become due together at
   * its end, so that several travel in one message to the axis; absent or 0: at once.
   */
  traceBatchMs?: number;
  /** Where the official VPCP SDK's protocol is served (VDXP_BASE_PATH, default `/vdxp`). */
  vdxpBasePath?: string;
  /** How often the node tells the axis it is alive, with its mode and hosted agencies (default 30). */
  heartbeatSeconds: number;
  /** How often the audit chain head is sent to the axis to be signed (default 300). */
  auditCheckpointSeconds?: number;
  /** Connections to PostgreSQL (default 10); the embedded sandbox sets 1. */
  databasePoolMax?: number;
  /** `LOG_LEVEL` (default info). */
  logLevel?: LogLevelName;
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
    OUTBOX_LINGER_MS: positiveInt(25, 0).pipe(z.number().max(1000, 'must be at most 1000')),
    TRACE_BATCH_MS: positiveInt(250, 0).pipe(z.number().max(10_000, 'must be at most 10000')),
    VDXP_BASE_PATH: z
      .string()
      .regex(
        /^\/?[A-Za-z0-9._~-]+(\/[A-Za-z0-9._~-]+)*\/?$/,
        'must be a path such as /vdxp (letters, digits, ".", "_", "~", "-" between slashes; not /)',
      )
      .default('/vdxp'),
    HEARTBEAT_SECONDS: positiveInt(30),
    AUDIT_CHECKPOINT_SECONDS: positiveInt(300),
    DATABASE_POOL_MAX: z.coerce.number().int().min(1).max(100).optional(),
    LOG_LEVEL: logLevelSchema,
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
    outboxLingerMs: e.OUTBOX_LINGER_MS,
    traceBatchMs: e.TRACE_BATCH_MS,
    vdxpBasePath: `/${e.VDXP_BASE_PATH.replace(/^\/+|\/+$/g, '')}`,
    heartbeatSeconds: e.HEARTBEAT_SECONDS,
    auditCheckpointSeconds: e.AUDIT_CHECKPOINT_SECONDS,
    databasePoolMax: e.DATABASE_POOL_MAX,
    logLevel: e.LOG_LEVEL,
  }));

/** Throws ConfigError listing every problem, one line each. */
export function loadNodeConfig(source: NodeJS.ProcessEnv = process.env): NodeConfig {
  return loadConfig(schema, source);
}
