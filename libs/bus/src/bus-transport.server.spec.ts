import { Controller, Injectable, INestMicroservice, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Ctx, EventPattern, Payload, RpcException } from '@nestjs/microservices';
import { of } from 'rxjs';
import { BusContext } from './bus-context';
import { BusTransportServer } from './bus-transport.server';
import { InMemoryMessageBus } from './in-memory-message-bus';
import { HandlerOutcome, IncomingMessage } from './message-bus';
import { waitFor } from './message-bus.contract';

@Injectable()
class Recorder {
  readonly documents: { body: string; attempt: number; queue: string; lastError?: string }[] = [];
  readonly traces: string[] = [];
}

@Controller()
class InboxController {
  constructor(private readonly recorder: Recorder) {}

  @EventPattern('document.received')
  async onDocument(@Payload() message: IncomingMessage, @Ctx() context: BusContext): Promise<HandlerOutcome> {
    const body = message.body.toString();
    this.recorder.documents.push({
      body,
      attempt: message.attempt,
      queue: context.getQueue(),
      lastError: message.lastError,
    });
    switch (body) {
      case 'flaky':
        return message.attempt === 1 ? { action: 'retry', reason: 'database down' } : { action: 'ack' };
      case 'poison':
        return { action: 'dead-letter', reason: 'signature invalid' };
      case 'boom':
        if (message.attempt === 1) throw new RpcException('parser exploded');
        return { action: 'ack' };
      default:
        return { action: 'ack' };
    }
  }

  @EventPattern('trace.event')
  onTrace(@Payload() message: IncomingMessage) {
    // Returns an Observable: the last value is the outcome.
    this.recorder.traces.push(message.messageId);
    return of({ action: 'ack' } as HandlerOutcome);
  }
}

@Module({ controllers: [InboxController], providers: [Recorder] })
class AppModule {}

describe('BusTransportServer in a Nest microservice', () => {
  const H41 = '000.00.00.H41';
  const H42 = '000.00.00.H42';
  let bus: InMemoryMessageBus;
  let server: BusTransportServer;
  let app: INestMicroservice;
  let recorder: Recorder;

  beforeEach(async () => {
    bus = new InMemoryMessageBus({
      topology: { retryDelaysMs: [20, 40] },
      logger: { log: () => undefined, warn: () => undefined, error: () => undefined },
    });
    await bus.assertCoreTopology();
    await bus.assertAgencyQueue(H41);
    await bus.assertAgencyQueue(H42);
    server = new BusTransportServer(bus, [
      { queue: bus.topology.agencyInbox(H41), pattern: 'document.received', options: { maxAttempts: 3 } },
      { queue: bus.topology.traceQueue, pattern: 'trace.event' },
    ]);
    app = await NestFactory.createMicroservice(AppModule, { strategy: server, logger: false });
    await app.listen();
    recorder = app.get(Recorder);
  });

  afterEach(async () => {
    await app.close();
    await bus.close({ graceMs: 0 });
  });

  const send = (to: string, body: string) =>
    bus.publish({
      exchange: 'documents',
      routingKey: to,
      messageId: `${to}:${body}`,
      body: Buffer.from(body),
    });

  it('hands messages to the @EventPattern handler and applies its outcomes', async () => {
    for (const body of ['ok', 'flaky', 'poison', 'boom']) await send(H41, body);
    await bus.publish({
      exchange: 'trace',
      routingKey: 'sent',
      messageId: 'trace-1',
      body: Buffer.from('{}'),
    });

    await waitFor(() => recorder.documents.length === 6, 'six deliveries');
    const attempts = (body: string) =>
      recorder.documents.filter((d) => d.body === body).map((d) => d.attempt);
    expect(attempts('ok')).toEqual([1]);
    expect(attempts('flaky')).toEqual([1, 2]);
    expect(attempts('poison')).toEqual([1]);
    expect(attempts('boom')).toEqual([1, 2]);
    expect(recorder.documents.find((d) => d.body === 'boom' && d.attempt === 2)?.lastError).toBe(
      'parser exploded',
    );
    expect(recorder.documents.every((d) => d.queue === bus.topology.agencyInbox(H41))).toBe(true);

    const dead = bus.deadLetters(bus.topology.agencyDeadLetterQueue(H41));
    expect(dead.map((d) => [d.message.body.toString(), d.reason])).toEqual([['poison', 'signature invalid']]);
    await waitFor(() => recorder.traces.includes('trace-1'), 'trace event');
    expect(await bus.queueDepth(bus.topology.agencyInbox(H41))).toBe(0);
    expect(await bus.queueDepth(bus.topology.traceQueue)).toBe(0);
  });

  it('serves a new tenant queue added at run time, and stops serving a removed one', async () => {
    const inbox42 = bus.topology.agencyInbox(H42);
    await server.addSubscription({ queue: inbox42, pattern: 'document.received' });
    await send(H42, 'ok');
    await waitFor(() => recorder.documents.some((d) => d.queue === inbox42), 'delivery on the new queue');

    await server.removeSubscription(inbox42);
    await send(H42, 'later');
    await waitFor(async () => (await bus.queueDepth(inbox42)) === 1, 'message left waiting');
    expect(recorder.documents.filter((d) => d.queue === inbox42)).toHaveLength(1);
    expect(server.queues).not.toContain(inbox42);
  });

  it('refuses a route whose pattern has no handler, or a queue served twice', async () => {
    const inbox42 = bus.topology.agencyInbox(H42);
    await expect(server.addSubscription({ queue: inbox42, pattern: 'nobody.listens' })).rejects.toThrow(
      /no handler/,
    );
    await expect(
      server.addSubscription({ queue: bus.topology.agencyInbox(H41), pattern: 'document.received' }),
    ).rejects.toThrow(/already served/);
  });

  it('stops consuming on app.close() and leaves the bus to its owner', async () => {
    await app.close();
    await send(H41, 'after-close');
    await waitFor(async () => (await bus.queueDepth(bus.topology.agencyInbox(H41))) === 1, 'message waiting');
    expect(recorder.documents).toHaveLength(0);
    expect(server.unwrap<InMemoryMessageBus>()).toBe(bus);
  });
});
