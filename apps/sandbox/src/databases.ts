import { cpSync, existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { Client } from 'pg';

/** One process's database, as a `postgres://` URL the unchanged TypeORM + `pg` stack connects to. */
export interface SandboxDatabase {
  name: string;
  url: string;
  /**
   * Connections the process may open. PGlite is one PostgreSQL session: the socket server
   * multiplexes its clients onto it at the query level, so two pool connections would share one
   * transaction state. One connection keeps each transaction alone.
   */
  poolMax?: number;
  close(): Promise<void>;
}

/**
 * Spare room above the single pooled connection, so that a connection being replaced (its socket
 * not yet reported closed) does not get "Too many connections"; the pool itself never holds more
 * than one.
 */
const SOCKET_MAX_CONNECTIONS = 3;

/**
 * PGlite (PostgreSQL compiled to WebAssembly) persisted in `dir`, served on a free loopback port by
 * pglite-socket. The first start runs initdb (a few seconds); later ones open what is there.
 */
export async function startEmbeddedDatabase(name: string, dir: string): Promise<SandboxDatabase> {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const db = await PGlite.create(dir);
  const server = new PGLiteSocketServer({
    db,
    host: '127.0.0.1',
    port: 0,
    maxConnections: SOCKET_MAX_CONNECTIONS,
  });
  try {
    await server.start();
  } catch (error) {
    await db.close().catch(() => undefined);
    throw error;
  }
  let closing: Promise<void> | undefined;
  return {
    name,
    url: `postgres://postgres@${server.getServerConn()}/postgres`,
    poolMax: 1,
    close: () =>
      (closing ??= (async () => {
        await server.stop();
        await db.close();
      })()),
  };
}

/**
 * Creating a PGlite database runs initdb, the slowest part of a first start (seconds each). When
 * several are missing, run it once in a template and copy that (cleanly shut down) cluster to each.
 */
export async function prepareEmbeddedDatabases(
  dataDir: string,
  names: string[],
  progress: (line: string) => void = () => undefined,
): Promise<void> {
  const missing = names.filter((name) => !existsSync(embeddedDatabaseDir(dataDir, name)));
  if (missing.length < 2) return;
  progress(`creating the embedded databases (${missing.join(', ')}): first run only`);
  const template = join(dataDir, 'pg', `.template-${process.pid}`);
  rmSync(template, { recursive: true, force: true });
  mkdirSync(template, { recursive: true, mode: 0o700 });
  const db = await PGlite.create(template);
  await db.close();
  for (const name of missing) {
    const dir = embeddedDatabaseDir(dataDir, name);
    const partial = `${dir}.partial`;
    rmSync(partial, { recursive: true, force: true });
    cpSync(template, partial, { recursive: true });
    renameSync(partial, dir);
  }
  rmSync(template, { recursive: true, force: true });
}

/** Where the embedded database of a process lives under the data directory. */
export function embeddedDatabaseDir(dataDir: string, name: string): string {
  return join(dataDir, 'pg', name);
}

/**
 * With a real PostgreSQL each process gets its own database, as in production: the database named
 * in `DATABASE_URL` (default `lienthong`) plus `_<process>`, e.g. `lienthong_axis`,
 * `lienthong_node_vpcp`. Created when missing (the role needs CREATEDB then).
 */
export function externalDatabaseUrl(databaseUrl: string, name: string): string {
  const url = new URL(databaseUrl);
  const base = decodeURIComponent(url.pathname.replace(/^\//, '')) || 'lienthong';
  url.pathname = `/${encodeURIComponent(`${base}_${name.replace(/[^A-Za-z0-9]/g, '_')}`)}`;
  return url.toString();
}

export async function ensureExternalDatabase(databaseUrl: string, name: string): Promise<SandboxDatabase> {
  const url = externalDatabaseUrl(databaseUrl, name);
  const database = decodeURIComponent(new URL(url).pathname.slice(1));
  const admin = await connectAdmin(databaseUrl);
  try {
    const found = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (found.rowCount === 0) {
      await admin.query(`CREATE DATABASE "${database.replace(/"/g, '""')}"`);
    }
  } finally {
    await admin.end();
  }
  return { name, url, close: async () => undefined };
}

/** The database of DATABASE_URL, or the server's `postgres` database when that one does not exist. */
async function connectAdmin(databaseUrl: string): Promise<Client> {
  const first = new Client({ connectionString: databaseUrl });
  try {
    await first.connect();
    return first;
  } catch (error) {
    await first.end().catch(() => undefined);
    if ((error as { code?: string }).code !== '3D000') throw error;
    const fallback = new URL(databaseUrl);
    fallback.pathname = '/postgres';
    const client = new Client({ connectionString: fallback.toString() });
    await client.connect();
    return client;
  }
}
