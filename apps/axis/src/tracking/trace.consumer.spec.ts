import type { IncomingMessage } from '@lienthong/bus';
import { recordingMetrics } from '@lienthong/observability/testing/recording-metrics';
import { HEARTBEAT_ROUTING_KEY } from '@lienthong/protocol';
import type { BusRepository } from '../bus/bus.repository';
import type { HeartbeatService } from '../nodes/heartbeat.service';
import type { TopologyService } from '../topology/topology.service';
import { TraceConsumer } from './trace.consumer';
import type { TrackingService } from './tracking.service';

const event = {
  eventId: 'e-1',
  event: 'delivered',
  documentUuid: '7d9f4a52-3c0e-4c61-9a55-0d3b2f6e8a11',
  kind: 'edoc',
  sender: '000.00.00.G22',
  recipient: '000.00.00.H41',
  nodeId: 'node-x',
  occurredAt: '2026-11-27T08:00:00Z',
};

function message(body: string): IncomingMessage {
  return {
    body: Buffer.from(body),
    messageId: 'm',
    routingKey: 'k',
    headers: {},
    attempt: 1,
    redelivered: false,
    queue: 'q',
  };
}

describe('TraceConsumer', () => {
  const recordBatch = jest.fn();
  const consumer = new TraceConsumer(
    {} as BusRepository,
    {} as TopologyService,
    { recordBatch } as unknown as TrackingService,
  );
  beforeEach(() => recordBatch.mockReset());

  it('acks a stored event', async () => {
    recordBatch.mockResolvedValue(['recorded']);
    await expect(consumer.handle(message(JSON.stringify(event)))).resolves.toEqual({ action: 'ack' });
    expect(recordBatch).toHaveBeenCalledWith([event]);
  });

  it('dead-letters at once what can never be stored', async () => {
    const outcome = await consumer.handle(message(JSON.stringify({ ...event, occurredAt: 'soon' })));
    expect(outcome).toEqual({ action: 'dead-letter', reason: expect.stringContaining('occurredAt') });
    expect(recordBatch).not.toHaveBeenCalled();
  });

  it('retries when the database fails', async () => {
    recordBatch.mockRejectedValue(new Error('database is down'));
    await expect(consumer.handle(message(JSON.stringify(event)))).resolves.toEqual({
      action: 'retry',
      reason: 'database is down',
    });
  });

  it('stores messages in flight together in one batch', async () => {
    recordBatch.mockImplementation(async (events: unknown[]) => events.map(() => 'recorded'));
    const ids = ['e-1', 'e-2', 'e-3'];
    const outcomes = await Promise.all(
      ids.map((eventId) => consumer.handle(message(JSON.stringify({ ...event, eventId })))),
    );
    expect(outcomes).toEqual(ids.map(() => ({ action: 'ack' })));
    expect(recordBatch).toHaveBeenCalledTimes(1);
    expect(recordBatch.mock.calls[0][0].map((e: { eventId: string }) => e.eventId)).toEqual(ids);
  });

  it('when a batch fails, retries only the event the database refuses', async () => {
    recordBatch.mockImplementation(async (events: { eventId: string }[]) => {
      if (events.some((e) => e.eventId === 'bad')) throw new Error('value too long');
      return events.map(() => 'recorded');
    });
    const outcomes = await Promise.all(
      ['e-1', 'bad', 'e-3'].map((eventId) => consumer.handle(message(JSON.stringify({ ...event, eventId })))),
    );
    expect(outcomes).toEqual([
      { action: 'ack' },
      { action: 'retry', reason: 'value too long' },
      { action: 'ack' },
    ]);
  });

  describe('a message carrying an array of events', () => {
    const many = (...ids: string[]) => JSON.stringify(ids.map((eventId) => ({ ...event, eventId })));
    const idsOf = (call: { eventId: string }[]) => call.map((e) => e.eventId);

    it('applies each event as if it had come alone, and acks once all are stored', async () => {
      recordBatch.mockImplementation(async (events: unknown[]) => events.map(() => 'recorded'));
      const outcomes = await Promise.all([
        consumer.handle(message(many('a-1', 'a-2', 'a-3'))),
        consumer.handle(message(JSON.stringify({ ...event, eventId: 'single' }))),
      ]);
      expect(outcomes).toEqual([{ action: 'ack' }, { action: 'ack' }]);
      expect(recordBatch).toHaveBeenCalledTimes(1);
      expect(idsOf(recordBatch.mock.calls[0][0])).toEqual(['a-1', 'a-2', 'a-3', 'single']);
    });

    it('acks a message whose events were all stored before (a re-publish)', async () => {
      recordBatch.mockImplementation(async (events: unknown[]) => events.map(() => 'duplicate'));
      await expect(consumer.handle(message(many('a-1', 'a-2')))).resolves.toEqual({ action: 'ack' });
    });

    it('retries the whole message when the database refuses one of its events, and only that message', async () => {
      recordBatch.mockImplementation(async (events: { eventId: string }[]) => {
        if (events.some((e) => e.eventId === 'bad')) throw new Error('value too long');
        return events.map(() => 'recorded');
      });
      const outcomes = await Promise.all([
        consumer.handle(message(many('a-1', 'bad', 'a-3'))),
        consumer.handle(message(many('b-1', 'b-2'))),
      ]);
      expect(outcomes).toEqual([{ action: 'retry', reason: 'value too long' }, { action: 'ack' }]);
      // The fallback wrote event by event: the good events of the refused message are stored.
      const stored = recordBatch.mock.calls
        .filter(([events]) => events.length === 1)
        .map(([[e]]) => e.eventId);
      expect(stored).toEqual(['a-1', 'bad', 'a-3', 'b-1', 'b-2']);
    });

    it('retries when the database is down', async () => {
      recordBatch.mockRejectedValue(new Error('database is down'));
      await expect(consumer.handle(message(many('a-1', 'a-2')))).resolves.toEqual({
        action: 'retry',
        reason: 'database is down',
      });
    });

    it('dead-letters an empty or over-long array at once', async () => {
      await expect(consumer.handle(message('[]'))).resolves.toEqual({
        action: 'dead-letter',
        reason: expect.stringContaining('empty'),
      });
      const ids = Array.from({ length: 501 }, (_, i) => `e-${i}`);
      await expect(consumer.handle(message(many(...ids)))).resolves.toEqual({
        action: 'dead-letter',
        reason: expect.stringContaining('more than 500'),
      });
      expect(recordBatch).not.toHaveBeenCalled();
    });

    it('stores the valid events beside an invalid one, then dead-letters the message for a re-drive', async () => {
      recordBatch.mockImplementation(async (events: unknown[]) => events.map(() => 'recorded'));
      const body = JSON.stringify([
        { ...event, eventId: 'a-1' },
        { ...event, eventId: 'a-2', occurredAt: 'soon' },
      ]);
      await expect(consumer.handle(message(body))).resolves.toEqual({
        action: 'dead-letter',
        reason: expect.stringContaining('[1] occurredAt'),
      });
      expect(idsOf(recordBatch.mock.calls[0][0])).toEqual(['a-1']);
    });
  });

  it('hands heartbeats to the heartbeat service, whatever their body', async () => {
    const heartbeats = { handle: jest.fn(async () => ({ action: 'ack' as const })) };
    const withHeartbeats = new TraceConsumer(
      {} as BusRepository,
      {} as TopologyService,
      { recordBatch } as unknown as TrackingService,
      heartbeats as unknown as HeartbeatService,
    );
    const beat = { ...message('{"type":"heartbeat"}'), routingKey: HEARTBEAT_ROUTING_KEY };
    await expect(withHeartbeats.handle(beat)).resolves.toEqual({ action: 'ack' });
    expect(heartbeats.handle).toHaveBeenCalledWith(beat);
    expect(recordBatch).not.toHaveBeenCalled();
  });

  it('starts consuming only after the core topology exists, and stops on shutdown', async () => {
    const order: string[] = [];
    const stop = jest.fn(async () => void order.push('stop'));
    const bus = {
      consumeTraceEvents: jest.fn(async () => {
        order.push('consume');
        return { stop };
      }),
    };
    const topology = { ensureCore: jest.fn(async () => void order.push('core')) };
    const started = new TraceConsumer(
      bus as unknown as BusRepository,
      topology as unknown as TopologyService,
      {} as TrackingService,
    );
    await started.onApplicationBootstrap();
    await started.beforeApplicationShutdown();
    expect(order).toEqual(['core', 'consume', 'stop']);
  });
});

describe('TraceConsumer metrics', () => {
  it("counts the network's documents from the events it stores, each event once", async () => {
    const metrics = recordingMetrics();
    const recordBatch = jest.fn(async (events: { eventId: string }[]) =>
      events.map((e) => (e.eventId === 'again' ? 'duplicate' : 'recorded')),
    );
    const consumer = new TraceConsumer(
      {} as BusRepository,
      {} as TopologyService,
      { recordBatch } as unknown as TrackingService,
      undefined,
      metrics,
    );
    const events = [
      { ...event, eventId: 'p', event: 'published' },
      { ...event, eventId: 'd', event: 'delivered' },
      { ...event, eventId: 'again', event: 'delivered' },
      { ...event, eventId: 'q', event: 'quarantined', detail: 'DIGEST_MISMATCH' },
      { ...event, eventId: 'f', event: 'failed', detail: 'UNROUTABLE' },
      { ...event, eventId: 's', event: 'status', kind: 'status', statusCode: '01' },
    ];
    await Promise.all(events.map((e) => consumer.handle(message(JSON.stringify(e)))));
    expect(metrics.packageSent.mock.calls).toEqual([['000.00.00.G22', 'edoc']]);
    expect(metrics.packageReceived.mock.calls).toEqual([['000.00.00.H41', 'edoc']]);
    expect(metrics.packageRejected.mock.calls).toEqual([['000.00.00.H41', 'DIGEST_MISMATCH']]);
    expect(metrics.packageFailed.mock.calls).toEqual([['000.00.00.G22', 'UNROUTABLE']]);
  });
});
