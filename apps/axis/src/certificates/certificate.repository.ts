import type { Transaction } from '../database/transaction';
import type { CertificateRecord, NewCertificate, Revocation } from './certificate';

export abstract class CertificateRepository {
  abstract record(certificate: NewCertificate, tx: Transaction): Promise<void>;

  /** Locks the row until the transaction ends, so two revocations cannot race. */
  abstract findBySerialForUpdate(serial: string, tx: Transaction): Promise<CertificateRecord | undefined>;

  /** Newest first. */
  abstract listByAgency(agencyCode: string): Promise<CertificateRecord[]>;

  abstract markRevoked(revocation: Revocation, tx: Transaction): Promise<void>;

  /** Every revoked certificate: the content of the next CRL. */
  abstract listRevocations(tx?: Transaction): Promise<Revocation[]>;
}
