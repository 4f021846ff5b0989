/**
 * The one internal error type (boulder-style): a small set of kinds that the HTTP edge maps to
 * status codes, a stable machine-readable code, and a sentence for people. Services throw it;
 * only the edge decides what the caller sees.
 */
export type AppErrorKind =
  | 'invalid'
  | 'unauthenticated'
  | 'forbidden'
  | 'not-found'
  | 'conflict'
  | 'too-large'
  | 'unavailable'
  | 'internal';

export class AppError extends Error {
  override readonly name = 'AppError';

  constructor(
    readonly kind: AppErrorKind,
    readonly code: string,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
  }

  static invalid(code: string, message: string, details?: Record<string, unknown>): AppError {
    return new AppError('invalid', code, message, details);
  }

  static notFound(code: string, message: string): AppError {
    return new AppError('not-found', code, message);
  }

  static forbidden(code: string, message: string): AppError {
    return new AppError('forbidden', code, message);
  }

  static conflict(code: string, message: string, details?: Record<string, unknown>): AppError {
    return new AppError('conflict', code, message, details);
  }
}

export const HTTP_STATUS_BY_KIND: Record<AppErrorKind, number> = {
  invalid: 422,
  unauthenticated: 401,
  forbidden: 403,
  'not-found': 404,
  conflict: 409,
  'too-large': 413,
  unavailable: 503,
  internal: 500,
};
