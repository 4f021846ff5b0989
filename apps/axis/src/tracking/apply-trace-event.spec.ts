import type { TraceEvent } from '@lienthong/protocol';
import { applyTraceEvent } from './apply-trace-event';
import type { Delivery } from './delivery';

const documentUuid = '7d9f4a52-3c0e-4c61-9a55-0d3b2f6e8a11';
const now = new Date('2026-11-27T09:00:00Z');
const at = (minute: number) => new Date(Date.UTC(2026, 10, 27, 8, minute)).toISOString();

function event(name: TraceEvent['event'], minute: number, extra: Partial<TraceEvent> = {}): TraceEvent {
  return {
    eventId: `${name}-${minute}-${extra.statusCode ?? ''}`,
    event: name,
    documentUuid,
    kind: 'edoc',
    sender: '000.00.00.G22',
    recipient: '000.00.00.H41',
    nodeId: 'node-x',
    occurredAt: at(minute),
    ...extra,
  };
}

/** Applies events in order, as the consumer would, and returns the final delivery. */
function replay(events: TraceEvent[]): Delivery | undefined {
  let delivery: Delivery | undefined;
  for (const e of events) delivery = applyTraceEvent(delivery, e, now)?.delivery ?? delivery;
  return delivery;
}

describe('applyTraceEvent', () => {
  it('starts a delivery from its first event', () => {
    const update = applyTraceEvent(
      undefined,
      event('submitted', 1, { documentId: 'D-1', messageId: 'm-1' }),
      now,
    );
    expect(update).toEqual({
      changed: true,
      delivery: expect.objectContaining({
        documentUuid,
        recipient: '000.00.00.H41',
        sender: '000.00.00.G22',
        documentId: 'D-1',
        messageId: 'm-1',
        state: 'submitted',
        stateOccurredAt: new Date(at(1)),
        createdAt: now,
      }),
    });
  });

  it('cannot start one from a status code the axis does not track', () => {
    expect(applyTraceEvent(undefined, event('status', 1, { statusCode: '99' }), now)).toBeUndefined();
  });

  it('reaches the same state whatever the order of arrival', () => {
    const lifecycle = [
      event('submitted', 1),
      event('published', 2),
      event('delivered', 3),
      event('status', 4, { statusCode: '01' }),
      event('taken', 5),
      event('status', 6, { statusCode: '03' }),
      event('status', 8, { statusCode: '05' }),
    ];
    const orders = [
      lifecycle,
      [...lifecycle].reverse(),
      [lifecycle[3], lifecycle[6], lifecycle[0], lifecycle[5], lifecycle[2], lifecycle[1], lifecycle[4]],
    ];
    for (const order of orders) {
      expect(replay(order)).toMatchObject({
        state: 'processing',
        statusCode: '05',
        stateOccurredAt: new Date(at(8)),
      });
    }
  });

  it('does not move back for an older step, and says nothing changed', () => {
    const delivered = replay([event('delivered', 3)]) as Delivery;
    const late = applyTraceEvent(delivered, event('published', 2), new Date(now.getTime() + 1000));
    expect(late).toEqual({ changed: false, delivery: delivered });
  });

  it('fills metadata a later event knows, even when the state stays', () => {
    const delivered = replay([event('delivered', 3)]) as Delivery;
    const update = applyTraceEvent(
      delivered,
      event('submitted', 1, { documentId: 'D-1', messageId: 'm-1' }),
      now,
    );
    expect(update).toMatchObject({
      changed: true,
      delivery: { state: 'delivered', documentId: 'D-1', messageId: 'm-1' },
    });
  });

  it('keeps a failure and its reason until a later success, then clears the reason', () => {
    const failed = replay([
      event('submitted', 1),
      event('failed', 3, { detail: 'NO_ROUTE' }),
      event('published', 2),
    ]);
    expect(failed).toMatchObject({ state: 'failed', detail: 'NO_ROUTE' });
    const redriven = replay([
      event('submitted', 1),
      event('failed', 3, { detail: 'NO_ROUTE' }),
      event('published', 4),
    ]);
    expect(redriven).toMatchObject({ state: 'published' });
    expect(redriven?.detail).toBeUndefined();
  });

  it('records a rejection (02) with its reason', () => {
    const rejected = replay([
      event('delivered', 3),
      event('status', 4, { statusCode: '02', detail: 'wrong recipient' }),
    ]);
    expect(rejected).toMatchObject({ state: 'rejected', statusCode: '02', detail: 'wrong recipient' });
  });
});
