import type { DeliveryEvent, NewDeliveryEvent } from '../domain/delivery-event';
import type { Tx } from './transactor';

export abstract class DeliveryEventRepository {
  abstract record(tx: Tx, events: NewDeliveryEvent[]): Promise<void>;
  /** Oldest first. */
  abstract listFor(documentUuid: string, tx?: Tx): Promise<DeliveryEvent[]>;
  /** Which of these documents `recipient` already acknowledged (a status 01 or 02 on their timeline). */
  abstract acknowledged(documentUuids: string[], recipient: string): Promise<Set<string>>;
}
