import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import {
  appendPending,
  AuditCheckpointRow,
  AuditEntry,
  AuditQuery,
  AuditRecord,
  checkpointFromRow,
  CheckpointRecord,
  listEntries,
  sealPending,
} from '@lienthong/audit';
import { AuditRepository } from '../../audit/audit.repository';
import { AXIS_DATA_SOURCE } from '../data-source-name';
import type { Transaction } from '../transaction';

/** Advisory lock class of checkpoint signing (object: the node id's hash). */
const CHECKPOINT_LOCK_CLASS = 0x6c75;

interface CheckpointRow extends AuditCheckpointRow {
  node_id: string;
}

@Injectable()
export class TypeormAuditRepository extends AuditRepository {
  constructor(@InjectDataSource(AXIS_DATA_SOURCE) private readonly db: DataSource) {
    super();
  }

  append(records: readonly AuditRecord[], tx?: Transaction): Promise<void> {
    return appendPending(this.query(tx), records);
  }

  seal(): Promise<number> {
    return sealPending(this.query());
  }

  list(fromSeq: number, limit: number): Promise<AuditEntry[]> {
    return listEntries(this.query(), fromSeq, limit);
  }

  async lockNode(nodeId: string, tx: Transaction): Promise<void> {
    await tx.query(`SELECT pg_advisory_xact_lock($1, hashtext($2))`, [CHECKPOINT_LOCK_CLASS, nodeId]);
  }

  async latestCheckpoint(nodeId: string, tx?: Transaction): Promise<CheckpointRecord | undefined> {
    const [row] = (await this.manager(tx).query(
      `SELECT * FROM audit_checkpoint WHERE node_id = $1 ORDER BY seq DESC LIMIT 1`,
      [nodeId],
    )) as CheckpointRow[];
    return row ? toRecord(row) : undefined;
  }

  async saveCheckpoint(c: CheckpointRecord, tx: Transaction): Promise<void> {
    await tx.query(
      `INSERT INTO audit_checkpoint (node_id, seq, head_hash, signed_at, payload, signature, certificate_pem)
       VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [c.nodeId, c.seq, c.headHash, new Date(c.signedAt), c.payload, c.signature, c.certificatePem],
    );
  }

  async listCheckpoints(nodeId: string): Promise<CheckpointRecord[]> {
    const rows = (await this.db.query(`SELECT * FROM audit_checkpoint WHERE node_id = $1 ORDER BY seq`, [
      nodeId,
    ])) as CheckpointRow[];
    return rows.map(toRecord);
  }

  private manager(tx?: Transaction): EntityManager {
    return tx ?? this.db.manager;
  }

  private query(tx?: Transaction): AuditQuery {
    const manager = this.manager(tx);
    return (sql, params) => manager.query(sql, [...params]);
  }
}

function toRecord(row: CheckpointRow): CheckpointRecord {
  return checkpointFromRow(row, row.node_id);
}
