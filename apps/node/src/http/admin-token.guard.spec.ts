import type { ExecutionContext } from '@nestjs/common';
import { TEST_CONFIG } from '../testing/unit-fakes';
import { AdminTokenGuard } from './admin-token.guard';

const contextWith = (authorization?: string) =>
  ({
    switchToHttp: () => ({ getRequest: () => ({ headers: authorization ? { authorization } : {} }) }),
  }) as unknown as ExecutionContext;

describe('AdminTokenGuard', () => {
  const guard = new AdminTokenGuard(TEST_CONFIG);

  it('lets the admin token through', () => {
    expect(guard.canActivate(contextWith(`Bearer ${TEST_CONFIG.adminToken}`))).toBe(true);
  });

  it.each([
    undefined,
    'Bearer wrong',
    `Basic ${TEST_CONFIG.adminToken}`,
    `Bearer ${TEST_CONFIG.adminToken}x`,
  ])('refuses %s with 401', (header) => {
    expect(() => guard.canActivate(contextWith(header))).toThrow(
      expect.objectContaining({ kind: 'unauthenticated', code: 'ADMIN_TOKEN_INVALID' }),
    );
  });
});
