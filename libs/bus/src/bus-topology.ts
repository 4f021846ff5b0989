import type { BusExchange } from './message-bus';

export interface BusTopologyOptions {
  /** First word of every exchange and queue name. Default `axis`; tests use a random one. */
  prefix?: string;
  /** Back-off ladder: the delay after the 1st failed attempt, the 2nd, …; the last one repeats. */
  retryDelaysMs?: readonly number[];
  /**
   * Redeliveries (consumer crashed or was cancelled, not our retry ladder) after which a quorum
   * queue dead-letters a message itself (`x-delivery-limit`): a message that kills its consumer
   * every time must not loop for ever. Part of the queue arguments, so every process must agree.
   */
  deliveryLimit?: number;
}

export type ExchangeType = 'topic' | 'direct' | 'fanout';

export interface ExchangeSpec {
  name: string;
  type: ExchangeType;
  /** Refuses every client publish: only the broker (dead-lettering, alternate exchange) feeds it. */
  internal?: boolean;
  /** Where the exchange passes a message that no binding of its own takes. */
  alternateExchange?: string;
}

export type QueueArguments = Record<string, string | number>;

export interface QueueSpec {
  name: string;
  arguments: QueueArguments;
  /**
   * Owned by one connection: exclusive, auto-delete, not durable (a classic queue; quorum queues
   * can be none of these). Gone with its consumer or its connection.
   */
  exclusive?: boolean;
  /** Bindings of this queue: `exchange` → queue with `routingKey`. */
  bindings: { exchange: string; routingKey: string }[];
}

export const DEFAULT_PREFIX = 'axis';
export const DEFAULT_RETRY_DELAYS_MS: readonly number[] = [1_000, 5_000, 30_000, 120_000];
export const DEFAULT_DELIVERY_LIMIT = 20;
/** Notifications a stuck subscriber may fall behind by; the oldest are dropped beyond it (they are hints). */
export const NOTIFICATION_QUEUE_MAX_LENGTH = 1_000;
/** Retry copies kept that had no queue to return to; the oldest are dropped beyond it. */
export const REQUEUE_DEAD_LETTER_QUEUE_MAX_LENGTH = 10_000;

/** The bus bookkeeping headers. */
export const ATTEMPT_HEADER = 'x-lienthong-attempt';
export const LAST_ERROR_HEADER = 'x-lienthong-last-error';
export const ROUTING_KEY_HEADER = 'x-lienthong-routing-key';

/** Dead-letter routing key of the trace queue. Never an agency code (see {@link BusTopology.assertAgencyCode}). */
const TRACE_DEAD_LETTER_KEY = 'trace';

// Names and routing keys: dot-separated words, no topic wildcards (`*`, `#`), nothing that needs quoting.
const WORDS = /^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/;

/**
 * Every exchange and queue name and argument, computed in one place so that the axis, the nodes
 * and the in-memory bus declare exactly the same thing (RabbitMQ refuses a re-declaration with
 * different arguments).
 */
export class BusTopology {
  readonly prefix: string;
  readonly retryDelaysMs: readonly number[];
  readonly deliveryLimit: number;

  constructor(options: BusTopologyOptions = {}) {
    const prefix = options.prefix ?? DEFAULT_PREFIX;
    if (!WORDS.test(prefix) || prefix.length > 100)
      throw new Error(`invalid bus prefix: ${JSON.stringify(prefix)}`);
    const delays = options.retryDelaysMs ?? DEFAULT_RETRY_DELAYS_MS;
    if (delays.length === 0 || delays.some((d) => !Number.isSafeInteger(d) || d <= 0)) {
      throw new Error(`retry delays must be positive integers (ms), got ${JSON.stringify(delays)}`);
    }
    const deliveryLimit = options.deliveryLimit ?? DEFAULT_DELIVERY_LIMIT;
    if (!Number.isSafeInteger(deliveryLimit) || deliveryLimit < 1)
      throw new Error('deliveryLimit must be ≥ 1');
    this.prefix = prefix;
    this.retryDelaysMs = [...delays];
    this.deliveryLimit = deliveryLimit;
  }

  /** Topic exchange; routing key = recipient agency code. */
  get documentsExchange(): string {
    return `${this.prefix}.edoc`;
  }

  /** Direct exchange every inbox dead-letters to, keyed by agency code. */
  get deadLetterExchange(): string {
    return `${this.prefix}.dlx`;
  }

  get traceExchange(): string {
    return `${this.prefix}.trace`;
  }

  /**
   * Not the exchange's name: write on an exchange (which nodes have, to publish) would otherwise
   * be write on the queue of the same name too, and a node could bind it wherever it likes.
   */
  get traceQueue(): string {
    return `${this.prefix}.trace.events`;
  }

  get traceDeadLetterQueue(): string {
    return `${this.prefix}.trace.dlq`;
  }

  /** Fanout exchange of broadcast notifications: every subscriber's queue gets a copy. */
  get notificationExchange(): string {
    return `${this.prefix}.notify`;
  }

  exchangeName(exchange: BusExchange): string {
    return exchange === 'documents' ? this.documentsExchange : this.traceExchange;
  }

  agencyInbox(agencyCode: string): string {
    BusTopology.assertAgencyCode(agencyCode);
    return `${this.prefix}.agency.${agencyCode}.inbox`;
  }

  agencyDeadLetterQueue(agencyCode: string): string {
    BusTopology.assertAgencyCode(agencyCode);
    return `${this.prefix}.agency.${agencyCode}.dlq`;
  }

  /** A fanout exchange in front of each delay queue, see {@link retryQueueSpec}. */
  retryExchange(delayMs: number): string {
    return `${this.prefix}.retry.${delayMs}`;
  }

  /** Not the exchange's name, for the reason given at {@link traceQueue}. */
  retryQueue(delayMs: number): string {
    return `${this.prefix}.retry.${delayMs}.delay`;
  }

  /**
   * Internal direct exchange the delay queues dead-letter to: only the queues a retried copy may
   * return to are bound on it, each with its own name as the key (the agency inboxes and the trace
   * queue). A copy whose key names no such queue goes to {@link unroutableExchange}.
   */
  get requeueExchange(): string {
    return `${this.prefix}.requeue`;
  }

  /** Internal fanout exchange: the alternate exchange of {@link requeueExchange}. */
  get unroutableExchange(): string {
    return `${this.prefix}.requeue.unroutable`;
  }

  /** Retry copies that had no queue to return to (their queue deleted, or a key made up). */
  get requeueDeadLetterQueue(): string {
    return `${this.prefix}.requeue.dlq`;
  }

  /**
   * The queue a dead letter of `deadLetterQueue` is sent back to when an operator re-drives it:
   * an agency DLQ → that agency's inbox, the trace DLQ → the trace queue; undefined for any other
   * queue (the requeue DLQ holds copies whose queue is gone).
   */
  redriveTargetOf(deadLetterQueue: string): string | undefined {
    if (deadLetterQueue === this.traceDeadLetterQueue) return this.traceQueue;
    const head = `${this.prefix}.agency.`;
    if (!deadLetterQueue.startsWith(head) || !deadLetterQueue.endsWith('.dlq')) return undefined;
    const code = deadLetterQueue.slice(head.length, -'.dlq'.length);
    try {
      return this.agencyInbox(code);
    } catch {
      return undefined;
    }
  }

  /** Delay before the attempt after `failedAttempt` (1-based); past the ladder's end the last rung repeats. */
  retryDelayAfter(failedAttempt: number): number {
    const i = Math.min(Math.max(failedAttempt, 1), this.retryDelaysMs.length) - 1;
    return this.retryDelaysMs[i];
  }

  coreExchanges(): ExchangeSpec[] {
    const retry = [...new Set(this.retryDelaysMs)].map((d) => ({
      name: this.retryExchange(d),
      type: 'fanout' as const,
    }));
    // No alternate exchange on the documents exchange: with one, RabbitMQ never returns a
    // mandatory message, and the sender could not learn at once that the recipient has no queue.
    return [
      { name: this.documentsExchange, type: 'topic' },
      { name: this.deadLetterExchange, type: 'direct' },
      { name: this.traceExchange, type: 'topic' },
      { name: this.notificationExchange, type: 'fanout' },
      { name: this.unroutableExchange, type: 'fanout', internal: true },
      {
        name: this.requeueExchange,
        type: 'direct',
        internal: true,
        alternateExchange: this.unroutableExchange,
      },
      ...retry,
    ];
  }

  coreQueues(): QueueSpec[] {
    return [
      {
        name: this.traceQueue,
        arguments: this.consumedQueueArguments(TRACE_DEAD_LETTER_KEY),
        bindings: [{ exchange: this.traceExchange, routingKey: '#' }, this.requeueBinding(this.traceQueue)],
      },
      {
        name: this.traceDeadLetterQueue,
        arguments: { 'x-queue-type': 'quorum' },
        bindings: [{ exchange: this.deadLetterExchange, routingKey: TRACE_DEAD_LETTER_KEY }],
      },
      {
        // drop-head, not reject-publish: a refused dead letter would stay in its delay queue for ever.
        name: this.requeueDeadLetterQueue,
        arguments: {
          'x-queue-type': 'quorum',
          'x-max-length': REQUEUE_DEAD_LETTER_QUEUE_MAX_LENGTH,
          'x-overflow': 'drop-head',
        },
        bindings: [{ exchange: this.unroutableExchange, routingKey: '' }],
      },
      ...[...new Set(this.retryDelaysMs)].map((d) => this.retryQueueSpec(d)),
    ];
  }

  agencyQueues(agencyCode: string): QueueSpec[] {
    const inbox = this.agencyInbox(agencyCode);
    return [
      {
        name: inbox,
        arguments: this.consumedQueueArguments(agencyCode),
        bindings: [{ exchange: this.documentsExchange, routingKey: agencyCode }, this.requeueBinding(inbox)],
      },
      {
        name: this.agencyDeadLetterQueue(agencyCode),
        arguments: { 'x-queue-type': 'quorum' },
        bindings: [{ exchange: this.deadLetterExchange, routingKey: agencyCode }],
      },
    ];
  }

  /**
   * One notification subscriber's queue, `id` chosen by the subscriber (random): exclusive and
   * auto-delete, so nothing is kept for a subscriber that has gone, and nothing published before
   * it subscribed reaches it. Under the prefix, so broker permissions can allow `<prefix>.notify.*`.
   */
  notificationQueueSpec(id: string): QueueSpec {
    if (!/^[A-Za-z0-9_-]{1,64}$/.test(id))
      throw new Error(`invalid notification queue id: ${JSON.stringify(id)}`);
    return {
      name: `${this.notificationExchange}.${id}`,
      arguments: { 'x-queue-type': 'classic', 'x-max-length': NOTIFICATION_QUEUE_MAX_LENGTH },
      bindings: [{ exchange: this.notificationExchange, routingKey: '' }],
      exclusive: true,
    };
  }

  /**
   * A retried copy is published to the delay's fanout exchange with routing key = the queue it
   * came from. The delay queue dead-letters it on expiry to {@link requeueExchange} without a
   * dead-letter routing key, so the broker keeps that key and the copy goes back to its queue if
   * that queue is bound there (its own name as the key), else to {@link requeueDeadLetterQueue}.
   * Not the default exchange: it reaches every queue of the vhost, and whoever may write to a
   * retry exchange chooses the key.
   */
  retryQueueSpec(delayMs: number): QueueSpec {
    return {
      name: this.retryQueue(delayMs),
      arguments: {
        'x-queue-type': 'quorum',
        'x-message-ttl': delayMs,
        'x-dead-letter-exchange': this.requeueExchange,
        // Without these two a quorum queue dead-letters at most once: a copy could vanish between
        // the delay queue and its home queue. (At least once, a dead letter that no queue takes
        // would stay in the delay queue for ever: hence the alternate exchange.)
        'x-dead-letter-strategy': 'at-least-once',
        'x-overflow': 'reject-publish',
      },
      bindings: [{ exchange: this.retryExchange(delayMs), routingKey: '' }],
    };
  }

  /** A queue's way back from the retry ladder. */
  private requeueBinding(queue: string): { exchange: string; routingKey: string } {
    return { exchange: this.requeueExchange, routingKey: queue };
  }

  private consumedQueueArguments(deadLetterRoutingKey: string): QueueArguments {
    return {
      'x-queue-type': 'quorum',
      'x-dead-letter-exchange': this.deadLetterExchange,
      'x-dead-letter-routing-key': deadLetterRoutingKey,
      'x-dead-letter-strategy': 'at-least-once',
      'x-overflow': 'reject-publish',
      'x-delivery-limit': this.deliveryLimit,
    };
  }

  /** Agency codes become routing keys and queue-name parts, so they must be plain dotted words. */
  static assertAgencyCode(code: string): void {
    if (
      typeof code !== 'string' ||
      code.length > 100 ||
      !WORDS.test(code) ||
      code === TRACE_DEAD_LETTER_KEY
    ) {
      throw new Error(`not a usable agency code: ${JSON.stringify(code)}`);
    }
  }
}
