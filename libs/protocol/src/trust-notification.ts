/**
 * What the axis broadcasts to every node when the trust material changes, so that nodes refresh at
 * once instead of at their next poll (`TRUST_REFRESH_SECONDS`, which stays as the safety net). One
 * JSON object per message on the bus's notification exchange; the bus notification type is the
 * same as `type` here. A hint, not the data: the node fetches the CRL or the directory over HTTP.
 */
export const NOTIFICATION_TYPES = [
  /** A new CRL was stored (a revocation, or the scheduled re-issue at half its validity). */
  'crl-updated',
  /** The directory changed: an agency registered, updated, suspended, reactivated, enrolled, or its certificate revoked. */
  'directory-updated',
] as const;
export type NotificationType = (typeof NOTIFICATION_TYPES)[number];

/** Why the directory changed; for logs, nodes refresh the same way whatever it is. */
export const DIRECTORY_CHANGES = [
  'registered',
  'updated',
  'suspended',
  'reactivated',
  'enrolled',
  'certificate-revoked',
] as const;
export type DirectoryChange = (typeof DIRECTORY_CHANGES)[number];

export interface CrlUpdatedNotification {
  type: 'crl-updated';
  /** cRLNumber of the new CRL, decimal (as in the revocation response): a node holding it already can skip the fetch. */
  crlNumber: string;
  /** ISO 8601 thisUpdate of the new CRL. */
  thisUpdate: string;
}

export interface DirectoryUpdatedNotification {
  type: 'directory-updated';
  /** The agency whose entry changed; absent: refresh everything. */
  agencyCode?: string;
  change?: DirectoryChange;
}

export type TrustNotification = CrlUpdatedNotification | DirectoryUpdatedNotification;

/**
 * The notification in a message body, or undefined for anything else (not JSON, an unknown type
 * from a newer axis, missing fields): a node ignores what it cannot read and keeps polling.
 */
export function parseTrustNotification(body: Buffer | string): TrustNotification | undefined {
  let value: unknown;
  try {
    value = JSON.parse(typeof body === 'string' ? body : body.toString('utf8'));
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const v = value as Record<string, unknown>;
  if (v.type === 'crl-updated') {
    if (typeof v.crlNumber !== 'string' || !/^\d+$/.test(v.crlNumber)) return undefined;
    if (typeof v.thisUpdate !== 'string') return undefined;
    return { type: 'crl-updated', crlNumber: v.crlNumber, thisUpdate: v.thisUpdate };
  }
  if (v.type === 'directory-updated') {
    const notification: DirectoryUpdatedNotification = { type: 'directory-updated' };
    if (v.agencyCode !== undefined) {
      if (typeof v.agencyCode !== 'string') return undefined;
      notification.agencyCode = v.agencyCode;
    }
    if (typeof v.change === 'string' && (DIRECTORY_CHANGES as readonly string[]).includes(v.change)) {
      notification.change = v.change as DirectoryChange;
    }
    return notification;
  }
  return undefined;
}
