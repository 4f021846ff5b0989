import { IncomingMessage, InMemoryMessageBus, MessageBus } from '@lienthong/bus';
import { waitFor } from '@lienthong/bus/message-bus.contract';
import { recordingMetrics } from '@lienthong/observability/testing/recording-metrics';
import { MAX_TRACE_EVENTS_PER_MESSAGE, TRACE_BATCH_ROUTING_KEY } from '@lienthong/protocol';
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
import { backoffMs, OutboxRelay, traceMessages } from './outbox-relay.service';

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

async function setUp(config = TEST_CONFIG) {
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
    config,
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

  describe('trace events', () => {
    const G22 = '000.00.00.G22';
    const traceRow = (event: 'submitted' | 'delivered', attempts = 1): ClaimedOutboxMessage => {
      const message = traceFactory().message({
        event,
        documentUuid: '7d9f4a52-3c0e-4c61-9a55-0d3b2f6e8a11',
        kind: 'edoc',
        sender: G22,
        recipient: H41,
      });
      return { ...message, body: message.payload!, attempts, createdAt: new Date() };
    };
    const eventOf = (row: ClaimedOutboxMessage) => JSON.parse(row.body.toString());

    async function consumeTrace(bus: InMemoryMessageBus) {
      const received: IncomingMessage[] = [];
      await bus.consume(bus.topology.traceQueue, (m) => {
        received.push(m);
        return { action: 'ack' };
      });
      return received;
    }

    it("sends a batch's trace rows as one message, an array of their events, and each document alone", async () => {
      const { relay, bus, outbox } = await setUp();
      await bus.assertAgencyQueue(H41);
      const traces = [traceRow('submitted'), traceRow('delivered'), traceRow('submitted')];
      const documents = [row(), row({ id: '3b9c0f5e-0000-4000-8000-000000000002' })];
      outbox.claimDue.mockResolvedValueOnce([traces[0], documents[0], traces[1], documents[1], traces[2]]);
      const trace = await consumeTrace(bus);
      const inbox: string[] = [];
      await bus.consume(bus.topology.agencyInbox(H41), (m) => {
        inbox.push(m.messageId);
        return { action: 'ack' };
      });

      expect(await relay.relayOnce()).toBe(5);

      await waitFor(() => trace.length > 0 && inbox.length === 2, 'the published messages');
      expect(inbox.sort()).toEqual(documents.map((d) => d.id).sort());
      expect(trace).toHaveLength(1);
      const [message] = trace;
      expect(JSON.parse(message.body.toString())).toEqual(traces.map(eventOf));
      expect(message.routingKey).toBe(TRACE_BATCH_ROUTING_KEY);
      expect(message.contentType).toBe('application/json');
      // The batch is a message of its own: its events keep their ids, the axis de-duplicates on them.
      expect(traces.map((t) => t.id)).not.toContain(message.messageId);
      expect(outbox.markSent).toHaveBeenCalledTimes(1);
      expect([...outbox.markSent.mock.calls[0][1]].sort()).toEqual(
        [...traces, ...documents].map((r) => r.id).sort(),
      );
      await bus.close();
    });

    it('sends a lone trace event as before: the object itself, its own id and step as key', async () => {
      const { relay, bus, outbox } = await setUp();
      const lone = traceRow('delivered');
      outbox.claimDue.mockResolvedValueOnce([lone]);
      const trace = await consumeTrace(bus);
      await relay.relayOnce();
      await waitFor(() => trace.length > 0, 'the trace message');
      expect(trace[0]).toMatchObject({ messageId: lone.id, routingKey: 'delivered' });
      expect(JSON.parse(trace[0].body.toString())).toEqual(eventOf(lone));
      expect(outbox.markSent).toHaveBeenCalledWith(TX, [lone.id]);
      await bus.close();
    });

    it('settles all the rows of a trace message by its one answer: returned or failed, each retried', async () => {
      const publish = jest
        .fn()
        .mockResolvedValueOnce({ routed: false })
        .mockRejectedValueOnce(new Error('channel closed'));
      const outbox = fakeOutbox();
      const relay = new OutboxRelay(
        outbox,
        fakeDeliveryEvents(),
        fakeTransactor(),
        { publish } as unknown as MessageBus,
        traceFactory(),
        fakeSignal(),
        TEST_CONFIG,
      );
      const rows = [traceRow('submitted', 1), traceRow('delivered', 3)];
      outbox.claimDue.mockResolvedValueOnce(rows).mockResolvedValueOnce(rows);

      await relay.relayOnce();
      await relay.relayOnce();

      expect(publish).toHaveBeenCalledTimes(2);
      expect(publish.mock.calls[0][0]).toMatchObject({
        exchange: 'trace',
        routingKey: TRACE_BATCH_ROUTING_KEY,
      });
      const [returned, failed] = outbox.reschedule.mock.calls.map(([retries]) => retries);
      expect(returned).toEqual([
        { id: rows[0].id, delayMs: backoffMs(1), error: expect.stringContaining('UNROUTABLE') },
        { id: rows[1].id, delayMs: backoffMs(3), error: expect.stringContaining('UNROUTABLE') },
      ]);
      expect(failed).toEqual([
        { id: rows[0].id, delayMs: backoffMs(1), error: 'channel closed' },
        { id: rows[1].id, delayMs: backoffMs(3), error: 'channel closed' },
      ]);
      expect(outbox.markSent).not.toHaveBeenCalled();
    });

    it('never puts more events in a message than the axis takes, nor rows with different headers', () => {
      const many = Array.from({ length: MAX_TRACE_EVENTS_PER_MESSAGE + 2 }, () => traceRow('submitted'));
      expect(traceMessages(many).map((m) => m.length)).toEqual([MAX_TRACE_EVENTS_PER_MESSAGE, 2]);
      const tagged = { ...traceRow('delivered'), headers: { 'x-other': '1' } };
      const plain = [traceRow('submitted'), traceRow('delivered')];
      expect(traceMessages([plain[0], tagged, plain[1]])).toEqual([plain, [tagged]]);
      expect(traceMessages([])).toEqual([]);
    });
  });

  it('waits OUTBOX_LINGER_MS after a short batch, so the rows that follow share one claim', async () => {
    const { relay, bus, outbox } = await setUp({ ...TEST_CONFIG, outboxLingerMs: 60 });
    await bus.assertAgencyQueue(H41);
    const claimedAt: number[] = [];
    outbox.claimDue.mockImplementation(async () => {
      claimedAt.push(Date.now());
      return claimedAt.length === 1 ? [row()] : [];
    });
    relay.onApplicationBootstrap();
    try {
      await waitFor(() => claimedAt.length >= 2, 'the claim after the first batch');
      expect(claimedAt[1] - claimedAt[0]).toBeGreaterThanOrEqual(55);
    } finally {
      await relay.onModuleDestroy();
    }
  });

  it('claims and publishes the next batch while the previous one awaits its confirm', async () => {
    const { relay, bus, outbox } = await setUp({ ...TEST_CONFIG, outboxLingerMs: 0 });
    await bus.assertAgencyQueue(H41);
    const first = row({ id: '3b9c0f5e-0000-4000-8000-00000000000a' });
    const second = row({ id: '3b9c0f5e-0000-4000-8000-00000000000b' });
    const batches = [[first], [second]];
    outbox.claimDue.mockImplementation(async () => batches.shift() ?? []);
    const publish = bus.publish.bind(bus);
    let releaseFirst: () => void = () => undefined;
    const firstHeld = new Promise<void>((resolve) => (releaseFirst = resolve));
    const published: string[] = [];
    jest.spyOn(bus, 'publish').mockImplementation(async (message) => {
      published.push(message.messageId);
      if (message.messageId === first.id) await firstHeld;
      return publish(message);
    });
    relay.onApplicationBootstrap();
    try {
      await waitFor(() => published.includes(second.id), 'the second batch published');
      expect(outbox.markSent).not.toHaveBeenCalledWith(TX, [first.id]);
      await waitFor(
        () => outbox.markSent.mock.calls.some((c) => c[1].includes(second.id)),
        'the second settled',
      );
      releaseFirst();
      await waitFor(
        () => outbox.markSent.mock.calls.some((c) => c[1].includes(first.id)),
        'the first settled',
      );
    } finally {
      releaseFirst();
      await relay.onModuleDestroy();
    }
  });

  it('writes back what it published before it stops', async () => {
    const { relay, bus, outbox } = await setUp({ ...TEST_CONFIG, outboxLingerMs: 0 });
    await bus.assertAgencyQueue(H41);
    outbox.claimDue.mockResolvedValueOnce([row()]);
    const publish = bus.publish.bind(bus);
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    let publishing = false;
    jest.spyOn(bus, 'publish').mockImplementation(async (message) => {
      publishing = true;
      await held;
      return publish(message);
    });
    relay.onApplicationBootstrap();
    await waitFor(() => publishing, 'the publish');
    const stopped = relay.onModuleDestroy();
    release();
    await stopped;
    expect(outbox.markSent).toHaveBeenCalledWith(TX, [row().id]);
  });

  it('writes back at a later cycle what the broker confirmed while the database was out of reach, publishing it once', async () => {
    const { relay, bus, outbox, transactor } = await setUp({
      ...TEST_CONFIG,
      outboxLingerMs: 0,
      outboxPollMs: 20,
    });
    await bus.assertAgencyQueue(H41);
    outbox.claimDue.mockResolvedValueOnce([row()]);
    const published = jest.spyOn(bus, 'publish');
    const down = new Error('connect ECONNREFUSED 127.0.0.1:5432');
    // The batch's write-back, then its first row on its own: the database is not there.
    transactor.run.mockRejectedValueOnce(down).mockRejectedValueOnce(down);
    relay.onApplicationBootstrap();
    try {
      await waitFor(() => outbox.markSent.mock.calls.length > 0, 'the write-back');
      expect(transactor.run.mock.calls.length).toBeGreaterThanOrEqual(3);
      expect(outbox.markSent).toHaveBeenCalledWith(TX, [row().id]);
      expect(published).toHaveBeenCalledTimes(1);
    } finally {
      await relay.onModuleDestroy();
    }
  });

  it('reports an outcome once when its row was already written back', async () => {
    const { relay, bus, outbox, events } = await setUp();
    await bus.assertAgencyQueue(H41);
    outbox.claimDue.mockResolvedValueOnce([row()]);
    // A commit whose answer was lost: the row is no longer pending.
    outbox.markSent.mockResolvedValueOnce([]);
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
