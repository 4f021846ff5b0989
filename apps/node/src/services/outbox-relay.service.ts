import { randomUUID } from 'node:crypto';
import {
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnModuleDestroy,
  Optional,
} from '@nestjs/common';
import { errorReason, MessageBus, type OutgoingMessage } from '@lienthong/bus';
import { ExchangeMetrics, NoopExchangeMetrics, secondsSince, withLogContext } from '@lienthong/observability';
import {
  MAX_TRACE_EVENTS_PER_MESSAGE,
  MESSAGE_HEADERS,
  TRACE_BATCH_ROUTING_KEY,
  traceMessageBody,
} from '@lienthong/protocol';
import { AuditLog, UnwiredAuditLog } from '../audit/audit-log';
import { actorOf } from '../audit/audit-records';
import { NODE_CONFIG, NodeConfig } from '../config/node-config';
import type { ClaimedOutboxMessage } from '../domain/outbox';
import { DeliveryEventRepository } from '../repositories/delivery-event.repository';
import { OutboxRepository, OutboxRetry } from '../repositories/outbox.repository';
import { Transactor, Tx } from '../repositories/transactor';
import { OutboxSignal } from './outbox-signal';
import { TraceEventFactory } from './trace-event-factory';

/**
 * Rows per cycle: published concurrently (the confirm channel pipelines them), settled in one
 * transaction. The cycle's trace rows go as one message (at most MAX_TRACE_EVENTS_PER_MESSAGE).
 */
const BATCH = 100;
/** Bodies held in memory by one cycle, at most (one row is always taken, however large). */
const BATCH_BYTES = 32 * 1024 * 1024;
/** Longer than the bus's confirm timeout (30 s), so a row is never published twice by one relay. */
const LEASE_MS = 60_000;
/**
 * A write-back that failed is tried again at the next cycles until this long before the rows'
 * lease ends; after that they are left to be claimed and published again.
 */
const LEASE_MARGIN_MS = 10_000;
const MAX_BACKOFF_MS = 60_000;
const CLAIM = { limit: BATCH, leaseMs: LEASE_MS, maxBytes: BATCH_BYTES };
/**
 * Rows published and not yet confirmed, at most: the relay claims more only below it, and only
 * while their bodies (held until confirmed) come to less than BATCH_BYTES.
 */
const MAX_IN_FLIGHT = 4 * BATCH;
const EMPTY = Buffer.alloc(0);

/** The broker's answer to one publish: routed or returned, or why there was none. */
type Confirmation = { routed: boolean; error?: undefined } | { routed: false; error: string };

/** A published row, without its body, and when the broker answered for it. */
type AnsweredRow = ClaimedOutboxMessage & { answeredAt: Date };

/** What publishing came to, to be written back in one transaction. */
interface Settlement {
  /** Confirmed and routed. */
  sent: AnsweredRow[];
  /** Documents the broker returned: no queue for the recipient. */
  failed: { row: AnsweredRow; detail: string }[];
  retries: OutboxRetry[];
  /** Until when (ms since the epoch) a failed write-back is tried again: the earliest lease. */
  settleBy: number;
}

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
  /** Batches published whose confirms are still awaited. */
  private readonly publishing = new Set<Promise<void>>();
  private inFlight = { rows: 0, bytes: 0 };
  /** Outcomes the broker gave for published batches, not written back yet. */
  private confirmed = emptySettlement();

  constructor(
    private readonly outbox: OutboxRepository,
    private readonly deliveryEvents: DeliveryEventRepository,
    private readonly transactor: Transactor,
    private readonly bus: MessageBus,
    private readonly traces: TraceEventFactory,
    private readonly signal: OutboxSignal,
    @Inject(NODE_CONFIG) private readonly config: NodeConfig,
    @Optional() private readonly metrics: ExchangeMetrics = new NoopExchangeMetrics(),
    @Optional() private readonly audit: AuditLog = new UnwiredAuditLog(),
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

  /** One batch on its own: claim, publish concurrently, settle (the loop also claims while it settles). */
  async relayOnce(): Promise<number> {
    const rows = await this.outbox.claimDue(CLAIM);
    const settlement = await this.publishAll(rows, leaseDeadline());
    await this.settleAndClaim(settlement, false);
    return rows.length;
  }

  /**
   * Each cycle writes back the outcomes confirmed since the last one and claims the next batch, in
   * one transaction: one commit per cycle, and the trace events that transaction enqueued
   * (`published`, `failed`) travel in the very next batch. Publishing does not hold the cycle: a
   * batch's confirms (a quorum queue's write, tens of ms under load) are awaited while the next
   * batches are claimed and published, up to MAX_IN_FLIGHT rows.
   */
  private async run(): Promise<void> {
    for (;;) {
      this.woken = false;
      let rows: ClaimedOutboxMessage[] = [];
      try {
        rows = await this.settleAndClaim(this.takeConfirmed(), this.running && !this.saturated());
      } catch (error) {
        this.logger.warn({ msg: 'outbox relay cycle failed', reason: errorReason(error) });
      }
      if (!this.running) break;
      if (rows.length > 0) {
        this.startPublishing(rows);
        // Under a steady trickle every cycle would carry a row or two, each with its own commit,
        // claim and trace message: a short wait lets what follows share the next claim. The rows
        // just published are already on their way; only their settling waits.
        const lingerMs = this.config.outboxLingerMs ?? 0;
        if (rows.length < BATCH && lingerMs > 0) await this.linger(lingerMs);
        continue;
      }
      if (this.saturated()) await Promise.race(this.publishing);
      else if (!this.woken) await this.idle();
    }
    // Stopping: what was published is written back once the broker has answered for it.
    await Promise.all(this.publishing);
    await this.settleAndClaim(this.takeConfirmed(), false).catch((error: unknown) =>
      this.logger.warn({ msg: 'outbox relay cycle failed', reason: errorReason(error) }),
    );
  }

  /** Publishes a claimed batch; its outcomes join `confirmed` when the broker has answered for all. */
  private startPublishing(rows: ClaimedOutboxMessage[]): void {
    const bytes = rows.reduce((sum, row) => sum + row.body.length, 0);
    this.inFlight.rows += rows.length;
    this.inFlight.bytes += bytes;
    const batch: Promise<void> = this.publishAll(rows, leaseDeadline())
      .then((settlement) => mergeInto(this.confirmed, settlement))
      .catch((error: unknown) =>
        // Not settled: the rows' leases expire and they are published again, never lost.
        this.logger.warn({ msg: 'outbox batch not published', reason: errorReason(error) }),
      )
      .finally(() => {
        this.inFlight.rows -= rows.length;
        this.inFlight.bytes -= bytes;
        this.publishing.delete(batch);
        this.wake();
      });
    this.publishing.add(batch);
  }

  private saturated(): boolean {
    return this.inFlight.rows >= MAX_IN_FLIGHT || this.inFlight.bytes >= BATCH_BYTES;
  }

  private takeConfirmed(): Settlement {
    const taken = this.confirmed;
    this.confirmed = emptySettlement();
    return taken;
  }

  private linger(ms: number): Promise<void> {
    return new Promise((resolve) => setTimeout(resolve, ms));
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

  /** Each document row is a message of its own; the batch's trace rows travel together. */
  private async publishAll(rows: ClaimedOutboxMessage[], settleBy: number): Promise<Settlement> {
    const settlement = emptySettlement(settleBy);
    const documents = rows.filter((row) => row.exchange === 'documents');
    const traces = rows.filter((row) => row.exchange === 'trace');
    await Promise.all([
      ...documents.map((row) => this.publishDocument(row, settlement)),
      ...traceMessages(traces).map((group) => this.publishTraceEvents(group, settlement)),
    ]);
    return settlement;
  }

  private publishDocument(row: ClaimedOutboxMessage, settlement: Settlement): Promise<void> {
    // Lines logged about this package carry its document and agency.
    const sender = row.headers[MESSAGE_HEADERS.from] ?? '';
    return withLogContext(
      {
        agency: sender,
        documentId: row.trace?.documentId,
        documentUuid: row.trace?.documentUuid ?? row.documentUuid,
        messageId: row.id,
        recipient: row.routingKey,
      },
      () => this.publishDocumentRow(row, settlement, sender),
    );
  }

  private async publishDocumentRow(
    row: ClaimedOutboxMessage,
    settlement: Settlement,
    sender: string,
  ): Promise<void> {
    const confirmation = await this.confirm({
      exchange: row.exchange,
      routingKey: row.routingKey,
      messageId: row.id,
      body: row.body,
      headers: row.headers,
      contentType: 'application/xml',
    });
    if (confirmation.error !== undefined) {
      settlement.retries.push(retry(row, confirmation.error));
    } else if (confirmation.routed) {
      settlement.sent.push(answered(row));
      this.metrics.packageSent(sender, row.kind === 'status' ? 'status' : 'edoc');
    } else {
      settlement.failed.push({
        row: answered(row),
        detail: `UNROUTABLE: no queue for ${row.routingKey} on the bus`,
      });
      this.metrics.packageFailed(sender, 'UNROUTABLE');
      this.logger.warn({ msg: 'package undeliverable: no queue for the recipient', kind: row.kind });
    }
  }

  /**
   * Trace rows as one message (libs/protocol `TraceMessageBody`: the lone event as an object,
   * several as an array), settled together by its one confirm or return: most of what a trace
   * event costs is the message around it (broker, confirm, the axis's dispatch), not the event.
   */
  private async publishTraceEvents(rows: ClaimedOutboxMessage[], settlement: Settlement): Promise<void> {
    const [first] = rows;
    const lone = rows.length === 1;
    const confirmation = await this.confirm({
      exchange: 'trace',
      routingKey: lone ? first.routingKey : TRACE_BATCH_ROUTING_KEY,
      // A lone event keeps its row's id (= its eventId), as before. A batch is a new message each
      // time: a re-publish after a crash may group other rows, so no row's id would always name the
      // same content. The axis de-duplicates on each event's eventId inside, never on this id; it
      // names the message in logs and in the dead letters an operator re-drives.
      messageId: lone ? first.id : randomUUID(),
      body: traceMessageBody(rows.map((row) => row.body)),
      headers: first.headers,
      contentType: 'application/json',
    });
    const { error, routed } = confirmation;
    if (error !== undefined) {
      settlement.retries.push(...rows.map((row) => retry(row, error)));
    } else if (routed) {
      settlement.sent.push(...rows.map(answered));
    } else {
      // The axis declares the trace queue; until it has, trace events wait here.
      const reason = 'UNROUTABLE: no trace queue is bound yet';
      settlement.retries.push(...rows.map((row) => retry(row, reason)));
    }
  }

  /** Publishes (confirmed, mandatory, persistent: the bus's defaults) and times the confirm. */
  private async confirm(message: OutgoingMessage): Promise<Confirmation> {
    const started = performance.now();
    try {
      const { routed } = await this.bus.publish(message);
      this.metrics.publishConfirmed(message.exchange, routed ? 'routed' : 'returned', secondsSince(started));
      return { routed };
    } catch (error) {
      this.metrics.publishConfirmed(message.exchange, 'error', secondsSince(started));
      return { routed: false, error: errorReason(error) };
    }
  }

  /**
   * Writes a published batch back (sent only now that the broker confirmed: a crash before this
   * commit means publishing again, same message ids, never a loss) and claims the next batch.
   */
  private async settleAndClaim(
    settlement: Settlement | undefined,
    claimNext: boolean,
  ): Promise<ClaimedOutboxMessage[]> {
    const empty =
      !settlement || settlement.sent.length + settlement.failed.length + settlement.retries.length === 0;
    if (empty) return claimNext ? this.outbox.claimDue(CLAIM) : [];
    let rows: ClaimedOutboxMessage[];
    try {
      rows = await this.transactor.run(async (tx) => {
        await this.settle(tx, settlement);
        return claimNext ? this.outbox.claimDue(CLAIM, tx) : [];
      });
    } catch (error) {
      // Maybe one row the batch cannot settle: settle the others one by one.
      this.logger.warn({
        msg: 'outbox batch not settled, settling its rows one by one',
        reason: errorReason(error),
      });
      await this.settleEach(settlement);
      return [];
    }
    if (!claimNext && hasOutcomeEvents(settlement)) this.wake(); // their trace events are due now
    return rows;
  }

  /**
   * After a failed write-back, each outcome in a transaction of its own: a row the database
   * refuses is left to its lease (published again, never lost). When not even the first one goes
   * in, the database is taken to be out of reach: the outcomes wait for the next cycle, so the
   * broker does not carry again what it already confirmed (the one tried first goes last then, so
   * a refused one cannot hold back the others).
   */
  private async settleEach(settlement: Settlement): Promise<void> {
    const { settleBy } = settlement;
    const parts: Settlement[] = [
      ...settlement.sent.map((row) => ({ ...emptySettlement(settleBy), sent: [row] })),
      ...settlement.failed.map((f) => ({ ...emptySettlement(settleBy), failed: [f] })),
      ...settlement.retries.map((r) => ({ ...emptySettlement(settleBy), retries: [r] })),
    ];
    let settled = 0;
    for (const [i, part] of parts.entries()) {
      try {
        await this.transactor.run((tx) => this.settle(tx, part));
        settled += 1;
      } catch (error) {
        const id = part.sent[0]?.id ?? part.failed[0]?.row.id ?? part.retries[0]?.id;
        if (settled === 0 && Date.now() < settleBy) {
          for (const later of [...parts.slice(i + 1), part]) mergeInto(this.confirmed, later);
          this.logger.warn({
            msg: 'outbox write-back failed, tried again at the next cycle',
            rows: parts.length - i,
            reason: errorReason(error),
          });
          return;
        }
        this.logger.warn({
          msg: 'outbox row not settled, its lease will expire',
          messageId: id,
          reason: errorReason(error),
        });
      }
    }
    if (hasOutcomeEvents(settlement)) this.wake();
  }

  private async settle(tx: Tx, settlement: Settlement): Promise<void> {
    const { sent, failed, retries } = settlement;
    // Only rows still pending are marked: an outcome written back twice is reported once.
    const marked = new Set<string>();
    if (sent.length > 0) {
      const ids = await this.outbox.markSent(
        tx,
        sent.map((row) => row.id),
      );
      ids.forEach((id) => marked.add(id));
    }
    if (failed.length > 0) {
      const ids = await this.outbox.markFailed(
        tx,
        failed.map((f) => ({ id: f.row.id, error: f.detail })),
      );
      ids.forEach((id) => marked.add(id));
    }
    if (retries.length > 0) await this.outbox.reschedule(retries, tx);
    const outcomes = [
      ...sent.map((row) => ({ row, event: 'published' as const, detail: undefined })),
      ...failed.map((f) => ({ row: f.row, event: 'failed' as const, detail: f.detail })),
    ].filter(({ row }) => marked.has(row.id) && reportsOutcome(row));
    if (outcomes.length === 0) return;
    const timeline = outcomes.filter(({ row }) => row.documentUuid && row.recipient);
    if (timeline.length > 0) {
      await this.deliveryEvents.record(
        tx,
        timeline.map(({ row, event, detail }) => ({
          documentUuid: row.documentUuid!,
          recipient: row.recipient!,
          event,
          ...(detail !== undefined ? { detail } : {}),
          messageId: row.id,
          occurredAt: row.answeredAt,
        })),
      );
    }
    await this.outbox.enqueue(
      tx,
      outcomes.map(({ row, event, detail }) => {
        const trace = row.trace!;
        return this.traces.message({
          event,
          documentUuid: trace.documentUuid,
          ...(trace.documentId !== undefined ? { documentId: trace.documentId } : {}),
          messageId: row.id,
          kind: 'edoc',
          sender: trace.sender,
          recipient: trace.recipient,
          ...(detail !== undefined ? { detail: 'UNROUTABLE' } : {}),
          occurredAt: row.answeredAt,
        });
      }),
    );
    // Last in the transaction (but for the next claim, which skips locked rows and never waits).
    await this.audit.append(
      outcomes
        .filter(({ row }) => row.documentUuid)
        .map(({ row, event, detail }) => ({
          action:
            event === 'published' ? ('document.published' as const) : ('document.publish-failed' as const),
          actor: actorOf.node,
          agency: row.trace!.sender,
          documentId: row.documentUuid!,
          details: {
            messageId: row.id,
            recipient: row.trace!.recipient,
            ...(detail !== undefined ? { reason: detail } : {}),
          },
          time: row.answeredAt,
        })),
      tx,
    );
  }
}

/**
 * The trace rows of a batch grouped into messages: rows with the same headers (TraceEventFactory
 * writes none) together, at most as many as the axis takes in one message.
 */
export function traceMessages(rows: ClaimedOutboxMessage[]): ClaimedOutboxMessage[][] {
  const byHeaders = new Map<string, ClaimedOutboxMessage[]>();
  for (const row of rows) {
    const key = JSON.stringify(row.headers);
    const group = byHeaders.get(key);
    if (group) group.push(row);
    else byHeaders.set(key, [row]);
  }
  return [...byHeaders.values()].flatMap((group) => {
    const messages: ClaimedOutboxMessage[][] = [];
    for (let i = 0; i < group.length; i += MAX_TRACE_EVENTS_PER_MESSAGE) {
      messages.push(group.slice(i, i + MAX_TRACE_EVENTS_PER_MESSAGE));
    }
    return messages;
  });
}

function emptySettlement(settleBy = Number.POSITIVE_INFINITY): Settlement {
  return { sent: [], failed: [], retries: [], settleBy };
}

function mergeInto(target: Settlement, more: Settlement): void {
  target.sent.push(...more.sent);
  target.failed.push(...more.failed);
  target.retries.push(...more.retries);
  target.settleBy = Math.min(target.settleBy, more.settleBy);
}

/** When a batch claimed now must be written back by (see LEASE_MARGIN_MS). */
function leaseDeadline(): number {
  return Date.now() + LEASE_MS - LEASE_MARGIN_MS;
}

/**
 * The step's time is the broker's answer, however long until it is written back. What is answered
 * needs no body: a large package is not held until then.
 */
function answered(row: ClaimedOutboxMessage): AnsweredRow {
  return { ...row, body: EMPTY, answeredAt: new Date() };
}

function retry(row: ClaimedOutboxMessage, error: string): OutboxRetry {
  return { id: row.id, delayMs: backoffMs(row.attempts), error };
}

/**
 * Documents report their `published`/`failed` step (timeline and trace event). Status packages do
 * not: a trace event is about a document's delivery, and the axis refuses (dead-letters) a
 * `published` carrying a status code, while a `failed` one would mark the document undelivered.
 */
function reportsOutcome(row: ClaimedOutboxMessage): boolean {
  return row.exchange === 'documents' && row.kind === 'edoc' && row.trace !== undefined;
}

/** Settling documents enqueues their `published`/`failed` trace events. */
function hasOutcomeEvents(settlement: Settlement): boolean {
  return [...settlement.sent, ...settlement.failed.map((f) => f.row)].some(reportsOutcome);
}
