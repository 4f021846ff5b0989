import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DestinationStream } from 'pino';
import { deleteBusTopology, AMQP_URL } from '@lienthong/bus/testing/amqp';
import { BusTopology } from '@lienthong/bus';
import { createTestDatabase, TestDatabase } from '@lienthong/common/testing/postgres';
import { loadAxisConfig } from '../../apps/axis/src/config/axis-config';
import { startAxis } from '../../apps/axis/src/testing/start-axis';
import { loadNodeConfig } from '../../apps/node/src/config/node-config';
import { startNode } from '../../apps/node/src/testing/start-node';

export { waitFor } from './wait-for';

/*
 * A whole lienthong network in this process, each part its own Nest app with its own database, on
 * the real PostgreSQL and RabbitMQ: the axis, and nodes that enroll their agencies the way an
 * operator would (operator API at the axis, admin API at the node). Shared by the end-to-end tests
 * and the exchange benchmark.
 */

export interface AgencySpec {
  code: string;
  name: string;
}

export interface NodeSpec {
  id: string;
  mode: 'dedicated' | 'shared';
  agencies: AgencySpec[];
}

export interface RunningNode {
  id: string;
  url: string;
  close(): Promise<void>;
}

export interface Network {
  axisUrl: string;
  prefix: string;
  nodes: Record<string, RunningNode>;
  /** Each process's own database: `axis` and every node id. */
  databases: Record<string, TestDatabase>;
  /** The node that hosts an agency. */
  nodeOf(code: string): RunningNode;
  /** The API key of an agency's software (scoped to that agency only). */
  apiKey(code: string): string;
  operator: HttpClient;
  /** The axis's operator token (AXIS_OPERATOR_TOKEN), e.g. to log in to the dashboard. */
  operatorToken: string;
  admin(nodeId: string): HttpClient;
  agency(code: string): HttpClient;
  close(): Promise<void>;
}

export interface HttpResponse<T = unknown> {
  status: number;
  body: T;
  text: string;
  bytes: Buffer;
  headers: Headers;
}

export interface HttpClient {
  get<T = unknown>(path: string): Promise<HttpResponse<T>>;
  post<T = unknown>(path: string, body?: unknown, contentType?: string): Promise<HttpResponse<T>>;
  delete<T = unknown>(path: string): Promise<HttpResponse<T>>;
}

const OPERATOR_TOKEN = `operator-${randomBytes(12).toString('hex')}`;
const ADMIN_TOKEN = `node-admin-${randomBytes(12).toString('hex')}`;

export function httpClient(baseUrl: string, headers: Record<string, string>): HttpClient {
  const call = async <T>(method: string, path: string, body?: unknown, contentType?: string) => {
    const isRaw = typeof body === 'string' || Buffer.isBuffer(body);
    const response = await fetch(baseUrl + path, {
      method,
      headers: {
        ...headers,
        ...(body === undefined
          ? {}
          : { 'content-type': contentType ?? (isRaw ? 'application/xml' : 'application/json') }),
      },
      body:
        body === undefined
          ? undefined
          : typeof body === 'string'
            ? body
            : Buffer.isBuffer(body)
              ? new Uint8Array(body)
              : JSON.stringify(body),
    });
    const bytes = Buffer.from(await response.arrayBuffer());
    const text = bytes.toString('utf8');
    let parsed: unknown = text;
    // JSON bodies only (not NDJSON exports).
    if (/[/+]json(;|$)/.test(response.headers.get('content-type') ?? '')) parsed = JSON.parse(text);
    return { status: response.status, body: parsed as T, text, bytes, headers: response.headers };
  };
  return {
    get: (path) => call('GET', path),
    post: (path, body, contentType) => call('POST', path, body, contentType),
    delete: (path) => call('DELETE', path),
  };
}

export async function startNetwork(
  specs: NodeSpec[],
  options: {
    outboxPollMs?: number;
    maxPackageBytes?: number;
    /** Every process's JSON log lines, at level info (default: standard output, errors only). */
    logDestination?: DestinationStream;
  } = {},
): Promise<Network> {
  const logging = options.logDestination
    ? {
        logger: ['log', 'warn', 'error'] as ('log' | 'warn' | 'error')[],
        logDestination: options.logDestination,
      }
    : { logger: ['error'] as 'error'[] };
  const databasesById: Record<string, TestDatabase> = {};
  const prefix = `e2e-${randomBytes(4).toString('hex')}`;
  const databases: TestDatabase[] = [];
  const closers: (() => Promise<void>)[] = [];
  const dataDir = mkdtempSync(join(tmpdir(), 'lienthong-axis-'));
  const allCodes = specs.flatMap((s) => s.agencies.map((a) => a.code));

  const close = async () => {
    for (const closeOne of closers.reverse()) await closeOne().catch(() => undefined);
    await deleteBusTopology(AMQP_URL, new BusTopology({ prefix }), allCodes).catch(() => undefined);
    await Promise.allSettled(databases.map((db) => db.drop()));
    rmSync(dataDir, { recursive: true, force: true });
  };

  try {
    const axisDb = await createTestDatabase('e2e_axis');
    databases.push(axisDb);
    databasesById.axis = axisDb;
    const axis = await startAxis(
      loadAxisConfig({
        DATABASE_URL: axisDb.url,
        AMQP_URL,
        BUS_PREFIX: prefix,
        PORT: '0',
        AXIS_OPERATOR_TOKEN: OPERATOR_TOKEN,
        AXIS_DATA_DIR: dataDir,
        AXIS_CA_PASSPHRASE: 'passphrase of the e2e axis',
      }),
      logging,
    );
    closers.push(() => axis.close());
    const operator = httpClient(axis.url, { authorization: `Bearer ${OPERATOR_TOKEN}` });

    const nodes: Record<string, RunningNode> = {};
    const hostOf = new Map<string, RunningNode>();
    const apiKeys = new Map<string, string>();
    for (const spec of specs) {
      const db = await createTestDatabase(`e2e_${spec.id}`);
      databases.push(db);
      databasesById[spec.id] = db;
      const node = await startNode(
        loadNodeConfig({
          DATABASE_URL: db.url,
          AMQP_URL,
          BUS_PREFIX: prefix,
          PORT: '0',
          NODE_MODE: spec.mode,
          NODE_ID: spec.id,
          AXIS_URL: axis.url,
          NODE_ADMIN_TOKEN: ADMIN_TOKEN,
          NODE_KEY_PASSPHRASE: 'passphrase of the e2e nodes',
          OUTBOX_POLL_MS: String(options.outboxPollMs ?? 50),
          // Far beyond any test: trust changes must reach the nodes through the axis's notifications.
          TRUST_REFRESH_SECONDS: '3600',
          ...(options.maxPackageBytes ? { MAX_PACKAGE_BYTES: String(options.maxPackageBytes) } : {}),
        }),
        logging,
      );
      closers.push(() => node.close());
      nodes[spec.id] = { id: spec.id, url: node.url, close: () => node.close() };
    }

    // Onboarding as an operator does it: register at the axis, host at the node with the token.
    for (const spec of specs) {
      const admin = httpClient(nodes[spec.id].url, { authorization: `Bearer ${ADMIN_TOKEN}` });
      for (const agency of spec.agencies) {
        const registered = await operator.post<{ enrollmentToken: string }>('/api/v1/agencies', agency);
        expectStatus(registered, 201, `register ${agency.code} at the axis`);
        const hosted = await admin.post('/api/v1/admin/agencies', {
          code: agency.code,
          enrollmentToken: registered.body.enrollmentToken,
        });
        expectStatus(hosted, 201, `host ${agency.code} on ${spec.id}`);
        const key = await admin.post<{ key: string }>('/api/v1/admin/api-keys', {
          name: `software of ${agency.code}`,
          agencies: [agency.code],
        });
        expectStatus(key, 201, `API key for ${agency.code}`);
        apiKeys.set(agency.code, key.body.key);
        hostOf.set(agency.code, nodes[spec.id]);
      }
    }

    const nodeOf = (code: string) => {
      const node = hostOf.get(code);
      if (!node) throw new Error(`no node hosts ${code}`);
      return node;
    };
    const apiKey = (code: string) => {
      const key = apiKeys.get(code);
      if (!key) throw new Error(`no API key for ${code}`);
      return key;
    };
    return {
      axisUrl: axis.url,
      prefix,
      nodes,
      databases: databasesById,
      nodeOf,
      apiKey,
      operator,
      operatorToken: OPERATOR_TOKEN,
      admin: (nodeId) => httpClient(nodes[nodeId].url, { authorization: `Bearer ${ADMIN_TOKEN}` }),
      agency: (code) => httpClient(nodeOf(code).url, { 'x-api-key': apiKey(code) }),
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

function expectStatus(response: HttpResponse, status: number, what: string): void {
  if (response.status !== status) {
    throw new Error(
      `${what}: expected HTTP ${status}, got ${response.status}: ${response.text.slice(0, 500)}`,
    );
  }
}
