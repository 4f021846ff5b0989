import type { DeliveryEvent, NewDeliveryEvent } from '../domain/delivery-event';
import type { Tx } from './transactor';

export abstract class DeliveryEventRepository {
  abstract record(tx: Tx, events: NewDeliveryEvent[]): Promise<void>;
  /** Oldest first. */
  abstract listFor(documentUuid: string): Promise<DeliveryEvent[]>;
}
