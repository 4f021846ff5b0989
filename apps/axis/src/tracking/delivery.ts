import type { PackageKind } from '@lienthong/protocol';
import type { DeliveryState } from './delivery-state';

/** One document on its way to one recipient, as operators see it. */
export interface Delivery {
  documentUuid: string;
  recipient: string;
  sender: string;
  documentId?: string;
  messageId?: string;
  kind: PackageKind;
  state: DeliveryState;
  /** The latest status code (01…16) that moved the delivery. */
  statusCode?: string;
  /** Why, for a failed, quarantined or rejected delivery. */
  detail?: string;
  /** When the step that set `state` happened (the node's clock). */
  stateOccurredAt: Date;
  /** When the axis first heard of this delivery. */
  createdAt: Date;
  updatedAt: Date;
}

/** A delivery is one document to one recipient. */
export type DeliveryKey = Pick<Delivery, 'documentUuid' | 'recipient'>;

export function deliveryKey({ documentUuid, recipient }: DeliveryKey): string {
  return `${documentUuid} ${recipient}`;
}

export interface DeliveryFilter {
  documentId?: string;
  /** Sender or recipient. */
  agency?: string;
  state?: DeliveryState;
  /** Bounds of `createdAt`. */
  from?: Date;
  to?: Date;
  limit: number;
  /** Exclusive: the `seq` of the last row of the previous page. */
  after?: bigint;
}

export interface DeliveryPage {
  items: Delivery[];
  /** The `seq` of the last item, when there may be more. */
  last?: bigint;
}
