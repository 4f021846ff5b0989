import { randomBytes } from 'node:crypto';
import { AmqpMessageBus, BusUnavailableError, IncomingMessage, PublishResult } from '@lienthong/bus';
import { waitFor } from '@lienthong/bus/message-bus.contract';
import { AMQP_URL, TcpProxy, deleteBusTopology } from '@lienthong/bus/testing/amqp';

// Connection loss against the real broker, through a proxy that can hold back or cut the bytes.
jest.setTimeout(30_000);

const quiet = { log: () => undefined, warn: () => undefined, error: () => undefined };

describe('AmqpMessageBus when the connection misbehaves', () => {
  const code = '000.00.00.H42';
  let proxy: TcpProxy;
  let bus: AmqpMessageBus;

  beforeAll(async () => {
    proxy = TcpProxy.forUrl(AMQP_URL);
    await proxy.start();
    bus = await AmqpMessageBus.connect({
      url: proxy.url(AMQP_URL),
      topology: { prefix: `test-${randomBytes(4).toString('hex')}`, retryDelaysMs: [100, 200] },
      reconnect: { initialDelayMs: 50, maxDelayMs: 200 },
      confirmTimeoutMs: 10_000,
      logger: quiet,
    });
    await bus.assertCoreTopology();
    await bus.assertAgencyQueue(code);
  });

  afterEach(() => {
    proxy.refuse(false);
    proxy.release();
  });

  afterAll(async () => {
    await bus?.close({ graceMs: 0 });
    await proxy?.stop();
    if (bus) await deleteBusTopology(AMQP_URL, bus.topology, [code]);
  });

  const send = (id: string) =>
    bus.publish({ exchange: 'documents', routingKey: code, messageId: id, body: Buffer.from(id) });

  it('resolves a publish only when the confirm arrives', async () => {
    proxy.hold();
    let settled = false;
    const publishing = send('msg-held-confirm').finally(() => (settled = true));
    // Long enough for a broker on loopback to have confirmed many times over.
    await new Promise((r) => setTimeout(r, 300));
    expect(settled).toBe(false);
    proxy.release();
    await expect(publishing).resolves.toEqual({ routed: true });
    await waitFor(async () => (await bus.queueDepth(bus.topology.agencyInbox(code))) === 1, 'stored');
  });

  it('rejects unconfirmed publishes on connection loss, then reconnects and resumes its consumers', async () => {
    const inbox = bus.topology.agencyInbox(code);
    let releaseFirst!: () => void;
    const firstHandlerDone = new Promise<void>((r) => (releaseFirst = r));
    const seen: IncomingMessage[] = [];
    const sub = await bus.consume(inbox, async (m) => {
      seen.push(m);
      // The first delivery is still being handled when the connection dies.
      if (seen.length === 1) await firstHandlerDone;
      return { action: 'ack' };
    });
    await waitFor(() => seen.length === 1, 'first delivery'); // msg-held-confirm from the previous test

    proxy.hold();
    const inFlight: Promise<PublishResult> = send('msg-in-flight');
    const inFlightOutcome = inFlight.then(
      () => 'resolved',
      (e: unknown) => e,
    );
    await new Promise((r) => setTimeout(r, 50));
    proxy.dropAll();
    proxy.release(); // new connections pass freely
    expect(await inFlightOutcome).toBeInstanceOf(BusUnavailableError);
    releaseFirst(); // its ack would go to a dead channel: ignored, the broker redelivers

    await waitFor(() => bus.connected, 'reconnected');
    await expect(send('msg-after')).resolves.toEqual({ routed: true });
    await waitFor(() => seen.some((m) => m.messageId === 'msg-after'), 'delivery after reconnect');
    const again = seen.slice(1).find((m) => m.messageId === 'msg-held-confirm');
    expect(again).toMatchObject({ redelivered: true, attempt: 1 });
    // The rejected publish may still have reached the queue (the outbox re-sends, the receiver de-duplicates).
    expect(seen.filter((m) => m.messageId === 'msg-in-flight').length).toBeLessThanOrEqual(1);
    await sub.cancel();
  });

  it('declares a notification subscriber’s queue again after a reconnect', async () => {
    const seen: string[] = [];
    const sub = await bus.subscribeNotifications((n) => void seen.push(n.type));
    const before = sub.queue;
    await bus.publishNotification({ type: 'before', body: {} });
    await waitFor(() => seen.length === 1, 'notification before the cut');
    proxy.dropAll();
    await waitFor(() => bus.connected && sub.queue !== before, 'new queue after the reconnect', 10_000);
    await bus.publishNotification({ type: 'after', body: {} });
    await waitFor(() => seen.length === 2, 'notification after the reconnect');
    expect(seen).toEqual(['before', 'after']);
    await sub.cancel();
  });

  it('rejects at once while the broker is unreachable, and works again when it is back', async () => {
    proxy.refuse(true);
    proxy.dropAll();
    await waitFor(() => !bus.connected, 'disconnected');
    const started = Date.now();
    await expect(send('msg-while-down')).rejects.toBeInstanceOf(BusUnavailableError);
    expect(Date.now() - started).toBeLessThan(100);
    await expect(bus.queueDepth(bus.topology.agencyInbox(code))).rejects.toBeInstanceOf(BusUnavailableError);

    proxy.refuse(false);
    await waitFor(() => bus.connected, 'reconnected', 10_000);
    await expect(send('msg-back')).resolves.toEqual({ routed: true });
  });
});
