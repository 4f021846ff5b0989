/** One step of one recipient's delivery, as the sender sees it. */
export type DeliveryEventName = 'submitted' | 'published' | 'failed' | 'status';

export interface NewDeliveryEvent {
  documentUuid: string;
  recipient: string;
  event: DeliveryEventName;
  statusCode?: string;
  detail?: string;
  messageId?: string;
  occurredAt?: Date;
}

export interface DeliveryEvent extends NewDeliveryEvent {
  id: string;
  occurredAt: Date;
}
