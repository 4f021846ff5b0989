import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { InMemoryMessageBus } from '@lienthong/bus';
import { createTestDatabase, TestDatabase } from '@lienthong/common/testing/postgres';
import {
  parseTrustNotification,
  TRACE_BATCH_ROUTING_KEY,
  TraceEvent,
  TrustNotification,
} from '@lienthong/protocol';
import { loadAxisConfig } from '../apps/axis/src/config/axis-config';
import { RunningAxis, startAxis } from '../apps/axis/src/testing/start-axis';

// The embedded sandbox's wiring: the axis on a bus it does not own, in the same process.
jest.setTimeout(30_000);

describe('axis on the in-process bus', () => {
  const token = `operator-${randomBytes(16).toString('hex')}`;
  const quiet = { log: () => undefined, warn: () => undefined, error: () => undefined };
  let db: TestDatabase;
  let dataDir: string;
  let bus: InMemoryMessageBus;
  let axis: RunningAxis;

  beforeAll(async () => {
    db = await createTestDatabase('axis_mem');
    dataDir = mkdtempSync(join(tmpdir(), 'axis-mem-'));
    bus = new InMemoryMessageBus({ logger: quiet });
    const config = loadAxisConfig({
      DATABASE_URL: db.url,
      AMQP_URL: 'amqp://unused.invalid',
      PORT: '0',
      AXIS_OPERATOR_TOKEN: token,
      AXIS_DATA_DIR: dataDir,
      AXIS_CA_PASSPHRASE: 'in-memory passphrase',
    });
    axis = await startAxis(config, { bus });
  });

  afterAll(async () => {
    await axis?.close();
    await bus?.close({ graceMs: 0 });
    await db?.drop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('declares queues and tracks deliveries on it, and leaves it open for its owner', async () => {
    const notified: (TrustNotification | undefined)[] = [];
    const listening = await bus.subscribeNotifications(
      (n) => void notified.push(parseTrustNotification(n.body)),
    );
    await request(axis.url)
      .post('/api/v1/agencies')
      .set('Authorization', `Bearer ${token}`)
      .send({ code: '000.00.00.H41', name: 'UBND tỉnh Nghệ An' })
      .expect(201);
    await expect(bus.queueDepth(bus.topology.agencyInbox('000.00.00.H41'))).resolves.toBe(0);
    for (let i = 0; i < 200 && notified.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
    expect(notified).toEqual([
      { type: 'directory-updated', agencyCode: '000.00.00.H41', change: 'registered' },
    ]);
    await listening.cancel();

    const documentUuid = randomUUID();
    const event: TraceEvent = {
      eventId: randomUUID(),
      event: 'delivered',
      documentUuid,
      kind: 'edoc',
      sender: '000.00.00.G22',
      recipient: '000.00.00.H41',
      nodeId: 'node-nghean',
      occurredAt: new Date().toISOString(),
    };
    await bus.publish({
      exchange: 'trace',
      routingKey: 'x',
      messageId: event.eventId,
      body: Buffer.from(JSON.stringify(event)),
    });
    const stateFor = async (recipient: string) => {
      const deadline = Date.now() + 10_000;
      let state: string | undefined;
      while (state !== 'delivered' && Date.now() < deadline) {
        const res = await request(axis.url)
          .get(`/api/v1/documents/${documentUuid}/timeline`)
          .set('Authorization', `Bearer ${token}`);
        const deliveries = (res.body.deliveries ?? []) as { recipient: string; state: string }[];
        state = deliveries.find((d) => d.recipient === recipient)?.state;
        if (state !== 'delivered') await new Promise((resolve) => setTimeout(resolve, 25));
      }
      return state;
    };
    expect(await stateFor('000.00.00.H41')).toBe('delivered');

    // Several events in one message, as a node's outbox relay sends them.
    const steps = (['submitted', 'published', 'delivered'] as const).map((step) => ({
      ...event,
      eventId: randomUUID(),
      event: step,
      recipient: '000.00.00.H57',
    }));
    await bus.publish({
      exchange: 'trace',
      routingKey: TRACE_BATCH_ROUTING_KEY,
      messageId: randomUUID(),
      body: Buffer.from(JSON.stringify(steps)),
    });
    expect(await stateFor('000.00.00.H57')).toBe('delivered');
    await request(axis.url).get('/health/ready').expect(200);

    await axis.close();
    await expect(bus.queueDepth(bus.topology.traceQueue)).resolves.toBe(0);
  });
});
