import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import type { ClaimedOutboxMessage, NewOutboxMessage } from '../../domain/outbox';
import { OutboxEntity } from '../../entities/outbox.entity';
import { ClaimedOutboxRow, OutboxMapper } from '../../mappers/outbox.mapper';
import { OutboxBacklog, OutboxRepository } from '../outbox.repository';
import type { Tx } from '../transactor';

// The lease is taken in the same statement that picks the rows, and SKIP LOCKED lets several
// relays (or a relay and a slow predecessor) share the table without waiting on each other.
const CLAIM_SQL = `
  WITH due AS (
    SELECT id FROM outbox
     WHERE state = 'pending' AND next_attempt_at <= now()
       AND (lease_until IS NULL OR lease_until < now())
     ORDER BY next_attempt_at, created_at
     LIMIT $1
     FOR UPDATE SKIP LOCKED
  ), claimed AS (
    UPDATE outbox o
       SET lease_until = now() + ($2 * interval '1 millisecond'), attempts = o.attempts + 1
      FROM due WHERE o.id = due.id
    RETURNING o.*
  )
  SELECT c.id, c.exchange, c.routing_key, c.kind, c.document_uuid, c.recipient, c.headers,
         c.trace_context, c.attempts, c.created_at, COALESCE(c.payload, d.package) AS body
    FROM claimed c LEFT JOIN document d ON d.uuid = c.document_uuid
   ORDER BY c.created_at`;

@Injectable()
export class TypeOrmOutboxRepository extends OutboxRepository {
  constructor(private readonly dataSource: DataSource) {
    super();
  }

  async enqueue(tx: Tx, messages: NewOutboxMessage[]): Promise<void> {
    if (messages.length === 0) return;
    const now = new Date();
    await tx.insert(
      OutboxEntity,
      messages.map((m) => OutboxMapper.toEntity(m, now)) as QueryDeepPartialEntity<OutboxEntity>[],
    );
  }

  async claimDue(limit: number, leaseMs: number): Promise<ClaimedOutboxMessage[]> {
    const rows: ClaimedOutboxRow[] = await this.dataSource.query(CLAIM_SQL, [limit, leaseMs]);
    return rows.map((row) => OutboxMapper.claimedToDomain(row));
  }

  async markSent(tx: Tx, id: string): Promise<void> {
    await tx.query(
      `UPDATE outbox SET state = 'sent', sent_at = now(), lease_until = NULL, last_error = NULL WHERE id = $1`,
      [id],
    );
  }

  async markFailed(tx: Tx, id: string, error: string): Promise<void> {
    await tx.query(`UPDATE outbox SET state = 'failed', lease_until = NULL, last_error = $2 WHERE id = $1`, [
      id,
      error,
    ]);
  }

  async reschedule(id: string, delayMs: number, error: string): Promise<void> {
    await this.dataSource.query(
      `UPDATE outbox
          SET next_attempt_at = now() + ($2 * interval '1 millisecond'), lease_until = NULL, last_error = $3
        WHERE id = $1 AND state = 'pending'`,
      [id, delayMs, error],
    );
  }

  async backlog(): Promise<OutboxBacklog> {
    const [row] = (await this.dataSource.query(
      `SELECT count(*)::int AS pending, EXTRACT(EPOCH FROM now() - min(created_at))::float AS oldest
         FROM outbox WHERE state = 'pending'`,
    )) as { pending: number; oldest: number | null }[];
    return {
      pending: row.pending,
      ...(row.oldest !== null ? { oldestPendingSeconds: Math.max(0, row.oldest) } : {}),
    };
  }
}
