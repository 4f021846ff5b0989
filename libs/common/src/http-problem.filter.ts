import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import type { Response } from 'express';
import { AppError, HTTP_STATUS_BY_KIND } from './app-error';

export interface Problem {
  statusCode: number;
  code: string;
  message: string;
  details?: Record<string, unknown>;
}

/** Errors from the libraries carry a stable code and a sentence; they are the caller's input at fault. */
interface CodedError extends Error {
  code: string;
  position?: { line: number; column: number };
  path?: string;
}

function isCodedError(error: unknown): error is CodedError {
  return (
    error instanceof Error &&
    typeof (error as CodedError).code === 'string' &&
    /^[A-Z][A-Z0-9_]+$/.test((error as CodedError).code)
  );
}

/**
 * The HTTP edge: every failure leaves as `{ statusCode, code, message, details? }`. Internal errors
 * are logged with their stack and answered with a sentence that reveals nothing.
 */
@Catch()
export class HttpProblemFilter implements ExceptionFilter {
  private readonly logger = new Logger('HttpProblemFilter');

  catch(exception: unknown, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<Response>();
    const problem = this.toProblem(exception);
    response.status(problem.statusCode).json(problem);
  }

  toProblem(exception: unknown): Problem {
    if (exception instanceof AppError) {
      return {
        statusCode: HTTP_STATUS_BY_KIND[exception.kind],
        code: exception.code,
        message: exception.message,
        details: exception.details,
      };
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const body = exception.getResponse();
      const message =
        typeof body === 'string'
          ? body
          : Array.isArray((body as { message?: unknown }).message)
            ? (body as { message: string[] }).message.join('; ')
            : String((body as { message?: unknown }).message ?? exception.message);
      return { statusCode: status, code: HTTP_CODES[status] ?? `HTTP_${status}`, message };
    }
    if (isCodedError(exception)) {
      const size = exception.code === 'XML_TOO_LARGE';
      const details: Record<string, unknown> = {};
      if (exception.position) details.position = exception.position;
      if (exception.path) details.path = exception.path;
      return {
        statusCode: size ? HttpStatus.PAYLOAD_TOO_LARGE : HttpStatus.UNPROCESSABLE_ENTITY,
        code: exception.code,
        message: exception.message,
        ...(Object.keys(details).length > 0 ? { details } : {}),
      };
    }
    this.logger.error({ err: exception }, 'unhandled error');
    return { statusCode: 500, code: 'INTERNAL', message: 'An internal error occurred; it has been logged.' };
  }
}

const HTTP_CODES: Record<number, string> = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHENTICATED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  429: 'TOO_MANY_REQUESTS',
};
