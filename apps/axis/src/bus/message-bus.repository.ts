import { Inject, Injectable, Optional } from '@nestjs/common';
import { decideSettlement, HandlerOutcome, IncomingMessage, MessageBus } from '@lienthong/bus';
import {
  ExchangeMetrics,
  NoopExchangeMetrics,
  OBSERVABILITY,
  Observability,
  secondsSince,
  withAppLogger,
} from '@lienthong/observability';
import type { TrustNotification } from '@lienthong/protocol';
import { BusRepository, TraceSubscription } from './bus.repository';

/**
 * Trace events keep arriving while the database is down; at the last rung of the back-off ladder
 * (2 min by default) this many attempts ride out about an hour before a message dead-letters.
 */
const TRACE_MAX_ATTEMPTS = 32;

/** Room for the trace consumer's group commits: what is in flight together is written together. */
const TRACE_PREFETCH = 400;

@Injectable()
export class MessageBusRepository extends BusRepository {
  constructor(
    private readonly bus: MessageBus,
    @Optional() private readonly metrics: ExchangeMetrics = new NoopExchangeMetrics(),
    @Optional() @Inject(OBSERVABILITY) private readonly observability?: Observability,
  ) {
    super();
  }

  declareCoreTopology(): Promise<void> {
    return this.bus.assertCoreTopology();
  }

  declareAgencyQueue(agencyCode: string): Promise<void> {
    return this.bus.assertAgencyQueue(agencyCode);
  }

  async consumeTraceEvents(
    handler: (message: IncomingMessage) => Promise<HandlerOutcome>,
  ): Promise<TraceSubscription> {
    // Counted as the bus will settle it: a retry on the last attempt is a dead-letter.
    const settled = (message: IncomingMessage, outcome: unknown) =>
      this.metrics.consumerSettled(
        'trace',
        decideSettlement(outcome, message.attempt, TRACE_MAX_ATTEMPTS, this.bus.topology).kind,
      );
    // The axis's logger: with the in-process bus, a delivery runs in the context of its publisher.
    const logger = this.observability?.logger;
    const handle = (message: IncomingMessage) =>
      logger ? withAppLogger(logger, () => handler(message)) : handler(message);
    const counted = async (message: IncomingMessage): Promise<HandlerOutcome> => {
      try {
        const outcome = await handle(message);
        settled(message, outcome);
        return outcome;
      } catch (error) {
        settled(message, { action: 'retry', reason: 'handler failed' });
        throw error;
      }
    };
    const subscription = await this.bus.consume(this.bus.topology.traceQueue, counted, {
      maxAttempts: TRACE_MAX_ATTEMPTS,
      prefetch: TRACE_PREFETCH,
    });
    return { stop: (graceMs) => subscription.cancel({ graceMs }) };
  }

  async publishNotification(notification: TrustNotification): Promise<void> {
    const started = performance.now();
    try {
      await this.bus.publishNotification({ type: notification.type, body: notification });
      this.metrics.publishConfirmed('notify', 'routed', secondsSince(started));
    } catch (error) {
      this.metrics.publishConfirmed('notify', 'error', secondsSince(started));
      throw error;
    }
  }

  async ping(): Promise<void> {
    // A round trip to the broker, not a flag: a half-dead connection must fail readiness.
    await this.bus.queueDepth(this.bus.topology.traceQueue);
  }
}
