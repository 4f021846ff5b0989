import type { TraceEvent } from '@lienthong/protocol';
import type { Transaction, TransactionRunner } from '../database/transaction';
import type { Delivery } from './delivery';
import type { DeliveryRepository } from './delivery.repository';
import type { TraceRepository } from './trace.repository';
import { TrackingService } from './tracking.service';

const tx = {} as Transaction;
const documentUuid = '7d9f4a52-3c0e-4c61-9a55-0d3b2f6e8a11';

function event(name: TraceEvent['event'], minute: number, extra: Partial<TraceEvent> = {}): TraceEvent {
  return {
    eventId: `${name}-${minute}`,
    event: name,
    documentUuid,
    kind: 'edoc',
    sender: '000.00.00.G22',
    recipient: '000.00.00.H41',
    nodeId: 'node-x',
    occurredAt: new Date(Date.UTC(2026, 10, 27, 8, minute)).toISOString(),
    ...extra,
  };
}

/** Repositories over a map, with the semantics the service relies on (insert-if-absent, dedupe). */
function setup() {
  const events = new Set<string>();
  const rows = new Map<string, Delivery>();
  const traces = {
    recordEvent: jest.fn(async (e: TraceEvent) => !events.has(e.eventId) && !!events.add(e.eventId)),
  };
  const deliveries = {
    insertIfAbsent: jest.fn(async (d: Delivery) => {
      if (rows.has(d.recipient)) return false;
      rows.set(d.recipient, d);
      return true;
    }),
    findForUpdate: jest.fn(async (_: string, recipient: string) => rows.get(recipient)),
    update: jest.fn(async (d: Delivery) => void rows.set(d.recipient, d)),
  };
  const transactions = { run: jest.fn((work: (t: Transaction) => Promise<unknown>) => work(tx)) };
  const service = new TrackingService(
    traces as unknown as TraceRepository,
    deliveries as unknown as DeliveryRepository,
    transactions as unknown as TransactionRunner,
  );
  return { service, rows, traces, deliveries, transactions };
}

describe('TrackingService', () => {
  it('stores an event once and leaves the delivery alone on a re-delivery', async () => {
    const { service, deliveries, transactions } = setup();
    await expect(service.record(event('delivered', 3))).resolves.toBe('recorded');
    await expect(service.record(event('delivered', 3))).resolves.toBe('duplicate');
    expect(deliveries.insertIfAbsent).toHaveBeenCalledTimes(1);
    expect(deliveries.update).not.toHaveBeenCalled();
    expect(transactions.run).toHaveBeenCalledTimes(2);
  });

  it('writes in the transaction it opened', async () => {
    const { service, traces, deliveries } = setup();
    await service.record(event('submitted', 1));
    await service.record(event('published', 2));
    expect(traces.recordEvent).toHaveBeenCalledWith(expect.anything(), tx);
    expect(deliveries.findForUpdate).toHaveBeenCalledWith(documentUuid, '000.00.00.H41', tx);
    expect(deliveries.update).toHaveBeenCalledWith(expect.objectContaining({ state: 'published' }), tx);
  });

  it('moves forward only, whatever the order of arrival', async () => {
    const { service, rows, deliveries } = setup();
    await service.record(event('delivered', 3));
    await service.record(event('published', 2));
    await service.record(event('submitted', 1));
    expect(rows.get('000.00.00.H41')).toMatchObject({ state: 'delivered' });
    expect(deliveries.update).not.toHaveBeenCalled();
    await service.record(event('status', 4, { statusCode: '03' }));
    expect(rows.get('000.00.00.H41')).toMatchObject({ state: 'accepted', statusCode: '03' });
  });

  it('keeps a failure until a later success', async () => {
    const { service, rows } = setup();
    await service.record(event('failed', 5, { detail: 'NO_ROUTE' }));
    await service.record(event('published', 4));
    expect(rows.get('000.00.00.H41')).toMatchObject({ state: 'failed', detail: 'NO_ROUTE' });
    await service.record(event('delivered', 6));
    expect(rows.get('000.00.00.H41')).toMatchObject({ state: 'delivered' });
  });

  it('lets a database failure through, so the message is retried', async () => {
    const { service, traces } = setup();
    traces.recordEvent.mockRejectedValueOnce(new Error('connection terminated'));
    await expect(service.record(event('submitted', 1))).rejects.toThrow('connection terminated');
  });
});
