import type { CrlReason } from '@lienthong/pki';

export interface CertificateRecord {
  /** Upper-case hex, as OpenSSL prints it. */
  serial: string;
  agencyCode: string;
  nodeId: string;
  pem: string;
  notBefore: Date;
  notAfter: Date;
  issuedAt: Date;
  revokedAt?: Date;
  revocationReason?: CrlReason;
}

export type NewCertificate = Omit<CertificateRecord, 'issuedAt' | 'revokedAt' | 'revocationReason'>;

export interface Revocation {
  serial: string;
  revokedAt: Date;
  reason: CrlReason;
}
