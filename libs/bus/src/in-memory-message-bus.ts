import { randomBytes } from 'node:crypto';
import { Logger } from '@nestjs/common';
import {
  BusTopology,
  BusTopologyOptions,
  ExchangeSpec,
  ExchangeType,
  QueueArguments,
  QueueSpec,
} from './bus-topology';
import {
  RawDelivery,
  decideSettlement,
  errorReason,
  notificationConsumer,
  redriveHeaders,
  toPeekedMessage,
  retryHeaders,
  toIncomingMessage,
  truncateReason,
} from './delivery';
import { BusClosedError, TopologyError } from './errors';
import {
  CancelOptions,
  ConsumeOptions,
  DEFAULT_CLOSE_GRACE_MS,
  DEFAULT_PEEK_LIMIT,
  DEFAULT_REDRIVE_LIMIT,
  DeadLetterHook,
  HandlerOutcome,
  IncomingMessage,
  MessageBus,
  MessageHandler,
  NOTIFICATION_PREFETCH,
  NotificationHandler,
  OutgoingMessage,
  OutgoingNotification,
  PeekedMessage,
  PublishResult,
  RedriveOptions,
  Subscription,
} from './message-bus';
import { encodeNotification, resolveConsumeOptions, validateOutgoing } from './validation';
import { topicMatches } from './topic-match';

export interface InMemoryMessageBusOptions {
  topology?: BusTopology | BusTopologyOptions;
  onDeadLetter?: DeadLetterHook;
  logger?: Pick<Logger, 'log' | 'warn' | 'error'>;
}

export interface DeadLetteredMessage {
  message: IncomingMessage;
  reason: string;
  /** The queue the message was dead-lettered from. */
  from: string;
}

interface Envelope {
  body: Buffer;
  messageId: string | undefined;
  routingKey: string;
  headers: Record<string, unknown>;
  contentType: string | undefined;
  redelivered: boolean;
  /** Times it went back to its queue unsettled, as a quorum queue counts for `x-delivery-limit`. */
  returns: number;
  deadLetter?: { reason: string; from: string };
}

interface MemExchange {
  type: ExchangeType;
  internal: boolean;
  alternateExchange?: string;
  bindings: { queue: string; routingKey: string }[];
}

interface MemQueue {
  name: string;
  arguments: QueueArguments;
  /** Deleted when its last consumer goes, as RabbitMQ does with an auto-delete queue. */
  autoDelete: boolean;
  ready: Envelope[];
  consumers: MemConsumer[];
  cursor: number;
  expiries: Map<Envelope, NodeJS.Timeout>;
  dispatch?: NodeJS.Immediate;
}

class MemConsumer implements Subscription {
  /** Still receiving new deliveries. */
  active = true;
  /** Outcomes are still applied; false once its unsettled messages were released. */
  live = true;
  readonly unacked = new Map<number, Envelope>();
  readonly running = new Set<Promise<void>>();
  private nextTag = 1;

  constructor(
    readonly queue: string,
    readonly handler: MessageHandler,
    readonly prefetch: number,
    readonly maxAttempts: number,
    private readonly onCancel: (consumer: MemConsumer, options: CancelOptions) => Promise<void>,
  ) {}

  tag(): number {
    return this.nextTag++;
  }

  cancel(options: CancelOptions = {}): Promise<void> {
    return this.onCancel(this, options);
  }
}

/**
 * The bus in one process, for the embedded sandbox and unit tests. It models the same exchanges,
 * queue arguments (TTL, dead-letter exchange and key, delivery limit) and settlement rules as the
 * broker, from the same {@link BusTopology}, so that code tested here behaves the same on RabbitMQ.
 * Nothing survives the process.
 */
export class InMemoryMessageBus extends MessageBus {
  readonly topology: BusTopology;
  private readonly exchanges = new Map<string, MemExchange>();
  private readonly queues = new Map<string, MemQueue>();
  private readonly consumers = new Set<MemConsumer>();
  private readonly onDeadLetter?: DeadLetterHook;
  private readonly logger: Pick<Logger, 'log' | 'warn' | 'error'>;
  private closing = false;
  private closed = false;

  constructor(options: InMemoryMessageBusOptions = {}) {
    super();
    this.topology =
      options.topology instanceof BusTopology ? options.topology : new BusTopology(options.topology);
    this.onDeadLetter = options.onDeadLetter;
    this.logger = options.logger ?? new Logger(InMemoryMessageBus.name);
  }

  async assertCoreTopology(): Promise<void> {
    this.assertOpen();
    for (const exchange of this.topology.coreExchanges()) this.declareExchange(exchange);
    for (const queue of this.topology.coreQueues()) this.declareQueue(queue);
  }

  async assertAgencyQueue(agencyCode: string): Promise<void> {
    this.assertOpen();
    for (const queue of this.topology.agencyQueues(agencyCode)) this.declareQueue(queue);
  }

  async publish(message: OutgoingMessage): Promise<PublishResult> {
    if (this.closed) throw new BusClosedError();
    validateOutgoing(message);
    const exchange = this.topology.exchangeName(message.exchange);
    if (!this.exchanges.has(exchange)) throw new TopologyError(`NOT_FOUND - no exchange '${exchange}'`);
    const routed = this.route(exchange, message.routingKey, {
      body: Buffer.from(message.body),
      messageId: message.messageId,
      routingKey: message.routingKey,
      headers: { ...message.headers },
      contentType: message.contentType,
      redelivered: false,
      returns: 0,
    });
    return { routed: routed > 0 };
  }

  async publishNotification(notification: OutgoingNotification): Promise<void> {
    if (this.closed) throw new BusClosedError();
    const { type, body, messageId, contentType } = encodeNotification(notification);
    const exchange = this.topology.notificationExchange;
    if (!this.exchanges.has(exchange)) throw new TopologyError(`NOT_FOUND - no exchange '${exchange}'`);
    this.route(exchange, type, {
      body,
      messageId,
      routingKey: type,
      headers: {},
      contentType,
      redelivered: false,
      returns: 0,
    });
  }

  /** Its own auto-delete queue on the fanout exchange, as on RabbitMQ (minus reconnects). */
  async subscribeNotifications(handler: NotificationHandler): Promise<Subscription> {
    this.assertOpen();
    const exchange = this.topology.notificationExchange;
    if (!this.exchanges.has(exchange)) throw new TopologyError(`NOT_FOUND - no exchange '${exchange}'`);
    const spec = this.topology.notificationQueueSpec(randomBytes(8).toString('hex'));
    this.declareQueue(spec);
    return this.consume(spec.name, notificationConsumer(handler, this.logger), {
      prefetch: NOTIFICATION_PREFETCH,
    });
  }

  async consume(queue: string, handler: MessageHandler, options: ConsumeOptions = {}): Promise<Subscription> {
    this.assertOpen();
    const q = this.requireQueue(queue);
    const { prefetch, maxAttempts } = resolveConsumeOptions(options);
    const consumer = new MemConsumer(queue, handler, prefetch, maxAttempts, (c, o) =>
      this.cancelConsumer(c, o),
    );
    this.consumers.add(consumer);
    q.consumers.push(consumer);
    this.scheduleDispatch(q);
    return consumer;
  }

  async queueDepth(queue: string): Promise<number> {
    return this.requireQueue(queue).ready.length;
  }

  async peek(queue: string, limit = DEFAULT_PEEK_LIMIT): Promise<PeekedMessage[]> {
    return this.requireQueue(queue)
      .ready.slice(0, limit)
      .map((env) => toPeekedMessage(this.raw(queue, env)));
  }

  async redriveDeadLetters(deadLetterQueue: string, options: RedriveOptions = {}): Promise<PeekedMessage[]> {
    this.assertOpen();
    const target = this.topology.redriveTargetOf(deadLetterQueue);
    if (!target)
      throw new TopologyError(`${deadLetterQueue} is not a dead-letter queue that can be re-driven`);
    const q = this.requireQueue(deadLetterQueue);
    const wanted = options.messageIds ? new Set(options.messageIds) : undefined;
    const limit = options.limit ?? DEFAULT_REDRIVE_LIMIT;
    const exchange = this.topology.retryExchange(this.topology.retryDelayAfter(1));
    const redriven: PeekedMessage[] = [];
    for (const env of [...q.ready]) {
      if (redriven.length >= limit) break;
      const raw = this.raw(deadLetterQueue, env);
      const message = toIncomingMessage(raw);
      if (wanted && !wanted.has(message.messageId)) continue;
      q.ready.splice(q.ready.indexOf(env), 1);
      this.route(exchange, target, {
        body: env.body,
        messageId: env.messageId,
        routingKey: target,
        headers: redriveHeaders(raw, message),
        contentType: env.contentType,
        redelivered: false,
        returns: 0,
      });
      redriven.push(toPeekedMessage(raw));
    }
    return redriven;
  }

  /** What waits in a dead-letter queue, with the reason the handler (or the broker) gave. */
  deadLetters(queue: string): DeadLetteredMessage[] {
    return this.requireQueue(queue).ready.map((env) => ({
      message: toIncomingMessage(this.raw(queue, env)),
      reason: env.deadLetter?.reason ?? 'unknown',
      from: env.deadLetter?.from ?? queue,
    }));
  }

  async close(options: CancelOptions = {}): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    const graceMs = options.graceMs ?? DEFAULT_CLOSE_GRACE_MS;
    await Promise.all([...this.consumers].map((c) => c.cancel({ graceMs })));
    // Handlers finishing during the grace period could still publish; now nothing may.
    this.closed = true;
    for (const q of this.queues.values()) {
      for (const timer of q.expiries.values()) clearTimeout(timer);
      q.expiries.clear();
      if (q.dispatch) clearImmediate(q.dispatch);
    }
  }

  private assertOpen(): void {
    if (this.closing) throw new BusClosedError();
  }

  private declareExchange(spec: ExchangeSpec): void {
    const existing = this.exchanges.get(spec.name);
    const internal = spec.internal === true;
    if (
      existing &&
      (existing.type !== spec.type ||
        existing.internal !== internal ||
        existing.alternateExchange !== spec.alternateExchange)
    ) {
      throw new TopologyError(`PRECONDITION_FAILED - exchange '${spec.name}' exists with other properties`);
    }
    if (!existing) {
      this.exchanges.set(spec.name, {
        type: spec.type,
        internal,
        alternateExchange: spec.alternateExchange,
        bindings: [],
      });
    }
  }

  private declareQueue(spec: QueueSpec): void {
    const existing = this.queues.get(spec.name);
    if (existing && canonical(existing.arguments) !== canonical(spec.arguments)) {
      throw new TopologyError(`PRECONDITION_FAILED - queue '${spec.name}' exists with other arguments`);
    }
    if (!existing) {
      this.queues.set(spec.name, {
        name: spec.name,
        arguments: { ...spec.arguments },
        autoDelete: spec.exclusive === true,
        ready: [],
        consumers: [],
        cursor: 0,
        expiries: new Map(),
      });
    }
    for (const binding of spec.bindings) {
      const exchange = this.exchanges.get(binding.exchange);
      if (!exchange) throw new TopologyError(`NOT_FOUND - no exchange '${binding.exchange}'`);
      if (!exchange.bindings.some((b) => b.queue === spec.name && b.routingKey === binding.routingKey)) {
        exchange.bindings.push({ queue: spec.name, routingKey: binding.routingKey });
      }
    }
  }

  private requireQueue(name: string): MemQueue {
    const q = this.queues.get(name);
    if (!q) throw new TopologyError(`NOT_FOUND - no queue '${name}'`);
    return q;
  }

  /** Returns how many queues took a copy, as the broker decides whether to return a mandatory message. */
  private route(exchangeName: string, routingKey: string, env: Envelope): number {
    const targets = new Set<string>();
    if (exchangeName === '') {
      if (this.queues.has(routingKey)) targets.add(routingKey);
    } else {
      // What no binding takes goes on to the alternate exchange, and so on (each exchange once).
      const seen = new Set<string>();
      for (let name: string | undefined = exchangeName; name !== undefined && !seen.has(name);) {
        seen.add(name);
        const exchange = this.exchanges.get(name);
        for (const b of exchange?.bindings ?? []) {
          const match =
            exchange?.type === 'fanout' ||
            (exchange?.type === 'direct' && b.routingKey === routingKey) ||
            (exchange?.type === 'topic' && topicMatches(b.routingKey, routingKey));
          if (match) targets.add(b.queue);
        }
        name = targets.size === 0 ? exchange?.alternateExchange : undefined;
      }
    }
    for (const name of targets) {
      const q = this.queues.get(name);
      if (q) this.enqueue(q, { ...env, body: Buffer.from(env.body), headers: { ...env.headers } });
    }
    return targets.size;
  }

  private enqueue(q: MemQueue, env: Envelope, atHead = false): void {
    if (atHead) q.ready.unshift(env);
    else q.ready.push(env);
    // x-max-length with the default overflow (drop-head), as on a classic queue.
    const maxLength = q.arguments['x-max-length'];
    if (typeof maxLength === 'number') {
      for (const dropped of q.ready.splice(0, Math.max(0, q.ready.length - maxLength))) {
        const timer = q.expiries.get(dropped);
        if (timer) clearTimeout(timer);
        q.expiries.delete(dropped);
      }
    }
    const ttl = q.arguments['x-message-ttl'];
    if (typeof ttl === 'number' && !q.expiries.has(env)) {
      q.expiries.set(
        env,
        setTimeout(() => this.expire(q, env), ttl),
      );
    }
    this.scheduleDispatch(q);
  }

  private expire(q: MemQueue, env: Envelope): void {
    q.expiries.delete(env);
    const i = q.ready.indexOf(env);
    if (i < 0) return;
    q.ready.splice(i, 1);
    this.deadLetter(q, env, 'expired');
  }

  private deadLetter(q: MemQueue, env: Envelope, reason: string): void {
    const exchange = q.arguments['x-dead-letter-exchange'];
    if (typeof exchange !== 'string') {
      this.logger.warn(
        `dropped message ${env.messageId} from ${q.name} (${reason}): no dead-letter exchange`,
      );
      return;
    }
    const key = q.arguments['x-dead-letter-routing-key'];
    const brokerReason = reason === 'expired' || reason === 'delivery_limit' ? reason : 'rejected';
    const headers = { ...env.headers };
    if (headers['x-first-death-queue'] === undefined) {
      headers['x-first-death-queue'] = q.name;
      headers['x-first-death-reason'] = brokerReason;
    }
    const routed = this.route(exchange, typeof key === 'string' ? key : env.routingKey, {
      ...env,
      headers,
      redelivered: false,
      returns: 0,
      deadLetter: { reason, from: q.name },
    });
    if (routed === 0)
      this.logger.warn(`dead letter of ${env.messageId} from ${q.name} was unroutable: dropped`);
  }

  private scheduleDispatch(q: MemQueue): void {
    if (q.dispatch || this.closed) return;
    // Deliveries happen on a later turn, as from a socket, so no handler runs inside publish().
    q.dispatch = setImmediate(() => {
      q.dispatch = undefined;
      this.dispatch(q);
    });
  }

  private dispatch(q: MemQueue): void {
    while (q.ready.length > 0) {
      const consumer = this.nextConsumer(q);
      if (!consumer) return;
      const env = q.ready.shift() as Envelope;
      const timer = q.expiries.get(env);
      if (timer) clearTimeout(timer);
      q.expiries.delete(env);
      this.deliver(q, consumer, env);
    }
  }

  /** Round robin over consumers that still have prefetch room. */
  private nextConsumer(q: MemQueue): MemConsumer | undefined {
    for (let i = 0; i < q.consumers.length; i++) {
      const c = q.consumers[(q.cursor + i) % q.consumers.length];
      if (c.unacked.size < c.prefetch) {
        q.cursor = (q.cursor + i + 1) % q.consumers.length;
        return c;
      }
    }
    return undefined;
  }

  private deliver(q: MemQueue, consumer: MemConsumer, env: Envelope): void {
    const tag = consumer.tag();
    consumer.unacked.set(tag, env);
    const raw = this.raw(q.name, env);
    const message = toIncomingMessage(raw);
    const run = (async () => {
      let outcome: HandlerOutcome;
      try {
        outcome = await consumer.handler(message);
      } catch (error) {
        outcome = { action: 'retry', reason: errorReason(error) };
      }
      // Released on cancel: the message is back in the queue and this outcome no longer counts.
      if (!consumer.live || consumer.unacked.get(tag) !== env) return;
      consumer.unacked.delete(tag);
      this.settle(q, consumer, env, raw, message, outcome);
    })().catch((error: unknown) =>
      this.logger.error(`settling ${env.messageId} on ${q.name} failed: ${errorReason(error)}`),
    );
    consumer.running.add(run);
    void run.finally(() => consumer.running.delete(run));
  }

  private settle(
    q: MemQueue,
    consumer: MemConsumer,
    env: Envelope,
    raw: RawDelivery,
    message: IncomingMessage,
    outcome: HandlerOutcome,
  ): void {
    const settlement = decideSettlement(outcome, message.attempt, consumer.maxAttempts, this.topology);
    if (settlement.kind === 'retry') {
      const routed = this.route(this.topology.retryExchange(settlement.delayMs), q.name, {
        body: env.body,
        messageId: env.messageId,
        routingKey: q.name,
        headers: retryHeaders(raw, message, settlement.reason),
        contentType: env.contentType,
        redelivered: false,
        returns: 0,
      });
      if (routed === 0) {
        this.logger.error(
          `retry queue for ${settlement.delayMs} ms missing: ${env.messageId} requeued on ${q.name}`,
        );
        this.requeue(q, env);
      }
    } else if (settlement.kind === 'dead-letter') {
      this.deadLetter(q, env, truncateReason(settlement.reason));
      this.reportDeadLetter(q.name, message, settlement.reason);
    }
    this.scheduleDispatch(q);
  }

  private requeue(q: MemQueue, env: Envelope): void {
    env.redelivered = true;
    env.returns += 1;
    const limit = q.arguments['x-delivery-limit'];
    if (typeof limit === 'number' && env.returns > limit) {
      this.deadLetter(q, env, 'delivery_limit');
      return;
    }
    this.enqueue(q, env, true);
  }

  private async cancelConsumer(consumer: MemConsumer, options: CancelOptions): Promise<void> {
    if (!consumer.active) return;
    consumer.active = false;
    const q = this.queues.get(consumer.queue);
    if (q) {
      q.consumers = q.consumers.filter((c) => c !== consumer);
      q.cursor = 0;
    }
    const graceMs = options.graceMs ?? 0;
    if (graceMs > 0 && consumer.running.size > 0) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        Promise.allSettled([...consumer.running]),
        new Promise<void>((resolve) => (timer = setTimeout(resolve, graceMs))),
      ]);
      clearTimeout(timer);
    }
    consumer.live = false;
    this.consumers.delete(consumer);
    if (!q) return;
    if (q.autoDelete && q.consumers.length === 0) {
      consumer.unacked.clear();
      this.deleteQueue(q);
      return;
    }
    // Back to the head in delivery order, as the broker does with a closed channel's unacked messages.
    for (const env of [...consumer.unacked.values()].reverse()) this.requeue(q, env);
    consumer.unacked.clear();
  }

  /** The queue, what it holds and its bindings; nothing is dead-lettered. */
  private deleteQueue(q: MemQueue): void {
    for (const timer of q.expiries.values()) clearTimeout(timer);
    q.expiries.clear();
    if (q.dispatch) clearImmediate(q.dispatch);
    q.dispatch = undefined;
    q.ready = [];
    this.queues.delete(q.name);
    for (const exchange of this.exchanges.values()) {
      exchange.bindings = exchange.bindings.filter((b) => b.queue !== q.name);
    }
  }

  private reportDeadLetter(queue: string, message: IncomingMessage, reason: string): void {
    this.logger.warn(
      `dead-lettered ${message.messageId} from ${queue} after attempt ${message.attempt}: ${reason}`,
    );
    try {
      this.onDeadLetter?.({ queue, message, reason });
    } catch (error) {
      this.logger.error(`onDeadLetter hook failed: ${errorReason(error)}`);
    }
  }

  private raw(queue: string, env: Envelope): RawDelivery {
    return {
      queue,
      body: Buffer.from(env.body),
      messageId: env.messageId,
      routingKey: env.routingKey,
      headers: env.headers,
      contentType: env.contentType,
      redelivered: env.redelivered,
    };
  }
}

function canonical(args: QueueArguments): string {
  return JSON.stringify(Object.entries(args).sort(([a], [b]) => (a < b ? -1 : 1)));
}
