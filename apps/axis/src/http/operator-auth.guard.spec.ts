import type { ExecutionContext } from '@nestjs/common';
import { AppError } from '@lienthong/common';
import type { AxisConfig } from '../config/axis-config';
import { OperatorAuthGuard } from './operator-auth.guard';

const TOKEN = 'a-very-long-operator-token-for-tests';

function context(authorization?: string) {
  const setHeader = jest.fn();
  const ctx = {
    switchToHttp: () => ({
      getRequest: () => ({ headers: authorization === undefined ? {} : { authorization } }),
      getResponse: () => ({ setHeader }),
    }),
  } as unknown as ExecutionContext;
  return { ctx, setHeader };
}

describe('OperatorAuthGuard', () => {
  const guard = new OperatorAuthGuard({ operatorToken: TOKEN } as AxisConfig);

  it('lets the operator token through', () => {
    expect(guard.canActivate(context(`Bearer ${TOKEN}`).ctx)).toBe(true);
    expect(guard.canActivate(context(`bearer ${TOKEN}`).ctx)).toBe(true);
  });

  it.each([
    [undefined, 'OPERATOR_TOKEN_MISSING'],
    ['', 'OPERATOR_TOKEN_MISSING'],
    [TOKEN, 'OPERATOR_TOKEN_MISSING'],
    [`Basic ${TOKEN}`, 'OPERATOR_TOKEN_MISSING'],
    [`Bearer ${TOKEN.slice(0, -1)}`, 'OPERATOR_TOKEN_INVALID'],
    [`Bearer ${TOKEN}x`, 'OPERATOR_TOKEN_INVALID'],
  ])('refuses %p with 401 %s and a challenge', (header, code) => {
    const { ctx, setHeader } = context(header);
    let error: unknown;
    try {
      guard.canActivate(ctx);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ kind: 'unauthenticated', code });
    expect(setHeader).toHaveBeenCalledWith('WWW-Authenticate', expect.stringMatching(/^Bearer/));
  });
});
