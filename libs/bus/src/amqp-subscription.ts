import type { Logger } from '@nestjs/common';
import type { Channel, ChannelModel, ConsumeMessage } from 'amqplib';
import type { BusTopology } from './bus-topology';
import { RawDelivery, decideSettlement, errorReason, retryHeaders, toIncomingMessage } from './delivery';
import type {
  CancelOptions,
  DeadLetterHook,
  HandlerOutcome,
  MessageHandler,
  Subscription,
} from './message-bus';
import type { PublishResult } from './message-bus';

/** What a subscription needs from its bus, kept narrow so the two can be read apart. */
export interface SubscriptionHost {
  readonly topology: BusTopology;
  readonly logger: Pick<Logger, 'log' | 'warn' | 'error'>;
  readonly onDeadLetter?: DeadLetterHook;
  /** The live connection, if any. */
  currentModel(): ChannelModel | undefined;
  publishRaw(
    exchange: string,
    routingKey: string,
    body: Buffer,
    props: { messageId: string; headers: Record<string, unknown>; contentType?: string },
  ): Promise<PublishResult>;
  forget(subscription: AmqpSubscription): void;
}

/**
 * Declares the queue of a subscription that owns it (exclusive, auto-delete) on the channel that
 * will consume it, every time the subscription (re)opens; returns the queue's name.
 */
export type QueueDeclarer = (ch: Channel) => Promise<string>;

/** One consumer on its own channel, so that its prefetch and its failures stay its own. */
export class AmqpSubscription implements Subscription {
  private queueName: string;
  private readonly declareQueue?: QueueDeclarer;
  private channel?: Channel;
  private consumerTag?: string;
  private starting?: Promise<void>;
  private restartTimer?: NodeJS.Timeout;
  private restartDelayMs = 0;
  private cancelled = false;
  private readonly running = new Set<Promise<void>>();
  // Channels whose unsettled messages went back to the broker: outcomes arriving for them are void.
  private readonly abandoned = new WeakSet<Channel>();

  /** `source`: an existing queue, or a declarer for a queue of its own (a new one after each reconnect). */
  constructor(
    source: string | QueueDeclarer,
    private readonly handler: MessageHandler,
    private readonly prefetch: number,
    private readonly maxAttempts: number,
    private readonly host: SubscriptionHost,
  ) {
    if (typeof source === 'string') {
      this.queueName = source;
    } else {
      this.queueName = '';
      this.declareQueue = source;
    }
  }

  /** The queue consumed now (for a queue of its own: the latest one declared). */
  get queue(): string {
    return this.queueName;
  }

  /** Opens the channel and the consumer; rejects (e.g. queue not found) only to the first caller. */
  start(model: ChannelModel): Promise<void> {
    if (this.cancelled || this.channel) return Promise.resolve();
    if (!this.starting) {
      this.starting = this.open(model).finally(() => (this.starting = undefined));
    }
    return this.starting;
  }

  /** Called on every new connection: consumers come back by themselves. */
  resume(model: ChannelModel): void {
    this.restartDelayMs = 0;
    this.clearRestart();
    this.start(model).catch((error: unknown) => this.scheduleRestart(`resume failed: ${errorReason(error)}`));
  }

  /** The connection is gone; the broker requeued everything unacked on it. */
  connectionLost(): void {
    if (this.channel) this.abandoned.add(this.channel);
    this.channel = undefined;
    this.consumerTag = undefined;
  }

  async cancel(options: CancelOptions = {}): Promise<void> {
    if (this.cancelled) return;
    this.cancelled = true;
    this.clearRestart();
    this.host.forget(this);
    await this.starting?.catch(() => undefined);
    const ch = this.channel;
    const tag = this.consumerTag;
    if (ch && tag) await ch.cancel(tag).catch(() => undefined);
    const graceMs = options.graceMs ?? 0;
    if (graceMs > 0 && this.running.size > 0) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        Promise.allSettled([...this.running]),
        new Promise<void>((resolve) => (timer = setTimeout(resolve, graceMs))),
      ]);
      clearTimeout(timer);
    }
    if (ch) {
      this.abandoned.add(ch);
      this.channel = undefined;
      // Closing the channel is what makes the broker requeue the unacked messages.
      await ch.close().catch(() => undefined);
    }
  }

  private async open(model: ChannelModel): Promise<void> {
    const ch = await model.createChannel();
    ch.on('error', (error: Error) =>
      this.host.logger.warn(`consumer channel on ${this.queue}: ${error.message}`),
    );
    ch.on('close', () => this.onChannelClosed(ch));
    try {
      await ch.prefetch(this.prefetch);
      // An exclusive queue dies with its connection: declared again on every open.
      if (this.declareQueue) this.queueName = await this.declareQueue(ch);
      const { consumerTag } = await ch.consume(this.queue, (msg) => this.onMessage(ch, msg), {
        noAck: false,
      });
      this.channel = ch;
      this.consumerTag = consumerTag;
      this.restartDelayMs = 0;
      if (this.cancelled) await this.cancelLate(ch);
    } catch (error) {
      this.abandoned.add(ch);
      await ch.close().catch(() => undefined);
      throw error;
    }
  }

  /** cancel() ran while the channel was opening. */
  private async cancelLate(ch: Channel): Promise<void> {
    this.abandoned.add(ch);
    this.channel = undefined;
    await ch.close().catch(() => undefined);
  }

  private onChannelClosed(ch: Channel): void {
    if (this.channel !== ch) return;
    this.abandoned.add(ch);
    this.channel = undefined;
    this.consumerTag = undefined;
    // A channel can die alone (broker-side error, queue deleted and re-declared); a dead
    // connection is handled by resume() on reconnect, and the restart below then finds no model.
    this.scheduleRestart('consumer channel closed');
  }

  private scheduleRestart(why: string): void {
    if (this.cancelled || this.restartTimer) return;
    this.restartDelayMs = Math.min(Math.max(this.restartDelayMs * 2, 200), 30_000);
    this.host.logger.warn(`${why} on ${this.queue}; consuming again in ${this.restartDelayMs} ms`);
    this.restartTimer = setTimeout(() => {
      this.restartTimer = undefined;
      const model = this.host.currentModel();
      if (!model || this.cancelled || this.channel) return; // resume() will do it on reconnect
      this.start(model).catch((error: unknown) =>
        this.scheduleRestart(`consume failed: ${errorReason(error)}`),
      );
    }, this.restartDelayMs);
  }

  private clearRestart(): void {
    if (this.restartTimer) clearTimeout(this.restartTimer);
    this.restartTimer = undefined;
  }

  private onMessage(ch: Channel, msg: ConsumeMessage | null): void {
    if (msg === null) {
      // The broker cancelled us (queue deleted). Close the channel; the close handler restarts.
      ch.close().catch(() => undefined);
      return;
    }
    // Delivered after cancel() began: leave it unacked, the channel close requeues it.
    if (this.cancelled || this.abandoned.has(ch)) return;
    const run = this.handle(ch, msg).catch((error: unknown) =>
      this.host.logger.error(
        `settling ${msg.properties.messageId} on ${this.queue} failed: ${errorReason(error)}`,
      ),
    );
    this.running.add(run);
    void run.finally(() => this.running.delete(run));
  }

  private async handle(ch: Channel, msg: ConsumeMessage): Promise<void> {
    const raw: RawDelivery = {
      queue: this.queue,
      body: msg.content,
      messageId: msg.properties.messageId as string | undefined,
      routingKey: msg.fields.routingKey,
      headers: msg.properties.headers,
      contentType: msg.properties.contentType as string | undefined,
      redelivered: msg.fields.redelivered,
    };
    const message = toIncomingMessage(raw);
    let outcome: HandlerOutcome;
    try {
      outcome = await this.handler(message);
    } catch (error) {
      outcome = { action: 'retry', reason: errorReason(error) };
    }
    if (this.abandoned.has(ch)) return;
    const settlement = decideSettlement(outcome, message.attempt, this.maxAttempts, this.host.topology);
    switch (settlement.kind) {
      case 'ack':
        return this.settle(ch, () => ch.ack(msg));
      case 'dead-letter':
        // nack without requeue: the queue's dead-letter exchange routes it to the DLQ and the
        // broker records x-death; the handler's reason goes to the hook and the log.
        this.settle(ch, () => ch.nack(msg, false, false));
        this.host.logger.warn(
          `dead-lettered ${message.messageId} from ${this.queue} after attempt ${message.attempt}: ${settlement.reason}`,
        );
        try {
          this.host.onDeadLetter?.({ queue: this.queue, message, reason: settlement.reason });
        } catch (error) {
          this.host.logger.error(`onDeadLetter hook failed: ${errorReason(error)}`);
        }
        return;
      case 'retry': {
        let routed = false;
        try {
          // The copy is confirmed before the original is acked: a crash in between duplicates, never loses.
          ({ routed } = await this.host.publishRaw(
            this.host.topology.retryExchange(settlement.delayMs),
            this.queue,
            msg.content,
            {
              messageId: message.messageId || `${this.queue}:${msg.fields.deliveryTag}:${Date.now()}`,
              headers: retryHeaders(raw, message, settlement.reason),
              contentType: message.contentType,
            },
          ));
        } catch (error) {
          this.host.logger.warn(`retry copy of ${message.messageId} not confirmed: ${errorReason(error)}`);
        }
        if (routed) return this.settle(ch, () => ch.ack(msg));
        this.host.logger.error(
          `retry queue for ${settlement.delayMs} ms unavailable; ${message.messageId} requeued on ${this.queue}`,
        );
        // Back to the queue at once; x-delivery-limit bounds the loop if the ladder stays missing.
        return this.settle(ch, () => ch.nack(msg, false, true));
      }
    }
  }

  private settle(ch: Channel, action: () => void): void {
    if (this.abandoned.has(ch)) return;
    try {
      action();
    } catch {
      // Channel closed meanwhile: the broker requeues the message, nothing is lost.
    }
  }
}
