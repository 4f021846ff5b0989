import { randomUUID } from 'node:crypto';
import type { DeliveryEvent, DeliveryEventName, NewDeliveryEvent } from '../domain/delivery-event';
import { DeliveryEventEntity } from '../entities/delivery-event.entity';

export const DeliveryEventMapper = {
  toDomain(e: DeliveryEventEntity): DeliveryEvent {
    return {
      id: e.id,
      documentUuid: e.documentUuid,
      recipient: e.recipient,
      event: e.event as DeliveryEventName,
      ...(e.statusCode !== null ? { statusCode: e.statusCode } : {}),
      ...(e.detail !== null ? { detail: e.detail } : {}),
      ...(e.messageId !== null ? { messageId: e.messageId } : {}),
      ...(e.relatedDocumentUuid !== null ? { relatedDocumentUuid: e.relatedDocumentUuid } : {}),
      occurredAt: e.occurredAt,
    };
  },

  toEntity(e: NewDeliveryEvent, now: Date): DeliveryEventEntity {
    return Object.assign(new DeliveryEventEntity(), {
      id: randomUUID(),
      documentUuid: e.documentUuid,
      recipient: e.recipient,
      event: e.event,
      statusCode: e.statusCode ?? null,
      detail: e.detail ?? null,
      messageId: e.messageId ?? null,
      relatedDocumentUuid: e.relatedDocumentUuid ?? null,
      occurredAt: e.occurredAt ?? now,
    });
  },
};
