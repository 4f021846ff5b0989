import { DataSource } from 'typeorm';
import { AuditRecord, verifyChain } from '@lienthong/audit';
import { TypeOrmAuditLog } from '../apps/node/src/audit/typeorm-audit-log';
import { TEST_CONFIG } from '../apps/node/src/testing/unit-fakes';
import { NodeTestDatabase, openNodeDatabase } from './support/node-database';

/*
 * The node's audit log on a real PostgreSQL: the chain the SQL functions write is the one
 * libs/audit verifies, and concurrent appends (the node's many transactions) get one order.
 */
let database: NodeTestDatabase;
let dataSource: DataSource;
let log: TypeOrmAuditLog;

const record = (i: number, documentId = `doc-${i % 7}`): AuditRecord => ({
  action: 'document.submitted',
  actor: `api-key:k${i % 3}`,
  agency: '000.00.00.G22',
  documentId,
  details: { i, note: 'Văn bản số ' + i, recipients: ['000.00.00.H41', '000.00.00.H57'] },
});

beforeAll(async () => {
  database = await openNodeDatabase('audit_log');
  dataSource = database.dataSource;
  log = new TypeOrmAuditLog(dataSource, TEST_CONFIG);
}, 60_000);

afterAll(async () => {
  await database?.close();
});

describe('audit log on PostgreSQL', () => {
  it('chains concurrent appends, sealed concurrently, into one verifiable order with no gaps', async () => {
    const batches = Array.from({ length: 40 }, (_, b) =>
      Array.from({ length: 1 + (b % 3) }, (_, j) => record(b * 10 + j)),
    );
    const sealed: Promise<number>[] = [];
    await Promise.all(
      batches.map(async (batch, b) => {
        if (b % 2) await log.append(batch);
        else
          await dataSource.transaction(async (tx) => {
            await tx.query('SELECT 1');
            await log.append(batch, tx);
          });
        // Sealers racing the appends: one at a time takes what is committed.
        if (b % 10 === 0) sealed.push(log.seal());
      }),
    );
    const total = batches.reduce((n, b) => n + b.length, 0);
    const late = await log.seal();
    expect((await Promise.all(sealed)).reduce((a, b) => a + b, 0) + late).toBe(total);
    const entries = await log.list(1, 10_000);
    expect(entries.map((e) => e.seq)).toEqual(Array.from({ length: total }, (_, i) => i + 1));
    const verdict = verifyChain(entries);
    expect(verdict.problems).toEqual([]);
    expect(await log.head()).toEqual(verdict.head);
    // Each batch's entries keep their order.
    const first = entries.findIndex((e) => e.details.i === 10);
    expect(entries[first + 1].details.i).toBe(11);
  }, 60_000);

  it('writes nothing, and leaves no gap, when the transaction rolls back', async () => {
    const before = await log.head();
    await expect(
      dataSource.transaction(async (tx) => {
        await log.append([record(1)], tx);
        throw new Error('the business change failed');
      }),
    ).rejects.toThrow('business change');
    expect(await log.seal()).toBe(0);
    expect(await log.head()).toEqual(before);
    await log.append([record(2)]);
    expect(await log.seal()).toBe(1);
    const entries = await log.list(1, 10_000);
    expect(verifyChain(entries).valid).toBe(true);
    expect(entries[entries.length - 1].seq).toBe(before.seq + 1);
  });

  it('refuses to update, delete or truncate entries', async () => {
    await expect(dataSource.query(`UPDATE audit_entry SET actor = 'admin' WHERE seq = 1`)).rejects.toThrow(
      /append-only/,
    );
    await expect(dataSource.query(`DELETE FROM audit_entry WHERE seq = 1`)).rejects.toThrow(/append-only/);
    await expect(dataSource.query(`TRUNCATE audit_entry`)).rejects.toThrow(/append-only/);
  });

  it('hands out the body hashes and entries a proof needs', async () => {
    const entries = await log.list(1, 5);
    const hashes = await log.bodyHashes(1, 5);
    const { bodyHash } = await import('@lienthong/audit');
    expect(hashes).toEqual(entries.map((e) => bodyHash(e)));
    const mine = await log.listForDocument('doc-3');
    expect(mine.length).toBeGreaterThan(0);
    expect(mine.every((e) => e.documentId === 'doc-3')).toBe(true);
  });
});
