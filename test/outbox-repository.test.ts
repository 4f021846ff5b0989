import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import type { NewOutboxMessage } from '../apps/node/src/domain/outbox';
import { TypeOrmOutboxRepository } from '../apps/node/src/repositories/typeorm/typeorm-outbox.repository';
import { TypeOrmTransactor } from '../apps/node/src/repositories/typeorm/typeorm-transactor';
import { TraceEventFactory } from '../apps/node/src/services/trace-event-factory';
import { TEST_CONFIG } from '../apps/node/src/testing/unit-fakes';
import { NodeTestDatabase, openNodeDatabase } from './support/node-database';

/*
 * The outbox's claim on a real PostgreSQL: what is due, and when a delayed row becomes due (the
 * database's clock decides, not the process's).
 */
let database: NodeTestDatabase;
let dataSource: DataSource;
let outbox: TypeOrmOutboxRepository;
let transactor: TypeOrmTransactor;

const CLAIM = { limit: 100, leaseMs: 60_000, maxBytes: 32 * 1024 * 1024 };

beforeAll(async () => {
  database = await openNodeDatabase('outbox');
  dataSource = database.dataSource;
  outbox = new TypeOrmOutboxRepository(dataSource);
  transactor = new TypeOrmTransactor(dataSource);
}, 60_000);

afterAll(async () => {
  await database?.close();
});

beforeEach(async () => {
  await dataSource.query('DELETE FROM outbox');
});

function traceRow(batchWindowMs?: number): NewOutboxMessage {
  return {
    id: randomUUID(),
    exchange: 'trace',
    routingKey: 'submitted',
    kind: 'trace',
    payload: Buffer.from('{}'),
    headers: {},
    ...(batchWindowMs !== undefined ? { batchWindowMs } : {}),
  };
}

/** A window of ten days: nothing written in a test run reaches its end. */
const FAR = 10 * 24 * 3600 * 1000;

describe('outbox on PostgreSQL', () => {
  it('claims a row at once, and a row with a batch window once its window has ended', async () => {
    const now = traceRow();
    const soon = traceRow(300);
    const later = traceRow(FAR);
    await transactor.run((tx) => outbox.enqueue(tx, [now, soon, later]));

    const claimed = (await outbox.claimDue(CLAIM)).map((r) => r.id);
    expect(claimed).toContain(now.id);
    expect(claimed).not.toContain(later.id);
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect((await outbox.claimDue(CLAIM)).map((r) => r.id)).toEqual(
      claimed.includes(soon.id) ? [] : [soon.id],
    );
    expect(await outbox.claimDue(CLAIM)).toEqual([]);
  });

  it('makes the rows of one window due together, at its end', async () => {
    const rows = [traceRow(FAR), traceRow(FAR), traceRow(FAR)];
    for (const row of rows) await transactor.run((tx) => outbox.enqueue(tx, [row]));
    const due = (await dataSource.query(
      `SELECT EXTRACT(EPOCH FROM next_attempt_at) * 1000 AS at,
              EXTRACT(EPOCH FROM next_attempt_at - created_at) * 1000 AS wait
         FROM outbox`,
    )) as { at: string; wait: string }[];
    expect(due).toHaveLength(3);
    expect(new Set(due.map((d) => Number(d.at)))).toEqual(new Set([Number(due[0].at)]));
    expect(Number(due[0].at) % FAR).toBe(0);
    for (const { wait } of due) {
      expect(Number(wait)).toBeGreaterThan(0);
      expect(Number(wait)).toBeLessThanOrEqual(FAR);
    }
  });

  it('gives trace events the TRACE_BATCH_MS window, and nothing else', async () => {
    const facts = {
      documentUuid: randomUUID(),
      messageId: randomUUID(),
      kind: 'edoc' as const,
      sender: '000.00.00.G22',
      recipient: '000.00.00.H41',
    };
    const batched = new TraceEventFactory({ ...TEST_CONFIG, traceBatchMs: 10_000 });
    expect(batched.message({ ...facts, event: 'submitted' }).batchWindowMs).toBe(10_000);
    expect(new TraceEventFactory(TEST_CONFIG).message({ ...facts, event: 'submitted' })).not.toHaveProperty(
      'batchWindowMs',
    );
  });
  it('marks a row sent or failed only while it is pending, and says which it marked', async () => {
    const [sent, failed] = [traceRow(), traceRow()];
    await transactor.run((tx) => outbox.enqueue(tx, [sent, failed]));

    await expect(transactor.run((tx) => outbox.markSent(tx, [sent.id]))).resolves.toEqual([sent.id]);
    await expect(
      transactor.run((tx) => outbox.markFailed(tx, [{ id: failed.id, error: 'UNROUTABLE' }])),
    ).resolves.toEqual([failed.id]);
    // Written back a second time (a commit whose answer was lost): nothing is marked again.
    await expect(transactor.run((tx) => outbox.markSent(tx, [sent.id, failed.id]))).resolves.toEqual([]);
    await expect(
      transactor.run((tx) => outbox.markFailed(tx, [{ id: sent.id, error: 'UNROUTABLE' }])),
    ).resolves.toEqual([]);
    const states = (await dataSource.query(`SELECT id, state FROM outbox ORDER BY state`)) as {
      id: string;
      state: string;
    }[];
    expect(states).toEqual([
      { id: failed.id, state: 'failed' },
      { id: sent.id, state: 'sent' },
    ]);
  });
});
