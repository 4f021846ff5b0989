import type { BusTopology } from './bus-topology';

/** Logical exchanges: callers never spell broker names, so a prefix change cannot break them. */
export type BusExchange = 'documents' | 'trace';

export type BusHeaders = Record<string, string | number>;

export interface OutgoingMessage {
  exchange: BusExchange;
  /** For `documents`: the recipient agency identifier code, e.g. `000.00.00.H41`. */
  routingKey: string;
  body: Buffer;
  /** Receivers de-duplicate on it, so a re-published outbox row must keep the same id. */
  messageId: string;
  headers?: BusHeaders;
  contentType?: string;
}

export interface PublishResult {
  /** false: no queue was bound for the routing key, the broker returned the message (it is not stored anywhere). */
  routed: boolean;
}

export interface IncomingMessage {
  body: Buffer;
  messageId: string;
  /** The key the sender published with, kept across retries (a retried copy travels under the queue name). */
  routingKey: string;
  /** Application headers plus broker string/number headers (`x-first-death-*`, `x-delivery-count`); bus bookkeeping headers are lifted into the fields below. */
  headers: BusHeaders;
  contentType?: string;
  /** 1 on the first delivery, +1 for every retry through the back-off ladder. */
  attempt: number;
  /** The broker delivered it before and it was not settled (consumer died or was cancelled). */
  redelivered: boolean;
  /** The reason given by the previous attempt that asked for a retry. */
  lastError?: string;
  /** The queue it was consumed from. */
  queue: string;
}

export type HandlerOutcome =
  { action: 'ack' } | { action: 'retry'; reason: string } | { action: 'dead-letter'; reason: string };

export type MessageHandler = (message: IncomingMessage) => Promise<HandlerOutcome> | HandlerOutcome;

export interface ConsumeOptions {
  /** Deliveries handed out but not yet settled. Default 16. */
  prefetch?: number;
  /** Deliveries (first one included) before a retry outcome turns into a dead-letter. Default 5. */
  maxAttempts?: number;
}

/**
 * A broadcast to every process listening at that moment (e.g. "the CRL changed"): no routing key,
 * no retry, nothing stored for later. A hint that makes receivers act now; they must not depend on it.
 */
export interface OutgoingNotification {
  /** What happened, e.g. `crl-updated`: dotted words (letters, digits, `-`, `_`), at most 255 bytes. */
  type: string;
  /** A Buffer travels as is; anything else as JSON (`contentType` `application/json`). */
  body: Buffer | object;
  /** Default: a random UUID. */
  messageId?: string;
}

export interface IncomingNotification {
  type: string;
  body: Buffer;
  messageId: string;
  /** `application/json` for a body published as an object. */
  contentType?: string;
}

/** Acked when it returns; a throw is logged and the notification dropped (never retried). */
export type NotificationHandler = (notification: IncomingNotification) => Promise<void> | void;

/** Notification handlers run one at a time, in publish order. */
export const NOTIFICATION_PREFETCH = 1;

export interface CancelOptions {
  /**
   * How long to let handlers already running finish and have their outcome applied. Default 0:
   * their outcome is discarded. Whatever is unsettled afterwards is released to the broker and
   * redelivered (`redelivered: true`) to the next consumer: at-least-once, receivers de-duplicate.
   */
  graceMs?: number;
}

export interface Subscription {
  readonly queue: string;
  cancel(options?: CancelOptions): Promise<void>;
}

export interface DeadLetterEvent {
  queue: string;
  message: IncomingMessage;
  reason: string;
}

/** The broker keeps only `x-death` (reason `rejected`); the handler's reason is reported here. */
export type DeadLetterHook = (event: DeadLetterEvent) => void;

/**
 * A message waiting in a queue, seen without taking it off (operators inspecting a dead-letter
 * queue). Never the body: operators see where a message came from and why it stopped, not content.
 */
export interface PeekedMessage extends Omit<IncomingMessage, 'body' | 'redelivered'> {
  /** Body size in bytes. */
  size: number;
}

export interface RedriveOptions {
  /** Only these messages (by messageId); default every message in the queue. */
  messageIds?: readonly string[];
  /** At most this many. Default 1,000. */
  limit?: number;
}

export const DEFAULT_PEEK_LIMIT = 50;
export const DEFAULT_REDRIVE_LIMIT = 1_000;

export const DEFAULT_PREFETCH = 16;
export const DEFAULT_MAX_ATTEMPTS = 5;
export const DEFAULT_CLOSE_GRACE_MS = 5_000;

/**
 * The port domain code depends on (also the Nest DI token): AMQP in production, in-process for
 * the embedded sandbox and unit tests. Both pass the same contract suite.
 */
export abstract class MessageBus {
  abstract readonly topology: BusTopology;

  /** Idempotent: exchanges, retry ladder, trace queue. The axis runs it; nodes may too. */
  abstract assertCoreTopology(): Promise<void>;

  /** Idempotent: the agency inbox, its DLQ and their bindings. Needs the core topology. */
  abstract assertAgencyQueue(agencyCode: string): Promise<void>;

  /**
   * Resolves only after the broker confirmed the message; `{ routed: false }` when nothing was
   * bound for it. Rejects on nack, timeout or connection loss, so the outbox tries again.
   */
  abstract publish(message: OutgoingMessage): Promise<PublishResult>;

  /**
   * Manual ack, bounded prefetch. The handler's outcome decides: ack, retry later on the back-off
   * ladder, or dead-letter now. A thrown error is a retry; a retry on the last attempt dead-letters.
   * Rejects when the queue does not exist.
   */
  abstract consume(queue: string, handler: MessageHandler, options?: ConsumeOptions): Promise<Subscription>;

  /**
   * Broadcasts to every current subscriber, in every process. Resolves once the broker confirmed
   * it, whether or not anyone listens (not mandatory); rejects like {@link publish} otherwise.
   * Needs the core topology (the axis declares it).
   */
  abstract publishNotification(notification: OutgoingNotification): Promise<void>;

  /**
   * Delivers every notification published from now until `cancel()`, none from before. Each
   * subscription has its own queue (`<prefix>.notify.<random>`: exclusive, auto-delete, bound to the
   * fanout exchange), declared again after a reconnect: what is published while disconnected is
   * lost (receivers keep a slower safety net, such as polling). Handlers run one at a time,
   * acked after they return. Rejects while disconnected and when the core topology is missing.
   */
  abstract subscribeNotifications(handler: NotificationHandler): Promise<Subscription>;

  /** Messages ready for delivery (delivered-but-unacked ones are not counted). Rejects for an unknown queue. */
  abstract queueDepth(queue: string): Promise<number>;

  /**
   * Up to `limit` (default {@link DEFAULT_PEEK_LIMIT}) ready messages of a queue, oldest first,
   * left where they are. Rejects for an unknown queue. On RabbitMQ a peek is a get without ack
   * followed by a release, so each peek counts as a delivery (`x-delivery-count`) of what it saw.
   */
  abstract peek(queue: string, limit?: number): Promise<PeekedMessage[]>;

  /**
   * Sends messages of a dead-letter queue back to the queue they were dead-lettered from
   * ({@link BusTopology.redriveTargetOf}: an agency's inbox, or the trace queue) through the
   * retry ladder's first rung, as a fresh attempt 1 with the same messageId (receivers
   * de-duplicate). Each message leaves the DLQ only after the broker confirmed its copy.
   * Resolves with what was sent back (as {@link peek} shows it: the dead letter, not the copy).
   * Rejects for a queue that is not a dead-letter queue.
   */
  abstract redriveDeadLetters(deadLetterQueue: string, options?: RedriveOptions): Promise<PeekedMessage[]>;

  /**
   * Stops deliveries, lets running handlers finish for up to `graceMs` (default
   * {@link DEFAULT_CLOSE_GRACE_MS}), waits for publishes in flight, then releases everything.
   */
  abstract close(options?: CancelOptions): Promise<void>;
}
