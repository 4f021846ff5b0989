import { BusTopology } from './bus-topology';
import { BusClosedError, TopologyError } from './errors';
import { InMemoryMessageBus } from './in-memory-message-bus';
import { HandlerOutcome, IncomingMessage } from './message-bus';
import { describeMessageBusContract, waitFor } from './message-bus.contract';

describeMessageBusContract(
  'in-memory',
  async ({ retryDelaysMs, onDeadLetter }) =>
    new InMemoryMessageBus({ topology: { prefix: 'mem', retryDelaysMs }, onDeadLetter, logger: quiet }),
);

describe('InMemoryMessageBus', () => {
  const code = '000.00.00.H41';
  let bus: InMemoryMessageBus;

  beforeEach(async () => {
    bus = new InMemoryMessageBus({ topology: { retryDelaysMs: [20, 40], deliveryLimit: 2 }, logger: quiet });
    await bus.assertCoreTopology();
    await bus.assertAgencyQueue(code);
  });

  afterEach(() => bus.close({ graceMs: 0 }));

  const inbox = () => bus.topology.agencyInbox(code);
  const dlq = () => bus.topology.agencyDeadLetterQueue(code);
  const send = (id: string) =>
    bus.publish({ exchange: 'documents', routingKey: code, messageId: id, body: Buffer.from(id) });

  it('lists dead letters with the reason the handler gave', async () => {
    await bus.consume(inbox(), () => ({ action: 'dead-letter', reason: 'certificate revoked' }));
    await send('m1');
    await waitFor(() => bus.deadLetters(dlq()).length === 1, 'dead letter');
    const [dead] = bus.deadLetters(dlq());
    expect(dead).toMatchObject({
      reason: 'certificate revoked',
      from: inbox(),
      message: { messageId: 'm1' },
    });
    expect(dead.message.headers).toMatchObject({
      'x-first-death-queue': inbox(),
      'x-first-death-reason': 'rejected',
    });
  });

  it('keeps a retried copy in the delay queue until its time has come', async () => {
    const attempts: number[] = [];
    await bus.consume(inbox(), (m) => {
      attempts.push(m.attempt);
      return m.attempt === 1 ? { action: 'retry', reason: 'later' } : { action: 'ack' };
    });
    await send('m1');
    await waitFor(async () => (await bus.queueDepth(bus.topology.retryQueue(20))) === 1, 'copy waiting');
    await waitFor(() => attempts.length === 2, 'retry');
    expect(await bus.queueDepth(bus.topology.retryQueue(20))).toBe(0);
  });

  it('treats a malformed outcome as a retry rather than an ack', async () => {
    const seen: IncomingMessage[] = [];
    await bus.consume(inbox(), (m) => {
      seen.push(m);
      return (m.attempt === 1 ? { action: 'acknowledge' } : { action: 'ack' }) as HandlerOutcome;
    });
    await send('m1');
    await waitFor(() => seen.length === 2, 'retry');
    expect(seen[1].lastError).toContain('no valid outcome');
  });

  it('dead-letters a message released more often than the delivery limit', async () => {
    for (let i = 0; i < 3; i++) {
      const sub = await bus.consume(inbox(), () => new Promise<HandlerOutcome>(() => undefined));
      if (i === 0) await send('m1');
      await waitFor(async () => (await bus.queueDepth(inbox())) === 0, 'delivered');
      await sub.cancel();
    }
    expect(bus.deadLetters(dlq())).toEqual([expect.objectContaining({ reason: 'delivery_limit' })]);
  });

  it('shares a queue round-robin between consumers', async () => {
    const byConsumer: Record<string, number> = { a: 0, b: 0 };
    await bus.consume(inbox(), () => (byConsumer.a++, { action: 'ack' }));
    await bus.consume(inbox(), () => (byConsumer.b++, { action: 'ack' }));
    for (let i = 0; i < 10; i++) await send(`m${i}`);
    await waitFor(() => byConsumer.a + byConsumer.b === 10, 'all');
    expect(byConsumer).toEqual({ a: 5, b: 5 });
  });

  it('lets running handlers finish on close, then refuses work', async () => {
    let release!: () => void;
    const acked: string[] = [];
    await bus.consume(inbox(), async (m) => {
      await new Promise<void>((r) => (release = r));
      acked.push(m.messageId);
      return { action: 'ack' };
    });
    await send('m1');
    await waitFor(() => release !== undefined, 'handler started');
    const closing = bus.close({ graceMs: 1_000 });
    release();
    await closing;
    expect(acked).toEqual(['m1']);
    expect(await bus.queueDepth(inbox())).toBe(0);
    await expect(send('m2')).rejects.toBeInstanceOf(BusClosedError);
    await expect(bus.consume(inbox(), () => ({ action: 'ack' }))).rejects.toBeInstanceOf(BusClosedError);
  });

  it('refuses to publish to an exchange that was never declared', async () => {
    const bare = new InMemoryMessageBus({ logger: quiet });
    await expect(
      bare.publish({ exchange: 'documents', routingKey: code, messageId: 'm', body: Buffer.alloc(0) }),
    ).rejects.toBeInstanceOf(TopologyError);
    await expect(bare.assertAgencyQueue(code)).rejects.toBeInstanceOf(TopologyError);
    await expect(bare.publishNotification({ type: 'crl-updated', body: {} })).rejects.toBeInstanceOf(
      TopologyError,
    );
    await expect(bare.subscribeNotifications(() => undefined)).rejects.toBeInstanceOf(TopologyError);
  });

  it('deletes a notification subscriber’s queue, and what waits in it, when it cancels', async () => {
    let release!: () => void;
    const sub = await bus.subscribeNotifications(() => new Promise<void>((r) => (release = r)));
    expect(sub.queue).toMatch(/^axis\.notify\.[0-9a-f]{16}$/);
    await bus.publishNotification({ type: 'held', body: {} });
    await bus.publishNotification({ type: 'waiting', body: {} });
    await waitFor(async () => (await bus.queueDepth(sub.queue)) === 1, 'one held, one waiting');
    await sub.cancel();
    release();
    await expect(bus.queueDepth(sub.queue)).rejects.toBeInstanceOf(TopologyError);
    await expect(bus.publishNotification({ type: 'after', body: {} })).resolves.toBeUndefined();
  });

  it('drops the oldest notifications of a subscriber that falls too far behind', async () => {
    let release!: () => void;
    const seen: string[] = [];
    const sub = await bus.subscribeNotifications(async (n) => {
      seen.push(n.type);
      if (seen.length === 1) await new Promise<void>((r) => (release = r));
    });
    await bus.publishNotification({ type: 'first', body: {} });
    await waitFor(() => seen.length === 1, 'first held');
    for (let i = 0; i < 1_001; i++) await bus.publishNotification({ type: `n${i}`, body: {} });
    expect(await bus.queueDepth(sub.queue)).toBe(1_000);
    release();
    await waitFor(() => seen.length === 1_001, 'the rest');
    expect(seen.slice(0, 2)).toEqual(['first', 'n1']);
  });

  it('refuses to re-declare a queue with other arguments, as RabbitMQ does', async () => {
    const other = new InMemoryMessageBus({ topology: new BusTopology({ deliveryLimit: 3 }), logger: quiet });
    await other.assertCoreTopology();
    await other.assertAgencyQueue(code);
    // Same names, other delivery limit.
    const shared = other as unknown as { declareQueue(spec: unknown): void };
    expect(() => shared.declareQueue(bus.topology.agencyQueues(code)[0])).toThrow(TopologyError);
  });

  it('rejects bad input before routing it', async () => {
    await expect(
      bus.publish({ exchange: 'documents', routingKey: code, messageId: '', body: Buffer.alloc(0) }),
    ).rejects.toThrow(/messageId/);
    await expect(bus.consume(inbox(), () => ({ action: 'ack' }), { prefetch: 0 })).rejects.toThrow(
      /prefetch/,
    );
    await expect(bus.assertAgencyQueue('a.#')).rejects.toThrow(/agency code/);
  });
});

const quiet = { log: () => undefined, warn: () => undefined, error: () => undefined };
