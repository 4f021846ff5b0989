import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { postgresOptions } from '@lienthong/common';
import { startEmbeddedDatabaseProcess, EmbeddedDatabaseProcess } from './support/embedded-database-process';
import { TypeOrmTransactor } from '../apps/node/src/repositories/typeorm/typeorm-transactor';
import { NODE_ENTITIES } from '../apps/node/src/entities';
import { NODE_MIGRATIONS } from '../apps/node/src/migrations';

/*
 * The embedded sandbox's database: PGlite behind pglite-socket, reached by the same TypeORM + pg
 * stack as production. PGlite is a single PostgreSQL session and the socket server multiplexes its
 * clients onto it, so isolation holds only because each process's pool has one connection. These
 * tests run concurrent transactions through that path (the node's own Transactor).
 */

jest.setTimeout(120_000);

describe('PGlite behind pglite-socket, one pooled connection', () => {
  let dir: string;
  let db: EmbeddedDatabaseProcess;
  let dataSource: DataSource;
  let transactor: TypeOrmTransactor;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'lienthong-pglite-'));
    db = await startEmbeddedDatabaseProcess(join(dir, 'pg'));
    expect(db.poolMax).toBe(1);
    dataSource = await new DataSource(
      postgresOptions(db.url, {
        entities: NODE_ENTITIES,
        migrations: NODE_MIGRATIONS,
        applicationName: 'pglite-test',
        poolMax: db.poolMax,
      }),
    ).initialize();
    transactor = new TypeOrmTransactor(dataSource);
    await dataSource.query('CREATE TABLE counter (id int PRIMARY KEY, value int NOT NULL)');
    await dataSource.query('CREATE TABLE entry (id serial PRIMARY KEY, owner text NOT NULL)');
    await dataSource.query('INSERT INTO counter VALUES (1, 0)');
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await db?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('runs the node migrations (the same SQL as on PostgreSQL)', async () => {
    const applied = (await dataSource.query('SELECT name FROM migrations ORDER BY id')) as { name: string }[];
    expect(applied.map((m) => m.name)).toEqual(NODE_MIGRATIONS.map((m) => m.name));
  });

  it('loses no update when many read-modify-write transactions run at once', async () => {
    const workers = 25;
    await Promise.all(
      Array.from({ length: workers }, () =>
        transactor.run(async (tx) => {
          const [row] = (await tx.query('SELECT value FROM counter WHERE id = 1')) as { value: number }[];
          // Yield between the read and the write: without isolation another transaction slips in here.
          await new Promise((resolve) => setTimeout(resolve, 2));
          await tx.query('UPDATE counter SET value = $1 WHERE id = 1', [row.value + 1]);
        }),
      ),
    );
    const [row] = (await dataSource.query('SELECT value FROM counter WHERE id = 1')) as { value: number }[];
    expect(row.value).toBe(workers);
  });

  it('gives each of many concurrent parameterized statements its own answer', async () => {
    // The extended protocol (Parse, Bind, Execute, Sync) outside a transaction: from two pool
    // connections, the multiplexer could interleave one client's Bind with another's Parse.
    const answers = await Promise.all(
      Array.from(
        { length: 200 },
        (_, i) =>
          dataSource.query('SELECT $1::int AS n, $2::text AS label', [i, `q${i}`]) as Promise<
            { n: number; label: string }[]
          >,
      ),
    );
    expect(answers.map(([a]) => `${a.n}:${a.label}`)).toEqual(
      Array.from({ length: 200 }, (_, i) => `${i}:q${i}`),
    );
  });

  it('keeps a transaction’s writes invisible until commit, and undoes only its own on rollback', async () => {
    let releaseWriter!: () => void;
    const writerMayFinish = new Promise<void>((resolve) => (releaseWriter = resolve));
    let writerWrote!: () => void;
    const wrote = new Promise<void>((resolve) => (writerWrote = resolve));

    const failing = transactor
      .run(async (tx) => {
        await tx.query(`INSERT INTO entry (owner) VALUES ('failing')`);
        writerWrote();
        await writerMayFinish;
        throw new Error('rolled back on purpose');
      })
      .catch((error: Error) => error.message);
    await wrote;
    // While the failing transaction is open, others queue behind it; none may see its row.
    const seenDuring = transactor.run(
      async (tx) =>
        (await tx.query(`SELECT count(*)::int AS n FROM entry WHERE owner = 'failing'`)) as { n: number }[],
    );
    const committed = Promise.all(
      Array.from({ length: 5 }, (_, i) =>
        transactor.run((tx) => tx.query(`INSERT INTO entry (owner) VALUES ($1)`, [`ok-${i}`])),
      ),
    );
    releaseWriter();
    expect(await failing).toBe('rolled back on purpose');
    expect((await seenDuring)[0].n).toBe(0);
    await committed;
    const rows = (await dataSource.query('SELECT owner FROM entry ORDER BY owner')) as { owner: string }[];
    expect(rows.map((r) => r.owner)).toEqual(['ok-0', 'ok-1', 'ok-2', 'ok-3', 'ok-4']);
  });

  it('keeps other work out of a transaction that failed until it is rolled back', async () => {
    let failed!: () => void;
    const hasFailed = new Promise<void>((resolve) => (failed = resolve));
    const aborted = transactor
      .run(async (tx) => {
        await tx.query('SELECT 1 / 0').catch(() => failed());
        // The transaction is now aborted; the caller still holds it for a moment before giving up.
        await new Promise((resolve) => setTimeout(resolve, 50));
        throw new Error('gave up');
      })
      .catch((error: Error) => error.message);
    await hasFailed;
    const others = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        transactor.run(async (tx) => {
          await tx.query(`INSERT INTO entry (owner) VALUES ($1)`, [`after-${i}`]);
          return (await tx.query('SELECT $1::int AS n', [i])) as { n: number }[];
        }),
      ),
    );
    expect(await aborted).toBe('gave up');
    expect(others.map(([r]) => r.n)).toEqual(Array.from({ length: 10 }, (_, i) => i));
    const [{ n }] = (await dataSource.query(
      `SELECT count(*)::int AS n FROM entry WHERE owner LIKE 'after-%'`,
    )) as {
      n: number;
    }[];
    expect(n).toBe(10);
  });

  it('persists to its directory: a new PGlite on the same directory finds the rows', async () => {
    await dataSource.destroy();
    await db.stop();
    db = await startEmbeddedDatabaseProcess(join(dir, 'pg'));
    dataSource = await new DataSource(
      postgresOptions(db.url, {
        entities: NODE_ENTITIES,
        migrations: NODE_MIGRATIONS,
        applicationName: 'pglite-test',
        poolMax: db.poolMax,
      }),
    ).initialize();
    const [row] = (await dataSource.query('SELECT value FROM counter WHERE id = 1')) as { value: number }[];
    expect(row.value).toBe(25);
  });
});
