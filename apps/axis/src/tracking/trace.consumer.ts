import { BeforeApplicationShutdown, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { errorReason, HandlerOutcome, IncomingMessage } from '@lienthong/bus';
import { BusRepository, TraceSubscription } from '../bus/bus.repository';
import { TopologyService } from '../topology/topology.service';
import { parseTraceEvent } from './parse-trace-event';
import { TrackingService } from './tracking.service';

/** Lets a handler halfway through its transaction finish before the database closes. */
const SHUTDOWN_GRACE_MS = 5_000;

/**
 * The trace queue's consumer: the bus edge of tracking, as a controller is the HTTP one. A message
 * that can never be stored dead-letters at once; a database failure retries on the back-off ladder.
 */
@Injectable()
export class TraceConsumer implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(TraceConsumer.name);
  private subscription?: TraceSubscription;

  constructor(
    private readonly bus: BusRepository,
    private readonly topology: TopologyService,
    private readonly tracking: TrackingService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.topology.ensureCore();
    this.subscription = await this.bus.consumeTraceEvents((message) => this.handle(message));
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.subscription?.stop(SHUTDOWN_GRACE_MS);
    this.subscription = undefined;
  }

  async handle(message: IncomingMessage): Promise<HandlerOutcome> {
    const parsed = parseTraceEvent(message.body);
    if (!parsed.ok) {
      this.logger.warn(`trace message ${message.messageId} refused: ${parsed.reason}`);
      return { action: 'dead-letter', reason: `invalid trace event: ${parsed.reason}` };
    }
    try {
      await this.tracking.record(parsed.event);
      return { action: 'ack' };
    } catch (error) {
      const reason = errorReason(error);
      this.logger.warn(
        `trace event ${parsed.event.eventId} not stored (attempt ${message.attempt}): ${reason}`,
      );
      return { action: 'retry', reason };
    }
  }
}
