import * as amqp from 'amqplib';
import { ChildProcess, execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';
import { BusTopology } from '@lienthong/bus';
import { AMQP_URL, deleteBusTopology } from '@lienthong/bus/testing/amqp';
import { TEST_POSTGRES_URL } from '@lienthong/common/testing/postgres';
import { waitFor } from './support/wait-for';

/*
 * The README's run command as a newcomer meets it: the built sandbox (`npm start` runs
 * `node dist/apps/sandbox/main.js`) on an empty data directory, embedded (no DATABASE_URL, no
 * AMQP_URL). A document goes out with the curl it prints, arrives, status 01 comes back; the
 * process stops on SIGTERM and, started again on the same directory, still has everything.
 */

const ROOT = join(__dirname, '..');
const MAIN = join(ROOT, 'dist', 'apps', 'sandbox', 'main.js');
const run = promisify(execFile);

jest.setTimeout(420_000);

interface Started {
  child: ChildProcess;
  output: () => string;
  banner: Banner;
}

interface Banner {
  axisUrl: string;
  operatorToken: string;
  keys: Record<string, string>;
  send: string;
  inbox: string;
  sent: string;
}

const children = new Set<ChildProcess>();

/** Embedded unless `extra` sets DATABASE_URL and AMQP_URL. */
function start(dataDir: string, extra: NodeJS.ProcessEnv = {}): Promise<Started> {
  const env: NodeJS.ProcessEnv = { ...process.env };
  // Embedded: whatever the CI environment says about PostgreSQL and RabbitMQ.
  for (const name of Object.keys(env)) {
    if (
      name === 'DATABASE_URL' ||
      name === 'AMQP_URL' ||
      name === 'BUS_PREFIX' ||
      name.startsWith('LIENTHONG_')
    ) {
      delete env[name];
    }
  }
  Object.assign(env, {
    LIENTHONG_DATA_DIR: dataDir,
    LIENTHONG_AXIS_PORT: '0',
    LIENTHONG_DEDICATED_PORT: '0',
    LIENTHONG_SHARED_PORT: '0',
    ...extra,
  });
  const child = spawn(process.execPath, [MAIN], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  child.once('exit', () => children.delete(child));
  let text = '';
  child.stdout!.on('data', (d: Buffer) => (text += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (text += d.toString()));
  const output = () => text;
  return waitFor(
    'the sandbox to print Ready.',
    async () => {
      if (child.exitCode !== null) throw new Error(`the sandbox exited with ${child.exitCode}:\n${text}`);
      return /^Ready\./m.test(text) ? { child, output, banner: parseBanner(text) } : undefined;
    },
    240_000,
  ).catch((error: Error) => {
    throw new Error(`${error.message}\n--- output ---\n${text}`);
  });
}

function parseBanner(text: string): Banner {
  const lines = text.split('\n');
  const after = (heading: RegExp, offset = 1) => {
    const i = lines.findIndex((l) => heading.test(l));
    if (i < 0) throw new Error(`no line matching ${heading} in:\n${text}`);
    return lines[i + offset].trim();
  };
  const dashboard = /dashboard\s+(http:\/\/\S+)\/dashboard\s+operator token: (\S+)/.exec(text);
  if (!dashboard) throw new Error(`no dashboard line in:\n${text}`);
  const keys: Record<string, string> = {};
  for (const m of text.matchAll(/(\d{3}\.\d{2}\.\d{2}\.[A-Z]\d{2}) .+ API key: (\S+)/g)) keys[m[1]] = m[2];
  return {
    axisUrl: dashboard[1],
    operatorToken: dashboard[2],
    keys,
    send: after(/^Send a document/),
    inbox: after(/^See it in/),
    sent: after(/^See it in/, 2),
  };
}

/** Runs a printed command line exactly as a user pastes it into a shell, from the repository root. */
async function shell<T>(commandLine: string): Promise<T> {
  const { stdout } = await run('sh', ['-c', commandLine], { cwd: ROOT, timeout: 30_000 });
  return JSON.parse(stdout) as T;
}

async function getJson<T>(
  url: string,
  headers: Record<string, string>,
): Promise<{ status: number; body: T }> {
  const response = await fetch(url, { headers });
  return { status: response.status, body: (await response.json()) as T };
}

function stop(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve(child.exitCode);
    child.once('exit', (code) => resolve(code));
    child.kill('SIGTERM');
  });
}

const G22 = '000.00.00.G22';
const H41 = '000.00.00.H41';
const H57 = '000.00.00.H57';

describe('the embedded sandbox (npm start)', () => {
  let dataDir: string;

  beforeAll(() => {
    if (!existsSync(MAIN)) {
      throw new Error(`${MAIN} is missing: run "npm run build" before this test (.ci/run does)`);
    }
    dataDir = mkdtempSync(join(tmpdir(), 'lienthong-sandbox-'));
  });

  afterAll(async () => {
    for (const child of children) child.kill('SIGKILL');
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('sends with the printed curl, shows status 01, stops cleanly and keeps everything across a restart', async () => {
    // First start: databases, CA, certificates, onboarding.
    const first = await start(dataDir);
    const b = first.banner;
    expect(first.output()).toMatch(/embedded mode/);
    expect(Object.keys(b.keys).sort()).toEqual([G22, H41, H57]);
    for (const url of [
      b.axisUrl,
      ...[...first.output().matchAll(/(http:\/\/\S+)\/docs/g)].map((m) => m[1]),
    ]) {
      expect((await fetch(`${url}/health/ready`)).status).toBe(200);
    }

    const submitted = await shell<{ id: string; documentId: string; recipients: string[] }>(b.send);
    expect(submitted.recipients).toEqual([H41]);

    const item = await waitFor(`${submitted.documentId} in the inbox of ${H41}`, async () =>
      (await shell<{ id: string; documentId: string; sender: string }[]>(b.inbox)).find(
        (i) => i.documentId === submitted.documentId,
      ),
    );
    expect(item.sender).toBe(G22);
    const inboxUrl = /'?(http:\/\/\S+?)\/api\/v1\/inbox/.exec(b.inbox)![1];
    const attachment = await fetch(`${inboxUrl}/api/v1/inbox/${item.id}/attachments/0`, {
      headers: { 'x-api-key': b.keys[H41] },
    });
    expect(Buffer.from(await attachment.arrayBuffer())).toEqual(
      readFileSync(join(dataDir, 'examples', 'ke-hoach.txt')),
    );
    // The other tenant of the shared node does not see it.
    const other = await getJson<unknown[]>(`${inboxUrl}/api/v1/inbox`, { 'x-api-key': b.keys[H57] });
    expect(other.body).toEqual([]);

    const senderUrl = /(http:\/\/\S+?)\/api\/v1\/documents/.exec(b.send)![1];
    const sentDetail = () =>
      getJson<{ deliveries: { code: string; lastStatusCode?: string }[] }>(
        `${senderUrl}/api/v1/documents/sent/${submitted.id}`,
        { 'x-api-key': b.keys[G22] },
      );
    await waitFor('status 01 on the sender’s timeline', async () => {
      const d = (await sentDetail()).body.deliveries;
      return d.length === 1 && d[0].code === H41 && d[0].lastStatusCode === '01' ? true : undefined;
    });
    const timeline = () =>
      getJson<{ deliveries: { recipient: string; state: string }[] }>(
        `${b.axisUrl}/api/v1/documents/${submitted.id}/timeline`,
        { authorization: `Bearer ${b.operatorToken}` },
      );
    await waitFor('the axis to track the delivery as arrived', async () =>
      (await timeline()).body.deliveries?.[0]?.state === 'arrived' ? true : undefined,
    );

    // SIGTERM: a clean stop.
    expect(await stop(first.child)).toBe(0);
    expect(first.output()).toMatch(/sandbox: stopped/);
    expect(JSON.parse(readFileSync(join(dataDir, 'sandbox.json'), 'utf8')).running).toBeUndefined();

    // Second start on the same data directory: same keys, same tokens, nothing onboarded again.
    const second = await start(dataDir);
    const b2 = second.banner;
    expect(b2.keys).toEqual(b.keys);
    expect(b2.operatorToken).toBe(b.operatorToken);
    expect(second.output()).not.toMatch(/onboarded|creating the embedded databases/);

    const inboxAgain = await shell<{ id: string; documentId: string }[]>(b2.inbox);
    expect(inboxAgain.map((i) => i.id)).toEqual([item.id]);
    const senderUrl2 = /(http:\/\/\S+?)\/api\/v1\/documents/.exec(b2.send)![1];
    const detail = await getJson<{ deliveries: { lastStatusCode?: string }[] }>(
      `${senderUrl2}/api/v1/documents/sent/${submitted.id}`,
      { 'x-api-key': b2.keys[G22] },
    );
    expect(detail.body.deliveries[0].lastStatusCode).toBe('01');
    const tracked = await getJson<{ deliveries: { state: string }[] }>(
      `${b2.axisUrl}/api/v1/documents/${submitted.id}/timeline`,
      { authorization: `Bearer ${b2.operatorToken}` },
    );
    expect(tracked.body.deliveries[0].state).toBe('arrived');
    // The same number again is refused: the sender's database remembers it.
    const again = await shell<{ statusCode: number; code: string }>(b2.send);
    expect(again).toMatchObject({ statusCode: 409, code: 'DOCUMENT_ALREADY_SENT' });

    // npm run demo against the running sandbox: documents with attachments and statuses, all answered.
    const demo = await run(process.execPath, [MAIN, 'demo', '--count', '2', '--interval-ms', '0'], {
      cwd: ROOT,
      env: { ...process.env, LIENTHONG_DATA_DIR: dataDir },
      timeout: 120_000,
    });
    expect(demo.stdout).toMatch(/\[1\/2\].+✓/);
    expect(demo.stdout).toMatch(/Done: 2 documents/);

    expect(await stop(second.child)).toBe(0);
  });

  it('says which variable to change when a port is taken, before making anything', async () => {
    const busy = createServer();
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
    const port = (busy.address() as AddressInfo).port;
    const fresh = mkdtempSync(join(tmpdir(), 'lienthong-sandbox-port-'));
    try {
      const env: NodeJS.ProcessEnv = {
        ...process.env,
        LIENTHONG_DATA_DIR: fresh,
        LIENTHONG_SHARED_PORT: String(port),
      };
      delete env.DATABASE_URL;
      delete env.AMQP_URL;
      await expect(run(process.execPath, [MAIN], { cwd: ROOT, env, timeout: 60_000 })).rejects.toMatchObject({
        code: 1,
        stderr: expect.stringContaining(
          `port ${port} is already in use: stop what uses it, or set LIENTHONG_SHARED_PORT`,
        ),
      });
      expect(existsSync(join(fresh, 'pg'))).toBe(false);
    } finally {
      busy.close();
      rmSync(fresh, { recursive: true, force: true });
    }
  });

  it('refuses half of the real infrastructure, naming the variable', async () => {
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      LIENTHONG_DATA_DIR: dataDir,
      DATABASE_URL: 'postgres://127.0.0.1:1/x',
    };
    delete env.AMQP_URL;
    await expect(run(process.execPath, [MAIN], { cwd: ROOT, env, timeout: 30_000 })).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringMatching(/AMQP_URL: must be set together/),
    });
  });
});

/*
 * The same command with DATABASE_URL and AMQP_URL set: the same network on the real PostgreSQL
 * and RabbitMQ of the tests, one database per process next to the (absent) one the URL names,
 * exchanges and queues under a BUS_PREFIX of its own. Everything it made is removed afterwards.
 */
describe('the sandbox on PostgreSQL and RabbitMQ (DATABASE_URL + AMQP_URL)', () => {
  const suffix = randomBytes(4).toString('hex');
  const base = `lt_sandbox_${suffix}`;
  const derived = [`${base}_axis`, `${base}_node_vpcp`, `${base}_node_shared`];
  const prefix = `test-sandbox-${suffix}`;
  const databaseUrl = (() => {
    const url = new URL(TEST_POSTGRES_URL);
    url.pathname = `/${base}`;
    return url.toString();
  })();
  let dataDir: string;

  async function withPostgres<T>(work: (client: Client) => Promise<T>): Promise<T> {
    const client = new Client({ connectionString: TEST_POSTGRES_URL });
    await client.connect();
    try {
      return await work(client);
    } finally {
      await client.end();
    }
  }

  beforeAll(() => {
    if (!existsSync(MAIN)) {
      throw new Error(`${MAIN} is missing: run "npm run build" before this test (.ci/run does)`);
    }
    dataDir = mkdtempSync(join(tmpdir(), 'lienthong-sandbox-external-'));
  });

  afterAll(async () => {
    for (const child of children) child.kill('SIGKILL');
    await withPostgres(async (client) => {
      for (const name of [base, ...derived])
        await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    });
    await deleteBusTopology(AMQP_URL, new BusTopology({ prefix }), [G22, H41, H57]);
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('runs the same network: the printed curl delivers, status 01 comes back, it stops cleanly', async () => {
    const started = await start(dataDir, { DATABASE_URL: databaseUrl, AMQP_URL, BUS_PREFIX: prefix });
    const b = started.banner;
    expect(started.output()).toMatch(/on PostgreSQL \(DATABASE_URL\) and RabbitMQ \(AMQP_URL\)/);
    expect(Object.keys(b.keys).sort()).toEqual([G22, H41, H57]);

    const submitted = await shell<{ id: string; documentId: string; recipients: string[] }>(b.send);
    expect(submitted.recipients).toEqual([H41]);
    const item = await waitFor(`${submitted.documentId} in the inbox of ${H41}`, async () =>
      (await shell<{ id: string; documentId: string; sender: string }[]>(b.inbox)).find(
        (i) => i.documentId === submitted.documentId,
      ),
    );
    expect(item.sender).toBe(G22);
    const senderUrl = /(http:\/\/\S+?)\/api\/v1\/documents/.exec(b.send)![1];
    await waitFor('status 01 on the sender’s timeline', async () => {
      const d = (
        await getJson<{ deliveries: { code: string; lastStatusCode?: string }[] }>(
          `${senderUrl}/api/v1/documents/sent/${submitted.id}`,
          { 'x-api-key': b.keys[G22] },
        )
      ).body.deliveries;
      return d.length === 1 && d[0].code === H41 && d[0].lastStatusCode === '01' ? true : undefined;
    });

    // One database per process, derived from the URL's name (which itself was never created).
    const databases = await withPostgres(async (client) =>
      (
        await client.query<{ datname: string }>(
          'SELECT datname FROM pg_database WHERE datname LIKE $1 ORDER BY datname',
          [`${base}%`],
        )
      ).rows.map((r) => r.datname),
    );
    expect(databases).toEqual([...derived].sort());

    // The agencies' queues on the broker, under the prefix (checkQueue fails the channel if absent).
    const topology = new BusTopology({ prefix });
    const connection = await amqp.connect(AMQP_URL);
    try {
      const channel = await connection.createChannel();
      for (const code of [G22, H41, H57]) {
        for (const queue of topology.agencyQueues(code)) {
          await expect(channel.checkQueue(queue.name)).resolves.toMatchObject({ queue: queue.name });
        }
      }
      await channel.close();
    } finally {
      await connection.close();
    }

    expect(await stop(started.child)).toBe(0);
    expect(started.output()).toMatch(/sandbox: stopped/);
    expect(JSON.parse(readFileSync(join(dataDir, 'sandbox.json'), 'utf8')).running).toBeUndefined();
  });
});
