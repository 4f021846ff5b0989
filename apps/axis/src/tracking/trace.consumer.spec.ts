import type { IncomingMessage } from '@lienthong/bus';
import type { BusRepository } from '../bus/bus.repository';
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
  const record = jest.fn();
  const consumer = new TraceConsumer(
    {} as BusRepository,
    {} as TopologyService,
    { record } as unknown as TrackingService,
  );
  beforeEach(() => record.mockReset());

  it('acks a stored event', async () => {
    record.mockResolvedValue('recorded');
    await expect(consumer.handle(message(JSON.stringify(event)))).resolves.toEqual({ action: 'ack' });
    expect(record).toHaveBeenCalledWith(event);
  });

  it('dead-letters at once what can never be stored', async () => {
    const outcome = await consumer.handle(message(JSON.stringify({ ...event, occurredAt: 'soon' })));
    expect(outcome).toEqual({ action: 'dead-letter', reason: expect.stringContaining('occurredAt') });
    expect(record).not.toHaveBeenCalled();
  });

  it('retries when the database fails', async () => {
    record.mockRejectedValue(new Error('database is down'));
    await expect(consumer.handle(message(JSON.stringify(event)))).resolves.toEqual({
      action: 'retry',
      reason: 'database is down',
    });
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
