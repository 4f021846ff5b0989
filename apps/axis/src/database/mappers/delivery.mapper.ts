import type { PackageKind } from '@lienthong/protocol';
import type { Delivery } from '../../tracking/delivery';
import type { DeliveryState } from '../../tracking/delivery-state';
import type { DeliveryEntity } from '../entities/delivery.entity';
import { fromNull, toNull } from './optional';

export function toDelivery(row: DeliveryEntity): Delivery {
  return {
    documentUuid: row.documentUuid,
    recipient: row.recipient,
    sender: row.sender,
    documentId: fromNull(row.documentId),
    messageId: fromNull(row.messageId),
    kind: row.kind as PackageKind,
    state: row.state as DeliveryState,
    statusCode: fromNull(row.statusCode),
    detail: fromNull(row.detail),
    stateOccurredAt: row.stateOccurredAt,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

export function toDeliveryEntity(delivery: Delivery): Omit<DeliveryEntity, 'seq'> {
  return {
    documentUuid: delivery.documentUuid,
    recipient: delivery.recipient,
    sender: delivery.sender,
    documentId: toNull(delivery.documentId),
    messageId: toNull(delivery.messageId),
    kind: delivery.kind,
    state: delivery.state,
    statusCode: toNull(delivery.statusCode),
    detail: toNull(delivery.detail),
    stateOccurredAt: delivery.stateOccurredAt,
    createdAt: delivery.createdAt,
    updatedAt: delivery.updatedAt,
  };
}
