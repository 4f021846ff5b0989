import type { AuditEntry, AuditRecord, CheckpointRecord } from '@lienthong/audit';
import type { Transaction } from '../database/transaction';

/** The axis's audit log and the checkpoints it signed (PostgreSQL). */
export abstract class AuditRepository {
  /** Appends in one statement, in `tx` when given (so the entry commits with the change it records). */
  abstract append(records: readonly AuditRecord[], tx?: Transaction): Promise<void>;
  /** Chains every committed pending entry (one sealer at a time); how many were sealed. */
  abstract seal(): Promise<number>;
  abstract list(fromSeq: number, limit: number): Promise<AuditEntry[]>;
  /** Serializes checkpoints of one node until the transaction ends. */
  abstract lockNode(nodeId: string, tx: Transaction): Promise<void>;
  abstract latestCheckpoint(nodeId: string, tx?: Transaction): Promise<CheckpointRecord | undefined>;
  abstract saveCheckpoint(checkpoint: CheckpointRecord, tx: Transaction): Promise<void>;
  abstract listCheckpoints(nodeId: string): Promise<CheckpointRecord[]>;
}
