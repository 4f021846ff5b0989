import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { TraceEvent } from '@lienthong/protocol';
import { NODE_CONFIG, NodeConfig } from '../config/node-config';
import type { NewOutboxMessage } from '../domain/outbox';

export type TraceFacts = Omit<TraceEvent, 'eventId' | 'nodeId' | 'occurredAt'> & { occurredAt?: Date };

/**
 * Trace events leave through the outbox like documents, in the transaction of the step they
 * describe: a step that committed is always reported, a step rolled back never is. They become
 * due at the end of the TRACE_BATCH_MS window they were written in, so that a document's steps,
 * and those of the documents around it, reach the axis as one message: the axis and the broker
 * pay per message, not per event.
 */
@Injectable()
export class TraceEventFactory {
  constructor(@Inject(NODE_CONFIG) private readonly config: NodeConfig) {}

  message(facts: TraceFacts): NewOutboxMessage {
    const { occurredAt, ...rest } = facts;
    const event: TraceEvent = {
      eventId: randomUUID(),
      ...withoutUndefined(rest),
      nodeId: this.config.nodeId,
      occurredAt: (occurredAt ?? new Date()).toISOString(),
    };
    return {
      id: event.eventId,
      exchange: 'trace',
      routingKey: event.event,
      kind: 'trace',
      payload: Buffer.from(JSON.stringify(event), 'utf8'),
      headers: {},
      ...(this.config.traceBatchMs ? { batchWindowMs: this.config.traceBatchMs } : {}),
    };
  }
}

function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
