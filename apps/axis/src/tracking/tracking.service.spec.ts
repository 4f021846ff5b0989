import type { TraceEvent } from '@lienthong/protocol';
import type { Transaction, TransactionRunner } from '../database/transaction';
import type { Delivery, DeliveryKey } from './delivery';
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
    recordEvents: jest.fn(async (batch: TraceEvent[]) => {
      const stored = new Set<string>();
      for (const e of batch) {
        if (!events.has(e.eventId)) stored.add(e.eventId);
        events.add(e.eventId);
      }
      return stored;
    }),
  };
  const deliveries = {
    lockMany: jest.fn(async (keys: DeliveryKey[]) =>
      keys.flatMap((k) => (rows.has(k.recipient) ? [rows.get(k.recipient)!] : [])),
    ),
    insertManyIfAbsent: jest.fn(async (batch: Delivery[]) =>
      batch.filter((d) => !rows.has(d.recipient) && !!rows.set(d.recipient, d)),
    ),
    updateMany: jest.fn(async (batch: Delivery[]) => batch.forEach((d) => rows.set(d.recipient, d))),
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
    expect(deliveries.insertManyIfAbsent).toHaveBeenCalledWith([expect.anything()], tx);
    expect(deliveries.updateMany).toHaveBeenLastCalledWith([], tx);
    expect(transactions.run).toHaveBeenCalledTimes(2);
  });

  it('writes in the transaction it opened', async () => {
    const { service, traces, deliveries } = setup();
    await service.record(event('submitted', 1));
    await service.record(event('published', 2));
    expect(traces.recordEvents).toHaveBeenCalledWith([expect.anything()], tx);
    expect(deliveries.lockMany).toHaveBeenCalledWith(
      [expect.objectContaining({ documentUuid, recipient: '000.00.00.H41' })],
      tx,
    );
    expect(deliveries.updateMany).toHaveBeenLastCalledWith(
      [expect.objectContaining({ state: 'published' })],
      tx,
    );
  });

  it('moves forward only, whatever the order of arrival', async () => {
    const { service, rows, deliveries } = setup();
    await service.record(event('delivered', 3));
    await service.record(event('published', 2));
    await service.record(event('submitted', 1));
    expect(rows.get('000.00.00.H41')).toMatchObject({ state: 'delivered' });
    expect(deliveries.updateMany.mock.calls.every(([batch]) => batch.length === 0)).toBe(true);
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
    traces.recordEvents.mockRejectedValueOnce(new Error('connection terminated'));
    await expect(service.record(event('submitted', 1))).rejects.toThrow('connection terminated');
  });

  it('applies a batch in one transaction, in order, with duplicates inside it counted once', async () => {
    const { service, rows, transactions } = setup();
    const other = (name: TraceEvent['event'], minute: number) =>
      event(name, minute, { eventId: `child-${name}-${minute}`, recipient: '000.00.00.H41.01' });
    const outcomes = await service.recordBatch([
      event('delivered', 3),
      other('submitted', 1),
      event('published', 2),
      event('delivered', 3),
      other('failed', 2),
      event('status', 4, { statusCode: '01' }),
    ]);
    expect(outcomes).toEqual(['recorded', 'recorded', 'recorded', 'duplicate', 'recorded', 'recorded']);
    expect(transactions.run).toHaveBeenCalledTimes(1);
    expect(rows.get('000.00.00.H41')).toMatchObject({ state: 'arrived', statusCode: '01' });
    expect(rows.get('000.00.00.H41.01')).toMatchObject({ state: 'failed' });
  });

  it('applies the events to a row another transaction created meanwhile', async () => {
    const { service, rows, deliveries } = setup();
    const theirs: Delivery = {
      documentUuid,
      recipient: '000.00.00.H41',
      sender: '000.00.00.G22',
      kind: 'edoc',
      state: 'delivered',
      stateOccurredAt: new Date(Date.UTC(2026, 10, 27, 8, 3)),
      createdAt: new Date(),
      updatedAt: new Date(),
    };
    // Nothing to lock at first; by the insert, the other transaction's row is there.
    deliveries.lockMany.mockResolvedValueOnce([]);
    deliveries.insertManyIfAbsent.mockImplementationOnce(async () => {
      rows.set(theirs.recipient, theirs);
      return [];
    });
    await service.record(event('status', 4, { statusCode: '03' }));
    expect(rows.get('000.00.00.H41')).toMatchObject({ state: 'accepted', statusCode: '03' });
  });
});
