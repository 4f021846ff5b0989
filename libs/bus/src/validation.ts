import { randomUUID } from 'node:crypto';
import {
  ConsumeOptions,
  DEFAULT_MAX_ATTEMPTS,
  DEFAULT_PREFETCH,
  OutgoingMessage,
  OutgoingNotification,
} from './message-bus';

// Both buses reject the same bad input the same way, before anything reaches a broker.

export function validateOutgoing(message: OutgoingMessage): void {
  if (message.exchange !== 'documents' && message.exchange !== 'trace') {
    throw new TypeError(`unknown exchange: ${JSON.stringify(message.exchange)}`);
  }
  if (typeof message.routingKey !== 'string' || Buffer.byteLength(message.routingKey) > 255) {
    throw new TypeError('routingKey must be a string of at most 255 bytes');
  }
  if (!Buffer.isBuffer(message.body)) throw new TypeError('body must be a Buffer');
  // Receivers de-duplicate on it and the publisher matches broker returns by it.
  if (typeof message.messageId !== 'string' || message.messageId === '' || message.messageId.length > 255) {
    throw new TypeError('messageId must be a non-empty string of at most 255 characters');
  }
  for (const [key, value] of Object.entries(message.headers ?? {})) {
    if (typeof value !== 'string' && !(typeof value === 'number' && Number.isFinite(value))) {
      throw new TypeError(`header ${key} must be a string or a finite number`);
    }
  }
}

/** A notification as both buses put it on the wire: the type travels as the routing key. */
export interface EncodedNotification {
  type: string;
  body: Buffer;
  messageId: string;
  contentType?: string;
}

const NOTIFICATION_TYPE = /^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/;

export function encodeNotification(notification: OutgoingNotification): EncodedNotification {
  const { type, body, messageId } = notification;
  if (typeof type !== 'string' || !NOTIFICATION_TYPE.test(type) || Buffer.byteLength(type) > 255) {
    throw new TypeError(
      `notification type must be dotted words of at most 255 bytes, got ${JSON.stringify(type)}`,
    );
  }
  if (
    messageId !== undefined &&
    (typeof messageId !== 'string' || messageId === '' || messageId.length > 255)
  ) {
    throw new TypeError('messageId must be a non-empty string of at most 255 characters');
  }
  const id = messageId ?? randomUUID();
  if (Buffer.isBuffer(body)) return { type, body, messageId: id };
  if (typeof body !== 'object' || body === null) {
    throw new TypeError('notification body must be a Buffer or an object');
  }
  return {
    type,
    body: Buffer.from(JSON.stringify(body), 'utf8'),
    messageId: id,
    contentType: 'application/json',
  };
}

export function resolveConsumeOptions(options: ConsumeOptions): Required<ConsumeOptions> {
  const prefetch = options.prefetch ?? DEFAULT_PREFETCH;
  const maxAttempts = options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
  // prefetch 0 means "unlimited" to RabbitMQ: exactly what a bounded consumer must never get.
  if (!Number.isInteger(prefetch) || prefetch < 1 || prefetch > 65_535) {
    throw new RangeError('prefetch must be an integer from 1 to 65535');
  }
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1)
    throw new RangeError('maxAttempts must be an integer ≥ 1');
  return { prefetch, maxAttempts };
}
