import type { Logger } from '@nestjs/common';
import { ATTEMPT_HEADER, BusTopology, LAST_ERROR_HEADER, ROUTING_KEY_HEADER } from './bus-topology';
import type {
  BusHeaders,
  HandlerOutcome,
  IncomingMessage,
  MessageHandler,
  NotificationHandler,
  PeekedMessage,
} from './message-bus';

/*
 * What both buses do with a delivery, written once so that the in-memory bus cannot drift from
 * the AMQP one: reading the bookkeeping headers, turning an outcome into a settlement, and
 * building the headers of a retried copy.
 */

/** A delivery as either bus sees it before translation. */
export interface RawDelivery {
  queue: string;
  body: Buffer;
  messageId: string | undefined;
  routingKey: string;
  headers: Record<string, unknown> | undefined;
  contentType: string | undefined;
  redelivered: boolean;
}

export type Settlement =
  | { kind: 'ack' }
  | { kind: 'retry'; delayMs: number; reason: string }
  | { kind: 'dead-letter'; reason: string };

const BOOKKEEPING = new Set([ATTEMPT_HEADER, LAST_ERROR_HEADER, ROUTING_KEY_HEADER]);

// Set by the broker when it dead-letters or redelivers; a retried copy is a new message and must
// not carry them (x-death in particular is a typed table the broker owns).
const BROKER_HEADER = /^x-(death|first-death-|last-death-|delivery-count)/;

// Header tables are limited to 64 KiB in amqplib; a stack trace as a reason must not break a retry.
const MAX_REASON_LENGTH = 1_000;

export function toIncomingMessage(raw: RawDelivery): IncomingMessage {
  const headers: BusHeaders = {};
  for (const [key, value] of Object.entries(raw.headers ?? {})) {
    if (BOOKKEEPING.has(key)) continue;
    if (typeof value === 'string' || typeof value === 'number') headers[key] = value;
  }
  const attempt = Number(raw.headers?.[ATTEMPT_HEADER]);
  const lastError = raw.headers?.[LAST_ERROR_HEADER];
  const originalKey = raw.headers?.[ROUTING_KEY_HEADER];
  return {
    body: raw.body,
    messageId: raw.messageId ?? '',
    routingKey: typeof originalKey === 'string' ? originalKey : raw.routingKey,
    headers,
    ...(raw.contentType !== undefined ? { contentType: raw.contentType } : {}),
    attempt: Number.isSafeInteger(attempt) && attempt >= 1 ? attempt : 1,
    redelivered: raw.redelivered,
    ...(typeof lastError === 'string' ? { lastError } : {}),
    queue: raw.queue,
  };
}

/** Headers of the copy that goes round the retry ladder. */
export function retryHeaders(
  raw: RawDelivery,
  message: IncomingMessage,
  reason: string,
): Record<string, unknown> {
  const headers: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(raw.headers ?? {})) {
    if (!BROKER_HEADER.test(key)) headers[key] = value;
  }
  headers[ATTEMPT_HEADER] = message.attempt + 1;
  headers[LAST_ERROR_HEADER] = reason;
  headers[ROUTING_KEY_HEADER] = message.routingKey;
  return headers;
}

/**
 * Headers of a dead letter sent back by an operator: a fresh message (attempt 1, no broker or
 * retry bookkeeping) that keeps its application headers and the key it was first published with.
 */
export function redriveHeaders(raw: RawDelivery, message: IncomingMessage): Record<string, unknown> {
  const headers: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(raw.headers ?? {})) {
    if (!BROKER_HEADER.test(key) && !BOOKKEEPING.has(key)) headers[key] = value;
  }
  headers[ROUTING_KEY_HEADER] = message.routingKey;
  return headers;
}

/** What an operator may see of a waiting message: everything but the body. */
export function toPeekedMessage(raw: RawDelivery): PeekedMessage {
  const { body, redelivered: _redelivered, ...rest } = toIncomingMessage(raw);
  return { ...rest, size: body.length };
}

export function decideSettlement(
  outcome: unknown,
  attempt: number,
  maxAttempts: number,
  topology: BusTopology,
): Settlement {
  const valid = normalizeOutcome(outcome);
  if (valid.action === 'ack') return { kind: 'ack' };
  if (valid.action === 'dead-letter') return { kind: 'dead-letter', reason: valid.reason };
  if (attempt >= maxAttempts) {
    return { kind: 'dead-letter', reason: `gave up after ${attempt} attempts: ${valid.reason}` };
  }
  return { kind: 'retry', delayMs: topology.retryDelayAfter(attempt), reason: valid.reason };
}

/**
 * A notification subscriber as a consumer: the message is acked once the handler returns, and a
 * handler that throws is logged, not retried (a notification is a hint; the receiver's polling
 * catches up). The type travels as the routing key.
 */
export function notificationConsumer(
  handler: NotificationHandler,
  logger: Pick<Logger, 'warn'>,
): MessageHandler {
  return async (message) => {
    try {
      await handler({
        type: message.routingKey,
        body: message.body,
        messageId: message.messageId,
        ...(message.contentType !== undefined ? { contentType: message.contentType } : {}),
      });
    } catch (error) {
      logger.warn(
        `notification handler failed on ${message.routingKey} ${message.messageId}: ${errorReason(error)}`,
      );
    }
    return { action: 'ack' };
  };
}

/** Anything but a well-formed outcome is a retry: a typo must not ack, nor silently drop. */
export function normalizeOutcome(outcome: unknown): HandlerOutcome {
  if (typeof outcome === 'object' && outcome !== null && 'action' in outcome) {
    const { action, reason } = outcome as { action: unknown; reason?: unknown };
    if (action === 'ack') return { action: 'ack' };
    if (action === 'retry' || action === 'dead-letter') {
      return { action, reason: truncateReason(typeof reason === 'string' && reason ? reason : action) };
    }
  }
  return { action: 'retry', reason: `handler returned no valid outcome: ${describe(outcome)}` };
}

/** The reason recorded for a handler that threw (Error, Nest RpcException payload, anything). */
export function errorReason(error: unknown): string {
  if (error instanceof Error) return truncateReason(error.message || error.name);
  if (
    typeof error === 'object' &&
    error !== null &&
    typeof (error as { message?: unknown }).message === 'string'
  ) {
    return truncateReason((error as { message: string }).message);
  }
  return truncateReason(describe(error));
}

export function truncateReason(reason: string): string {
  return reason.length > MAX_REASON_LENGTH ? `${reason.slice(0, MAX_REASON_LENGTH - 1)}…` : reason;
}

function describe(value: unknown): string {
  try {
    return typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value));
  } catch {
    return String(value);
  }
}
