import type { TraceEvent } from '@lienthong/protocol';
import type { Transaction } from '../database/transaction';
import type { TraceEventRecord } from './trace-event-record';

export abstract class TraceRepository {
  /** false when an event with this eventId is stored already (a re-delivery). */
  abstract recordEvent(event: TraceEvent, tx: Transaction): Promise<boolean>;

  /** In the order the steps happened. */
  abstract listByDocument(documentUuid: string): Promise<TraceEventRecord[]>;
}
