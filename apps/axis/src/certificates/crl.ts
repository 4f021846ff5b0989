import type { CrlUpdatedNotification } from '@lienthong/protocol';

export interface CrlRecord {
  /** cRLNumber: strictly increasing, never reused. */
  number: bigint;
  pem: string;
  thisUpdate: Date;
  nextUpdate: Date;
}

/** What nodes are told once a new CRL is committed. */
export function crlUpdatedNotification(crl: CrlRecord): CrlUpdatedNotification {
  return { type: 'crl-updated', crlNumber: crl.number.toString(), thisUpdate: crl.thisUpdate.toISOString() };
}
