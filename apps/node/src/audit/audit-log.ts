import type { AuditEntry, AuditRecord, CheckpointRecord } from '@lienthong/audit';
import type { Tx } from '../repositories/transactor';

/**
 * The node's append-only audit log (a hash chain, libs/audit) and the checkpoints the axis signed
 * for it. Appends take the chain's head row lock until their transaction ends: give `tx` so the
 * entry commits with the change it records, and append last in the transaction.
 */
export abstract class AuditLog {
  /** One statement: the entries wait in `audit_pending` until sealed into the chain. */
  abstract append(records: readonly AuditRecord[], tx?: Tx): Promise<void>;
  /** Chains every committed pending entry (one sealer at a time); how many were sealed. */
  abstract seal(): Promise<number>;
  abstract head(): Promise<{ seq: number; hash: string }>;
  /** Entries fromSeq… in order, at most `limit`. */
  abstract list(fromSeq: number, limit: number): Promise<AuditEntry[]>;
  /** Every entry about one document, in order. */
  abstract listForDocument(documentId: string): Promise<AuditEntry[]>;
  /** Body hashes of entries fromSeq … toSeq, in order (from the stored body text). */
  abstract bodyHashes(fromSeq: number, toSeq: number): Promise<string[]>;
  /** The hash of entry `seq` (GENESIS_HASH for 0). */
  abstract hashAt(seq: number): Promise<string | undefined>;
  abstract latestCheckpoint(): Promise<CheckpointRecord | undefined>;
  abstract saveCheckpoint(checkpoint: CheckpointRecord): Promise<void>;
  /** The first checkpoint at or after `seq`. */
  abstract checkpointCovering(seq: number): Promise<CheckpointRecord | undefined>;
  abstract listCheckpoints(): Promise<CheckpointRecord[]>;
}

/**
 * Services take the log as an optional last constructor argument, so unit specs that build them
 * by hand need not; NodeModule always provides the real one (AUDIT_PROVIDERS).
 */
export class UnwiredAuditLog extends AuditLog {
  readonly appended: AuditRecord[] = [];
  async append(records: readonly AuditRecord[]): Promise<void> {
    this.appended.push(...records);
  }
  seal = async () => 0;
  head = async () => ({ seq: 0, hash: '0'.repeat(64) });
  list = async () => [];
  listForDocument = async () => [];
  bodyHashes = async () => [];
  hashAt = async () => undefined;
  latestCheckpoint = async () => undefined;
  saveCheckpoint = async () => undefined;
  checkpointCovering = async () => undefined;
  listCheckpoints = async () => [];
}
