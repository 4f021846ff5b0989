import { randomBytes } from 'node:crypto';
import { Logger } from '@nestjs/common';
import * as amqp from 'amqplib';
import type { Channel, ChannelModel, GetMessage, RecoveringChannelModel } from 'amqplib';
import { ConfirmPublisher } from './amqp-publisher';
import { AmqpSubscription, QueueDeclarer, SubscriptionHost } from './amqp-subscription';
import { BusTopology, BusTopologyOptions, ExchangeSpec, QueueSpec } from './bus-topology';
import {
  RawDelivery,
  notificationConsumer,
  redriveHeaders,
  toIncomingMessage,
  toPeekedMessage,
} from './delivery';
import { BusClosedError, BusError, BusUnavailableError, TopologyError } from './errors';
import {
  CancelOptions,
  ConsumeOptions,
  DEFAULT_CLOSE_GRACE_MS,
  DEFAULT_PEEK_LIMIT,
  DEFAULT_REDRIVE_LIMIT,
  DeadLetterHook,
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

export interface AmqpMessageBusOptions {
  /** `amqp://user:pass@host:5672/vhost`; URL query options (heartbeat, frameMax) pass through to amqplib. */
  url: string;
  topology?: BusTopology | BusTopologyOptions;
  /** Shown in RabbitMQ's connection list, so operators can tell which node holds which connection. */
  connectionName?: string;
  /** Back-off between reconnect attempts after a connection loss. Default 200 ms doubling to 30 s. */
  reconnect?: { initialDelayMs?: number; maxDelayMs?: number };
  /**
   * false (default): connect() fails at once if the broker cannot be reached, so a misconfigured
   * process stops with a clear error. true: keep trying with the back-off above.
   */
  waitForBroker?: boolean;
  /** A publish not confirmed by then rejects, so the outbox tries again. Default 30 s. */
  confirmTimeoutMs?: number;
  onDeadLetter?: DeadLetterHook;
  logger?: Pick<Logger, 'log' | 'warn' | 'error'>;
}

/**
 * The bus on RabbitMQ: one connection (re-established with back-off when it drops), one confirm
 * channel for every publish, and one channel per consumer.
 */
export class AmqpMessageBus extends MessageBus implements SubscriptionHost {
  readonly topology: BusTopology;
  readonly logger: Pick<Logger, 'log' | 'warn' | 'error'>;
  readonly onDeadLetter?: DeadLetterHook;
  private readonly publisher: ConfirmPublisher;
  private readonly subscriptions = new Set<AmqpSubscription>();
  private recovering?: RecoveringChannelModel;
  private model?: ChannelModel;
  private closing?: Promise<void>;
  private closed = false;

  private constructor(private readonly options: AmqpMessageBusOptions) {
    super();
    this.topology =
      options.topology instanceof BusTopology ? options.topology : new BusTopology(options.topology);
    this.logger = options.logger ?? new Logger(AmqpMessageBus.name);
    this.onDeadLetter = options.onDeadLetter;
    this.publisher = new ConfirmPublisher(options.confirmTimeoutMs ?? 30_000);
  }

  /** Resolves once connected; see {@link AmqpMessageBusOptions.waitForBroker}. */
  static async connect(options: AmqpMessageBusOptions): Promise<AmqpMessageBus> {
    const bus = new AmqpMessageBus(options);
    await bus.start();
    return bus;
  }

  get connected(): boolean {
    return this.model !== undefined;
  }

  /** For health checks and the dashboard. */
  get publisherStats(): { inFlight: number; drainWaits: number } {
    return this.publisher.stats;
  }

  currentModel(): ChannelModel | undefined {
    return this.model;
  }

  async assertCoreTopology(): Promise<void> {
    const exchanges = this.topology.coreExchanges();
    const queues = this.topology.coreQueues();
    await this.withChannel((ch) => declare(ch, exchanges, queues));
  }

  async assertAgencyQueue(agencyCode: string): Promise<void> {
    const queues = this.topology.agencyQueues(agencyCode);
    await this.withChannel((ch) => declare(ch, [], queues));
  }

  async publish(message: OutgoingMessage): Promise<PublishResult> {
    if (this.closing) throw new BusClosedError();
    validateOutgoing(message);
    return this.publisher.publish(
      this.topology.exchangeName(message.exchange),
      message.routingKey,
      message.body,
      {
        messageId: message.messageId,
        headers: message.headers,
        contentType: message.contentType,
      },
    );
  }

  /** Retry copies still go out while the bus closes: a handler finishing in its grace period needs them. */
  publishRaw(
    exchange: string,
    routingKey: string,
    body: Buffer,
    props: { messageId: string; headers: Record<string, unknown>; contentType?: string },
  ): Promise<PublishResult> {
    if (this.closed) return Promise.reject(new BusClosedError());
    return this.publisher.publish(exchange, routingKey, body, props);
  }

  /** Transient and not mandatory: a notification nobody listens to is simply dropped by the broker. */
  async publishNotification(notification: OutgoingNotification): Promise<void> {
    if (this.closing) throw new BusClosedError();
    const { type, body, messageId, contentType } = encodeNotification(notification);
    await this.publisher.publish(this.topology.notificationExchange, type, body, {
      messageId,
      contentType,
      mandatory: false,
      persistent: false,
    });
  }

  async consume(queue: string, handler: MessageHandler, options: ConsumeOptions = {}): Promise<Subscription> {
    if (this.closing) throw new BusClosedError();
    const { prefetch, maxAttempts } = resolveConsumeOptions(options);
    return this.subscribe(new AmqpSubscription(queue, handler, prefetch, maxAttempts, this));
  }

  async subscribeNotifications(handler: NotificationHandler): Promise<Subscription> {
    if (this.closing) throw new BusClosedError();
    const declare: QueueDeclarer = (ch) => this.declareNotificationQueue(ch);
    const consumer = notificationConsumer(handler, this.logger);
    // Every outcome is an ack, so maxAttempts never comes into play.
    return this.subscribe(new AmqpSubscription(declare, consumer, NOTIFICATION_PREFETCH, 1, this));
  }

  private async subscribe(subscription: AmqpSubscription): Promise<Subscription> {
    const model = this.requireModel();
    this.subscriptions.add(subscription);
    try {
      await subscription.start(model);
    } catch (error) {
      this.subscriptions.delete(subscription);
      throw brokerError(error);
    }
    return subscription;
  }

  /**
   * A new name on every (re)connect: after a network failure the broker may still hold the old
   * connection, and with it the old exclusive queue, for a heartbeat or two.
   */
  private async declareNotificationQueue(ch: Channel): Promise<string> {
    const spec = this.topology.notificationQueueSpec(randomBytes(8).toString('hex'));
    // Checked first, so a missing exchange fails before a queue is made for nothing.
    await ch.checkExchange(this.topology.notificationExchange);
    const exclusive = spec.exclusive === true;
    await ch.assertQueue(spec.name, {
      durable: !exclusive,
      exclusive,
      autoDelete: exclusive,
      arguments: spec.arguments,
    });
    for (const b of spec.bindings) await ch.bindQueue(spec.name, b.exchange, b.routingKey);
    return spec.name;
  }

  forget(subscription: AmqpSubscription): void {
    this.subscriptions.delete(subscription);
  }

  async queueDepth(queue: string): Promise<number> {
    // A passive declare of a missing queue kills its channel, hence a throwaway one.
    const { messageCount } = await this.withChannel((ch) => ch.checkQueue(queue));
    return messageCount;
  }

  async peek(queue: string, limit = DEFAULT_PEEK_LIMIT): Promise<PeekedMessage[]> {
    // Got without ack on a throwaway channel; closing it puts every one back.
    return this.withChannel(async (ch) => {
      const { messageCount } = await ch.checkQueue(queue);
      const seen: PeekedMessage[] = [];
      for (let i = 0; i < Math.min(limit, messageCount); i++) {
        const msg = await ch.get(queue, { noAck: false });
        if (!msg) break;
        seen.push(toPeekedMessage(rawOf(queue, msg)));
      }
      return seen;
    });
  }

  async redriveDeadLetters(deadLetterQueue: string, options: RedriveOptions = {}): Promise<PeekedMessage[]> {
    if (this.closing) throw new BusClosedError();
    const target = this.topology.redriveTargetOf(deadLetterQueue);
    if (!target)
      throw new TopologyError(`${deadLetterQueue} is not a dead-letter queue that can be re-driven`);
    const wanted = options.messageIds ? new Set(options.messageIds) : undefined;
    const limit = options.limit ?? DEFAULT_REDRIVE_LIMIT;
    const exchange = this.topology.retryExchange(this.topology.retryDelayAfter(1));
    return this.withChannel(async (ch) => {
      // What was there at the start, and a little more: the scan must end even if messages keep coming.
      const { messageCount } = await ch.checkQueue(deadLetterQueue);
      const budget = messageCount + 100;
      const redriven: PeekedMessage[] = [];
      let seen = 0;
      let emptyGets = 0;
      while (seen < budget && redriven.length < limit && !(wanted && redriven.length === wanted.size)) {
        const msg = await ch.get(deadLetterQueue, { noAck: false });
        if (!msg) {
          // A quorum queue takes back what a peek released a moment ago asynchronously: a wanted
          // message may still be on its way back. Whole-queue re-drives stop at the first empty get.
          if (!wanted || emptyGets >= REDRIVE_EMPTY_GETS) break;
          emptyGets++;
          await new Promise((resolve) => setTimeout(resolve, 50));
          continue;
        }
        seen++;
        const raw = rawOf(deadLetterQueue, msg);
        const message = toIncomingMessage(raw);
        // Not wanted: left unacked, back in the queue when the channel closes.
        if (wanted && !wanted.has(message.messageId)) continue;
        // The fanout delay queue dead-letters it to the requeue exchange under this key: its queue.
        await this.publisher.publish(exchange, target, raw.body, {
          messageId: message.messageId,
          headers: redriveHeaders(raw, message),
          contentType: raw.contentType,
        });
        ch.ack(msg);
        redriven.push(toPeekedMessage(raw));
      }
      return redriven;
    });
  }

  close(options: CancelOptions = {}): Promise<void> {
    this.closing ??= this.shutdown(options.graceMs ?? DEFAULT_CLOSE_GRACE_MS);
    return this.closing;
  }

  private async shutdown(graceMs: number): Promise<void> {
    await Promise.all([...this.subscriptions].map((s) => s.cancel({ graceMs })));
    await this.publisher.close(graceMs);
    this.closed = true;
    await this.recovering?.close();
    this.model = undefined;
  }

  private async start(): Promise<void> {
    const reconnect = this.options.reconnect ?? {};
    this.recovering = await amqp.connect(this.options.url, {
      // amqplib leaves Nagle's algorithm on: a small frame (a publish, an ack) written while the
      // previous one is unacknowledged waits for the broker's delayed TCP ack, up to 40 ms.
      noDelay: true,
      clientProperties: {
        connection_name: this.options.connectionName ?? `lienthong ${this.topology.prefix}`,
      },
      recovery: {
        initialDelay: reconnect.initialDelayMs ?? 200,
        maxDelay: reconnect.maxDelayMs ?? 30_000,
        initialMaxRetries: this.options.waitForBroker ? Infinity : 0,
        // Listeners must be on before the first attempt, or its 'connect' would be missed.
        waitForConnect: false,
      },
    });
    const recovering = this.recovering;
    recovering.on('connect', (model: ChannelModel) => this.onConnect(model));
    recovering.on('disconnect', (error: Error) => this.onDisconnect(error));
    recovering.on(
      'reconnect-scheduled',
      ({ attempt, delay, error }: { attempt: number; delay: number; error: Error }) =>
        this.logger.warn(
          `broker unreachable (${error.message}); reconnect attempt ${attempt} in ${delay} ms`,
        ),
    );
    recovering.on('reconnect-failed', (error: Error) =>
      this.logger.error(`gave up reconnecting: ${error.message}`),
    );
    recovering.on('error', (error: Error) => this.logger.warn(`broker connection: ${error.message}`));
    recovering.on('blocked', (reason: string) => this.logger.warn(`broker blocked publishing: ${reason}`));
    recovering.on('unblocked', () => this.logger.log('broker unblocked publishing'));
    try {
      await recovering.waitForConnect();
    } catch (error) {
      throw new BusUnavailableError(`cannot connect to the broker: ${(error as Error).message}`, {
        cause: error,
      });
    }
  }

  private onConnect(model: ChannelModel): void {
    const reconnected = this.subscriptions.size > 0;
    this.model = model;
    this.publisher.attach(model);
    for (const subscription of this.subscriptions) subscription.resume(model);
    if (reconnected) this.logger.log(`reconnected; resuming ${this.subscriptions.size} consumer(s)`);
  }

  private onDisconnect(error: Error): void {
    this.model = undefined;
    if (this.closing) return;
    this.logger.warn(`broker connection lost: ${error.message}`);
    this.publisher.detach(error.message);
    for (const subscription of this.subscriptions) subscription.connectionLost();
  }

  private requireModel(): ChannelModel {
    if (this.closing) throw new BusClosedError();
    if (!this.model) throw new BusUnavailableError('not connected to the broker');
    return this.model;
  }

  private async withChannel<T>(work: (ch: Channel) => Promise<T>): Promise<T> {
    const ch = await this.requireModel().createChannel();
    ch.on('error', () => undefined); // the failing operation itself rejects with the same error
    try {
      return await work(ch);
    } catch (error) {
      throw brokerError(error);
    } finally {
      await ch.close().catch(() => undefined);
    }
  }
}

async function declare(ch: Channel, exchanges: ExchangeSpec[], queues: QueueSpec[]): Promise<void> {
  for (const exchange of exchanges) {
    await ch.assertExchange(exchange.name, exchange.type, {
      durable: true,
      internal: exchange.internal === true,
      ...(exchange.alternateExchange !== undefined ? { alternateExchange: exchange.alternateExchange } : {}),
    });
  }
  for (const queue of queues) {
    // Quorum queues must be durable and neither exclusive nor auto-delete.
    await ch.assertQueue(queue.name, { durable: true, arguments: queue.arguments });
    for (const b of queue.bindings) await ch.bindQueue(queue.name, b.exchange, b.routingKey);
  }
}

function rawOf(queue: string, msg: GetMessage): RawDelivery {
  return {
    queue,
    body: msg.content,
    messageId: msg.properties.messageId as string | undefined,
    routingKey: msg.fields.routingKey,
    headers: msg.properties.headers,
    contentType: msg.properties.contentType as string | undefined,
    redelivered: msg.fields.redelivered,
  };
}

/** Empty gets (50 ms apart) a re-drive of chosen messages waits for them to come back to the queue. */
const REDRIVE_EMPTY_GETS = 10;

/** Missing or mismatched topology is a TopologyError; anything else keeps its cause. */
function brokerError(error: unknown): Error {
  if (error instanceof BusError) return error;
  const code = (error as { code?: unknown }).code;
  const message = error instanceof Error ? error.message : String(error);
  if (code === 404 || code === 406) return new TopologyError(message, { cause: error });
  return new BusError(message, { cause: error });
}
