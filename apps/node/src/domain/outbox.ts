import type { BusExchange } from '@lienthong/bus';
import type { PackageKind } from '@lienthong/protocol';

export type OutboxKind = PackageKind | 'trace';

/**
 * What trace events about this row say. Precomputed when the row is written, because for a
 * status package the document, sender and recipient are those of the document it answers.
 */
export interface OutboxTraceContext {
  documentUuid: string;
  documentId?: string;
  sender: string;
  recipient: string;
  statusCode?: string;
}

export interface NewOutboxMessage {
  /** Also the bus messageId: stable across re-publishes, so receivers de-duplicate on it. */
  id: string;
  exchange: BusExchange;
  routingKey: string;
  kind: OutboxKind;
  /** Document rows: their body is the document's package. */
  documentUuid?: string;
  recipient?: string;
  /** Trace rows: the event JSON. */
  payload?: Buffer;
  headers: Record<string, string>;
  trace?: OutboxTraceContext;
  /**
   * Due at the end of the window of this many ms (of the database's clock) it was written in: the
   * rows written within one window become due together and travel together (trace events).
   */
  batchWindowMs?: number;
}

export interface ClaimedOutboxMessage extends NewOutboxMessage {
  body: Buffer;
  /** Including this one. */
  attempts: number;
  createdAt: Date;
}
