import type { Transaction } from '../database/transaction';
import type { CrlRecord } from './crl';

export abstract class CrlRepository {
  abstract findLatest(tx?: Transaction): Promise<CrlRecord | undefined>;

  /** Serializes CRL issuers until the transaction ends, so no two CRLs get the same number. */
  abstract lockIssuance(tx: Transaction): Promise<void>;

  abstract save(crl: CrlRecord, tx: Transaction): Promise<void>;
}
