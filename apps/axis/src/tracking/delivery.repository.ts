import type { Transaction } from '../database/transaction';
import type { Delivery, DeliveryFilter, DeliveryKey, DeliveryPage } from './delivery';

export abstract class DeliveryRepository {
  /**
   * The rows that exist among `keys`, locked until the transaction ends. Rows are locked in key
   * order, as inserts are made, so concurrent batches do not wait on each other in a circle.
   */
  abstract lockMany(keys: DeliveryKey[], tx: Transaction): Promise<Delivery[]>;

  /**
   * Inserts the rows that do not exist yet and answers the keys it inserted. Waits for a
   * concurrent insert of the same row to finish, so the caller can lock the others next.
   */
  abstract insertManyIfAbsent(deliveries: Delivery[], tx: Transaction): Promise<DeliveryKey[]>;

  abstract updateMany(deliveries: Delivery[], tx: Transaction): Promise<void>;

  /** Newest first. */
  abstract search(filter: DeliveryFilter): Promise<DeliveryPage>;

  abstract listByDocument(documentUuid: string, tx?: Transaction): Promise<Delivery[]>;
}
