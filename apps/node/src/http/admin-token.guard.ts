import { createHash, timingSafeEqual } from 'node:crypto';
import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { AppError } from '@lienthong/common';
import type { Request } from 'express';
import { NODE_CONFIG, NodeConfig } from '../config/node-config';

/** Bearer NODE_ADMIN_TOKEN. Both sides are hashed first, so the comparison takes the same time whatever the length. */
@Injectable()
export class AdminTokenGuard implements CanActivate {
  private readonly expected: Buffer;

  constructor(@Inject(NODE_CONFIG) config: NodeConfig) {
    this.expected = digest(config.adminToken);
  }

  canActivate(context: ExecutionContext): boolean {
    const header = context.switchToHttp().getRequest<Request>().headers.authorization ?? '';
    const match = /^Bearer (.+)$/i.exec(header);
    if (!match || !timingSafeEqual(digest(match[1]), this.expected)) {
      throw new AppError('unauthenticated', 'ADMIN_TOKEN_INVALID', 'A valid admin bearer token is required');
    }
    return true;
  }
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}
