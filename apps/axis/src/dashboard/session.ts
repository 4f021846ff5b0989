import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/*
 * The operator's dashboard session: a signed cookie, no server-side store. Its key is derived from
 * the operator token, so changing AXIS_OPERATOR_TOKEN ends every session. Forms carry a CSRF token
 * bound to the session (HMAC of its id); the cookie itself is httpOnly and SameSite=Strict.
 */

export const SESSION_COOKIE = 'lt_dashboard';
export const LOGIN_CSRF_COOKIE = 'lt_dashboard_login';
export const LANGUAGE_COOKIE = 'lt_lang';
export const SESSION_HOURS = 8;

export interface DashboardSession {
  /** Random id: what the CSRF token is bound to. */
  sid: string;
  /** The name the operator typed at login, for the audit log. */
  operator: string;
  /** Seconds since the epoch. */
  issuedAt: number;
  expiresAt: number;
}

const VERSION = 'v1';

export class SessionSigner {
  private readonly key: Buffer;

  constructor(operatorToken: string) {
    this.key = createHmac('sha256', operatorToken).update('lienthong dashboard session v1').digest();
  }

  /** A new session for `operator`, valid {@link SESSION_HOURS} hours from `now`. */
  issue(operator: string, now = new Date()): DashboardSession {
    const issuedAt = Math.floor(now.getTime() / 1000);
    return {
      sid: randomBytes(16).toString('base64url'),
      operator,
      issuedAt,
      expiresAt: issuedAt + SESSION_HOURS * 3600,
    };
  }

  sign(session: DashboardSession): string {
    const payload = Buffer.from(JSON.stringify(session), 'utf8').toString('base64url');
    return `${VERSION}.${payload}.${this.mac(`${VERSION}.${payload}`)}`;
  }

  /** The session in a cookie value, or undefined when it is forged, altered, malformed or expired. */
  verify(cookie: string | undefined, now = new Date()): DashboardSession | undefined {
    if (typeof cookie !== 'string') return undefined;
    const parts = cookie.split('.');
    if (parts.length !== 3 || parts[0] !== VERSION) return undefined;
    if (!equal(parts[2], this.mac(`${parts[0]}.${parts[1]}`))) return undefined;
    let session: unknown;
    try {
      session = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8'));
    } catch {
      return undefined;
    }
    if (!isSession(session)) return undefined;
    if (session.expiresAt * 1000 <= now.getTime()) return undefined;
    return session;
  }

  /** The token every form of this session carries. */
  csrfToken(session: DashboardSession): string {
    return this.mac(`csrf.${session.sid}`);
  }

  checkCsrf(session: DashboardSession, token: unknown): boolean {
    return typeof token === 'string' && equal(token, this.csrfToken(session));
  }

  /** The operator token, compared in constant time whatever the length of the guess. */
  checkOperatorToken(expected: string, given: unknown): boolean {
    if (typeof given !== 'string' || given === '') return false;
    return timingSafeEqual(sha256(given), sha256(expected));
  }

  private mac(text: string): string {
    return createHmac('sha256', this.key).update(text, 'utf8').digest('base64url');
  }
}

/** A random token for the login form (double submit: cookie and hidden field must match). */
export function newLoginCsrf(): string {
  return randomBytes(18).toString('base64url');
}

export function equal(a: string, b: string): boolean {
  return timingSafeEqual(sha256(a), sha256(b));
}

function sha256(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

function isSession(value: unknown): value is DashboardSession {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    typeof v.sid === 'string' &&
    typeof v.operator === 'string' &&
    typeof v.issuedAt === 'number' &&
    typeof v.expiresAt === 'number'
  );
}
