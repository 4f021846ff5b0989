import {
  BeforeApplicationShutdown,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  Optional,
} from '@nestjs/common';
import { errorReason, HandlerOutcome, IncomingMessage } from '@lienthong/bus';
import { GroupCommit } from '@lienthong/common';
import { ExchangeMetrics, NoopExchangeMetrics } from '@lienthong/observability';
import { BusRepository, TraceSubscription } from '../bus/bus.repository';
import { HEARTBEAT_ROUTING_KEY, type TraceEvent } from '@lienthong/protocol';
import { HeartbeatService } from '../nodes/heartbeat.service';
import { TopologyService } from '../topology/topology.service';
import { describeInvalid, parseTraceMessage } from './parse-trace-event';
import { TrackingService } from './tracking.service';

/** Lets a handler halfway through its transaction finish before the database closes. */
const SHUTDOWN_GRACE_MS = 5_000;

/**
 * Events written in one transaction, from however many messages (a node sends several in one
 * message when it has them). Nodes report about four a document, so at 100 documents/s batches of
 * a few dozen form on their own while the previous one commits.
 */
const MAX_BATCH = 200;

const ACK: HandlerOutcome = { action: 'ack' };

interface Pending {
  event: TraceEvent;
  attempt: number;
}

/**
 * The trace queue's consumer: the bus edge of tracking, as a controller is the HTTP one. A message
 * carries one event or an array of them (libs/protocol `TraceMessageBody`). A message that can never
 * be stored dead-letters at once; a database failure retries on the back-off ladder. The events of
 * the messages in flight together are stored together (group commit).
 */
@Injectable()
export class TraceConsumer implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(TraceConsumer.name);
  private subscription?: TraceSubscription;
  private readonly batches = new GroupCommit<Pending, HandlerOutcome>(
    (pending) => this.store(pending),
    MAX_BATCH,
  );

  constructor(
    private readonly bus: BusRepository,
    private readonly topology: TopologyService,
    private readonly tracking: TrackingService,
    /** Node heartbeats share the trace queue (routing key `heartbeat`). */
    @Optional() private readonly heartbeats?: HeartbeatService,
    @Optional() private readonly metrics: ExchangeMetrics = new NoopExchangeMetrics(),
  ) {}

  /** Readiness: the trace queue is consumed. */
  get consuming(): boolean {
    return this.subscription !== undefined;
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.topology.ensureCore();
    this.subscription = await this.bus.consumeTraceEvents((message) => this.handle(message));
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.subscription?.stop(SHUTDOWN_GRACE_MS);
    this.subscription = undefined;
  }

  async handle(message: IncomingMessage): Promise<HandlerOutcome> {
    if (message.routingKey === HEARTBEAT_ROUTING_KEY && this.heartbeats) {
      return this.heartbeats.handle(message);
    }
    const parsed = parseTraceMessage(message.body);
    if (!parsed.ok) return this.refuse(message, parsed.reason);
    // Each event goes its own way through the group commit, as if it had come alone; the message
    // is acked only once all of them are written (a database failure on any one retries it whole,
    // and the events already stored count as duplicates when it comes back).
    const attempt = message.attempt;
    const outcomes = await this.batches.submitAll(parsed.events.map((event) => ({ event, attempt })));
    const notStored = outcomes.find((outcome) => outcome.action !== 'ack');
    if (notStored) return notStored;
    // An array may hold events this axis cannot read (a newer node?) beside good ones: the good
    // ones are stored, the message goes to the dead letters for an operator to re-drive later.
    if (parsed.invalid.length > 0) return this.refuse(message, describeInvalid(parsed.invalid));
    return ACK;
  }

  private refuse(message: IncomingMessage, reason: string): HandlerOutcome {
    this.logger.warn(`trace message ${message.messageId} refused: ${reason}`);
    return { action: 'dead-letter', reason: `invalid trace event: ${reason}` };
  }

  private async store(pending: Pending[]): Promise<HandlerOutcome[]> {
    try {
      const recorded = await this.tracking.recordBatch(pending.map((p) => p.event));
      pending.forEach((p, i) => {
        if (recorded?.[i] === 'recorded') this.count(p.event);
      });
      return pending.map(() => ACK);
    } catch (error) {
      if (pending.length > 1) {
        // One event the database refuses must not hold back the rest: each on its own then. Its
        // message (and only it) is retried whole, then dead-lettered whole after the ladder, as a
        // single-event message is: the events of it that went in are duplicates when it returns.
        const outcomes: HandlerOutcome[] = [];
        for (const one of pending) outcomes.push(...(await this.store([one])));
        return outcomes;
      }
      const [{ event, attempt }] = pending;
      const reason = errorReason(error);
      this.logger.warn({
        msg: 'trace event not stored, will be retried',
        eventId: event.eventId,
        event: event.event,
        documentUuid: event.documentUuid,
        documentId: event.documentId,
        agency: event.sender,
        recipient: event.recipient,
        attempt,
        reason,
      });
      return [{ action: 'retry', reason }];
    }
  }

  /** The network's document figures, as the nodes report them (each event once). */
  private count(event: TraceEvent): void {
    if (event.kind !== 'edoc') return;
    if (event.event === 'published') this.metrics.packageSent(event.sender, 'edoc');
    else if (event.event === 'delivered') this.metrics.packageReceived(event.recipient, 'edoc');
    // A node writes the detail: only a reason code becomes a label (bounded series).
    else if (event.event === 'quarantined')
      this.metrics.packageRejected(
        event.recipient,
        /^[A-Z][A-Z0-9_]{0,63}$/.test(event.detail ?? '') ? event.detail! : 'OTHER',
      );
    else if (event.event === 'failed') this.metrics.packageFailed(event.sender, 'UNROUTABLE');
  }
}
