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
