import type { TraceEvent } from '@lienthong/protocol';
import type { Delivery } from './delivery';
import { stateOfEvent, supersedes } from './delivery-state';

export interface DeliveryUpdate {
  delivery: Delivery;
  /** False when the event taught nothing new (an older step arriving late). */
  changed: boolean;
}

/**
 * The delivery after one more event about it. Undefined when there is no delivery yet and the
 * event cannot start one (a status code the axis does not track).
 */
export function applyTraceEvent(
  current: Delivery | undefined,
  event: TraceEvent,
  now: Date,
): DeliveryUpdate | undefined {
  const state = stateOfEvent(event.event, event.statusCode);
  const occurredAt = new Date(event.occurredAt);
  if (!current) {
    if (!state) return undefined;
    return {
      changed: true,
      delivery: {
        documentUuid: event.documentUuid,
        recipient: event.recipient,
        sender: event.sender,
        documentId: event.documentId,
        messageId: event.messageId,
        kind: event.kind,
        state,
        statusCode: event.statusCode,
        detail: event.detail,
        stateOccurredAt: occurredAt,
        createdAt: now,
        updatedAt: now,
      },
    };
  }
  const next: Delivery = {
    ...current,
    // Events tell the same metadata; the first one that knows it fills the gap.
    documentId: current.documentId ?? event.documentId,
    messageId: current.messageId ?? event.messageId,
  };
  if (
    state &&
    supersedes({ state: current.state, occurredAt: current.stateOccurredAt }, { state, occurredAt })
  ) {
    next.state = state;
    next.stateOccurredAt = occurredAt;
    next.statusCode = event.statusCode ?? current.statusCode;
    next.detail = event.detail;
  }
  const changed =
    next.state !== current.state ||
    next.stateOccurredAt.getTime() !== current.stateOccurredAt.getTime() ||
    next.documentId !== current.documentId ||
    next.messageId !== current.messageId;
  if (changed) next.updatedAt = now;
  return { delivery: next, changed };
}
