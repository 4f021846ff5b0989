import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import {
  appendPending,
  AuditCheckpointRow,
  AuditEntry,
  AuditEntryRow,
  AuditQuery,
  AuditRecord,
  checkpointFromRow,
  CheckpointRecord,
  entryFromRow,
  GENESIS_HASH,
  listEntries,
  sealPending,
} from '@lienthong/audit';
import { NODE_CONFIG, NodeConfig } from '../config/node-config';
import type { Tx } from '../repositories/transactor';
import { execute } from '../repositories/typeorm/sql';
import { AuditLog } from './audit-log';

@Injectable()
export class TypeOrmAuditLog extends AuditLog {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(NODE_CONFIG) private readonly config: NodeConfig,
  ) {
    super();
  }

  append(records: readonly AuditRecord[], tx?: Tx): Promise<void> {
    return appendPending(this.query(tx), records);
  }

  seal(): Promise<number> {
    return sealPending(this.query());
  }

  async head(): Promise<{ seq: number; hash: string }> {
    const [row] = await execute<{ seq: string; hash: string }>(
      this.dataSource,
      `SELECT seq, hash FROM audit_head WHERE id = 1`,
      [],
    );
    return { seq: Number(row.seq), hash: row.hash };
  }

  list(fromSeq: number, limit: number): Promise<AuditEntry[]> {
    return listEntries(this.query(), fromSeq, limit);
  }

  async listForDocument(documentId: string): Promise<AuditEntry[]> {
    const rows = await execute<AuditEntryRow>(
      this.dataSource,
      `SELECT seq, body, prev_hash, hash FROM audit_entry WHERE document_id = $1 ORDER BY seq`,
      [documentId],
    );
    return rows.map(entryFromRow);
  }

  async bodyHashes(fromSeq: number, toSeq: number): Promise<string[]> {
    const rows = await execute<{ h: string }>(
      this.dataSource,
      `SELECT encode(sha256(convert_to(body, 'UTF8')), 'hex') AS h FROM audit_entry
        WHERE seq BETWEEN $1 AND $2 ORDER BY seq`,
      [fromSeq, toSeq],
    );
    return rows.map((r) => r.h);
  }

  async hashAt(seq: number): Promise<string | undefined> {
    if (seq === 0) return GENESIS_HASH;
    const [row] = await execute<{ hash: string }>(
      this.dataSource,
      `SELECT hash FROM audit_entry WHERE seq = $1`,
      [seq],
    );
    return row?.hash;
  }

  async latestCheckpoint(): Promise<CheckpointRecord | undefined> {
    const [row] = await execute<AuditCheckpointRow>(
      this.dataSource,
      `SELECT * FROM audit_checkpoint ORDER BY seq DESC LIMIT 1`,
      [],
    );
    return row ? this.toCheckpoint(row) : undefined;
  }

  async saveCheckpoint(c: CheckpointRecord): Promise<void> {
    await execute(
      this.dataSource,
      `INSERT INTO audit_checkpoint (seq, head_hash, signed_at, payload, signature, certificate_pem)
       VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (seq) DO NOTHING`,
      [c.seq, c.headHash, new Date(c.signedAt), c.payload, c.signature, c.certificatePem],
    );
  }

  async checkpointCovering(seq: number): Promise<CheckpointRecord | undefined> {
    const [row] = await execute<AuditCheckpointRow>(
      this.dataSource,
      `SELECT * FROM audit_checkpoint WHERE seq >= $1 ORDER BY seq LIMIT 1`,
      [seq],
    );
    return row ? this.toCheckpoint(row) : undefined;
  }

  async listCheckpoints(): Promise<CheckpointRecord[]> {
    const rows = await execute<AuditCheckpointRow>(
      this.dataSource,
      `SELECT * FROM audit_checkpoint ORDER BY seq`,
      [],
    );
    return rows.map((r) => this.toCheckpoint(r));
  }

  private toCheckpoint(row: AuditCheckpointRow): CheckpointRecord {
    return checkpointFromRow(row, this.config.nodeId);
  }

  private query(tx?: Tx): AuditQuery {
    return async <Row>(sql: string, params: readonly unknown[]) =>
      (await execute(tx ?? this.dataSource, sql, [...params])) as Row[];
  }
}
