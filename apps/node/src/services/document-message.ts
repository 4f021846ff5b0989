import { randomUUID } from 'node:crypto';
import { MESSAGE_HEADERS, PackageKind } from '@lienthong/protocol';
import type { NewOutboxMessage, OutboxTraceContext } from '../domain/outbox';

export interface DocumentMessageInput {
  documentUuid: string;
  kind: PackageKind;
  /** The hosted agency sending the package. */
  from: string;
  recipient: string;
  trace: OutboxTraceContext;
}

/** One outbox row per recipient: its id is the bus messageId the recipient de-duplicates on. */
export function documentMessage(input: DocumentMessageInput): NewOutboxMessage {
  return {
    id: randomUUID(),
    exchange: 'documents',
    routingKey: input.recipient,
    kind: input.kind,
    documentUuid: input.documentUuid,
    recipient: input.recipient,
    headers: {
      [MESSAGE_HEADERS.kind]: input.kind,
      [MESSAGE_HEADERS.from]: input.from,
      [MESSAGE_HEADERS.document]: input.documentUuid,
    },
    trace: input.trace,
  };
}
