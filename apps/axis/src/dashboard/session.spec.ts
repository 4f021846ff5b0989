import { SESSION_HOURS, SessionSigner } from './session';

const TOKEN = 'operator-token-0123456789abcdef';
const now = new Date('2026-11-27T08:00:00Z');

describe('SessionSigner', () => {
  const signer = new SessionSigner(TOKEN);

  it('round-trips a session it signed', () => {
    const session = signer.issue('Nguyễn Văn A', now);
    const cookie = signer.sign(session);
    expect(cookie).toMatch(/^v1\.[\w-]+\.[\w-]+$/);
    expect(signer.verify(cookie, now)).toEqual(session);
  });

  it('refuses an altered payload, a forged signature and a missing cookie', () => {
    const cookie = signer.sign(signer.issue('a', now));
    const [v, payload, mac] = cookie.split('.');
    const other = Buffer.from(
      JSON.stringify({ ...JSON.parse(Buffer.from(payload, 'base64url').toString()), operator: 'b' }),
    ).toString('base64url');
    expect(signer.verify(`${v}.${other}.${mac}`, now)).toBeUndefined();
    expect(signer.verify(`${v}.${payload}.${mac.slice(1)}x`, now)).toBeUndefined();
    expect(signer.verify(`v2.${payload}.${mac}`, now)).toBeUndefined();
    expect(signer.verify('garbage', now)).toBeUndefined();
    expect(signer.verify(undefined, now)).toBeUndefined();
  });

  it('refuses a cookie signed under another operator token', () => {
    const cookie = new SessionSigner('another-operator-token-0123456789').sign(signer.issue('a', now));
    expect(signer.verify(cookie, now)).toBeUndefined();
  });

  it('ends a session after its lifetime', () => {
    const cookie = signer.sign(signer.issue('a', now));
    const justBefore = new Date(now.getTime() + SESSION_HOURS * 3600_000 - 1000);
    expect(signer.verify(cookie, justBefore)).toBeDefined();
    expect(signer.verify(cookie, new Date(now.getTime() + SESSION_HOURS * 3600_000))).toBeUndefined();
  });

  it('binds the CSRF token to the session', () => {
    const one = signer.issue('a', now);
    const two = signer.issue('a', now);
    expect(signer.checkCsrf(one, signer.csrfToken(one))).toBe(true);
    expect(signer.checkCsrf(one, signer.csrfToken(two))).toBe(false);
    expect(signer.checkCsrf(one, undefined)).toBe(false);
    expect(signer.checkCsrf(one, '')).toBe(false);
  });

  it('checks the operator token exactly', () => {
    expect(signer.checkOperatorToken(TOKEN, TOKEN)).toBe(true);
    expect(signer.checkOperatorToken(TOKEN, `${TOKEN}x`)).toBe(false);
    expect(signer.checkOperatorToken(TOKEN, '')).toBe(false);
    expect(signer.checkOperatorToken(TOKEN, ['x'])).toBe(false);
  });
});
