import type { PackageKind } from './headers';

/**
 * What nodes tell the axis about every step of a delivery. Metadata only: never a subject, a body
 * or an attachment. One event per (message, step), so the axis stores a re-delivered event once.
 */
export const TRACE_EVENTS = [
  /** The sender's node accepted and signed the document (one event per recipient). */
  'submitted',
  /** The broker confirmed the message for the recipient's queue. */
  'published',
  /** Publishing failed for good (for example, no queue for the recipient). */
  'failed',
  /** The recipient's node verified and stored it. */
  'delivered',
  /** The recipient's node refused it (parse or signature failure) and kept it in quarantine. */
  'quarantined',
  /** The recipient's software took it from the inbox. */
  'taken',
  /** A status package (01…16) about the document reached the sender's node. */
  'status',
] as const;
export type TraceEventName = (typeof TRACE_EVENTS)[number];

export interface TraceEvent {
  /** Unique per event; the axis ignores an event id it has already stored. */
  eventId: string;
  event: TraceEventName;
  /** The sender node's document uuid. */
  documentUuid: string;
  /** edXML DocumentId, when the package has one. */
  documentId?: string;
  /** The bus message id (one per document and recipient). */
  messageId?: string;
  kind: PackageKind;
  /** Sender of the document (for a status event: still the document's sender). */
  sender: string;
  /** The recipient this event is about. */
  recipient: string;
  /** For `status`: 01…16. */
  statusCode?: string;
  /** A short reason for `failed`, `quarantined`, or status 02; never content. */
  detail?: string;
  /** The node that observed the step. */
  nodeId: string;
  /** ISO 8601. */
  occurredAt: string;
}

/**
 * A trace message body: one {@link TraceEvent} as a JSON object, or several as a JSON array of
 * 1…{@link MAX_TRACE_EVENTS_PER_MESSAGE} of them. A node sends the array when its outbox relay has
 * several events at once (one message instead of one each: the per-message cost of the broker, the
 * confirms and the axis's dispatch is most of what a trace event costs); older nodes send only the
 * single object, so the axis takes both.
 */
export type TraceMessageBody = TraceEvent | TraceEvent[];

/** Most events one trace message may carry; the axis dead-letters a longer array as invalid. */
export const MAX_TRACE_EVENTS_PER_MESSAGE = 500;

/**
 * Routing key of a message carrying several events, which may be different steps. A lone event keeps
 * its step's name as key. Never a step name nor the heartbeat's key; the axis reads the body, not
 * the key, to tell the two forms apart.
 */
export const TRACE_BATCH_ROUTING_KEY = 'events';

/**
 * One body for events already serialized as JSON objects (as the outbox stores them): the lone event
 * as it is, several joined into an array without parsing them again.
 */
export function traceMessageBody(serializedEvents: readonly Buffer[]): Buffer {
  const count = serializedEvents.length;
  if (count < 1 || count > MAX_TRACE_EVENTS_PER_MESSAGE) {
    throw new RangeError(`a trace message carries 1 to ${MAX_TRACE_EVENTS_PER_MESSAGE} events, not ${count}`);
  }
  if (count === 1) return serializedEvents[0];
  const parts: Buffer[] = [OPEN];
  for (const [i, event] of serializedEvents.entries()) {
    if (i > 0) parts.push(COMMA);
    parts.push(event);
  }
  parts.push(CLOSE);
  return Buffer.concat(parts);
}

const OPEN = Buffer.from('[');
const COMMA = Buffer.from(',');
const CLOSE = Buffer.from(']');

export type TraceMessageEntries = { ok: true; entries: unknown[] } | { ok: false; reason: string };

/**
 * The entries of a parsed trace message body, each still to be validated as a {@link TraceEvent}:
 * an object is one entry, an array of 1…{@link MAX_TRACE_EVENTS_PER_MESSAGE} its items. Anything
 * else (an empty or over-long array, a scalar) is not a trace message.
 */
export function traceMessageEntries(json: unknown): TraceMessageEntries {
  if (Array.isArray(json)) {
    if (json.length === 0) return { ok: false, reason: 'an empty array of events' };
    if (json.length > MAX_TRACE_EVENTS_PER_MESSAGE) {
      return {
        ok: false,
        reason: `${json.length} events in one message, more than ${MAX_TRACE_EVENTS_PER_MESSAGE}`,
      };
    }
    return { ok: true, entries: json };
  }
  if (typeof json === 'object' && json !== null) return { ok: true, entries: [json] };
  return { ok: false, reason: 'neither an event nor an array of events' };
}
