import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { Client } from 'pg';
import { buildEdxml, EdocPackage, formatEdxmlDate } from '@lienthong/edxml';
import { TEST_POSTGRES_URL } from '@lienthong/common/testing/postgres';
import { Network, startNetwork, waitFor } from './support/network';

/*
 * Metrics, health and logs of a real network (axis, a dedicated and a shared node on PostgreSQL
 * and RabbitMQ): one document sent, then what /metrics, /health/ready and the logs say about it.
 */
jest.setTimeout(120_000);

const G22 = { code: '000.00.00.G22', name: 'Văn phòng Chính phủ' };
const H41 = { code: '000.00.00.H41', name: 'UBND tỉnh Nghệ An' };

type LogLine = Record<string, unknown>;

/** Every JSON line every process of the network logs. */
function logCollector(): { stream: Writable; lines: LogLine[]; raw: string[] } {
  const lines: LogLine[] = [];
  const raw: string[] = [];
  let rest = '';
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      const parts = (rest + chunk.toString('utf8')).split('\n');
      rest = parts.pop() ?? '';
      for (const line of parts) {
        if (!line) continue;
        raw.push(line);
        lines.push(JSON.parse(line) as LogLine);
      }
      done();
    },
  });
  return { stream, lines, raw };
}

/** One series of the Prometheus text format; labels in any order. */
function series(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    const match = /^[^{ ]+(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match) continue;
    const found = Object.fromEntries(
      [...(match[1] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1], m[2]]),
    );
    if (Object.entries(labels).every(([k, v]) => found[k] === v)) return Number(match[2]);
  }
  return undefined;
}

function documentFrom(from: typeof G22, to: string[], subject: string, attachment: Buffer): EdocPackage {
  return {
    kind: 'edoc',
    messageHeader: {
      from: { organId: from.code, organName: from.name },
      to: to.map((organId) => ({ organId })),
      code: { codeNumber: randomBytes(3).toString('hex'), codeNotation: 'OBS-LT' },
      promulgationInfo: { place: 'Hà Nội', promulgationDate: formatEdxmlDate(new Date()) },
      documentType: { type: '1', typeName: 'Công văn' },
      subject,
    },
    traceHeaderList: { traceHeader: [] },
    attachments: [
      {
        contentId: 'att-0',
        attachmentName: 'ke-hoach.pdf',
        contentType: 'application/pdf',
        data: attachment,
      },
    ],
  };
}

/** Lets nobody connect to a database, its existing connections closed; undone by the returned function. */
async function cutOff(database: string): Promise<() => Promise<void>> {
  const admin = async (sql: string) => {
    const client = new Client({ connectionString: TEST_POSTGRES_URL });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  await admin(`ALTER DATABASE "${database}" ALLOW_CONNECTIONS false`);
  await admin(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '${database}'`);
  return () => admin(`ALTER DATABASE "${database}" ALLOW_CONNECTIONS true`);
}

describe('observability: metrics, health and logs of a running network', () => {
  let net: Network;
  const logs = logCollector();
  const get = (url: string) =>
    fetch(url).then(async (r) => ({ status: r.status, text: await r.text(), headers: r.headers }));
  const metricsOf = async (url: string) => {
    const res = await get(`${url}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/plain');
    return res.text;
  };

  beforeAll(async () => {
    net = await startNetwork(
      [
        { id: 'node-vpcp', mode: 'dedicated', agencies: [G22] },
        { id: 'node-shared', mode: 'shared', agencies: [H41] },
      ],
      { logDestination: logs.stream },
    );
  });

  afterAll(async () => {
    await net?.close();
  });

  let sent: { id: string; documentId: string };
  const subject = `Báo cáo quan sát ${randomBytes(4).toString('hex')}`;
  const attachment = randomBytes(1024);

  it('counts the document on both nodes and at the axis', async () => {
    const pkg = documentFrom(G22, [H41.code], subject, attachment);
    const res = await net
      .agency(G22.code)
      .post<{ id: string; documentId: string }>('/api/v1/documents', buildEdxml(pkg));
    expect(res.status).toBe(202);
    sent = res.body;
    const sender = net.nodes['node-vpcp'].url;
    const recipient = net.nodes['node-shared'].url;

    // The status 01 back at the sender means everything on both nodes has happened.
    await waitFor('status 01 at the sender', async () => {
      const r = await net
        .agency(G22.code)
        .get<{ deliveries: { lastStatusCode?: string }[] }>(`/api/v1/documents/sent/${sent.id}`);
      return r.body.deliveries?.[0]?.lastStatusCode === '01' || undefined;
    });

    // Trace events leave at the end of their TRACE_BATCH_MS window: maybe after the 01 came back.
    const atSender = await waitFor('the sender to publish its trace events', async () => {
      const text = await metricsOf(sender);
      const traces = series(text, 'lienthong_bus_publish_confirm_seconds_count', {
        exchange: 'trace',
        outcome: 'routed',
      });
      return (traces ?? 0) >= 1 ? text : undefined;
    });
    expect(series(atSender, 'lienthong_documents_sent_total', { agency: G22.code, kind: 'edoc' })).toBe(1);
    expect(
      series(atSender, 'lienthong_bus_publish_confirm_seconds_count', {
        exchange: 'documents',
        outcome: 'routed',
      }),
    ).toBeGreaterThanOrEqual(1);
    expect(
      series(atSender, 'lienthong_bus_publish_confirm_seconds_count', {
        exchange: 'trace',
        outcome: 'routed',
      }),
    ).toBeGreaterThanOrEqual(1);
    // The status 01 came back verified and was received.
    expect(series(atSender, 'lienthong_documents_received_total', { agency: G22.code, kind: 'status' })).toBe(
      1,
    );
    expect(series(atSender, 'lienthong_signature_verifications_total', { result: 'ok' })).toBe(1);
    expect(
      series(atSender, 'lienthong_certificate_expiry_seconds', { kind: 'agency', agency: G22.code }),
    ).toBeGreaterThan(0);
    expect(series(atSender, 'lienthong_outbox_pending')).toBeGreaterThanOrEqual(0);
    expect(series(atSender, 'lienthong_outbox_oldest_pending_seconds')).toBeGreaterThanOrEqual(0);
    expect(atSender).toContain('process_resident_memory_bytes');

    const atRecipient = await metricsOf(recipient);
    expect(
      series(atRecipient, 'lienthong_documents_received_total', { agency: H41.code, kind: 'edoc' }),
    ).toBe(1);
    expect(series(atRecipient, 'lienthong_signature_verifications_total', { result: 'ok' })).toBe(1);
    expect(
      series(atRecipient, 'lienthong_bus_consumer_messages_total', { consumer: 'inbox', outcome: 'ack' }),
    ).toBe(1);
    expect(series(atRecipient, 'lienthong_documents_sent_total', { agency: H41.code, kind: 'status' })).toBe(
      1,
    );
    expect(
      series(atRecipient, 'lienthong_documents_sent_total', { agency: H41.code, kind: 'edoc' }),
    ).toBeUndefined();
    expect(
      series(atRecipient, 'lienthong_certificate_expiry_seconds', { kind: 'agency', agency: H41.code }),
    ).toBeGreaterThan(0);

    // The axis counts from the nodes' trace events, as they arrive: the sender's `published` may
    // leave at the end of a later TRACE_BATCH_MS window than the recipient's `delivered`.
    const atAxis = await waitFor('the axis to count the sending and the delivery', async () => {
      const text = await metricsOf(net.axisUrl);
      const received = series(text, 'lienthong_documents_received_total', { agency: H41.code, kind: 'edoc' });
      const published = series(text, 'lienthong_documents_sent_total', { agency: G22.code, kind: 'edoc' });
      return received !== undefined && published !== undefined ? text : undefined;
    });
    expect(series(atAxis, 'lienthong_documents_received_total', { agency: H41.code, kind: 'edoc' })).toBe(1);
    expect(series(atAxis, 'lienthong_documents_sent_total', { agency: G22.code, kind: 'edoc' })).toBe(1);
    expect(
      series(atAxis, 'lienthong_bus_consumer_messages_total', { consumer: 'trace', outcome: 'ack' }),
    ).toBeGreaterThanOrEqual(2);
    expect(
      series(atAxis, 'lienthong_certificate_expiry_seconds', { kind: 'agency', agency: G22.code }),
    ).toBeGreaterThan(0);
    expect(
      series(atAxis, 'lienthong_certificate_expiry_seconds', { kind: 'ca', agency: '' }),
    ).toBeGreaterThan(0);
  });

  it('is ready, and says so no longer while its database is unreachable', async () => {
    for (const url of [net.axisUrl, net.nodes['node-vpcp'].url, net.nodes['node-shared'].url]) {
      const live = await get(`${url}/health/live`);
      expect(live.status).toBe(200);
      const ready = await get(`${url}/health/ready`);
      expect(ready.status).toBe(200);
      expect(JSON.parse(ready.text)).toMatchObject({
        status: 'ok',
        info: { database: { status: 'up' }, bus: { status: 'up' }, consumers: { status: 'up' } },
      });
    }
    const nodeReady = JSON.parse((await get(`${net.nodes['node-shared'].url}/health/ready`)).text);
    expect(nodeReady.info.outbox).toMatchObject({ status: 'up' });

    const node = net.nodes['node-shared'].url;
    const restore = await cutOff(net.databases['node-shared'].name);
    try {
      const down = await waitFor('503 from the node', async () => {
        const res = await get(`${node}/health/ready`);
        return res.status === 503 ? JSON.parse(res.text) : undefined;
      });
      expect(down).toMatchObject({
        statusCode: 503,
        code: 'NOT_READY',
        status: 'error',
        error: { database: { status: 'down' } },
        details: { bus: { status: 'up' } },
      });
      // Liveness does not depend on the database: the process must not be restarted for it.
      expect((await get(`${node}/health/live`)).status).toBe(200);
    } finally {
      await restore();
    }
    await waitFor('the node ready again', async () =>
      (await get(`${node}/health/ready`)).status === 200 ? true : undefined,
    );
  });

  it('logs the document with its id and agency, and never a key or the package', async () => {
    const about = logs.lines.filter((l) => l.documentId === sent.documentId);
    const messages = (agency: string) => about.filter((l) => l.agency === agency).map((l) => l.msg);
    // At the sender: the request and the submission; at the recipient, inside the bus handler.
    expect(messages(G22.code)).toEqual(expect.arrayContaining(['document submitted', 'request completed']));
    expect(messages(H41.code)).toContain('document received');
    const received = about.find((l) => l.msg === 'document received')!;
    expect(received).toMatchObject({ app: 'node', node: 'node-shared', sender: G22.code, level: 'info' });
    const request = about.find((l) => l.msg === 'request completed')!;
    expect(request).toMatchObject({
      req: { method: 'POST', path: '/api/v1/documents' },
      res: { statusCode: 202 },
    });

    const everything = logs.raw.join('\n');
    expect(everything).not.toContain(net.apiKey(G22.code));
    expect(everything).not.toContain(net.apiKey(H41.code));
    expect(everything).not.toContain(subject);
    expect(everything).not.toContain(attachment.toString('base64').slice(0, 40));
    expect(everything).not.toContain('<edXML');
    expect(everything).not.toContain('PRIVATE KEY');
  });
});
