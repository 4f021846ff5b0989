import type { CrlReason } from '@lienthong/pki';
import type { CertificateRecord } from '../../certificates/certificate';
import type { CertificateEntity } from '../entities/certificate.entity';
import { fromNull } from './optional';

export function toCertificateRecord(row: CertificateEntity): CertificateRecord {
  return {
    serial: row.serial,
    agencyCode: row.agencyCode,
    nodeId: row.nodeId,
    pem: row.pem,
    notBefore: row.notBefore,
    notAfter: row.notAfter,
    issuedAt: row.issuedAt,
    revokedAt: fromNull(row.revokedAt),
    revocationReason: fromNull(row.revocationReason) as CrlReason | undefined,
  };
}
