import type { BusExchange } from '@lienthong/bus';
import type {
  ClaimedOutboxMessage,
  NewOutboxMessage,
  OutboxKind,
  OutboxTraceContext,
} from '../domain/outbox';
import { OutboxEntity } from '../entities/outbox.entity';

/** A claimed row as the claim query returns it (snake_case, body joined from the document). */
export interface ClaimedOutboxRow {
  id: string;
  exchange: string;
  routing_key: string;
  kind: string;
  document_uuid: string | null;
  recipient: string | null;
  headers: Record<string, string>;
  trace_context: OutboxTraceContext | null;
  attempts: number;
  created_at: Date;
  body: Buffer;
}

export const OutboxMapper = {
  toEntity(m: NewOutboxMessage, now: Date): OutboxEntity {
    return Object.assign(new OutboxEntity(), {
      id: m.id,
      exchange: m.exchange,
      routingKey: m.routingKey,
      kind: m.kind,
      documentUuid: m.documentUuid ?? null,
      recipient: m.recipient ?? null,
      payload: m.payload ?? null,
      headers: m.headers,
      traceContext: m.trace ?? null,
      state: 'pending',
      attempts: 0,
      lastError: null,
      nextAttemptAt: now,
      leaseUntil: null,
      createdAt: now,
      sentAt: null,
    });
  },

  claimedToDomain(row: ClaimedOutboxRow): ClaimedOutboxMessage {
    return {
      id: row.id,
      exchange: row.exchange as BusExchange,
      routingKey: row.routing_key,
      kind: row.kind as OutboxKind,
      ...(row.document_uuid !== null ? { documentUuid: row.document_uuid } : {}),
      ...(row.recipient !== null ? { recipient: row.recipient } : {}),
      headers: row.headers,
      ...(row.trace_context !== null ? { trace: row.trace_context } : {}),
      body: row.body,
      attempts: row.attempts,
      createdAt: row.created_at,
    };
  },
};
