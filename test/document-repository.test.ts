import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import type { NewDocument } from '../apps/node/src/domain/document';
import type { DocumentWrite } from '../apps/node/src/repositories/document.repository';
import { TypeOrmDocumentRepository } from '../apps/node/src/repositories/typeorm/typeorm-document.repository';
import { NodeTestDatabase, openNodeDatabase } from './support/node-database';

/*
 * Document writes on a real PostgreSQL: stores asked for together go as one statement (group
 * commit), and each still stands or falls on its own.
 */
let database: NodeTestDatabase;
let dataSource: DataSource;
let documents: TypeOrmDocumentRepository;
let statements: string[];
/** When set, a store statement fails with this error instead of reaching PostgreSQL. */
let storeFailure: Error | undefined;
/** The statement of a batch of writes (batchStatement) begins with the CTE of their documents. */
const isStore = (text: string) => /^WITH\s+w_head AS/.test(text);

const AGENCY = '000.00.00.H41';
const SENDER = '000.00.00.G22';

beforeAll(async () => {
  database = await openNodeDatabase('documents');
  dataSource = database.dataSource;
  documents = new TypeOrmDocumentRepository(dataSource);
  // Every statement the repository sends goes through the driver's pool (execute in sql.ts).
  const pool = (dataSource.driver as unknown as { master: { query: (...args: unknown[]) => unknown } })
    .master;
  const query = pool.query.bind(pool);
  pool.query = (...args: unknown[]) => {
    const config = args[0] as { text?: string } | string;
    const text = typeof config === 'string' ? config : (config.text ?? '');
    statements.push(text);
    if (storeFailure && isStore(text)) return Promise.reject(storeFailure);
    return query(...args);
  };
}, 60_000);

afterAll(async () => {
  await database?.close();
});

beforeEach(() => {
  statements = [];
  storeFailure = undefined;
});

function inbound(messageId: string, extra: Partial<NewDocument> = {}): DocumentWrite {
  const uuid = randomUUID();
  return {
    document: {
      uuid,
      direction: 'inbound',
      kind: 'edoc',
      agencyCode: AGENCY,
      sender: SENDER,
      recipients: [AGENCY],
      documentId: `${SENDER},2026/12/05,${messageId}`,
      messageId,
      metadata: { subject: messageId },
      package: Buffer.from(`<edXMLEnvelope>${messageId}</edXMLEnvelope>`),
      receivedAt: new Date(),
      ...extra,
    },
    attachments: [
      {
        index: 0,
        contentId: 'a0',
        name: 'a.txt',
        contentType: 'text/plain',
        size: 3,
        data: Buffer.from(messageId.slice(0, 3)),
      },
    ],
    outbox: [
      {
        id: randomUUID(),
        exchange: 'trace',
        routingKey: 'delivered',
        kind: 'trace',
        documentUuid: uuid,
        payload: Buffer.from('{}'),
        headers: {},
      },
    ],
    audit: [{ action: 'document.received', actor: 'node', agency: AGENCY, documentId: uuid, details: {} }],
  };
}

async function count(sql: string, params: unknown[]): Promise<number> {
  const [row] = (await dataSource.query(sql, params)) as { n: string }[];
  return Number(row.n);
}

const storeStatements = () => statements.filter(isStore);

describe('document writes on PostgreSQL', () => {
  it('stores writes asked for together in one statement, each with its rows', async () => {
    const writes = Array.from({ length: 6 }, (_, i) => inbound(`together-${i}-${randomUUID()}`));
    const results = await Promise.all(writes.map((w) => documents.store(w)));

    expect(results).toEqual(writes.map(() => 'inserted'));
    // Asked for in the same turn, they go together.
    expect(storeStatements()).toHaveLength(1);
    for (const write of writes) {
      const uuid = write.document.uuid;
      expect(await count('SELECT count(*) AS n FROM document WHERE uuid = $1', [uuid])).toBe(1);
      expect(await count('SELECT count(*) AS n FROM attachment WHERE document_uuid = $1', [uuid])).toBe(1);
      expect(await count('SELECT count(*) AS n FROM outbox WHERE document_uuid = $1', [uuid])).toBe(1);
      expect(await count('SELECT count(*) AS n FROM audit_pending WHERE document_id = $1', [uuid])).toBe(1);
    }
  });

  it('stores a message once when it comes twice in the same batch, and after', async () => {
    const messageId = `twice-${randomUUID()}`;
    const [first, second] = [inbound(messageId), inbound(messageId)];
    const results = await Promise.all([documents.store(first), documents.store(second)]);

    expect([...results].sort()).toEqual(['duplicate', 'inserted']);
    expect(storeStatements()).toHaveLength(1);
    const loser = results[0] === 'duplicate' ? first : second;
    expect(await count('SELECT count(*) AS n FROM document WHERE message_id = $1', [messageId])).toBe(1);
    // Nothing of the duplicate went in: its rows hang on a document that was not stored.
    expect(await count('SELECT count(*) AS n FROM outbox WHERE id = $1', [loser.outbox![0].id])).toBe(0);
    expect(
      await count('SELECT count(*) AS n FROM audit_pending WHERE document_id = $1', [loser.document.uuid]),
    ).toBe(0);
    await expect(documents.store(inbound(messageId))).resolves.toBe('duplicate');
  });

  it('fails only the write the database refuses, not the others of its batch', async () => {
    const good = [inbound(`good-a-${randomUUID()}`), inbound(`good-b-${randomUUID()}`)];
    // Answers a document that does not exist: the foreign key refuses it.
    const bad = inbound(`bad-${randomUUID()}`, { responseForUuid: randomUUID() });
    const [a, refused, b] = await Promise.allSettled([
      documents.store(good[0]),
      documents.store(bad),
      documents.store(good[1]),
    ]);

    expect(a).toEqual({ status: 'fulfilled', value: 'inserted' });
    expect(b).toEqual({ status: 'fulfilled', value: 'inserted' });
    expect(refused.status).toBe('rejected');
    expect(String((refused as PromiseRejectedResult).reason)).toMatch(/foreign key/);
    expect(await count('SELECT count(*) AS n FROM document WHERE uuid = $1', [bad.document.uuid])).toBe(0);
    for (const write of good) {
      expect(await count('SELECT count(*) AS n FROM document WHERE uuid = $1', [write.document.uuid])).toBe(
        1,
      );
    }
  });

  it('dates each document when its store was asked for, not when its batch went', async () => {
    const writes = Array.from({ length: 4 }, (_, i) => inbound(`order-${i}-${randomUUID()}`));
    const pending: Promise<unknown>[] = [];
    for (const write of writes) {
      pending.push(documents.store(write));
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    await Promise.all(pending);
    const rows = (await dataSource.query(
      `SELECT uuid FROM document WHERE uuid = ANY($1::uuid[]) ORDER BY created_at`,
      [writes.map((w) => w.document.uuid)],
    )) as { uuid: string }[];
    expect(rows.map((r) => r.uuid)).toEqual(writes.map((w) => w.document.uuid));
  });
  it('fails the whole batch at once when the database cannot be reached, without trying each write', async () => {
    storeFailure = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
    const writes = Array.from({ length: 4 }, (_, i) => inbound(`unreachable-${i}-${randomUUID()}`));
    const results = await Promise.allSettled(writes.map((w) => documents.store(w)));

    expect(results.map((r) => r.status)).toEqual(writes.map(() => 'rejected'));
    // Asked for in the same turn, the four go as one statement; tried one by one after, five.
    expect(storeStatements()).toHaveLength(1);
  });
  it('sends every batch, whatever its size and its writes, as the same statement text', async () => {
    const plain = inbound(`plain-${randomUUID()}`);
    delete plain.attachments;
    const multi = inbound(`multi-${randomUUID()}`, { recipients: [AGENCY, '000.00.00.A01', 'x,"y"'] });
    await Promise.all([plain, multi].map((w) => documents.store(w)));
    const three = Array.from({ length: 3 }, (_, i) => inbound(`three-${i}-${randomUUID()}`));
    await Promise.all(three.map((w) => documents.store(w)));

    expect(storeStatements()).toHaveLength(2);
    expect(new Set(storeStatements()).size).toBe(1);
    const [row] = (await dataSource.query(`SELECT recipients, metadata FROM document WHERE uuid = $1`, [
      multi.document.uuid,
    ])) as { recipients: string[]; metadata: unknown }[];
    expect(row.recipients).toEqual([AGENCY, '000.00.00.A01', 'x,"y"']);
    expect(row.metadata).toEqual(multi.document.metadata);
    expect(
      await count('SELECT count(*) AS n FROM attachment WHERE document_uuid = $1', [plain.document.uuid]),
    ).toBe(0);
  });
});
