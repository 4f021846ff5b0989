import { mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import type { INestApplication, LogLevel } from '@nestjs/common';
import { AmqpMessageBus, InMemoryMessageBus, MessageBus } from '@lienthong/bus';
import { createAxisApp } from '../../axis/src/axis-app';
import { loadAxisConfig } from '../../axis/src/config/axis-config';
import { loadNodeConfig } from '../../node/src/config/node-config';
import { startNodeApp, RunningNode } from '../../node/src/node-app';
import {
  embeddedDatabaseDir,
  ensureExternalDatabase,
  prepareEmbeddedDatabases,
  SandboxDatabase,
  startEmbeddedDatabase,
} from './databases';
import { DEMO_NODES } from './demo-network';
import { onboardDemoAgencies } from './onboarding';
import type { SandboxConfig } from './sandbox-config';
import { loadOrCreateState, readState, SandboxState, writeState } from './sandbox-state';

export interface RunningSandbox {
  embedded: boolean;
  dataDir: string;
  axisUrl: string;
  /** Node id → base URL. */
  nodes: Record<string, string>;
  state: SandboxState;
  /** Stops everything in order: nodes, axis, bus, databases. Idempotent. */
  close(): Promise<void>;
}

export interface SandboxOptions {
  /** Nest log levels of the axis and the nodes (unless LOG_LEVEL is set). Default: warnings and errors. */
  logLevels?: LogLevel[];
  /** Progress while starting (first run: database creation, onboarding). */
  progress?: (line: string) => void;
}

/** Placeholder for the configs' AMQP_URL when the in-process bus is handed to the apps instead. */
const IN_PROCESS_AMQP_URL = 'amqp://in-process.invalid';

/**
 * The axis and the demo nodes in this process, each its own Nest app with its own database,
 * sharing one bus, onboarded through the real APIs. Embedded unless `config.external` is set.
 */
export async function startSandbox(
  config: SandboxConfig,
  options: SandboxOptions = {},
): Promise<RunningSandbox> {
  const progress = options.progress ?? (() => undefined);
  // LOG_LEVEL set: each app logs at that level (its config reads it); else only what goes wrong.
  const logger = config.logLevel ? undefined : (options.logLevels ?? (['error', 'warn'] as LogLevel[]));
  const logLevel = config.logLevel ? { LOG_LEVEL: config.logLevel } : {};
  mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
  refuseIfRunning(config.dataDir);
  // Before the slow part (databases), so a busy port is reported at once.
  await assertPortFree(config.ports.axis, config.host, 'LIENTHONG_AXIS_PORT');
  await assertPortFree(config.ports.dedicated, config.host, 'LIENTHONG_DEDICATED_PORT');
  await assertPortFree(config.ports.shared, config.host, 'LIENTHONG_SHARED_PORT');
  const state = loadOrCreateState(config.dataDir);
  const save = (s: SandboxState) => writeState(config.dataDir, s);

  const closers: (() => Promise<void>)[] = [];
  const closeAll = async () => {
    for (const close of closers.splice(0).reverse()) {
      await close().catch((error: unknown) => progress(`while stopping: ${describe(error)}`));
    }
  };

  try {
    const bus = await openBus(config);
    closers.push(() => bus.close({ graceMs: 2_000 }));

    const database = async (name: string): Promise<SandboxDatabase> => {
      const db = config.external
        ? await ensureExternalDatabase(config.external.databaseUrl, name)
        : await startEmbeddedDatabase(name, embeddedDatabaseDir(config.dataDir, name));
      closers.push(() => db.close());
      return db;
    };

    if (!config.external) {
      await prepareEmbeddedDatabases(config.dataDir, ['axis', ...DEMO_NODES.map((n) => n.id)], progress);
    }
    progress('starting the axis');
    const axisDb = await database('axis');
    const axisApp = await createAxisApp(
      loadAxisConfig({
        DATABASE_URL: axisDb.url,
        AMQP_URL: config.external?.amqpUrl ?? IN_PROCESS_AMQP_URL,
        BUS_PREFIX: config.busPrefix,
        PORT: String(config.ports.axis),
        HOST: config.host,
        AXIS_OPERATOR_TOKEN: state.operatorToken,
        AXIS_DATA_DIR: join(config.dataDir, 'axis'),
        AXIS_CA_PASSPHRASE: state.caPassphrase,
        ...logLevel,
        ...poolMax(axisDb),
      }),
      { bus, logger },
    );
    closers.push(() => axisApp.close());
    await listen(axisApp, config.ports.axis, config.host, 'LIENTHONG_AXIS_PORT');
    const axisUrl = localUrl(config.host, (axisApp.getHttpServer().address() as { port: number }).port);

    const nodes: Record<string, string> = {};
    const started: { node: (typeof DEMO_NODES)[number]; url: string }[] = [];
    for (const node of DEMO_NODES) {
      progress(`starting ${node.id}`);
      const db = await database(node.id);
      let running: RunningNode;
      try {
        running = await startNodeApp(
          loadNodeConfig({
            DATABASE_URL: db.url,
            AMQP_URL: config.external?.amqpUrl ?? IN_PROCESS_AMQP_URL,
            BUS_PREFIX: config.busPrefix,
            PORT: String(config.ports[node.port]),
            HOST: config.host,
            NODE_MODE: node.mode,
            NODE_ID: node.id,
            AXIS_URL: axisUrl,
            NODE_ADMIN_TOKEN: state.adminToken,
            NODE_KEY_PASSPHRASE: state.keyPassphrase,
            ...logLevel,
            ...poolMax(db),
          }),
          { bus, logger },
        );
      } catch (error) {
        throw portHint(
          error,
          config.ports[node.port],
          node.port === 'dedicated' ? 'LIENTHONG_DEDICATED_PORT' : 'LIENTHONG_SHARED_PORT',
        );
      }
      closers.push(() => running.close());
      nodes[node.id] = localUrl(config.host, Number(new URL(running.url).port));
      started.push({ node, url: nodes[node.id] });
    }

    await onboardDemoAgencies({ axisUrl, nodes: started }, state, save, progress);

    state.running = {
      pid: process.pid,
      axisUrl,
      nodes,
      hostedBy: Object.fromEntries(DEMO_NODES.flatMap((n) => n.agencies.map((a) => [a.code, n.id]))),
    };
    save(state);

    let closing: Promise<void> | undefined;
    return {
      embedded: config.external === undefined,
      dataDir: config.dataDir,
      axisUrl,
      nodes,
      state,
      close: () =>
        (closing ??= (async () => {
          if (bus instanceof InMemoryMessageBus) await drain(bus);
          await closeAll();
          const latest = readState(config.dataDir);
          if (latest?.running?.pid === process.pid) {
            delete latest.running;
            save(latest);
          }
        })()),
    };
  } catch (error) {
    await closeAll();
    throw error;
  }
}

async function openBus(config: SandboxConfig): Promise<MessageBus> {
  if (!config.external) {
    const bus = new InMemoryMessageBus({ topology: { prefix: config.busPrefix } });
    return bus;
  }
  return AmqpMessageBus.connect({
    url: config.external.amqpUrl,
    topology: { prefix: config.busPrefix },
    connectionName: 'lienthong-sandbox',
  });
}

function poolMax(db: SandboxDatabase): { DATABASE_POOL_MAX?: string } {
  return db.poolMax === undefined ? {} : { DATABASE_POOL_MAX: String(db.poolMax) };
}

async function listen(app: INestApplication, port: number, host: string, variable: string): Promise<void> {
  try {
    await app.listen(port, host);
  } catch (error) {
    throw portHint(error, port, variable);
  }
}

function portHint(error: unknown, port: number, variable: string): unknown {
  if ((error as { code?: string }).code === 'EADDRINUSE') {
    return new Error(`port ${port} is already in use: stop what uses it, or set ${variable} to another port`);
  }
  return error;
}

function assertPortFree(port: number, host: string, variable: string): Promise<void> {
  if (port === 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', (error) => reject(portHint(error, port, variable)));
    probe.listen(port, host, () => probe.close(() => resolve()));
  });
}

/** What the nodes call (and print): loopback when listening on every interface. */
function localUrl(host: string, port: number): string {
  const h = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  return `http://${h}:${port}`;
}

/** Two processes on one PGlite directory would corrupt it: refuse while the recorded one lives. */
function refuseIfRunning(dataDir: string): void {
  const running = readState(dataDir)?.running;
  if (!running || running.pid === process.pid || !isAlive(running.pid)) return;
  throw new Error(
    `a sandbox (pid ${running.pid}) already runs on ${dataDir}: stop it first, or set LIENTHONG_DATA_DIR to another directory`,
  );
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as { code?: string }).code === 'EPERM';
  }
}

/**
 * The in-process bus keeps nothing across restarts: before stopping, give messages already
 * published (documents, statuses, trace events) a moment to be consumed, so a clean stop loses none.
 */
async function drain(bus: InMemoryMessageBus, timeoutMs = 3_000): Promise<void> {
  const queues = [
    bus.topology.traceQueue,
    ...DEMO_NODES.flatMap((n) => n.agencies.map((a) => bus.topology.agencyInbox(a.code))),
  ];
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const depths = await Promise.all(queues.map((q) => bus.queueDepth(q).catch(() => 0)));
    if (depths.every((d) => d === 0)) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
