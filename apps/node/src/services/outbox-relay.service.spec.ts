import { InMemoryMessageBus, MessageBus } from '@lienthong/bus';
import { waitFor } from '@lienthong/bus/message-bus.contract';
import { recordingMetrics } from '@lienthong/observability/testing/recording-metrics';
import type { ClaimedOutboxMessage } from '../domain/outbox';
import {
  fakeDeliveryEvents,
  fakeOutbox,
  fakeSignal,
  fakeTransactor,
  TEST_CONFIG,
  traceFactory,
  TX,
} from '../testing/unit-fakes';
import { backoffMs, OutboxRelay } from './outbox-relay.service';

const H41 = '000.00.00.H41';
const quiet = { log: () => undefined, warn: () => undefined, error: () => undefined };

function row(overrides: Partial<ClaimedOutboxMessage> = {}): ClaimedOutboxMessage {
  return {
    id: '3b9c0f5e-0000-4000-8000-000000000001',
    exchange: 'documents',
    routingKey: H41,
    kind: 'edoc',
    documentUuid: 'doc-1',
    recipient: H41,
    headers: { 'x-lienthong-kind': 'edoc' },
    trace: { documentUuid: 'doc-1', documentId: 'D', sender: '000.00.00.G22', recipient: H41 },
    body: Buffer.from('<edXML/>'),
    attempts: 1,
    createdAt: new Date(),
    ...overrides,
  };
}

async function setUp() {
  const bus = new InMemoryMessageBus({ logger: quiet });
  await bus.assertCoreTopology();
  const deps = {
    outbox: fakeOutbox(),
    events: fakeDeliveryEvents(),
    transactor: fakeTransactor(),
    signal: fakeSignal(),
  };
  const relay = new OutboxRelay(
    deps.outbox,
    deps.events,
    deps.transactor,
    bus,
    traceFactory(),
    deps.signal,
    TEST_CONFIG,
  );
  return { relay, bus, ...deps };
}

const traceOf = (outbox: ReturnType<typeof fakeOutbox>) =>
  outbox.enqueue.mock.calls.flatMap((c) => c[1]).map((m) => JSON.parse(m.payload!.toString()));

describe('OutboxRelay', () => {
  it('publishes with the row id as message id, then marks it sent with a published event', async () => {
    const { relay, bus, outbox, events } = await setUp();
    await bus.assertAgencyQueue(H41);
    outbox.claimDue.mockResolvedValueOnce([row()]);
    const received: string[] = [];
    await bus.consume(bus.topology.agencyInbox(H41), (m) => {
      received.push(m.messageId);
      return { action: 'ack' };
    });

    expect(await relay.relayOnce()).toBe(1);

    expect(outbox.markSent).toHaveBeenCalledWith(TX, [row().id]);
    expect(events.record.mock.calls[0][1]).toEqual([
      expect.objectContaining({ documentUuid: 'doc-1', recipient: H41, event: 'published' }),
    ]);
    expect(traceOf(outbox)).toEqual([expect.objectContaining({ event: 'published', messageId: row().id })]);
    await waitFor(() => received.length > 0, 'the published message');
    expect(received).toEqual([row().id]);
    await bus.close();
  });

  it('records what it publishes: sent by sending agency and kind, confirm latency, undeliverable', async () => {
    const bus = new InMemoryMessageBus({ logger: quiet });
    await bus.assertCoreTopology();
    await bus.assertAgencyQueue(H41);
    const outbox = fakeOutbox();
    const metrics = recordingMetrics();
    const relay = new OutboxRelay(
      outbox,
      fakeDeliveryEvents(),
      fakeTransactor(),
      bus,
      traceFactory(),
      fakeSignal(),
      TEST_CONFIG,
      metrics,
    );
    const from = { 'x-lienthong-kind': 'edoc', 'x-lienthong-from': '000.00.00.G22' };
    outbox.claimDue.mockResolvedValueOnce([
      row({ headers: from }),
      row({ id: '3b9c0f5e-0000-4000-8000-000000000002', kind: 'status', headers: from }),
      row({ id: '3b9c0f5e-0000-4000-8000-000000000003', routingKey: '000.00.00.X99', headers: from }),
    ]);
    await relay.relayOnce();
    expect(metrics.packageSent.mock.calls).toEqual([
      ['000.00.00.G22', 'edoc'],
      ['000.00.00.G22', 'status'],
    ]);
    expect(metrics.packageFailed).toHaveBeenCalledWith('000.00.00.G22', 'UNROUTABLE');
    expect(
      metrics.publishConfirmed.mock.calls.map(([exchange, outcome]) => [exchange, outcome]).sort(),
    ).toEqual([
      ['documents', 'returned'],
      ['documents', 'routed'],
      ['documents', 'routed'],
    ]);
    expect(metrics.publishConfirmed.mock.calls.every(([, , seconds]) => seconds >= 0)).toBe(true);
    await bus.close();
  });

  it('turns an unroutable document into a failed delivery for the sender, not a retry', async () => {
    const { relay, outbox, events } = await setUp();
    outbox.claimDue.mockResolvedValueOnce([row()]);
    await relay.relayOnce();
    expect(outbox.markFailed).toHaveBeenCalledWith(TX, [
      { id: row().id, error: expect.stringContaining('UNROUTABLE') },
    ]);
    expect(outbox.markSent).not.toHaveBeenCalled();
    expect(outbox.reschedule).not.toHaveBeenCalled();
    expect(events.record.mock.calls[0][1][0]).toMatchObject({ event: 'failed', recipient: H41 });
    expect(traceOf(outbox)).toEqual([expect.objectContaining({ event: 'failed', detail: 'UNROUTABLE' })]);
  });

  it('keeps an unroutable trace event for later: the axis may not have declared its queue yet', async () => {
    const bus = { publish: jest.fn(() => Promise.resolve({ routed: false })) } as unknown as MessageBus;
    const outbox = fakeOutbox();
    const relay = new OutboxRelay(
      outbox,
      fakeDeliveryEvents(),
      fakeTransactor(),
      bus,
      traceFactory(),
      fakeSignal(),
      TEST_CONFIG,
    );
    const trace = row({
      exchange: 'trace',
      kind: 'trace',
      routingKey: 'submitted',
      documentUuid: undefined,
      trace: undefined,
    });
    outbox.claimDue.mockResolvedValueOnce([trace]);
    await relay.relayOnce();
    expect(outbox.reschedule).toHaveBeenCalledWith(
      [{ id: trace.id, delayMs: backoffMs(1), error: expect.stringContaining('UNROUTABLE') }],
      TX,
    );
    expect(outbox.markFailed).not.toHaveBeenCalled();
  });

  it('reschedules with back-off when publishing fails', async () => {
    const { relay, bus, outbox } = await setUp();
    await bus.close();
    outbox.claimDue.mockResolvedValueOnce([row({ attempts: 3 })]);
    await relay.relayOnce();
    expect(outbox.reschedule).toHaveBeenCalledWith(
      [{ id: row().id, delayMs: backoffMs(3), error: expect.any(String) }],
      TX,
    );
    expect(outbox.markSent).not.toHaveBeenCalled();
    expect(outbox.markFailed).not.toHaveBeenCalled();
  });

  it('publishes a batch concurrently and settles it in one transaction, one statement per kind of outcome', async () => {
    const { relay, bus, outbox, events, transactor } = await setUp();
    await bus.assertAgencyQueue(H41);
    const ids = [1, 2, 3].map((n) => `3b9c0f5e-0000-4000-8000-00000000000${n}`);
    const unroutable = row({ id: ids[2], routingKey: '000.00.00.X99', recipient: '000.00.00.X99' });
    outbox.claimDue.mockResolvedValueOnce([row({ id: ids[0] }), row({ id: ids[1] }), unroutable]);

    expect(await relay.relayOnce()).toBe(3);

    expect(transactor.run).toHaveBeenCalledTimes(1);
    expect(outbox.markSent).toHaveBeenCalledTimes(1);
    expect(outbox.markSent).toHaveBeenCalledWith(TX, expect.arrayContaining([ids[0], ids[1]]));
    expect(outbox.markFailed).toHaveBeenCalledWith(TX, [
      { id: ids[2], error: expect.stringContaining('UNROUTABLE') },
    ]);
    expect(events.record).toHaveBeenCalledTimes(1);
    expect(events.record.mock.calls[0][1].map((e: { event: string }) => e.event).sort()).toEqual([
      'failed',
      'published',
      'published',
    ]);
    expect(outbox.enqueue).toHaveBeenCalledTimes(1);
    expect(traceOf(outbox)).toHaveLength(3);
    await bus.close();
  });

  it("reports no published step for a status package: it is not a document's delivery", async () => {
    const { relay, bus, outbox, events } = await setUp();
    await bus.assertAgencyQueue(H41);
    outbox.claimDue.mockResolvedValueOnce([
      row({
        kind: 'status',
        trace: {
          documentUuid: 'doc-9',
          documentId: 'D',
          sender: H41,
          recipient: '000.00.00.G22',
          statusCode: '01',
        },
      }),
    ]);
    await relay.relayOnce();
    expect(outbox.markSent).toHaveBeenCalledWith(TX, [row().id]);
    expect(events.record).not.toHaveBeenCalled();
    expect(outbox.enqueue).not.toHaveBeenCalled();
    await bus.close();
  });

  it('backs off exponentially up to a minute', () => {
    expect([1, 2, 3, 10].map(backoffMs)).toEqual([1_000, 2_000, 4_000, 60_000]);
  });
});
