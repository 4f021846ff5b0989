import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import type { Options } from 'pino-http';
import { withAppLogger, withLogContext } from './log-context';

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** Health probes and scrapes come every few seconds: not worth a line each. */
const QUIET_PATHS = /^\/(health\/(live|ready)|metrics)(\?|$)/;

type Request = IncomingMessage & { id?: string | number; originalUrl?: string };

/** The caller's `X-Request-Id` when it is a plain token, else a new UUID; also set on the response. */
export function requestId(req: Request, res?: ServerResponse): string {
  if (typeof req.id === 'string' && req.id) return req.id;
  const header = req.headers['x-request-id'];
  const id = typeof header === 'string' && REQUEST_ID.test(header) ? header : randomUUID();
  req.id = id;
  if (res && !res.headersSent) res.setHeader('x-request-id', id);
  return id;
}

/**
 * pino-http (through nestjs-pino's LoggerModule): one line per request when it completes, with
 * method, path, status and duration. No headers, no query string, no body: what identifies a
 * caller (API key, bearer token) travels in headers, and a body is a package.
 */
export function httpLoggingOptions(logger: Logger): Options {
  return {
    logger,
    genReqId: (req, res) => requestId(req as Request, res),
    autoLogging: { ignore: (req) => QUIET_PATHS.test((req as Request).originalUrl ?? req.url ?? '') },
    customLogLevel: (_req, res, error) =>
      error || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info',
    customSuccessMessage: () => 'request completed',
    customErrorMessage: () => 'request failed',
    customAttributeKeys: { responseTime: 'durationMs' },
    serializers: {
      req: (req: { id?: unknown; method?: string; url?: string; raw?: Request }) => ({
        id: req.id,
        method: req.method,
        path: (req.raw?.originalUrl ?? req.url ?? '').split('?')[0],
      }),
      res: (res: { statusCode?: number }) => ({ statusCode: res.statusCode }),
    },
  };
}

/**
 * Gives every HTTP request its own log context (`reqId`, and the app's logger), so that services
 * can add the document id and agency once they know them ({@link addLogContext}) and every later
 * line carries them.
 */
export function logContextMiddleware(logger: Logger) {
  return (req: Request, res: ServerResponse, next: () => void): void =>
    withAppLogger(logger, () => withLogContext({ reqId: requestId(req, res) }, next));
}
