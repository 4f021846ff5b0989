import type { Transaction } from '../database/transaction';
import type { Delivery, DeliveryFilter, DeliveryPage } from './delivery';

export abstract class DeliveryRepository {
  /**
   * false when the row exists already. Waits for a concurrent insert of the same row to finish,
   * so a caller that gets false can lock the row next.
   */
  abstract insertIfAbsent(delivery: Delivery, tx: Transaction): Promise<boolean>;

  /** Locks the row until the transaction ends. */
  abstract findForUpdate(
    documentUuid: string,
    recipient: string,
    tx: Transaction,
  ): Promise<Delivery | undefined>;

  abstract update(delivery: Delivery, tx: Transaction): Promise<void>;

  /** Newest first. */
  abstract search(filter: DeliveryFilter): Promise<DeliveryPage>;

  abstract listByDocument(documentUuid: string): Promise<Delivery[]>;
}
