import type { HandlerOutcome, IncomingMessage } from '@lienthong/bus';
import type { TrustNotification } from '@lienthong/protocol';

export interface TraceSubscription {
  /** Stops deliveries; handlers already running get `graceMs` to settle. */
  stop(graceMs: number): Promise<void>;
}

/** What the axis does on the bus. */
export abstract class BusRepository {
  /** Idempotent: exchanges, retry ladder, trace queue. */
  abstract declareCoreTopology(): Promise<void>;

  /** Idempotent: the agency's inbox, its dead-letter queue and their bindings. */
  abstract declareAgencyQueue(agencyCode: string): Promise<void>;

  abstract consumeTraceEvents(
    handler: (message: IncomingMessage) => Promise<HandlerOutcome>,
  ): Promise<TraceSubscription>;

  /**
   * Broadcasts to every node listening now; resolves once the broker confirmed it (listeners or
   * not). Rejects when the broker cannot take it: the caller decides whether that matters.
   */
  abstract publishNotification(notification: TrustNotification): Promise<void>;

  /** Rejects when the broker cannot answer. */
  abstract ping(): Promise<void>;
}
