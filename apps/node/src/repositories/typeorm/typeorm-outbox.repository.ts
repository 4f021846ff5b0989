import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { ClaimedOutboxMessage, NewOutboxMessage } from '../../domain/outbox';
import { ClaimedOutboxRow, OutboxMapper } from '../../mappers/outbox.mapper';
import {
  OutboxBacklog,
  OutboxClaim,
  OutboxFailure,
  OutboxRepository,
  OutboxRetry,
} from '../outbox.repository';
import type { Tx } from '../transactor';
import { execute, insertRows, OUTBOX_ROWS, PACKAGE_SLICE_BYTES, readPackageBytes, SqlParams } from './sql';

// The lease is taken in the same statement that picks the rows, and SKIP LOCKED lets several
// relays (or a relay and a slow predecessor) share the table without waiting on each other.
// Rows are taken in order while the bodies before them stay under the byte budget.
const CLAIM_SQL = `
  WITH due AS (
    SELECT o.id, o.next_attempt_at, o.created_at,
           COALESCE(octet_length(o.payload), d.package_size, 0) AS size
      FROM outbox o LEFT JOIN document d ON d.uuid = o.document_uuid
     WHERE o.state = 'pending' AND o.next_attempt_at <= now()
       AND (o.lease_until IS NULL OR o.lease_until < now())
     ORDER BY o.next_attempt_at, o.created_at
     LIMIT $1
     FOR UPDATE OF o SKIP LOCKED
  ), budget AS (
    SELECT id, sum(size) OVER (ORDER BY next_attempt_at, created_at, id) - size AS before FROM due
  ), claimed AS (
    UPDATE outbox o
       SET lease_until = now() + ($2 * interval '1 millisecond'), attempts = o.attempts + 1
      FROM budget b WHERE o.id = b.id AND b.before < $3
    RETURNING o.*
  )
  SELECT c.id, c.exchange, c.routing_key, c.kind, c.document_uuid, c.recipient, c.headers,
         c.trace_context, c.attempts, c.created_at, d.package_size AS package_size,
         CASE WHEN c.payload IS NOT NULL THEN c.payload
              WHEN d.package_size <= $4 THEN d.package END AS body
    FROM claimed c LEFT JOIN document d ON d.uuid = c.document_uuid
   ORDER BY c.next_attempt_at, c.created_at`;

@Injectable()
export class TypeOrmOutboxRepository extends OutboxRepository {
  constructor(private readonly dataSource: DataSource) {
    super();
  }

  async enqueue(tx: Tx, messages: NewOutboxMessage[]): Promise<void> {
    if (messages.length === 0) return;
    const params = new SqlParams();
    await execute(tx, insertRows(OUTBOX_ROWS, messages, params), params.values);
  }

  async claimDue(claim: OutboxClaim, tx?: Tx): Promise<ClaimedOutboxMessage[]> {
    if (claim.limit <= 0) return [];
    const db = tx ?? this.dataSource;
    type Row = Omit<ClaimedOutboxRow, 'body'> & { body: Buffer | null; package_size: number | null };
    const rows = await execute<Row>(db, CLAIM_SQL, [
      claim.limit,
      claim.leaseMs,
      claim.maxBytes,
      PACKAGE_SLICE_BYTES,
    ]);
    // Large packages come in slices, after the claim (see readPackageBytes).
    for (const row of rows) {
      if (row.body === null && row.document_uuid !== null) {
        const body = await readPackageBytes(db, row.document_uuid, row.package_size ?? undefined);
        if (body) row.body = body;
      }
    }
    return rows
      .filter((row): row is Row & { body: Buffer } => row.body !== null)
      .map((row) => OutboxMapper.claimedToDomain(row));
  }

  async markSent(tx: Tx, ids: string[]): Promise<string[]> {
    if (ids.length === 0) return [];
    const rows = await execute<{ id: string }>(
      tx,
      `UPDATE outbox SET state = 'sent', sent_at = now(), lease_until = NULL, last_error = NULL
        WHERE id = ANY($1::uuid[]) AND state = 'pending'
        RETURNING id`,
      [ids],
    );
    return rows.map((row) => row.id);
  }

  async markFailed(tx: Tx, failures: OutboxFailure[]): Promise<string[]> {
    if (failures.length === 0) return [];
    const rows = await execute<{ id: string }>(
      tx,
      `UPDATE outbox o SET state = 'failed', lease_until = NULL, last_error = f.error
         FROM unnest($1::uuid[], $2::text[]) AS f(id, error)
        WHERE o.id = f.id AND o.state = 'pending'
        RETURNING o.id`,
      [failures.map((f) => f.id), failures.map((f) => f.error)],
    );
    return rows.map((row) => row.id);
  }

  async reschedule(retries: OutboxRetry[], tx?: Tx): Promise<void> {
    if (retries.length === 0) return;
    await execute(
      tx ?? this.dataSource,
      `UPDATE outbox o
          SET next_attempt_at = now() + (r.delay_ms * interval '1 millisecond'), lease_until = NULL,
              last_error = r.error
         FROM unnest($1::uuid[], $2::float8[], $3::text[]) AS r(id, delay_ms, error)
        WHERE o.id = r.id AND o.state = 'pending'`,
      [retries.map((r) => r.id), retries.map((r) => r.delayMs), retries.map((r) => r.error)],
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
