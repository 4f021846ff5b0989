import type { BusTopology } from './bus-topology';
import type {
  DeadLetterEvent,
  DeadLetterHook,
  HandlerOutcome,
  IncomingMessage,
  IncomingNotification,
  MessageBus,
  NotificationHandler,
  Subscription,
} from './message-bus';

/*
 * The behaviour every MessageBus must have, run against each implementation (in-memory in the
 * unit project, RabbitMQ in the interop project). Test-only: it uses jest globals, so it is not
 * exported from the package index.
 */

/** Short enough to keep the suite fast, long enough that "after the delay" is measurable. */
export const CONTRACT_RETRY_DELAYS_MS = [100, 200];

export interface ContractBusOptions {
  retryDelaysMs: number[];
  onDeadLetter: DeadLetterHook;
}

export interface ContractHooks {
  /** After the bus is closed: remove what the run left on a broker. */
  cleanup?(topology: BusTopology, agencyCodes: string[]): Promise<void>;
}

const ACK: HandlerOutcome = { action: 'ack' };

export function describeMessageBusContract(
  name: string,
  makeBus: (options: ContractBusOptions) => Promise<MessageBus>,
  hooks: ContractHooks = {},
): void {
  describe(`MessageBus contract: ${name}`, () => {
    let bus: MessageBus;
    const deadLetters: DeadLetterEvent[] = [];
    const codes: string[] = [];
    const subscriptions: Subscription[] = [];
    const releases: (() => void)[] = [];

    beforeAll(async () => {
      bus = await makeBus({
        retryDelaysMs: CONTRACT_RETRY_DELAYS_MS,
        onDeadLetter: (e) => deadLetters.push(e),
      });
      await bus.assertCoreTopology();
    });

    afterEach(async () => {
      releases.splice(0).forEach((release) => release());
      await Promise.all(subscriptions.splice(0).map((s) => s.cancel()));
    });

    afterAll(async () => {
      if (!bus) return;
      await bus.close({ graceMs: 0 });
      await hooks.cleanup?.(bus.topology, codes);
    });

    /** A fresh agency per test, so tests cannot see each other's messages. */
    async function agency(): Promise<{ code: string; inbox: string; dlq: string }> {
      const code = `000.00.00.T${String(codes.length + 1).padStart(2, '0')}`;
      codes.push(code);
      await bus.assertAgencyQueue(code);
      return { code, inbox: bus.topology.agencyInbox(code), dlq: bus.topology.agencyDeadLetterQueue(code) };
    }

    async function consume(
      queue: string,
      handler: (m: IncomingMessage) => Promise<HandlerOutcome> | HandlerOutcome,
      options?: { prefetch?: number; maxAttempts?: number },
    ): Promise<Subscription> {
      const sub = await bus.consume(queue, handler, options);
      subscriptions.push(sub);
      return sub;
    }

    function blocker(): { wait: Promise<void>; release: () => void } {
      let release!: () => void;
      const wait = new Promise<void>((resolve) => (release = resolve));
      releases.push(release);
      return { wait, release };
    }

    const send = (code: string, id: string, extra: Partial<Parameters<MessageBus['publish']>[0]> = {}) =>
      bus.publish({
        exchange: 'documents',
        routingKey: code,
        messageId: id,
        body: Buffer.from(id),
        ...extra,
      });

    it('declares its topology idempotently', async () => {
      await bus.assertCoreTopology();
      const { code, inbox } = await agency();
      await bus.assertAgencyQueue(code);
      await bus.assertCoreTopology();
      expect(await bus.queueDepth(inbox)).toBe(0);
    });

    it('delivers body, headers, messageId and content type intact', async () => {
      const { code, inbox } = await agency();
      const body = Buffer.concat([Buffer.from([0, 1, 254, 255]), Buffer.from('Công văn số 12/UBND', 'utf8')]);
      const received: IncomingMessage[] = [];
      await consume(inbox, (m) => {
        received.push(m);
        return ACK;
      });
      const result = await bus.publish({
        exchange: 'documents',
        routingKey: code,
        messageId: 'msg-roundtrip',
        body,
        headers: { 'x-doc-id': 'D-1', priority: 3 },
        contentType: 'application/xml',
      });
      expect(result).toEqual({ routed: true });
      await waitFor(() => received.length === 1, 'delivery');
      const [m] = received;
      expect(m.body.equals(body)).toBe(true);
      expect(m).toMatchObject({
        messageId: 'msg-roundtrip',
        routingKey: code,
        contentType: 'application/xml',
        attempt: 1,
        redelivered: false,
        queue: inbox,
      });
      expect(m.headers).toEqual({ 'x-doc-id': 'D-1', priority: 3 });
      expect(m.lastError).toBeUndefined();
    });

    it('tells the sender when nothing is bound for the routing key', async () => {
      await expect(send('999.99.99.Z99', 'msg-unroutable')).resolves.toEqual({ routed: false });
    });

    it('keeps agencies apart: a document reaches its recipient’s inbox only, a dead letter its DLQ only', async () => {
      const a = await agency();
      const b = await agency();
      const toA: string[] = [];
      const toB: string[] = [];
      await consume(a.inbox, (m) => {
        toA.push(m.messageId);
        return m.messageId === 'msg-a-poison' ? { action: 'dead-letter', reason: 'poison' } : ACK;
      });
      await consume(b.inbox, (m) => {
        toB.push(m.messageId);
        return ACK;
      });
      await send(a.code, 'msg-for-a');
      await send(b.code, 'msg-for-b');
      await send(a.code, 'msg-a-poison');
      await waitFor(() => toA.length === 2 && toB.length === 1, 'both inboxes');
      await waitFor(async () => (await bus.queueDepth(a.dlq)) === 1, "poison in A's DLQ");
      expect(toA).toEqual(['msg-for-a', 'msg-a-poison']);
      expect(toB).toEqual(['msg-for-b']);
      expect(await bus.queueDepth(b.dlq)).toBe(0);
    });

    it('routes trace events to the trace queue', async () => {
      const received: IncomingMessage[] = [];
      await consume(bus.topology.traceQueue, (m) => {
        received.push(m);
        return ACK;
      });
      const r = await bus.publish({
        exchange: 'trace',
        routingKey: 'sent',
        messageId: 'trace-1',
        body: Buffer.from('{}'),
      });
      expect(r.routed).toBe(true);
      await waitFor(() => received.some((m) => m.messageId === 'trace-1'), 'trace delivery');
    });

    it('removes an acked message for good', async () => {
      const { code, inbox } = await agency();
      const first: string[] = [];
      const sub = await consume(inbox, (m) => {
        first.push(m.messageId);
        return ACK;
      });
      await send(code, 'msg-acked');
      await waitFor(() => first.length === 1, 'first delivery');
      await sub.cancel();
      // Anything still unsettled would be at the head of the queue, before this one.
      await send(code, 'msg-sentinel');
      const second: string[] = [];
      await consume(inbox, (m) => {
        second.push(m.messageId);
        return ACK;
      });
      await waitFor(() => second.length === 1, 'sentinel delivery');
      expect(second).toEqual(['msg-sentinel']);
    });

    it('retries with attempt + 1 after the first delay of the ladder', async () => {
      const { code, inbox } = await agency();
      const seen: { m: IncomingMessage; at: number }[] = [];
      await consume(inbox, (m) => {
        seen.push({ m, at: Date.now() });
        return m.attempt === 1 ? { action: 'retry', reason: 'database down' } : ACK;
      });
      await send(code, 'msg-retry', { headers: { 'x-doc-id': 'D-2' }, contentType: 'application/xml' });
      await waitFor(() => seen.length === 2, 'retried delivery');
      const [a, b] = seen;
      expect(a.m.attempt).toBe(1);
      expect(b.m).toMatchObject({
        attempt: 2,
        lastError: 'database down',
        messageId: 'msg-retry',
        routingKey: code,
        redelivered: false,
        contentType: 'application/xml',
        queue: inbox,
      });
      expect(b.m.headers).toMatchObject({ 'x-doc-id': 'D-2' });
      expect(b.m.body.toString()).toBe('msg-retry');
      expect(b.at - a.at).toBeGreaterThanOrEqual(CONTRACT_RETRY_DELAYS_MS[0] - 15);
      expect(await bus.queueDepth(inbox)).toBe(0);
    });

    it('retries a trace event back to the trace queue', async () => {
      const seen: IncomingMessage[] = [];
      await consume(bus.topology.traceQueue, (m) => {
        if (m.messageId !== 'trace-retry') return ACK;
        seen.push(m);
        return m.attempt === 1 ? { action: 'retry', reason: 'database down' } : ACK;
      });
      await bus.publish({
        exchange: 'trace',
        routingKey: 'sent',
        messageId: 'trace-retry',
        body: Buffer.from('{}'),
      });
      await waitFor(() => seen.length === 2, 'retried trace event');
      expect(seen[1]).toMatchObject({
        attempt: 2,
        lastError: 'database down',
        routingKey: 'sent',
        queue: bus.topology.traceQueue,
      });
    });

    it('holds a retried copy from a queue with no way back (a DLQ) in the requeue DLQ', async () => {
      const { code, inbox, dlq } = await agency();
      const held = bus.topology.requeueDeadLetterQueue;
      const before = await bus.queueDepth(held);
      await consume(inbox, () => ({ action: 'dead-letter', reason: 'poison' }));
      await send(code, 'msg-no-way-back');
      await waitFor(async () => (await bus.queueDepth(dlq)) === 1, 'message in the DLQ');
      const seen: number[] = [];
      await consume(dlq, (m) => {
        seen.push(m.attempt);
        return { action: 'retry', reason: 'try again' };
      });
      await waitFor(async () => (await bus.queueDepth(held)) === before + 1, 'copy in the requeue DLQ');
      expect(seen).toEqual([1]);
      expect(await bus.queueDepth(dlq)).toBe(0);
    });

    it('treats a thrown error as a retry', async () => {
      const { code, inbox } = await agency();
      const seen: IncomingMessage[] = [];
      await consume(inbox, (m) => {
        seen.push(m);
        if (m.attempt === 1) throw new Error('parser crashed');
        return ACK;
      });
      await send(code, 'msg-throw');
      await waitFor(() => seen.length === 2, 'retried delivery');
      expect(seen[1]).toMatchObject({ attempt: 2, lastError: 'parser crashed' });
    });

    it('dead-letters after maxAttempts, climbing the ladder, and never delivers again', async () => {
      const { code, inbox, dlq } = await agency();
      const seen: { attempt: number; at: number }[] = [];
      await consume(
        inbox,
        (m) => {
          seen.push({ attempt: m.attempt, at: Date.now() });
          return { action: 'retry', reason: `still failing ${m.attempt}` };
        },
        { maxAttempts: 3 },
      );
      await send(code, 'msg-exhausted');
      await waitFor(async () => (await bus.queueDepth(dlq)) === 1, 'message in the DLQ', 8_000);
      expect(seen.map((s) => s.attempt)).toEqual([1, 2, 3]);
      expect(seen[2].at - seen[1].at).toBeGreaterThanOrEqual(CONTRACT_RETRY_DELAYS_MS[1] - 15);
      expect(await bus.queueDepth(inbox)).toBe(0);
      const event = deadLetters.find((e) => e.message.messageId === 'msg-exhausted');
      expect(event).toMatchObject({ queue: inbox, message: { attempt: 3 } });
      expect(event?.reason).toContain('still failing 3');

      const parked: IncomingMessage[] = [];
      await consume(dlq, (m) => {
        parked.push(m);
        return ACK;
      });
      await waitFor(() => parked.length === 1, 'DLQ delivery');
      expect(parked[0]).toMatchObject({ messageId: 'msg-exhausted', attempt: 3, queue: dlq });
      expect(parked[0].body.toString()).toBe('msg-exhausted');
      expect(seen).toHaveLength(3);
    });

    it('dead-letters at once when the handler says so', async () => {
      const { code, inbox, dlq } = await agency();
      const seen: number[] = [];
      await consume(inbox, (m) => {
        seen.push(m.attempt);
        return { action: 'dead-letter', reason: 'signature invalid' };
      });
      await send(code, 'msg-poison');
      await waitFor(async () => (await bus.queueDepth(dlq)) === 1, 'message in the DLQ');
      expect(seen).toEqual([1]);
      expect(deadLetters.find((e) => e.message.messageId === 'msg-poison')?.reason).toBe('signature invalid');
    });

    it('never has more than prefetch messages in flight', async () => {
      const { code, inbox } = await agency();
      const gate = blocker();
      let inFlight = 0;
      let maxInFlight = 0;
      const done: string[] = [];
      await consume(
        inbox,
        async (m) => {
          inFlight++;
          maxInFlight = Math.max(maxInFlight, inFlight);
          await gate.wait;
          inFlight--;
          done.push(m.messageId);
          return ACK;
        },
        { prefetch: 2 },
      );
      for (let i = 0; i < 5; i++) await send(code, `msg-prefetch-${i}`);
      await waitFor(() => inFlight === 2, 'two in flight');
      // Proving that nothing more arrives needs a little time to pass.
      await sleep(250);
      expect(inFlight).toBe(2);
      await waitFor(async () => (await bus.queueDepth(inbox)) === 3, 'three waiting');
      gate.release();
      await waitFor(() => done.length === 5, 'all handled');
      expect(maxInFlight).toBe(2);
    });

    it('redelivers unacked messages of a cancelled subscription to the next consumer', async () => {
      const { code, inbox } = await agency();
      const gate = blocker();
      const firstSeen: string[] = [];
      const sub = await consume(
        inbox,
        async (m) => {
          firstSeen.push(m.messageId);
          await gate.wait;
          return ACK;
        },
        { prefetch: 2 },
      );
      await send(code, 'msg-held-1');
      await send(code, 'msg-held-2');
      await waitFor(() => firstSeen.length === 2, 'both held');
      await sub.cancel();
      gate.release(); // too late: the outcome of a cancelled subscription no longer counts

      const second: IncomingMessage[] = [];
      await consume(inbox, (m) => {
        second.push(m);
        return ACK;
      });
      await waitFor(() => second.length === 2, 'redeliveries');
      expect(second.map((m) => m.messageId).sort()).toEqual(['msg-held-1', 'msg-held-2']);
      expect(second.every((m) => m.redelivered && m.attempt === 1)).toBe(true);
    });

    it('applies outcomes of handlers that finish within the grace period of a cancel', async () => {
      const { code, inbox } = await agency();
      const gate = blocker();
      let started = 0;
      const sub = await consume(inbox, async () => {
        started++;
        await gate.wait;
        return ACK;
      });
      await send(code, 'msg-graceful');
      await waitFor(() => started === 1, 'handler started');
      const cancelled = sub.cancel({ graceMs: 5_000 });
      setTimeout(gate.release, 50);
      await cancelled;
      await send(code, 'msg-sentinel');
      const next: string[] = [];
      await consume(inbox, (m) => {
        next.push(m.messageId);
        return ACK;
      });
      await waitFor(() => next.length === 1, 'sentinel');
      expect(next).toEqual(['msg-sentinel']);
    });

    it('counts ready messages in queueDepth', async () => {
      const { code, inbox } = await agency();
      for (let i = 0; i < 3; i++) await send(code, `msg-depth-${i}`);
      await waitFor(async () => (await bus.queueDepth(inbox)) === 3, 'depth 3');
      let handled = 0;
      await consume(inbox, () => {
        handled++;
        return ACK;
      });
      await waitFor(() => handled === 3, 'all consumed');
      await waitFor(async () => (await bus.queueDepth(inbox)) === 0, 'depth 0');
    });

    describe('notifications', () => {
      async function listen(handler?: NotificationHandler): Promise<{
        sub: Subscription;
        seen: IncomingNotification[];
      }> {
        const seen: IncomingNotification[] = [];
        const sub = await bus.subscribeNotifications(async (n) => {
          seen.push(n);
          await handler?.(n);
        });
        subscriptions.push(sub);
        return { sub, seen };
      }

      it('fans a notification out to every subscriber, JSON or bytes', async () => {
        const a = await listen();
        const b = await listen();
        expect(a.sub.queue).not.toBe(b.sub.queue);
        await expect(
          bus.publishNotification({ type: 'crl-updated', body: { crlNumber: '7' }, messageId: 'note-1' }),
        ).resolves.toBeUndefined();
        await bus.publishNotification({ type: 'directory.updated', body: Buffer.from([0, 255]) });
        for (const { seen } of [a, b]) {
          await waitFor(() => seen.length === 2, 'both notifications');
          expect(seen[0]).toEqual({
            type: 'crl-updated',
            body: Buffer.from('{"crlNumber":"7"}'),
            messageId: 'note-1',
            contentType: 'application/json',
          });
          expect(seen[1].type).toBe('directory.updated');
          expect(seen[1].contentType).toBeUndefined();
          expect(seen[1].body.equals(Buffer.from([0, 255]))).toBe(true);
          expect(seen[1].messageId).not.toBe('');
        }
      });

      it('no longer notifies a cancelled subscriber, and keeps nothing for a later one', async () => {
        const gone = await listen();
        const stays = await listen();
        await bus.publishNotification({ type: 'first', body: {} });
        await waitFor(() => gone.seen.length === 1 && stays.seen.length === 1, 'first notification');
        await gone.sub.cancel();
        await bus.publishNotification({ type: 'second', body: {} });
        const late = await listen();
        await bus.publishNotification({ type: 'third', body: {} });
        await waitFor(() => stays.seen.length === 3 && late.seen.length === 1, 'later notifications');
        await sleep(100); // anything wrongly sent to the cancelled one would show now
        expect(gone.seen.map((n) => n.type)).toEqual(['first']);
        expect(stays.seen.map((n) => n.type)).toEqual(['first', 'second', 'third']);
        expect(late.seen.map((n) => n.type)).toEqual(['third']);
      });

      it('resolves a publish that nobody listens to', async () => {
        await expect(bus.publishNotification({ type: 'unheard', body: { x: 1 } })).resolves.toBeUndefined();
      });

      it('runs handlers one at a time in publish order, and goes on after one throws', async () => {
        let running = 0;
        let overlapped = false;
        const { seen } = await listen(async (n) => {
          running++;
          overlapped ||= running > 1;
          await sleep(20);
          running--;
          if (n.type === 'n0') throw new Error('handler broke');
        });
        for (let i = 0; i < 4; i++) await bus.publishNotification({ type: `n${i}`, body: {} });
        await waitFor(() => seen.length === 4, 'all notifications');
        expect(seen.map((n) => n.type)).toEqual(['n0', 'n1', 'n2', 'n3']);
        expect(overlapped).toBe(false);
      });

      it('refuses a type that is not dotted words, and a body that is neither bytes nor an object', async () => {
        await expect(bus.publishNotification({ type: 'a b', body: {} })).rejects.toThrow(/type/);
        await expect(bus.publishNotification({ type: '', body: {} })).rejects.toThrow(/type/);
        await expect(
          bus.publishNotification({ type: 'x', body: 'text' as unknown as object }),
        ).rejects.toThrow(/body/);
      });
    });

    it('peeks at dead letters without taking them, and re-drives single ones and the rest', async () => {
      const { code, inbox, dlq } = await agency();
      const dead = await consume(inbox, () => ({ action: 'dead-letter', reason: 'no trust anchors yet' }));
      for (const id of ['msg-dl-1', 'msg-dl-2', 'msg-dl-3']) {
        await send(code, id, { headers: { 'x-lienthong-from': '000.00.00.G22' } });
      }
      await waitFor(async () => (await bus.queueDepth(dlq)) === 3, 'three dead letters');
      await dead.cancel();

      const peeked = await bus.peek(dlq, 10);
      expect(peeked.map((m) => m.messageId)).toEqual(['msg-dl-1', 'msg-dl-2', 'msg-dl-3']);
      expect(peeked[0]).toMatchObject({ routingKey: code, queue: dlq, size: 'msg-dl-1'.length });
      expect(peeked[0].headers['x-lienthong-from']).toBe('000.00.00.G22');
      expect(peeked[0]).not.toHaveProperty('body');
      expect(await bus.peek(dlq, 1)).toHaveLength(1);
      // Released at once; a quorum queue counts them back a moment later.
      await waitFor(async () => (await bus.queueDepth(dlq)) === 3, 'peeked messages still in the DLQ');

      const back: IncomingMessage[] = [];
      await consume(inbox, (m) => {
        back.push(m);
        return ACK;
      });
      const single = await bus.redriveDeadLetters(dlq, { messageIds: ['msg-dl-2'] });
      expect(single).toMatchObject([{ messageId: 'msg-dl-2', queue: dlq, routingKey: code }]);
      await waitFor(() => back.length === 1, 'the re-driven message back in its inbox');
      expect(back[0]).toMatchObject({ messageId: 'msg-dl-2', attempt: 1, routingKey: code, queue: inbox });
      expect(back[0].body.toString()).toBe('msg-dl-2');
      expect(back[0].headers['x-lienthong-from']).toBe('000.00.00.G22');
      await waitFor(async () => (await bus.queueDepth(dlq)) === 2, 'the other two still in the DLQ');

      const rest = await bus.redriveDeadLetters(dlq);
      expect(rest.map((m) => m.messageId).sort()).toEqual(['msg-dl-1', 'msg-dl-3']);
      await waitFor(() => back.length === 3, 'the rest back in the inbox');
      expect(await bus.queueDepth(dlq)).toBe(0);
      await expect(bus.redriveDeadLetters(inbox)).rejects.toThrow(/not a dead-letter queue/);
    });

    it('rejects consuming or measuring a queue that does not exist', async () => {
      const missing = `${bus.topology.prefix}.no-such-queue`;
      await expect(bus.consume(missing, () => ACK)).rejects.toThrow();
      await expect(bus.queueDepth(missing)).rejects.toThrow();
    });
  });
}

/** Polls until the condition holds; fails with `what` after the deadline. */
export async function waitFor(
  condition: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 5_000,
  intervalMs = 10,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await condition()) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(intervalMs);
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
