/**
 * One step of one recipient's delivery, as the sender sees it: the bus steps, the statuses the
 * recipient sent back, and the requests the sender made about the document afterwards (a
 * revocation, update or replacement package, or a withdrawal status 13).
 */
export type DeliveryEventName =
  'submitted' | 'published' | 'failed' | 'status' | 'revoke' | 'update' | 'replace' | 'withdraw';

/** The requests a recipient answers with 15 (agreed) or 16 (refused). */
export const REQUEST_EVENTS = [
  'revoke',
  'update',
  'replace',
  'withdraw',
] as const satisfies readonly DeliveryEventName[];
export type RequestEventName = (typeof REQUEST_EVENTS)[number];

/** The timeline event of a BussinessDocType 1, 2 or 3 package, on the original's timeline. */
export function requestEventFor(businessDocType: number): RequestEventName | undefined {
  return ({ 1: 'revoke', 2: 'update', 3: 'replace' } as const)[businessDocType as 1 | 2 | 3];
}

export interface NewDeliveryEvent {
  documentUuid: string;
  recipient: string;
  event: DeliveryEventName;
  statusCode?: string;
  detail?: string;
  messageId?: string;
  /**
   * A request event: the revocation/update/replacement document, or the 13 status, it made.
   * A 15/16: the request it answers.
   */
  relatedDocumentUuid?: string;
  occurredAt?: Date;
}

export interface DeliveryEvent extends NewDeliveryEvent {
  id: string;
  occurredAt: Date;
}
