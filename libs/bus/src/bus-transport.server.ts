import { EventEmitter } from 'node:events';
import { CustomTransportStrategy, MessageHandler as NestHandler, Server } from '@nestjs/microservices';
import { lastValueFrom } from 'rxjs';
import { BusContext } from './bus-context';
import { errorReason, normalizeOutcome } from './delivery';
import {
  CancelOptions,
  ConsumeOptions,
  DEFAULT_CLOSE_GRACE_MS,
  HandlerOutcome,
  IncomingMessage,
  MessageBus,
  Subscription,
} from './message-bus';

export interface BusRoute {
  queue: string;
  /** The `@EventPattern()` (or `@MessagePattern()`) whose handler gets this queue's messages. */
  pattern: string;
  options?: ConsumeOptions;
}

export interface BusTransportOptions {
  /** How long close() lets running handlers finish and settle. Default {@link DEFAULT_CLOSE_GRACE_MS}. */
  closeGraceMs?: number;
}

export type BusTransportStatus = 'connected' | 'disconnected';

// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type -- Nest's own EventsMap constraint
type BusTransportEvents = { error: (error: Error) => void } & Record<string, Function>;

const ACK: HandlerOutcome = { action: 'ack' };

/** Lets a hybrid app tie a handler to this transport: `@EventPattern('inbox', BUS_TRANSPORT)`. */
export const BUS_TRANSPORT = Symbol('lienthong-bus');

/**
 * Serves bus queues to Nest handlers: `NestFactory.createMicroservice(AppModule, { strategy: new
 * BusTransportServer(bus, [{ queue, pattern }]) })`, then `@EventPattern(pattern)`.
 *
 * The handler's return value (plain, Promise or Observable: the last value counts) is the
 * {@link HandlerOutcome}; `undefined` means ack. A thrown error is a retry; its reason is what Nest's
 * exception filter passes on, so throw `RpcException('why')` to keep the why (a plain Error
 * becomes "Internal server error", logged with its stack by Nest).
 *
 * The transport does not own the bus: close() stops its consumers, the bus's owner closes the bus.
 */
export class BusTransportServer
  extends Server<BusTransportEvents, BusTransportStatus>
  implements CustomTransportStrategy
{
  private readonly routes = new Map<string, BusRoute>();
  private readonly subscriptions = new Map<string, Subscription>();
  private readonly events = new EventEmitter();
  private listening = false;

  constructor(
    private readonly bus: MessageBus,
    routes: BusRoute[] = [],
    private readonly options: BusTransportOptions = {},
  ) {
    super();
    this.transportId = BUS_TRANSPORT;
    for (const route of routes) this.addRoute(route);
  }

  async listen(callback: (error?: unknown) => void): Promise<void> {
    try {
      this.listening = true;
      for (const route of this.routes.values()) await this.start(route);
      this._status$.next('connected');
      callback();
    } catch (error) {
      await this.close();
      callback(error);
    }
  }

  /** A queue served from now on (a shared-mode node taking a new tenant, without restart). */
  async addSubscription(route: BusRoute): Promise<void> {
    this.addRoute(route);
    if (!this.listening) return;
    try {
      await this.start(route);
    } catch (error) {
      this.routes.delete(route.queue);
      throw error;
    }
  }

  /** Stops serving a queue; running handlers get `graceMs` to finish (default: the close grace). */
  async removeSubscription(queue: string, options: CancelOptions = {}): Promise<void> {
    this.routes.delete(queue);
    const subscription = this.subscriptions.get(queue);
    this.subscriptions.delete(queue);
    await subscription?.cancel({ graceMs: options.graceMs ?? this.closeGraceMs });
  }

  get queues(): string[] {
    return [...this.routes.keys()];
  }

  async close(): Promise<void> {
    this.listening = false;
    const subscriptions = [...this.subscriptions.values()];
    this.subscriptions.clear();
    await Promise.all(subscriptions.map((s) => s.cancel({ graceMs: this.closeGraceMs })));
    this._status$.next('disconnected');
  }

  on<K extends keyof BusTransportEvents>(event: K, callback: BusTransportEvents[K]): void {
    this.events.on(event as string, callback as (...args: unknown[]) => void);
  }

  unwrap<T>(): T {
    return this.bus as unknown as T;
  }

  private get closeGraceMs(): number {
    return this.options.closeGraceMs ?? DEFAULT_CLOSE_GRACE_MS;
  }

  private addRoute(route: BusRoute): void {
    if (this.routes.has(route.queue)) throw new Error(`queue ${route.queue} is already served`);
    this.routes.set(route.queue, route);
  }

  private async start(route: BusRoute): Promise<void> {
    // Fail at start, not with a dead-letter per message, when a pattern has no handler. Looked up
    // once: Nest's lookup tries JSON.parse on the pattern first, an exception per message.
    const handler = this.getHandlerByPattern(route.pattern);
    if (!handler) {
      throw new Error(`no handler for pattern ${JSON.stringify(route.pattern)} (queue ${route.queue})`);
    }
    const subscription = await this.bus.consume(
      route.queue,
      (m) => this.dispatch(route, handler, m),
      route.options,
    );
    if (this.routes.get(route.queue) === route && this.listening)
      this.subscriptions.set(route.queue, subscription);
    else await subscription.cancel(); // removed or closed meanwhile
  }

  private dispatch(route: BusRoute, handler: NestHandler, message: IncomingMessage): Promise<HandlerOutcome> {
    const context = new BusContext([message, route.pattern]);
    return new Promise<HandlerOutcome>((resolve, reject) => {
      // Through the processing hooks like Nest's own transports, so instrumentation sees bus work.
      const run = async () => {
        try {
          resolve(await this.invoke(handler, { ...message }, context));
        } catch (error) {
          reject(error);
        } finally {
          this.onProcessingEndHook?.(BUS_TRANSPORT, context);
        }
      };
      try {
        const started: unknown = this.onProcessingStartHook(BUS_TRANSPORT, context, run);
        if (started instanceof Promise) started.catch((error: unknown) => reject(error));
      } catch (error) {
        const failure = new Error(`processing hook failed: ${errorReason(error)}`);
        if (this.events.listenerCount('error') > 0) this.events.emit('error', failure);
        else this.logger.error(failure.message);
        reject(error);
      }
    });
  }

  private async invoke(
    handler: NestHandler,
    data: IncomingMessage,
    context: BusContext,
  ): Promise<HandlerOutcome> {
    const value: unknown = await lastValueFrom(this.transformToObservable(await handler(data, context)), {
      defaultValue: undefined,
    });
    return outcomeOf(value);
  }
}

/**
 * `undefined` is an ack. Several `@EventPattern` handlers of one pattern are joined by Nest into
 * `{ current, next }` (nested for more than two): the first that does not ack decides. One handler
 * per pattern is clearer; a retry then re-runs all of them.
 */
function outcomeOf(value: unknown): HandlerOutcome {
  if (value === undefined || value === null) return ACK;
  if (typeof value === 'object' && 'current' in value && 'next' in value && !('action' in value)) {
    const { current, next } = value as { current: unknown; next: unknown };
    const first = outcomeOf(current);
    return first.action !== 'ack' ? first : outcomeOf(next);
  }
  return normalizeOutcome(value);
}
