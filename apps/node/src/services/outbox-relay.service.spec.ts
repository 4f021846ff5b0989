import { InMemoryMessageBus, MessageBus } from '@lienthong/bus';
import { waitFor } from '@lienthong/bus/message-bus.contract';
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

    expect(outbox.markSent).toHaveBeenCalledWith(TX, row().id);
    expect(events.record.mock.calls[0][1]).toEqual([
      expect.objectContaining({ documentUuid: 'doc-1', recipient: H41, event: 'published' }),
    ]);
    expect(traceOf(outbox)).toEqual([expect.objectContaining({ event: 'published', messageId: row().id })]);
    await waitFor(() => received.length > 0, 'the published message');
    expect(received).toEqual([row().id]);
    await bus.close();
  });

  it('turns an unroutable document into a failed delivery for the sender, not a retry', async () => {
    const { relay, outbox, events } = await setUp();
    outbox.claimDue.mockResolvedValueOnce([row()]);
    await relay.relayOnce();
    expect(outbox.markFailed).toHaveBeenCalledWith(TX, row().id, expect.stringContaining('UNROUTABLE'));
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
      trace.id,
      backoffMs(1),
      expect.stringContaining('UNROUTABLE'),
    );
    expect(outbox.markFailed).not.toHaveBeenCalled();
  });

  it('reschedules with back-off when publishing fails', async () => {
    const { relay, bus, outbox } = await setUp();
    await bus.close();
    outbox.claimDue.mockResolvedValueOnce([row({ attempts: 3 })]);
    await relay.relayOnce();
    expect(outbox.reschedule).toHaveBeenCalledWith(row().id, backoffMs(3), expect.any(String));
    expect(outbox.markSent).not.toHaveBeenCalled();
    expect(outbox.markFailed).not.toHaveBeenCalled();
  });

  it('backs off exponentially up to a minute', () => {
    expect([1, 2, 3, 10].map(backoffMs)).toEqual([1_000, 2_000, 4_000, 60_000]);
  });
});
