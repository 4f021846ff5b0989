import type { ChannelModel, ConfirmChannel, Message } from 'amqplib';
import { BusUnavailableError, PublishNackedError, PublishTimeoutError } from './errors';
import type { PublishResult } from './message-bus';

export interface PublishProperties {
  messageId: string;
  headers?: Record<string, unknown>;
  contentType?: string;
  /** Default true: the broker returns what no queue takes, and the result says `routed: false`. */
  mandatory?: boolean;
  /** Default true: stored on disk by durable queues. */
  persistent?: boolean;
}

interface Pending {
  returned: boolean;
  fail(error: Error): void;
}

/**
 * One confirm channel shared by every publish of the process, the retry copies included.
 *
 * A mandatory message nobody is bound for comes back as basic.return, which the broker sends
 * before the basic.ack of the same message; the return is matched to its publish by messageId.
 * Two publishes with the same id are therefore never in flight together (the second waits for
 * the first), which keeps the match exact without adding a header of our own.
 */
export class ConfirmPublisher {
  private model?: ChannelModel;
  private channel?: Promise<ConfirmChannel>;
  private readonly pending = new Map<string, Pending>();
  private readonly tails = new Map<string, Promise<unknown>>();
  private drained?: Promise<void>;
  private drainWaitCount = 0;

  constructor(private readonly confirmTimeoutMs: number) {}

  /** A new connection: the next publish opens its channel there. */
  attach(model: ChannelModel): void {
    this.model = model;
    this.channel = undefined;
  }

  /** The connection is gone: whatever the broker has not confirmed may be lost, so say so now. */
  detach(reason: string): void {
    this.model = undefined;
    this.channel = undefined;
    this.failAll(new BusUnavailableError(`connection lost before the broker confirmed: ${reason}`));
  }

  /** Publishes awaiting their confirm, and how often a publish had to wait for the socket to drain. */
  get stats(): { inFlight: number; drainWaits: number } {
    return { inFlight: this.pending.size, drainWaits: this.drainWaitCount };
  }

  publish(
    exchange: string,
    routingKey: string,
    body: Buffer,
    props: PublishProperties,
  ): Promise<PublishResult> {
    const id = props.messageId;
    const previous = this.tails.get(id) ?? Promise.resolve();
    const run = previous.then(
      () => this.publishNow(exchange, routingKey, body, props),
      () => this.publishNow(exchange, routingKey, body, props),
    );
    this.tails.set(id, run);
    const forget = () => {
      if (this.tails.get(id) === run) this.tails.delete(id);
    };
    run.then(forget, forget);
    return run;
  }

  async close(graceMs: number): Promise<void> {
    const deadline = Date.now() + graceMs;
    while (this.pending.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    const channel = this.channel;
    this.channel = undefined;
    this.model = undefined;
    this.failAll(new BusUnavailableError('bus closed before the broker confirmed'));
    if (channel) await channel.then((ch) => ch.close()).catch(() => undefined);
  }

  private async publishNow(
    exchange: string,
    routingKey: string,
    body: Buffer,
    props: PublishProperties,
  ): Promise<PublishResult> {
    const ch = await this.getChannel();
    // Respect the socket's back-pressure: while amqplib's buffer is full, new publishes wait.
    while (this.drained) {
      this.drainWaitCount++;
      await this.drained;
    }
    return new Promise<PublishResult>((resolve, reject) => {
      let settled = false;
      const entry: Pending = { returned: false, fail: (error) => done(error) };
      const timer = setTimeout(
        () =>
          done(
            new PublishTimeoutError(`no confirm for ${props.messageId} within ${this.confirmTimeoutMs} ms`),
          ),
        this.confirmTimeoutMs,
      );
      const done = (error?: Error) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        if (this.pending.get(props.messageId) === entry) this.pending.delete(props.messageId);
        if (error) reject(error);
        else resolve({ routed: !entry.returned });
      };
      this.pending.set(props.messageId, entry);
      try {
        const ok = ch.publish(
          exchange,
          routingKey,
          body,
          {
            persistent: props.persistent ?? true,
            mandatory: props.mandatory ?? true,
            messageId: props.messageId,
            headers: props.headers,
            contentType: props.contentType,
            timestamp: Math.floor(Date.now() / 1000),
          },
          (err: unknown) => {
            if (!err) return done();
            done(
              err instanceof Error && err.message === 'message nacked'
                ? new PublishNackedError(`broker refused ${props.messageId}`)
                : new BusUnavailableError(
                    `channel closed before the broker confirmed ${props.messageId}: ${closeReason(ch)}`,
                  ),
            );
          },
        );
        if (!ok && !this.drained) {
          this.drained = new Promise<void>((resolveDrain) => {
            const release = () => {
              ch.removeListener('drain', release);
              ch.removeListener('close', release);
              this.drained = undefined;
              resolveDrain();
            };
            ch.on('drain', release);
            ch.on('close', release);
          });
        }
      } catch (error) {
        // Sync throws: channel already closed, headers too large for a frame.
        done(error instanceof RangeError ? error : new BusUnavailableError(String(error), { cause: error }));
      }
    });
  }

  private getChannel(): Promise<ConfirmChannel> {
    const model = this.model;
    if (!model) return Promise.reject(new BusUnavailableError('not connected to the broker'));
    if (!this.channel) {
      const opening = model.createConfirmChannel().then((ch) => {
        ch.on('return', (msg: Message) => {
          const entry = this.pending.get(String(msg.properties.messageId));
          if (entry) entry.returned = true;
        });
        // A channel-level error (e.g. publishing to an exchange that does not exist) closes only
        // this channel: the next publish opens a fresh one.
        ch.on('error', (error: Error) => ((ch as ChannelWithReason).closeReason = error.message));
        ch.on('close', () => {
          if (this.channel === opening) this.channel = undefined;
        });
        return ch;
      });
      opening.catch(() => {
        if (this.channel === opening) this.channel = undefined;
      });
      this.channel = opening;
    }
    return this.channel.catch((error: unknown) => {
      throw new BusUnavailableError(`cannot open a publish channel: ${String(error)}`, { cause: error });
    });
  }

  private failAll(error: Error): void {
    for (const entry of [...this.pending.values()]) entry.fail(error);
  }
}

type ChannelWithReason = ConfirmChannel & { closeReason?: string };

function closeReason(ch: ConfirmChannel): string {
  return (ch as ChannelWithReason).closeReason ?? 'channel closed';
}
