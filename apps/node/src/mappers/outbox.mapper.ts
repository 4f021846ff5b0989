import type { BusExchange } from '@lienthong/bus';
import type { ClaimedOutboxMessage, OutboxKind, OutboxTraceContext } from '../domain/outbox';

/** A claimed row as the claim query returns it (snake_case, body joined from the document, or read after). */
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
