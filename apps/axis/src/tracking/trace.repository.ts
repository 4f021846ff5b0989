import type { TraceEvent } from '@lienthong/protocol';
import type { Transaction } from '../database/transaction';
import type { TraceEventRecord } from './trace-event-record';

export abstract class TraceRepository {
  /**
   * Stores the events not stored yet (the bus delivers at least once) and answers their ids.
   * A concurrent insert of the same id waits for the other transaction, then counts as stored.
   */
  abstract recordEvents(events: TraceEvent[], tx: Transaction): Promise<Set<string>>;

  /** In the order the steps happened. */
  abstract listByDocument(documentUuid: string, tx?: Transaction): Promise<TraceEventRecord[]>;
}
