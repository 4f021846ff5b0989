import { Injectable } from '@nestjs/common';
import type { TraceEvent } from '@lienthong/protocol';
import { Transaction, TransactionRunner } from '../database/transaction';
import { applyTraceEvent } from './apply-trace-event';
import { Delivery, deliveryKey } from './delivery';
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
  async record(event: TraceEvent, now = new Date()): Promise<RecordOutcome> {
    const [outcome] = await this.recordBatch([event], now);
    return outcome;
  }

  /**
   * Many events in one transaction, each stored once (a second copy, in the batch or stored
   * before, is a duplicate), in the order given. All or nothing.
   */
  recordBatch(events: TraceEvent[], now = new Date()): Promise<RecordOutcome[]> {
    return this.transactions.run(async (tx) => {
      const stored = await this.traces.recordEvents(events, tx);
      const recorded = new Set<string>();
      const outcomes = events.map((event): RecordOutcome => {
        if (!stored.has(event.eventId) || recorded.has(event.eventId)) return 'duplicate';
        recorded.add(event.eventId);
        return 'recorded';
      });
      await this.advanceDeliveries(
        events.filter((_, i) => outcomes[i] === 'recorded'),
        now,
        tx,
      );
      return outcomes;
    });
  }

  private async advanceDeliveries(events: TraceEvent[], now: Date, tx: Transaction): Promise<void> {
    const byDelivery = new Map<string, TraceEvent[]>();
    for (const event of events) {
      const key = deliveryKey(event);
      byDelivery.set(key, [...(byDelivery.get(key) ?? []), event]);
    }
    const keys = [...byDelivery.values()].map(([first]) => first);
    const existing = new Map((await this.deliveries.lockMany(keys, tx)).map((d) => [deliveryKey(d), d]));
    const created: Delivery[] = [];
    const updated: Delivery[] = [];
    for (const [key, list] of byDelivery) {
      const current = existing.get(key);
      const next = advance(current, list, now);
      if (!current && next) created.push(next);
      else if (current && next !== current) updated.push(next!);
    }
    const inserted = new Set((await this.deliveries.insertManyIfAbsent(created, tx)).map(deliveryKey));
    // Another transaction created these meanwhile: lock its rows and apply the events to them.
    const raced = created.filter((d) => !inserted.has(deliveryKey(d)));
    for (const current of await this.deliveries.lockMany(raced, tx)) {
      const next = advance(current, byDelivery.get(deliveryKey(current))!, now);
      if (next !== current) updated.push(next!);
    }
    await this.deliveries.updateMany(updated, tx);
  }
}

/** The delivery after these events, in order; the same object when they taught nothing new. */
function advance(current: Delivery | undefined, events: TraceEvent[], now: Date): Delivery | undefined {
  let delivery = current;
  for (const event of events) {
    const update = applyTraceEvent(delivery, event, now);
    if (update?.changed) delivery = update.delivery;
  }
  return delivery;
}
