import { Injectable } from '@nestjs/common';
import type { TraceEvent } from '@lienthong/protocol';
import { Transaction, TransactionRunner } from '../database/transaction';
import { applyTraceEvent } from './apply-trace-event';
import { DeliveryRepository } from './delivery.repository';
import { TraceRepository } from './trace.repository';

export type RecordOutcome = 'recorded' | 'duplicate';

/** Turns the nodes' trace events into the timeline and the per-recipient delivery state. */
@Injectable()
export class TrackingService {
  constructor(
    private readonly traces: TraceRepository,
    private readonly deliveries: DeliveryRepository,
    private readonly transactions: TransactionRunner,
  ) {}

  /** Idempotent on eventId: the bus delivers at least once. */
  record(event: TraceEvent, now = new Date()): Promise<RecordOutcome> {
    return this.transactions.run(async (tx) => {
      if (!(await this.traces.recordEvent(event, tx))) return 'duplicate';
      await this.advanceDelivery(event, now, tx);
      return 'recorded';
    });
  }

  private async advanceDelivery(event: TraceEvent, now: Date, tx: Transaction): Promise<void> {
    const fresh = applyTraceEvent(undefined, event, now);
    if (fresh && (await this.deliveries.insertIfAbsent(fresh.delivery, tx))) return;
    const current = await this.deliveries.findForUpdate(event.documentUuid, event.recipient, tx);
    if (!current) return; // an untracked status code about a delivery not seen yet
    const update = applyTraceEvent(current, event, now);
    if (update?.changed) await this.deliveries.update(update.delivery, tx);
  }
}
