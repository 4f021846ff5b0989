/**
 * Exchange benchmark: documents from one node to another through RabbitMQ and PostgreSQL, timed
 * from submit to the sender's node recording status 01. The axis and the two dedicated nodes run
 * as separate processes (the built apps), so each one's peak memory is its own.
 *
 *   npm run build && npm run bench:exchange
 *   npm run bench:exchange -- --docs 2000 --attachment-kb 100 --concurrency 32
 *   npm run bench:exchange -- --rate 50 --docs 500        paced at 50 documents/s
 *   npm run bench:exchange -- --warmup 0                  count from the first document (default:
 *                                                         500 documents first, not counted)
 *   npm run bench:exchange -- --big-mb 50                 one 50 MB package, peak memory of both nodes
 *
 * Latency comes from the sender node's own clock (document.created_at → the 01 delivery event),
 * read from its database after the run, so measuring does not load the system under test.
 */
import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as http from 'node:http';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { connect as amqpConnect } from 'amqplib';
import { Client } from 'pg';
import { BusTopology } from '@lienthong/bus';
import { buildEdxml, EdocPackage, formatEdxmlDate } from '@lienthong/edxml';

const ROOT = resolve(__dirname, '..');
const PG = process.env.BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432';
const AMQP_URL = process.env.AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
const OPERATOR_TOKEN = 'bench-operator-token-0123456789abcdef';
const ADMIN_TOKEN = 'bench-node-admin-token-0123456789abcdef';
const SENDER = { code: '000.00.00.G22', name: 'Văn phòng Chính phủ' };
const RECIPIENT = { code: '000.00.00.H41', name: 'UBND tỉnh Nghệ An' };

interface Options {
  docs: number;
  attachmentKb: number;
  concurrency: number;
  rate: number;
  bigMb: number;
  warmup: number;
}

interface Proc {
  name: string;
  child: ChildProcess;
  url: string;
}

function parseOptions(argv: string[]): Options {
  const value = (flag: string, fallback: number) => {
    const i = argv.indexOf(flag);
    return i >= 0 ? Number(argv[i + 1]) : fallback;
  };
  return {
    docs: value('--docs', 2000),
    attachmentKb: value('--attachment-kb', 0),
    concurrency: value('--concurrency', 32),
    rate: value('--rate', 0),
    bigMb: value('--big-mb', 0),
    warmup: value('--warmup', 500),
  };
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  if (!existsSync(join(ROOT, 'dist/apps/node/main.js'))) throw new Error('run "npm run build" first');
  const network = await startNetwork(
    options.bigMb > 0 ? Math.ceil(options.bigMb * 1.2) * 1024 * 1024 : undefined,
  );
  try {
    if (options.bigMb > 0) await benchBigPackage(network, options.bigMb);
    else await benchStream(network, options);
  } finally {
    submitAgent.destroy();
    await network.stop();
  }
}

async function benchStream(net: Network, options: Options): Promise<void> {
  const attachment = options.attachmentKb > 0 ? randomBytes(options.attachmentKb * 1024) : undefined;
  // Encoded once, before the clock starts: the load generator shares the cores it measures.
  const encode = (count: number, first: number) =>
    Array.from({ length: count }, (_, i) =>
      Buffer.from(buildEdxml(benchPackage(first + i, attachment)), 'utf8'),
    );
  const warmup = encode(options.warmup, options.docs);
  const packages = encode(options.docs, 0);
  const pace =
    options.rate > 0
      ? `paced at ${options.rate} documents/s`
      : `${options.concurrency} concurrent submitters`;
  console.log(
    `lienthong exchange benchmark: ${options.docs} documents of ${(Buffer.byteLength(packages[0]) / 1024).toFixed(1)} KiB ` +
      `(before signing), ${pace}, node ${process.version}`,
  );

  const db = new Client({ connectionString: net.senderDb });
  await db.connect();
  try {
    if (warmup.length > 0) {
      // Freshly started processes run unoptimised code, and the tables are empty: a node that has
      // been up a while is what the figures describe. The warm-up documents are not counted.
      const warmupStarted = Date.now();
      await submitAll(net, warmup, options);
      await waitForArrivals(db, warmup.length);
      console.log(
        `  warm-up:                ${warmup.length} documents first, not counted (${((Date.now() - warmupStarted) / 1000).toFixed(1)} s)`,
      );
    }
    const measuredFrom = new Date();
    const commitsBefore = await commitCounts(net);
    const cpuBefore = await cpuTimes(net);
    const clientBefore = process.cpuUsage();
    const submitSeconds = await submitAll(net, packages, options);
    await waitForArrivals(db, warmup.length + packages.length);
    const stats = (await db.query(LATENCY_STATS, [measuredFrom])).rows[0] as Record<string, string>;
    const seconds = Number(stats.span_seconds);
    console.log(
      `  submit phase:           ${(options.docs / submitSeconds).toFixed(0)} documents/s accepted (202)`,
    );
    console.log(
      `  end to end throughput:  ${(options.docs / seconds).toFixed(1)} documents/s (first submit → last 01 at the sender)`,
    );
    console.log(
      `  latency submit → 01:    p50 ${ms(stats.p50)}  p95 ${ms(stats.p95)}  p99 ${ms(stats.p99)}  max ${ms(stats.max)}`,
    );
    console.log(
      `    of which to publish:  p50 ${ms(stats.published_p50)}  p99 ${ms(stats.published_p99)} (stored, relayed, confirmed by the broker)`,
    );
    const stored = await storedAtRecipient(net, db, measuredFrom);
    console.log(
      `    to the recipient:     p50 ${ms(stored.p50)}  p99 ${ms(stored.p99)} (verified and stored there, 01 not yet sent)`,
    );
    const commitsAfter = await commitCounts(net);
    console.log(
      '  database commits/doc:   ' +
        net.procs
          .map(
            (p) => `${p.name} ${((commitsAfter[p.name] - commitsBefore[p.name]) / options.docs).toFixed(1)}`,
          )
          .join(', '),
    );
    const cpuAfter = await cpuTimes(net);
    const client = process.cpuUsage(clientBefore);
    cpuAfter['bench client'] = (client.user + client.system) / 1000;
    console.log(
      '  CPU ms/doc:             ' +
        Object.keys(cpuAfter)
          .map((name) => `${name} ${((cpuAfter[name] - (cpuBefore[name] ?? 0)) / options.docs).toFixed(1)}`)
          .join(', '),
    );
  } finally {
    await db.end();
  }
  printMemory(net);
}

/** Submits every package (paced, or by `concurrency` submitters); the seconds it took. */
async function submitAll(net: Network, packages: Buffer[], options: Options): Promise<number> {
  const started = Date.now();
  let next = 0;
  let submitted = 0;
  const failures: string[] = [];
  // Unref'd: a failed run must still exit.
  const progress = setInterval(
    () => process.stderr.write(`\r  submitted ${submitted}/${packages.length}`),
    500,
  ).unref();
  const worker = async () => {
    for (let i = next++; i < packages.length; i = next++) {
      if (options.rate > 0) {
        const due = started + (i * 1000) / options.rate;
        if (due > Date.now()) await new Promise((r) => setTimeout(r, due - Date.now()));
      }
      const res = await submit(net, packages[i]);
      if (res.status !== 202) failures.push(`${res.status} ${res.body}`);
      submitted += 1;
    }
  };
  try {
    await Promise.all(
      Array.from(
        { length: options.rate > 0 ? Math.max(options.concurrency, 64) : options.concurrency },
        worker,
      ),
    );
  } finally {
    clearInterval(progress);
  }
  if (failures.length > 0) throw new Error(`${failures.length} submissions failed, e.g. ${failures[0]}`);
  return (Date.now() - started) / 1000;
}

/** Polls the sender's database (cheap, and no load on the node itself) until `count` 01s are in. */
async function waitForArrivals(db: Client, count: number): Promise<void> {
  const deadline = Date.now() + 10 * 60_000;
  for (;;) {
    const arrived = Number((await db.query(ARRIVED_COUNT)).rows[0].n);
    process.stderr.write(`\r  status 01 back for ${arrived}/${count}      `);
    if (arrived >= count) break;
    if (Date.now() > deadline) throw new Error(`only ${arrived}/${count} status 01 after 10 minutes`);
    await new Promise((r) => setTimeout(r, 250));
  }
  process.stderr.write('\n');
}

/**
 * The load generator shares the two cores with the system it measures: node:http on kept-alive
 * sockets costs it about half of what fetch did per request, leaving that CPU to the system.
 * FIFO: paced submitters use every socket in turn, so none sits idle until the server closes it.
 */
const submitAgent = new http.Agent({ keepAlive: true, maxSockets: 64, scheduling: 'fifo' });

/**
 * A server closes a kept-alive socket after 5 s idle; a request written to it at that moment is
 * reset before the server read it. Node's documented remedy: send it again on a fresh socket.
 * (A reset with no answer is sent again once whatever the socket: at worst one more document.)
 */
async function submit(net: Network, payload: Buffer): Promise<{ status: number; body: string }> {
  try {
    return await submitOnce(net, payload);
  } catch (error) {
    if ((error as { staleSocket?: boolean }).staleSocket) return submitOnce(net, payload);
    throw error;
  }
}

function submitOnce(net: Network, payload: Buffer): Promise<{ status: number; body: string }> {
  return new Promise((resolvePromise, reject) => {
    const req = http.request(
      `${net.sender.url}/api/v1/documents`,
      {
        method: 'POST',
        agent: submitAgent,
        headers: {
          'x-api-key': net.senderKey,
          'content-type': 'application/xml',
          'content-length': payload.length,
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolvePromise({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', (error: NodeJS.ErrnoException) =>
      reject(error.code === 'ECONNRESET' ? Object.assign(error, { staleSocket: true }) : error),
    );
    req.end(payload);
  });
}

async function benchBigPackage(net: Network, megabytes: number): Promise<void> {
  const before = net.procs.map((p) => ({ name: p.name, peak: peakRssMb(p.child.pid!) }));
  // base64 grows the file by 4/3; keep the whole package just under the size asked for.
  const attachment = randomBytes(Math.floor(((megabytes * 1024 * 1024 - 8192) * 3) / 4));
  const xml = buildEdxml(benchPackage(0, attachment));
  console.log(
    `lienthong exchange benchmark: one package of ${(Buffer.byteLength(xml) / 1048576).toFixed(1)} MiB`,
  );
  const started = Date.now();
  const res = await fetch(`${net.sender.url}/api/v1/documents`, {
    method: 'POST',
    headers: { 'x-api-key': net.senderKey, 'content-type': 'application/xml' },
    body: xml,
  });
  if (res.status !== 202) throw new Error(`submit answered ${res.status}: ${await res.text()}`);
  const db = new Client({ connectionString: net.senderDb });
  await db.connect();
  try {
    const deadline = Date.now() + 5 * 60_000;
    while (Number((await db.query(ARRIVED_COUNT)).rows[0].n) < 1) {
      if (Date.now() > deadline) throw new Error('status 01 did not come back within 5 minutes');
      await new Promise((r) => setTimeout(r, 250));
    }
  } finally {
    await db.end();
  }
  console.log(`  submit → status 01 at the sender: ${((Date.now() - started) / 1000).toFixed(1)} s`);
  console.log('  peak memory (max RSS) before → after the package travelled:');
  for (const p of net.procs) {
    const was = before.find((b) => b.name === p.name)?.peak ?? 0;
    console.log(`    ${p.name.padEnd(10)} ${was.toFixed(0)} MB → ${peakRssMb(p.child.pid!).toFixed(0)} MB`);
  }
}

const ARRIVED_COUNT = `SELECT count(DISTINCT document_uuid) AS n FROM delivery_event WHERE event = 'status' AND status_code = '01'`;
const LATENCY_STATS = `
  WITH arrival AS (
    SELECT d.created_at AS submitted,
           min(e.occurred_at) FILTER (WHERE e.event = 'status' AND e.status_code = '01') AS arrived,
           min(e.occurred_at) FILTER (WHERE e.event = 'published') AS published
    FROM document d JOIN delivery_event e ON e.document_uuid = d.uuid
    WHERE d.direction = 'outbound' AND d.kind = 'edoc' AND d.created_at >= $1
    GROUP BY d.uuid, d.created_at
    HAVING bool_or(e.event = 'status' AND e.status_code = '01'))
  SELECT
    extract(epoch FROM max(arrived) - min(submitted)) AS span_seconds,
    percentile_cont(0.50) WITHIN GROUP (ORDER BY extract(epoch FROM arrived - submitted)) AS p50,
    percentile_cont(0.95) WITHIN GROUP (ORDER BY extract(epoch FROM arrived - submitted)) AS p95,
    percentile_cont(0.99) WITHIN GROUP (ORDER BY extract(epoch FROM arrived - submitted)) AS p99,
    max(extract(epoch FROM arrived - submitted)) AS max,
    percentile_cont(0.50) WITHIN GROUP (ORDER BY extract(epoch FROM published - submitted)) AS published_p50,
    percentile_cont(0.99) WITHIN GROUP (ORDER BY extract(epoch FROM published - submitted)) AS published_p99
  FROM arrival`;

/** Submit → stored by the recipient node: the two nodes share this machine's clock. */
async function storedAtRecipient(
  net: Network,
  senderDb: Client,
  measuredFrom: Date,
): Promise<{ p50: string; p99: string }> {
  const submitted = new Map(
    (
      await senderDb.query<{ uuid: string; at: string }>(
        `SELECT uuid, extract(epoch FROM created_at) AS at FROM document
         WHERE direction = 'outbound' AND kind = 'edoc' AND created_at >= $1`,
        [measuredFrom],
      )
    ).rows.map((r) => [r.uuid, Number(r.at)]),
  );
  const recipientDb = new Client({ connectionString: `${PG}/${net.databases.recipient}` });
  await recipientDb.connect();
  try {
    const { rows } = await recipientDb.query<{ sent: string; at: string }>(
      `SELECT sender_document_uuid AS sent, extract(epoch FROM received_at) AS at
       FROM document WHERE direction = 'inbound' AND kind = 'edoc'`,
    );
    const delays = rows
      .filter((r) => submitted.has(r.sent))
      .map((r) => Number(r.at) - submitted.get(r.sent)!)
      .sort((x, y) => x - y);
    const at = (q: number) => String(delays[Math.min(delays.length - 1, Math.floor(q * delays.length))]);
    return { p50: at(0.5), p99: at(0.99) };
  } finally {
    await recipientDb.end();
  }
}

/** Transactions each process committed: the round trips that dominate on a small machine. */
async function commitCounts(net: Network): Promise<Record<string, number>> {
  const rows = await admin((c) => c.query('SELECT datname, xact_commit FROM pg_stat_database'));
  const byDb = new Map(
    rows.rows.map((r: { datname: string; xact_commit: string }) => [r.datname, Number(r.xact_commit)]),
  );
  return Object.fromEntries(net.procs.map((p) => [p.name, byDb.get(net.databases[p.name]) ?? 0]));
}

/**
 * CPU time (user + system, ms) of each process and of the PostgreSQL backends serving its
 * database: on a small machine every process competes for the same cores, so this is what a
 * document costs. Backends that exit during the run are missed (their time is small).
 */
async function cpuTimes(net: Network): Promise<Record<string, number>> {
  const backends = await admin((c) =>
    c.query<{ pid: number; datname: string }>(
      'SELECT pid, datname FROM pg_stat_activity WHERE datname IS NOT NULL',
    ),
  );
  const times: Record<string, number> = {};
  for (const p of net.procs) {
    times[p.name] = cpuMs(p.child.pid!);
    times[`${p.name}-pg`] = backends.rows
      .filter((r) => r.datname === net.databases[p.name])
      .reduce((sum, r) => sum + cpuMs(r.pid), 0);
  }
  // The broker serves every vhost of the machine, so its time is only this run's on a quiet one.
  const broker = localBrokerPid();
  if (broker !== undefined) times['rabbitmq (local)'] = cpuMs(broker);
  return times;
}

/**
 * RabbitMQ's Erlang VM when the broker runs on this machine (as here), else undefined. The CLI
 * tools (rabbitmqctl) run an Erlang VM of their own for a moment: the broker's is the oldest.
 */
function localBrokerPid(): number | undefined {
  let broker: { pid: number; started: number } | undefined;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/comm`, 'utf8').trim() !== 'beam.smp') continue;
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // starttime is the 20th field after the command name.
      const started = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]);
      if (!broker || started < broker.started) broker = { pid: Number(entry), started };
    } catch {
      // the process ended while we looked
    }
  }
  return broker?.pid;
}

function cpuMs(pid: number): number {
  try {
    // Fields after the command name: utime and stime are the 12th and 13th (clock ticks, 100/s).
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return 0;
  }
}

const ms = (seconds: string) => `${(Number(seconds) * 1000).toFixed(0)} ms`;

function printMemory(net: Network): void {
  console.log(
    '  peak memory (max RSS):  ' +
      net.procs.map((p) => `${p.name} ${peakRssMb(p.child.pid!).toFixed(0)} MB`).join(', '),
  );
}

/** Linux keeps each process's high-water mark of resident memory: exact, and free to read. */
function peakRssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? 0);
  return kb / 1024;
}

interface Network {
  procs: Proc[];
  /** Database name of each process. */
  databases: Record<string, string>;
  sender: Proc;
  senderKey: string;
  senderDb: string;
  stop(): Promise<void>;
}

async function startNetwork(maxPackageBytes?: number): Promise<Network> {
  const tag = `bench${randomBytes(3).toString('hex')}`;
  const dataDir = mkdtempSync(join(tmpdir(), 'lienthong-bench-'));
  const dbs = ['axis', 'sender', 'recipient'].map((name) => `lt_${tag}_${name}`);
  await admin(async (c) => {
    for (const db of dbs) await c.query(`CREATE DATABASE ${db}`);
  });
  const procs: Proc[] = [];
  const stop = async () => {
    await Promise.all(procs.map((p) => stopProcess(p.child)));
    await admin(async (c) => {
      for (const db of dbs) await c.query(`DROP DATABASE IF EXISTS ${db} WITH (FORCE)`);
    });
    rmSync(dataDir, { recursive: true, force: true });
    await removeBusTopology(tag);
  };
  try {
    const common = { AMQP_URL, BUS_PREFIX: tag, HOST: '127.0.0.1' };
    const axis = await startProcess('axis', 'dist/apps/axis/main.js', 3300, {
      ...common,
      DATABASE_URL: `${PG}/${dbs[0]}`,
      AXIS_OPERATOR_TOKEN: OPERATOR_TOKEN,
      AXIS_DATA_DIR: dataDir,
      AXIS_CA_PASSPHRASE: 'bench axis passphrase',
    });
    procs.push(axis);
    const nodeEnv = (db: string, id: string) => ({
      ...common,
      DATABASE_URL: `${PG}/${db}`,
      NODE_MODE: 'dedicated',
      NODE_ID: id,
      AXIS_URL: axis.url,
      NODE_ADMIN_TOKEN: ADMIN_TOKEN,
      NODE_KEY_PASSPHRASE: 'bench node passphrase',
      ...(maxPackageBytes ? { MAX_PACKAGE_BYTES: String(maxPackageBytes) } : {}),
    });
    const sender = await startProcess(
      'sender',
      'dist/apps/node/main.js',
      3301,
      nodeEnv(dbs[1], 'bench-sender'),
    );
    procs.push(sender);
    const recipient = await startProcess(
      'recipient',
      'dist/apps/node/main.js',
      3302,
      nodeEnv(dbs[2], 'bench-recipient'),
    );
    procs.push(recipient);
    const senderKey = await onboard(axis, sender, SENDER);
    await onboard(axis, recipient, RECIPIENT);
    const databases = { axis: dbs[0], sender: dbs[1], recipient: dbs[2] };
    return { procs, databases, sender, senderKey, senderDb: `${PG}/${dbs[1]}`, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/**
 * Every run declares its own quorum queues under a random prefix; left behind, hundreds of them
 * (each a Raft group, some holding dead letters) accumulate on the developer's broker.
 */
async function removeBusTopology(prefix: string): Promise<void> {
  const topology = new BusTopology({ prefix });
  const queues = [
    ...topology.coreQueues(),
    ...topology.agencyQueues(SENDER.code),
    ...topology.agencyQueues(RECIPIENT.code),
  ].map((q) => q.name);
  let connection: Awaited<ReturnType<typeof amqpConnect>> | undefined;
  try {
    connection = await amqpConnect(AMQP_URL);
    const channel = await connection.createChannel();
    for (const queue of queues) await channel.deleteQueue(queue);
    for (const exchange of topology.coreExchanges()) await channel.deleteExchange(exchange.name);
  } catch (error) {
    console.error(`  (could not remove the bench's queues under ${prefix}: ${(error as Error).message})`);
  } finally {
    await connection?.close().catch(() => undefined);
  }
}

async function onboard(axis: Proc, node: Proc, agency: { code: string; name: string }): Promise<string> {
  const token = (await post(axis.url, '/api/v1/agencies', agency, OPERATOR_TOKEN)).enrollmentToken as string;
  await post(node.url, '/api/v1/admin/agencies', { code: agency.code, enrollmentToken: token }, ADMIN_TOKEN);
  return (
    await post(node.url, '/api/v1/admin/api-keys', { name: 'bench', agencies: [agency.code] }, ADMIN_TOKEN)
  ).key as string;
}

async function post(
  base: string,
  path: string,
  body: unknown,
  token: string,
): Promise<Record<string, unknown>> {
  const res = await fetch(base + path, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (res.status >= 300) throw new Error(`${path} answered ${res.status}: ${await res.text()}`);
  return (await res.json()) as Record<string, unknown>;
}

/** What the start scripts give node before the app (package.json). */
const START_FLAGS = '--always-sparkplug';

async function startProcess(
  name: string,
  script: string,
  port: number,
  env: Record<string, string>,
): Promise<Proc> {
  // The flags of `npm run start:axis|start:node`, so the figures are those of a deployment; more
  // from BENCH_NODE_FLAGS, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof" to profile the apps.
  const flags = [START_FLAGS, ...(process.env.BENCH_NODE_FLAGS ?? '').split(' ')].filter(Boolean);
  const child = spawn(process.execPath, [...flags, join(ROOT, script)], {
    env: { ...process.env, ...env, PORT: String(port) },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${name} exited: ${stderr}`);
    try {
      if ((await fetch(`${url}/health/ready`)).ok) return { name, child, url };
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`${name} did not become ready: ${stderr}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((resolveStop) => {
    const kill = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.once('exit', () => {
      clearTimeout(kill);
      resolveStop();
    });
    child.kill('SIGTERM');
  });
}

async function admin<T>(work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: `${PG}/postgres` });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

function benchPackage(i: number, attachment?: Buffer): EdocPackage {
  return {
    kind: 'edoc',
    messageHeader: {
      from: {
        organId: SENDER.code,
        organName: SENDER.name,
        organAdd: 'Số 1 Hoàng Hoa Thám, Ba Đình, Hà Nội',
      },
      to: [{ organId: RECIPIENT.code, organName: RECIPIENT.name }],
      code: { codeNumber: `${i + 1}${randomBytes(4).toString('hex')}`, codeNotation: 'VPCP-BENCH' },
      promulgationInfo: { place: 'Hà Nội', promulgationDate: formatEdxmlDate(new Date()) },
      documentType: { type: '1', typeName: 'Công văn' },
      subject: 'V/v kết nối, liên thông phần mềm quản lý văn bản giữa các cơ quan nhà nước',
      content: 'Văn phòng Chính phủ đề nghị các bộ, ngành, địa phương triển khai kết nối liên thông. '.repeat(
        20,
      ),
      signerInfo: {
        competence: 'KT. BỘ TRƯỞNG, CHỦ NHIỆM',
        position: 'Phó Chủ nhiệm',
        fullName: 'Nguyễn Văn A',
      },
      otherInfo: {
        priority: 0,
        sphereOfPromulgation: 'Liên thông văn bản quốc gia',
        promulgationAmount: 1,
        pageAmount: 2,
      },
    },
    traceHeaderList: { traceHeader: [] },
    attachments: attachment
      ? [
          {
            contentId: 'att-1',
            attachmentName: 'van-ban.pdf',
            contentType: 'application/pdf',
            data: attachment,
          },
        ]
      : [],
  };
}

main().catch((error: Error) => {
  console.error(`bench:exchange failed: ${error.message}`);
  process.exitCode = 1;
});
