import { createHash, timingSafeEqual } from 'node:crypto';
import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { AppError } from '@lienthong/common';
import type { Request, Response } from 'express';
import { APP_CONFIG, AxisConfig } from '../config/axis-config';

/** `Authorization: Bearer <AXIS_OPERATOR_TOKEN>` on every operator route. */
@Injectable()
export class OperatorAuthGuard implements CanActivate {
  private readonly expected: Buffer;

  constructor(@Inject(APP_CONFIG) config: AxisConfig) {
    this.expected = digest(config.operatorToken);
  }

  canActivate(context: ExecutionContext): boolean {
    const http = context.switchToHttp();
    const header = http.getRequest<Request>().headers.authorization;
    const match = /^Bearer +(\S+) *$/i.exec(header ?? '');
    if (!match || !timingSafeEqual(digest(match[1]), this.expected)) {
      http.getResponse<Response>().setHeader('WWW-Authenticate', 'Bearer realm="lienthong-axis"');
      throw new AppError(
        'unauthenticated',
        match ? 'OPERATOR_TOKEN_INVALID' : 'OPERATOR_TOKEN_MISSING',
        match ? 'The operator token is not valid' : 'This route needs Authorization: Bearer <operator token>',
      );
    }
    return true;
  }
}

// Comparing digests keeps the comparison constant-time whatever the length of the guess.
function digest(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}
