import type { PackageKind, TraceEvent, TraceEventName } from '@lienthong/protocol';
import type { TraceEventRecord } from '../../tracking/trace-event-record';
import type { TraceEventEntity } from '../entities/trace-event.entity';
import { fromNull, toNull } from './optional';

export function toTraceEventEntity(event: TraceEvent): Omit<TraceEventEntity, 'receivedAt'> {
  return {
    eventId: event.eventId,
    documentUuid: event.documentUuid,
    documentId: toNull(event.documentId),
    messageId: toNull(event.messageId),
    kind: event.kind,
    sender: event.sender,
    recipient: event.recipient,
    event: event.event,
    statusCode: toNull(event.statusCode),
    detail: toNull(event.detail),
    nodeId: event.nodeId,
    occurredAt: new Date(event.occurredAt),
  };
}

export function toTraceEventRecord(row: TraceEventEntity): TraceEventRecord {
  return {
    eventId: row.eventId,
    event: row.event as TraceEventName,
    documentUuid: row.documentUuid,
    documentId: fromNull(row.documentId),
    messageId: fromNull(row.messageId),
    kind: row.kind as PackageKind,
    sender: row.sender,
    recipient: row.recipient,
    statusCode: fromNull(row.statusCode),
    detail: fromNull(row.detail),
    nodeId: row.nodeId,
    occurredAt: row.occurredAt,
    receivedAt: row.receivedAt,
  };
}
