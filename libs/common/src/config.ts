import { z } from 'zod';

export class ConfigError extends Error {
  override readonly name = 'ConfigError';

  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

/**
 * Reads configuration from the environment exactly once, at start. Every mistake is reported at
 * once, one line each, naming the variable, so an operator fixes them all in one go.
 */
export function loadConfig<S extends z.ZodType>(schema: S, env: NodeJS.ProcessEnv = process.env): z.infer<S> {
  const result = schema.safeParse(env);
  if (result.success) return result.data;
  throw new ConfigError(
    result.error.issues.map((issue) => {
      const name = issue.path.join('.') || '(environment)';
      const value = issue.path.length === 1 ? env[String(issue.path[0])] : undefined;
      return value === undefined
        ? `${name}: ${issue.message}`
        : `${name}: ${issue.message} (got "${redact(name, value)}")`;
    }),
  );
}

/** Never echo a secret back into logs, even when it is wrong. */
function redact(name: string, value: string): string {
  return /TOKEN|SECRET|PASSPHRASE|PASSWORD|KEY/i.test(name) ? '***' : value;
}

/** Shared building blocks for the apps' schemas. */
export const env = {
  port: (fallback: number) => z.coerce.number().int().min(1).max(65535).default(fallback),
  postgresUrl: () =>
    z
      .string({ error: 'is required (e.g. postgres://user@127.0.0.1:5432/dbname)' })
      .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL'),
  amqpUrl: () =>
    z
      .string({ error: 'is required (e.g. amqp://user:pass@127.0.0.1:5672)' })
      .regex(/^amqps?:\/\//, 'must be an amqp:// URL'),
  secret: (minLength: number) =>
    z.string({ error: 'is required' }).min(minLength, `must be at least ${minLength} characters`),
  httpUrl: () => z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }),
};
