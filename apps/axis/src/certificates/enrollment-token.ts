import { createHash, randomBytes } from 'node:crypto';

/** A token is good for a week: enough for an agency's IT to install a node, short enough to not linger. */
export const ENROLLMENT_TTL_MS = 7 * 24 * 3_600_000;

/** 32 random bytes, base64url: a bearer secret, shown once and never stored. */
export function newEnrollmentToken(): string {
  return randomBytes(32).toString('base64url');
}

/** What the database keeps instead of the token. A fast hash suffices: the token has 256 bits. */
export function hashEnrollmentToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}
