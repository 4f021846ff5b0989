import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import type { Request } from 'express';
import type { ApiCaller } from '../domain/api-key';
import { ApiKeysService } from '../services/api-keys.service';

export const API_KEY_HEADER = 'x-api-key';

export type RequestWithCaller = Request & { caller?: ApiCaller };

/** X-API-Key → the caller and its agencies, for the handlers' scoping. */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(private readonly keys: ApiKeysService) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<RequestWithCaller>();
    const header = request.headers[API_KEY_HEADER];
    request.caller = await this.keys.authenticate(typeof header === 'string' ? header : undefined);
    return true;
  }
}
