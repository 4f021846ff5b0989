import { applyDecorators, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { OperatorAuthGuard } from './operator-auth.guard';

export const OPERATOR_AUTH = 'operator';

/** Marks a controller (or route) as the operator's: bearer token required. */
export function OperatorOnly(): ClassDecorator & MethodDecorator {
  return applyDecorators(
    UseGuards(OperatorAuthGuard),
    ApiBearerAuth(OPERATOR_AUTH),
    ApiUnauthorizedResponse({ description: 'Missing or wrong operator token' }),
  );
}
