import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { ApiCaller } from '../domain/api-key';
import type { RequestWithCaller } from './api-key.guard';

/** The caller ApiKeyGuard authenticated. */
export const Caller = createParamDecorator((_: unknown, context: ExecutionContext): ApiCaller => {
  const caller = context.switchToHttp().getRequest<RequestWithCaller>().caller;
  if (!caller) throw new Error('@Caller() used on a route without ApiKeyGuard');
  return caller;
});
