import type { LoggerService, LogLevel } from '@nestjs/common';
import pino, { DestinationStream, Logger, LevelWithSilent } from 'pino';
import { z } from 'zod';
import { contextLogger, currentLogContext } from './log-context';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevelName = (typeof LOG_LEVELS)[number];

/** `LOG_LEVEL` in every process's configuration schema. */
export const logLevelSchema = z
  .enum(LOG_LEVELS, { error: `must be one of ${LOG_LEVELS.join(', ')}` })
  .default('info');

/**
 * Never written, whatever a caller passes: credentials, keys, package bodies. The HTTP serializers
 * below already keep only safe request fields; this is the second line of defence (and covers
 * errors: a TypeORM QueryFailedError carries its query parameters, i.e. package bytes).
 *
 * Members with these names are replaced at the top of a line and one level down (`agency.key`,
 * `err.parameters`).
 */
export const SECRET_MEMBERS: ReadonlySet<string> = new Set([
  'authorization',
  'x-api-key',
  'cookie',
  'set-cookie',
  'apiKey',
  'key',
  'keyPem',
  'privateKey',
  'token',
  'enrollmentToken',
  'operatorToken',
  'adminToken',
  'password',
  'passphrase',
  'keyPassphrase',
  'caPassphrase',
  'body',
  'package',
  'parameters',
  'driverError',
]);

/** Exact places deeper than one level, left to pino's redaction. */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers["x-api-key"]',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
];

const CENSOR = '[redacted]';

export interface AppLoggerOptions {
  /** `axis`, `node`, `sandbox`: the `app` field of every line. */
  app: string;
  /** Default `info`. */
  level?: LogLevelName;
  /** More fields on every line, e.g. `{ node: 'node-vpcp' }`. */
  bindings?: Record<string, string>;
  /** Default: standard output. Tests pass a stream that collects lines. */
  destination?: DestinationStream;
}

/**
 * The process's pino logger: one JSON object per line, ISO time, the level as a word, the current
 * {@link withLogContext} fields on every line, secrets and bodies redacted.
 */
export function createAppLogger(options: AppLoggerOptions): Logger {
  return pino(
    {
      level: options.level ?? 'info',
      base: { app: options.app, ...options.bindings },
      timestamp: pino.stdTimeFunctions.isoTime,
      // Child loggers are pino-http's only, bound to the request its serializer reduces to id,
      // method and path: the line is what needs the pass.
      formatters: { level: (label) => ({ level: label }), log: withoutSecrets },
      // Fields given in the call win over the context's.
      mixin: () => currentLogContext(),
      redact: { paths: REDACTED_PATHS, censor: CENSOR },
      serializers: { err: pino.stdSerializers.err },
    },
    options.destination ?? pino.destination(1),
  );
}

/**
 * The line with every {@link SECRET_MEMBERS} member replaced, at the top and one level down. One
 * pass over the members, and a copy only of an object that holds a secret (the caller's objects are
 * never changed). pino's own redaction walks the line once per wildcard path: a request log line
 * cost 50 µs with the 30 paths this replaces, and costs 9 µs with this pass and the 4 exact paths.
 */
function withoutSecrets(line: Record<string, unknown>): Record<string, unknown> {
  let out: Record<string, unknown> | undefined;
  for (const name of Object.keys(line)) {
    const value = line[name];
    const safe = SECRET_MEMBERS.has(name) ? CENSOR : censorMembers(value);
    if (safe !== value) (out ??= { ...line })[name] = safe;
  }
  return out ?? line;
}

/**
 * `value` itself, or when it has a secret member of its own, a copy (same prototype) without it.
 * Looks the names up rather than listing the members: a Buffer or a request has many.
 */
function censorMembers(value: unknown): unknown {
  if (typeof value !== 'object' || value === null) return value;
  let copy: object | undefined;
  for (const name of SECRET_MEMBERS) {
    if (!Object.prototype.hasOwnProperty.call(value, name)) continue;
    // Descriptors, not a spread: an Error's message and stack are not enumerable.
    copy ??= Object.create(Object.getPrototypeOf(value), Object.getOwnPropertyDescriptors(value)) as object;
    Object.defineProperty(copy, name, { value: CENSOR, enumerable: true, writable: true, configurable: true });
  }
  return copy ?? value;
}

/**
 * Nest's `logger` option (what tests pass today: `false`, `['error']`, `['error', 'warn']`) as a
 * pino level: the most verbose level listed. A LoggerService instance keeps `fallback`.
 */
export function pinoLevelOf(
  logger: LoggerService | LogLevel[] | false | undefined,
  fallback: LogLevelName,
): LogLevelName {
  if (logger === false) return 'silent';
  if (!Array.isArray(logger)) return fallback;
  if (logger.length === 0) return 'silent';
  const order: [LogLevel, LogLevelName][] = [
    ['verbose', 'trace'],
    ['debug', 'debug'],
    ['log', 'info'],
    ['warn', 'warn'],
    ['error', 'error'],
    ['fatal', 'fatal'],
  ];
  return order.find(([nest]) => logger.includes(nest))?.[1] ?? fallback;
}

/**
 * Nest's LoggerService on a pino logger: `new Logger(Ctx).warn(...)` in any service lands here.
 * Nest keeps one such logger per process; a line logged inside an app's work
 * ({@link withAppLogger}) goes to that app's pino logger, otherwise to this one's.
 * Static messages with fields (`logger.warn({ msg: 'message will be retried', reason })`) become
 * `{"msg":"message will be retried","reason":...,"context":"Ctx"}`; plain strings still work.
 */
export class PinoNestLogger implements LoggerService {
  constructor(readonly pino: Logger) {}

  log(message: unknown, ...params: unknown[]): void {
    this.write('info', message, params);
  }

  error(message: unknown, ...params: unknown[]): void {
    this.write('error', message, params);
  }

  warn(message: unknown, ...params: unknown[]): void {
    this.write('warn', message, params);
  }

  debug(message: unknown, ...params: unknown[]): void {
    this.write('debug', message, params);
  }

  verbose(message: unknown, ...params: unknown[]): void {
    this.write('trace', message, params);
  }

  fatal(message: unknown, ...params: unknown[]): void {
    this.write('fatal', message, params);
  }

  private write(level: Exclude<LevelWithSilent, 'silent'>, message: unknown, params: unknown[]): void {
    const logger = contextLogger<Logger>() ?? this.pino;
    if (!logger.isLevelEnabled(level)) return;
    const rest = [...params];
    // Nest appends the Logger's context as the last string argument.
    const context =
      rest.length > 0 && typeof rest[rest.length - 1] === 'string' ? (rest.pop() as string) : undefined;
    const fields: Record<string, unknown> = context ? { context } : {};
    // Logger.error(message, stack, context)
    let text: string | undefined;
    for (const p of rest) {
      if (p instanceof Error) fields.err = p;
      else if (typeof p === 'string' && /\n\s+at /.test(p)) fields.stack = p;
      else if (typeof p === 'string') text ??= p; // logger.error({ err }, 'what happened')
    }
    if (message instanceof Error) {
      logger[level]({ ...fields, err: message }, text ?? message.message);
    } else if (typeof message === 'object' && message !== null) {
      const { msg, message: inner, ...own } = message as Record<string, unknown>;
      const line = typeof msg === 'string' ? msg : typeof inner === 'string' ? inner : text;
      logger[level]({ ...fields, ...own }, line);
    } else {
      logger[level](fields, String(message));
    }
  }
}
