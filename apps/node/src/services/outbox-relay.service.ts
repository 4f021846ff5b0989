import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { errorReason, MessageBus } from '@lienthong/bus';
import { NODE_CONFIG, NodeConfig } from '../config/node-config';
import type { ClaimedOutboxMessage } from '../domain/outbox';
import { DeliveryEventRepository } from '../repositories/delivery-event.repository';
import { OutboxRepository } from '../repositories/outbox.repository';
import { Transactor, Tx } from '../repositories/transactor';
import { OutboxSignal } from './outbox-signal';
import { TraceEventFactory } from './trace-event-factory';

const BATCH = 64;
/** Longer than the bus's confirm timeout (30 s), so a row is never published twice by one relay. */
const LEASE_MS = 60_000;
const MAX_BACKOFF_MS = 60_000;

export function backoffMs(attempts: number): number {
  return Math.min(MAX_BACKOFF_MS, 1_000 * 2 ** Math.max(0, attempts - 1));
}

/**
 * Publishes what the outbox holds: confirmed by the broker before a row counts as sent, so a crash
 * at any point means publishing again (same message id, receivers de-duplicate), never a loss.
 * Woken right after each commit that added rows; polls every OUTBOX_POLL_MS for retries that
 * come due and for leases a dead relay left behind.
 */
@Injectable()
export class OutboxRelay implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(OutboxRelay.name);
  private running = false;
  private loop?: Promise<void>;
  private woken = false;
  private wakeUp?: () => void;

  constructor(
    private readonly outbox: OutboxRepository,
    private readonly deliveryEvents: DeliveryEventRepository,
    private readonly transactor: Transactor,
    private readonly bus: MessageBus,
    private readonly traces: TraceEventFactory,
    private readonly signal: OutboxSignal,
    @Inject(NODE_CONFIG) private readonly config: NodeConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.signal.onWake(() => this.wake());
    this.running = true;
    this.loop = this.run();
  }

  async onModuleDestroy(): Promise<void> {
    this.running = false;
    this.wake();
    await this.loop;
  }

  wake(): void {
    this.woken = true;
    this.wakeUp?.();
  }

  /** One batch: claim, publish concurrently (the confirm channel pipelines them), settle each. */
  async relayOnce(): Promise<number> {
    const rows = await this.outbox.claimDue(BATCH, LEASE_MS);
    await Promise.all(rows.map((row) => this.deliver(row)));
    return rows.length;
  }

  private async run(): Promise<void> {
    while (this.running) {
      this.woken = false;
      let claimed = 0;
      try {
        claimed = await this.relayOnce();
      } catch (error) {
        this.logger.warn(`Outbox relay cycle failed: ${errorReason(error)}`);
      }
      if (claimed < BATCH && this.running && !this.woken) await this.idle();
    }
  }

  private idle(): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(done, this.config.outboxPollMs);
      const wakeUp = () => done();
      this.wakeUp = wakeUp;
      function done() {
        clearTimeout(timer);
        resolve();
      }
    }).finally(() => (this.wakeUp = undefined));
  }

  private async deliver(row: ClaimedOutboxMessage): Promise<void> {
    let routed: boolean;
    try {
      ({ routed } = await this.bus.publish({
        exchange: row.exchange,
        routingKey: row.routingKey,
        messageId: row.id,
        body: row.body,
        headers: row.headers,
        contentType: row.exchange === 'trace' ? 'application/json' : 'application/xml',
      }));
    } catch (error) {
      await this.retryLater(row, errorReason(error));
      return;
    }
    try {
      if (routed) {
        await this.transactor.run(async (tx) => {
          await this.outbox.markSent(tx, row.id);
          await this.recordOutcome(tx, row, 'published');
        });
      } else if (row.exchange === 'trace') {
        // The axis declares the trace queue; until it has, trace events wait here.
        await this.retryLater(row, 'UNROUTABLE: no trace queue is bound yet');
        return;
      } else {
        const detail = `UNROUTABLE: no queue for ${row.routingKey} on the bus`;
        await this.transactor.run(async (tx) => {
          await this.outbox.markFailed(tx, row.id, detail);
          await this.recordOutcome(tx, row, 'failed', detail);
        });
      }
    } catch (error) {
      // The lease expires and the row is published again: at-least-once, never lost.
      this.logger.warn(`Outbox row ${row.id} published but not settled: ${errorReason(error)}`);
      return;
    }
    if (row.exchange === 'documents') this.wake(); // its trace event is due now
  }

  private async recordOutcome(
    tx: Tx,
    row: ClaimedOutboxMessage,
    event: 'published' | 'failed',
    detail?: string,
  ): Promise<void> {
    if (row.exchange !== 'documents' || !row.trace) return;
    if (row.kind === 'edoc' && row.documentUuid && row.recipient) {
      await this.deliveryEvents.record(tx, [
        {
          documentUuid: row.documentUuid,
          recipient: row.recipient,
          event,
          ...(detail !== undefined ? { detail } : {}),
          messageId: row.id,
        },
      ]);
    }
    await this.outbox.enqueue(tx, [
      this.traces.message({
        event,
        documentUuid: row.trace.documentUuid,
        ...(row.trace.documentId !== undefined ? { documentId: row.trace.documentId } : {}),
        messageId: row.id,
        kind: row.kind === 'status' ? 'status' : 'edoc',
        sender: row.trace.sender,
        recipient: row.trace.recipient,
        ...(row.trace.statusCode !== undefined ? { statusCode: row.trace.statusCode } : {}),
        ...(detail !== undefined ? { detail: 'UNROUTABLE' } : {}),
      }),
    ]);
  }

  private async retryLater(row: ClaimedOutboxMessage, reason: string): Promise<void> {
    try {
      await this.outbox.reschedule(row.id, backoffMs(row.attempts), reason);
    } catch (error) {
      this.logger.warn(`Outbox row ${row.id} not rescheduled (its lease will expire): ${errorReason(error)}`);
    }
  }
}
