import { randomBytes } from 'node:crypto';
import * as amqp from 'amqplib';
import {
  AmqpMessageBus,
  BusTopology,
  BusUnavailableError,
  IncomingMessage,
  MessageBus,
  TopologyError,
} from '@lienthong/bus';
import { describeMessageBusContract, waitFor } from '@lienthong/bus/message-bus.contract';
import { AMQP_URL, deleteBusTopology } from '@lienthong/bus/testing/amqp';

// Against the real broker: every run declares under its own random prefix and deletes it after.
jest.setTimeout(30_000);

const quiet = { log: () => undefined, warn: () => undefined, error: () => undefined };
const runPrefix = () => `test-${randomBytes(4).toString('hex')}`;

describeMessageBusContract(
  'RabbitMQ',
  ({ retryDelaysMs, onDeadLetter }) =>
    AmqpMessageBus.connect({
      url: AMQP_URL,
      topology: { prefix: runPrefix(), retryDelaysMs },
      onDeadLetter,
      logger: quiet,
    }),
  { cleanup: (topology, codes) => deleteBusTopology(AMQP_URL, topology, codes) },
);

describe('AmqpMessageBus on RabbitMQ', () => {
  const code = '000.00.00.H41';
  let bus: AmqpMessageBus;
  let raw: amqp.ChannelModel;
  const extraTopologies: BusTopology[] = [];

  beforeAll(async () => {
    bus = await AmqpMessageBus.connect({
      url: AMQP_URL,
      topology: { prefix: runPrefix(), retryDelaysMs: [100, 200] },
      logger: quiet,
    });
    await bus.assertCoreTopology();
    await bus.assertAgencyQueue(code);
    raw = await amqp.connect(AMQP_URL);
  });

  afterAll(async () => {
    await bus?.close({ graceMs: 0 });
    await raw?.close();
    if (bus) await deleteBusTopology(AMQP_URL, bus.topology, [code]);
    for (const t of extraTopologies) await deleteBusTopology(AMQP_URL, t, [code]);
  });

  const inbox = () => bus.topology.agencyInbox(code);
  const send = (target: MessageBus, id: string, body: Buffer = Buffer.from(id)) =>
    target.publish({ exchange: 'documents', routingKey: code, messageId: id, body });

  it('declares quorum queues, refusing a classic re-declaration', async () => {
    const ch = await raw.createChannel();
    ch.on('error', () => undefined); // the refused declaration closes this channel
    await ch.checkQueue(inbox());
    await expect(ch.assertQueue(inbox(), { durable: true })).rejects.toThrow(/PRECONDITION_FAILED/);
  });

  it('keeps a message whose consumer channel closed without ack, and redelivers it', async () => {
    const ch = await raw.createChannel();
    await ch.prefetch(1);
    const held = new Promise<amqp.ConsumeMessage>((resolve) => {
      void ch.consume(inbox(), (m) => m && resolve(m), { noAck: false });
    });
    await send(bus, 'msg-crash');
    expect((await held).properties.messageId).toBe('msg-crash');
    await ch.close(); // the consumer dies holding it

    const seen: IncomingMessage[] = [];
    const sub = await bus.consume(inbox(), (m) => {
      seen.push(m);
      return { action: 'ack' };
    });
    await waitFor(() => seen.length === 1, 'redelivery');
    await sub.cancel();
    expect(seen[0]).toMatchObject({ messageId: 'msg-crash', redelivered: true, attempt: 1 });
    expect(seen[0].headers['x-delivery-count']).toBe(1);
  });

  it('resolves publish only once the message is stored', async () => {
    for (let i = 0; i < 5; i++) {
      await send(bus, `msg-stored-${i}`);
      // No polling: confirmed means enqueued in the quorum queue.
      expect(await bus.queueDepth(inbox())).toBe(i + 1);
    }
    await raw.createChannel().then(async (ch) => {
      await ch.purgeQueue(inbox());
      await ch.close();
    });
  });

  it('waits for the socket to drain under a burst, and still confirms every publish', async () => {
    const body = randomBytes(2048);
    const before = bus.publisherStats.drainWaits;
    const results = await Promise.all(
      Array.from({ length: 3000 }, (_, i) => send(bus, `msg-bulk-${i}`, body)),
    );
    expect(results.every((r) => r.routed)).toBe(true);
    expect(bus.publisherStats.drainWaits).toBeGreaterThan(before);
    expect(await bus.queueDepth(inbox())).toBe(3000);
    const ch = await raw.createChannel();
    await ch.purgeQueue(inbox());
    await ch.close();
  });

  it('copes with publishes of the same messageId in flight together', async () => {
    const results = await Promise.all([
      send(bus, 'msg-same'),
      bus.publish({
        exchange: 'documents',
        routingKey: '999.99.99.Z99',
        messageId: 'msg-same',
        body: Buffer.from('x'),
      }),
      send(bus, 'msg-same'),
    ]);
    expect(results.map((r) => r.routed)).toEqual([true, false, true]);
    const ch = await raw.createChannel();
    await ch.purgeQueue(inbox());
    await ch.close();
  });

  it('rejects a publish to an undeclared exchange and recovers its channel for the next one', async () => {
    const topology = new BusTopology({ prefix: runPrefix(), retryDelaysMs: [100, 200] });
    extraTopologies.push(topology);
    const other = await AmqpMessageBus.connect({ url: AMQP_URL, topology, logger: quiet });
    try {
      await expect(send(other, 'msg-nowhere')).rejects.toThrow(/NOT_FOUND/);
      await other.assertCoreTopology();
      await other.assertAgencyQueue(code);
      await expect(send(other, 'msg-somewhere')).resolves.toEqual({ routed: true });
    } finally {
      await other.close({ graceMs: 0 });
    }
  });

  it('refuses to re-declare a queue with other arguments', async () => {
    const other = await AmqpMessageBus.connect({
      url: AMQP_URL,
      topology: { prefix: bus.topology.prefix, retryDelaysMs: [100, 200], deliveryLimit: 3 },
      logger: quiet,
    });
    try {
      await expect(other.assertAgencyQueue(code)).rejects.toBeInstanceOf(TopologyError);
      // The failure cost a throwaway channel only.
      await expect(other.queueDepth(inbox())).resolves.toBe(0);
    } finally {
      await other.close({ graceMs: 0 });
    }
  });

  it('gives a notification subscriber an exclusive queue of its own, gone when it cancels', async () => {
    const seen: string[] = [];
    const sub = await bus.subscribeNotifications((n) => void seen.push(n.type));
    expect(sub.queue).toMatch(new RegExp(`^${bus.topology.prefix}\\.notify\\.[0-9a-f]{16}$`));
    const check = async () => {
      const ch = await raw.createChannel();
      ch.on('error', () => undefined); // a failed passive declare closes this channel
      try {
        await ch.checkQueue(sub.queue);
        await ch.close();
        return 'exists';
      } catch (error) {
        return String((error as Error).message);
      }
    };
    // Another connection may not even look at it.
    expect(await check()).toMatch(/RESOURCE_LOCKED/);
    await bus.publishNotification({ type: 'crl-updated', body: { crlNumber: '1' } });
    await waitFor(() => seen.length === 1, 'notification');
    await sub.cancel();
    await waitFor(async () => /NOT_FOUND/.test(await check()), 'queue deleted');
  });

  it('refuses every client publish to the requeue exchanges, even from a user that may write anything', async () => {
    for (const exchange of [bus.topology.requeueExchange, bus.topology.unroutableExchange]) {
      await expect(
        bus.publishRaw(exchange, inbox(), Buffer.from('x'), { messageId: 'msg-internal', headers: {} }),
      ).rejects.toThrow(/ACCESS_REFUSED - cannot publish to internal exchange/);
    }
    // Only the delay queues' dead-lettering feeds them.
    await expect(send(bus, 'msg-after-internal')).resolves.toEqual({ routed: true });
    const ch = await raw.createChannel();
    await ch.purgeQueue(inbox());
    await ch.close();
  });

  it('fails fast when the broker cannot be reached at start', async () => {
    const started = Date.now();
    await expect(
      AmqpMessageBus.connect({ url: 'amqp://guest:guest@127.0.0.1:1', logger: quiet }),
    ).rejects.toBeInstanceOf(BusUnavailableError);
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});
