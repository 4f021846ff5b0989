import { Injectable } from '@nestjs/common';
import { HandlerOutcome, IncomingMessage, MessageBus } from '@lienthong/bus';
import type { TrustNotification } from '@lienthong/protocol';
import { BusRepository, TraceSubscription } from './bus.repository';

/**
 * Trace events keep arriving while the database is down; at the last rung of the back-off ladder
 * (2 min by default) this many attempts ride out about an hour before a message dead-letters.
 */
const TRACE_MAX_ATTEMPTS = 32;

@Injectable()
export class MessageBusRepository extends BusRepository {
  constructor(private readonly bus: MessageBus) {
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
    const subscription = await this.bus.consume(this.bus.topology.traceQueue, handler, {
      maxAttempts: TRACE_MAX_ATTEMPTS,
    });
    return { stop: (graceMs) => subscription.cancel({ graceMs }) };
  }

  publishNotification(notification: TrustNotification): Promise<void> {
    return this.bus.publishNotification({ type: notification.type, body: notification });
  }

  async ping(): Promise<void> {
    // A round trip to the broker, not a flag: a half-dead connection must fail readiness.
    await this.bus.queueDepth(this.bus.topology.traceQueue);
  }
}
