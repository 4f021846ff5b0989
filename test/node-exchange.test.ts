import { randomBytes, randomUUID } from 'node:crypto';
import { Client } from 'pg';
import request from 'supertest';
import { AmqpMessageBus, IncomingMessage, Subscription } from '@lienthong/bus';
import { AMQP_URL, deleteBusTopology } from '@lienthong/bus/testing/amqp';
import { createTestDatabase, TestDatabase } from '@lienthong/common/testing/postgres';
import { buildEdxml, EdocPackage, formatEdxmlDate } from '@lienthong/edxml';
import { verifyEdxmlSignature } from '@lienthong/pki';
import { MESSAGE_HEADERS, TraceEvent, TraceMessageBody } from '@lienthong/protocol';
import { loadNodeConfig, NodeConfig } from '../apps/node/src/config/node-config';
import { FakeAxis } from '../apps/node/src/testing/fake-axis';
import { startNode } from '../apps/node/src/testing/start-node';
import { waitFor } from './support/wait-for';

/*
 * Two nodes in this process against real PostgreSQL and RabbitMQ, with the axis faked through the
 * node's AxisClient port: a dedicated node for G22 and a shared node for H41 and H57.
 */
jest.setTimeout(90_000);

const G22 = '000.00.00.G22';
const H41 = '000.00.00.H41';
const H57 = '000.00.00.H57';
/** In the directory, but the axis never declared its queue. */
const X99 = '000.00.00.X99';
const ADMIN_TOKEN = 'admin-token-for-the-node-tests';

type Node = Awaited<ReturnType<typeof startNode>>;

interface Delivery {
  code: string;
  state: string;
  lastStatusCode?: string;
  timeline: { event: string; statusCode?: string; detail?: string }[];
}

const quiet = { log: () => undefined, warn: () => undefined, error: () => undefined };

let serial = 0;
function documentJson(
  to: string[],
  subject = 'Kế hoạch triển khai liên thông văn bản',
): Omit<EdocPackage, 'attachments'> {
  serial += 1;
  return {
    kind: 'edoc',
    messageHeader: {
      from: { organId: G22, organName: 'Văn phòng Chính phủ' },
      to: to.map((organId) => ({ organId })),
      code: { codeNumber: `${serial}${randomBytes(3).toString('hex')}`, codeNotation: 'VPCP-TTĐT' },
      promulgationInfo: { place: 'Hà Nội', promulgationDate: formatEdxmlDate(new Date()) },
      documentType: { type: '1', typeName: 'Công văn' },
      subject,
    },
    traceHeaderList: { traceHeader: [] },
  };
}

describe('node exchange over RabbitMQ and PostgreSQL', () => {
  const prefix = `nodetest-${randomBytes(4).toString('hex')}`;
  const traces: TraceEvent[] = [];
  let bus: AmqpMessageBus;
  let traceSubscription: Subscription;
  let axis: FakeAxis;
  let dbDedicated: TestDatabase;
  let dbShared: TestDatabase;
  let dedicated: Node;
  let shared: Node;
  const keys: Record<string, string> = {};

  const config = (db: TestDatabase, mode: 'dedicated' | 'shared', nodeId: string): NodeConfig =>
    loadNodeConfig({
      DATABASE_URL: db.url,
      AMQP_URL,
      BUS_PREFIX: prefix,
      PORT: '0',
      NODE_MODE: mode,
      NODE_ID: nodeId,
      AXIS_URL: 'http://axis.invalid',
      NODE_ADMIN_TOKEN: ADMIN_TOKEN,
      NODE_KEY_PASSPHRASE: 'passphrase-of-the-tests',
      OUTBOX_POLL_MS: '50',
      TRUST_REFRESH_SECONDS: '2',
    });

  const admin = (node: Node) => ({
    post: (path: string) => request(node.url).post(path).set('authorization', `Bearer ${ADMIN_TOKEN}`),
    get: (path: string) => request(node.url).get(path).set('authorization', `Bearer ${ADMIN_TOKEN}`),
  });
  const as = (node: Node, agency: string) => ({
    get: (path: string) => request(node.url).get(path).set('x-api-key', keys[agency]),
    post: (path: string) => request(node.url).post(path).set('x-api-key', keys[agency]),
  });

  const submitXml = (node: Node, agency: string, pkg: EdocPackage) =>
    as(node, agency).post('/api/v1/documents').set('content-type', 'application/xml').send(buildEdxml(pkg));

  const deliveries = async (id: string): Promise<Delivery[]> => {
    const res = await as(dedicated, G22).get(`/api/v1/documents/sent/${id}`).expect(200);
    return res.body.deliveries as Delivery[];
  };
  const deliveryOf = async (id: string, code: string) => (await deliveries(id)).find((d) => d.code === code);
  const statusCodes = (d: Delivery | undefined) =>
    (d?.timeline ?? []).filter((e) => e.event === 'status').map((e) => e.statusCode);

  const inboxItem = (agency: string, documentId: string, includeTaken = false) =>
    waitFor(`${documentId} in the inbox of ${agency}`, async () => {
      const res = await as(shared, agency)
        .get(`/api/v1/inbox${includeTaken ? '?includeTaken=true' : ''}`)
        .expect(200);
      return (res.body as { id: string; documentId: string }[]).find((i) => i.documentId === documentId);
    });

  beforeAll(async () => {
    bus = await AmqpMessageBus.connect({ url: AMQP_URL, topology: { prefix }, logger: quiet });
    await bus.assertCoreTopology();
    traceSubscription = await bus.consume(bus.topology.traceQueue, (m: IncomingMessage) => {
      // One event, or several in one message (libs/protocol TraceMessageBody).
      const body = JSON.parse(m.body.toString('utf8')) as TraceMessageBody;
      traces.push(...(Array.isArray(body) ? body : [body]));
      return { action: 'ack' };
    });
    axis = new FakeAxis(bus);
    const tokens = {
      [G22]: await axis.register(G22, 'Văn phòng Chính phủ'),
      [H41]: await axis.register(H41, 'UBND tỉnh Nghệ An'),
      [H57]: await axis.register(H57, 'UBND tỉnh Quảng Nam'),
    };
    await axis.register(X99, 'Cơ quan chưa kết nối', { queue: false });

    [dbDedicated, dbShared] = await Promise.all([
      createTestDatabase('node_dedicated'),
      createTestDatabase('node_shared'),
    ]);
    [dedicated, shared] = await Promise.all([
      startNode(config(dbDedicated, 'dedicated', 'node-vpcp'), { axisClient: axis }),
      startNode(config(dbShared, 'shared', 'node-shared'), { axisClient: axis }),
    ]);

    for (const [node, code] of [
      [dedicated, G22],
      [shared, H41],
      [shared, H57],
    ] as const) {
      const hosted = await admin(node)
        .post('/api/v1/admin/agencies')
        .send({ code, enrollmentToken: tokens[code] });
      expect(hosted.status).toBe(201);
      expect(hosted.body).toMatchObject({ code, consuming: true });
      const key = await admin(node)
        .post('/api/v1/admin/api-keys')
        .send({ name: `software of ${code}`, agencies: [code] });
      expect(key.status).toBe(201);
      keys[code] = key.body.key;
    }
  });

  afterAll(async () => {
    await Promise.allSettled([dedicated?.close(), shared?.close()]);
    await traceSubscription?.cancel();
    await bus?.close({ graceMs: 0 });
    if (bus) await deleteBusTopology(AMQP_URL, bus.topology, [G22, H41, H57]);
    await Promise.allSettled([dbDedicated?.drop(), dbShared?.drop()]);
  });

  describe('admin', () => {
    it('enrolled each agency with a CSR from its node and keeps the private key encrypted', async () => {
      expect(axis.enrollments.map((e) => e.nodeId).sort()).toEqual([
        'node-shared',
        'node-shared',
        'node-vpcp',
      ]);
      const db = new Client({ connectionString: dbShared.url });
      await db.connect();
      try {
        const { rows } = await db.query<{ key_pem: string }>(
          'SELECT key_pem FROM hosted_agency ORDER BY code',
        );
        expect(rows).toHaveLength(2);
        for (const row of rows) expect(row.key_pem).toContain('BEGIN ENCRYPTED PRIVATE KEY');
      } finally {
        await db.end();
      }
    });

    it('refuses a second agency on a dedicated node, a wrong token, and a missing admin token', async () => {
      const second = await admin(dedicated)
        .post('/api/v1/admin/agencies')
        .send({ code: H57, enrollmentToken: axis.issueToken(H57) });
      expect(second.status).toBe(409);
      expect(second.body.code).toBe('DEDICATED_NODE_OCCUPIED');

      const wrong = await admin(shared)
        .post('/api/v1/admin/agencies')
        .send({ code: '000.00.00.H99', enrollmentToken: 'not-a-token' });
      expect(wrong.status).toBe(422);
      expect(wrong.body.code).toBe('ENROLLMENT_REFUSED');

      const anonymous = await request(shared.url).get('/api/v1/admin/api-keys');
      expect(anonymous.status).toBe(401);
      expect(anonymous.body.code).toBe('ADMIN_TOKEN_INVALID');
    });

    it('lists API keys without the key itself, and a disabled key stops working', async () => {
      const created = await admin(shared)
        .post('/api/v1/admin/api-keys')
        .send({ name: 'temporary', agencies: [H41] });
      const listed = await admin(shared).get('/api/v1/admin/api-keys').expect(200);
      expect(listed.body.find((k: { id: string }) => k.id === created.body.id)).not.toHaveProperty('key');
      await request(shared.url).get('/api/v1/inbox').set('x-api-key', created.body.key).expect(200);
      await admin(shared).post(`/api/v1/admin/api-keys/${created.body.id}/disable`).expect(200);
      const refused = await request(shared.url).get('/api/v1/inbox').set('x-api-key', created.body.key);
      expect(refused.status).toBe(401);
      expect(refused.body.code).toBe('API_KEY_INVALID');
    });
  });

  describe('G22 → H41', () => {
    const attachment = Buffer.concat([Buffer.from('%PDF-1.4\n'), randomBytes(2048)]);
    let sent: { id: string; documentId: string; recipients: string[] };
    let received: { id: string };

    it('accepts a multipart document with an attachment at once (202)', async () => {
      const res = await as(dedicated, G22)
        .post('/api/v1/documents')
        .field('metadata', JSON.stringify(documentJson([H41])))
        .attach('files', attachment, { filename: 'kế-hoạch.pdf', contentType: 'application/pdf' });
      expect(res.status).toBe(202);
      expect(res.body.recipients).toEqual([H41]);
      expect(res.body.documentId).toMatch(/^000\.00\.00\.G22,\d{4}\/\d{2}\/\d{2},/);
      sent = res.body;
    });

    it('arrives byte-identical and verified, with its attachment', async () => {
      received = await inboxItem(H41, sent.documentId);
      const [inboxPackage, sentPackage] = await Promise.all([
        as(shared, H41).get(`/api/v1/inbox/${received.id}/package`).buffer(true).parse(binary).expect(200),
        as(dedicated, G22)
          .get(`/api/v1/documents/sent/${sent.id}/package`)
          .buffer(true)
          .parse(binary)
          .expect(200),
      ]);
      expect(inboxPackage.headers['content-type']).toMatch(/^application\/xml/);
      expect(Buffer.compare(inboxPackage.body, sentPackage.body)).toBe(0);
      const report = verifyEdxmlSignature(inboxPackage.body as Buffer, {
        trustAnchorPems: [axis.ca.certPem],
      });
      expect(report.verdict).toBe('valid');
      expect(report.signer?.organId).toBe(G22);

      const detail = await as(shared, H41).get(`/api/v1/inbox/${received.id}`).expect(200);
      expect(detail.body).toMatchObject({ sender: G22, agency: H41, documentId: sent.documentId });
      expect(detail.body.metadata.attachments).toEqual([
        expect.objectContaining({
          index: 0,
          attachmentName: 'kế-hoạch.pdf',
          contentType: 'application/pdf',
          size: attachment.length,
        }),
      ]);

      const file = await as(shared, H41)
        .get(`/api/v1/inbox/${received.id}/attachments/0`)
        .buffer(true)
        .parse(binary)
        .expect(200);
      expect(file.headers['content-type']).toBe('application/pdf');
      expect(file.headers['content-disposition']).toContain(encodeURIComponent('kế-hoạch.pdf'));
      expect(Buffer.compare(file.body, attachment)).toBe(0);
      await as(shared, H41).get(`/api/v1/inbox/${received.id}/attachments/1`).expect(404);
    });

    it("shows the automatic status 01 on G22's timeline", async () => {
      const h41 = await waitFor('status 01', async () => {
        const d = await deliveryOf(sent.id, H41);
        return statusCodes(d).includes('01') ? d : undefined;
      });
      expect(h41.timeline.map((e) => e.event)).toEqual(
        expect.arrayContaining(['submitted', 'published', 'status']),
      );
      expect(h41.lastStatusCode).toBe('01');
    });

    it('lets H41 take the document (idempotently) and answer 03 then 06, both reaching G22', async () => {
      const first = await as(shared, H41).post(`/api/v1/inbox/${received.id}/taken`).expect(200);
      const again = await as(shared, H41).post(`/api/v1/inbox/${received.id}/taken`).expect(200);
      expect(again.body.takenAt).toBe(first.body.takenAt);
      const open = await as(shared, H41).get('/api/v1/inbox').expect(200);
      expect(open.body.map((i: { id: string }) => i.id)).not.toContain(received.id);

      await as(shared, H41)
        .post(`/api/v1/inbox/${received.id}/statuses`)
        .send({ statusCode: '03' })
        .expect(202);
      await waitFor('status 03', async () =>
        statusCodes(await deliveryOf(sent.id, H41)).includes('03') ? true : undefined,
      );
      await as(shared, H41)
        .post(`/api/v1/inbox/${received.id}/statuses`)
        .send({ statusCode: '06', description: 'Đã xử lý xong', staffInfo: { staff: 'Nguyễn Văn B' } })
        .expect(202);
      const h41 = await waitFor('status 06', async () => {
        const d = await deliveryOf(sent.id, H41);
        return statusCodes(d).includes('06') ? d : undefined;
      });
      expect(statusCodes(h41)).toEqual(['01', '03', '06']);
      expect(h41.lastStatusCode).toBe('06');

      const refused = await as(shared, H41)
        .post(`/api/v1/inbox/${received.id}/statuses`)
        .send({ statusCode: '01' });
      expect(refused.status).toBe(422);
    });

    it('reported every step to the axis trace exchange under one document uuid', async () => {
      const events = await waitFor('trace events', async () => {
        const mine = traces.filter((t) => t.documentUuid === sent.id);
        const names = new Set(mine.map((t) => t.event));
        return ['submitted', 'published', 'delivered', 'taken', 'status'].every((n) => names.has(n as never))
          ? mine
          : undefined;
      });
      expect(events.find((e) => e.event === 'delivered')).toMatchObject({
        nodeId: 'node-shared',
        recipient: H41,
        sender: G22,
      });
      expect(events.every((e) => !JSON.stringify(e).includes('Kế hoạch'))).toBe(true);
    });

    it('stores a message published twice once', async () => {
      const original = await as(dedicated, G22)
        .get(`/api/v1/documents/sent/${sent.id}/package`)
        .buffer(true)
        .parse(binary);
      const messageId = randomUUID();
      for (let i = 0; i < 2; i++) {
        await bus.publish({
          exchange: 'documents',
          routingKey: H41,
          messageId,
          body: original.body,
          headers: {
            [MESSAGE_HEADERS.kind]: 'edoc',
            [MESSAGE_HEADERS.from]: G22,
            [MESSAGE_HEADERS.document]: sent.id,
          },
        });
      }
      const copies = async () => {
        const res = await as(shared, H41).get('/api/v1/inbox?includeTaken=true').expect(200);
        return (res.body as { documentId: string }[]).filter((i) => i.documentId === sent.documentId).length;
      };
      await waitFor('the republished copy', async () => ((await copies()) === 2 ? true : undefined));
      await waitFor('an empty queue', async () =>
        (await bus.queueDepth(bus.topology.agencyInbox(H41))) === 0 ? true : undefined,
      );
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(await copies()).toBe(2);
    });
  });

  describe('several recipients', () => {
    it('tracks H41 and H57 separately', async () => {
      const pkg: EdocPackage = { ...documentJson([H41, H57]), attachments: [] };
      const res = await submitXml(dedicated, G22, pkg);
      expect(res.status).toBe(202);
      expect(res.body.recipients).toEqual([H41, H57]);
      const { id, documentId } = res.body;

      await inboxItem(H41, documentId);
      const atH57 = await inboxItem(H57, documentId);
      await as(shared, H57).post(`/api/v1/inbox/${atH57.id}/statuses`).send({ statusCode: '05' }).expect(202);

      const all = await waitFor('01 from both and 05 from H57', async () => {
        const ds = await deliveries(id);
        const h41 = ds.find((d) => d.code === H41);
        const h57 = ds.find((d) => d.code === H57);
        return statusCodes(h41).includes('01') && statusCodes(h57).includes('05') ? ds : undefined;
      });
      expect(statusCodes(all.find((d) => d.code === H41))).toEqual(['01']);
      expect(statusCodes(all.find((d) => d.code === H57))).toEqual(['01', '05']);
    });
  });

  describe('failures', () => {
    let toX99: { id: string; documentId: string };

    it('refuses a recipient missing from the directory (422 UNKNOWN_RECIPIENT)', async () => {
      const res = await submitXml(dedicated, G22, {
        ...documentJson([H41, '000.00.00.Z11']),
        attachments: [],
      });
      expect(res.status).toBe(422);
      expect(res.body).toMatchObject({
        code: 'UNKNOWN_RECIPIENT',
        details: { recipients: ['000.00.00.Z11'] },
      });
    });

    it('shows a recipient with no queue on the bus as a failed delivery', async () => {
      const res = await submitXml(dedicated, G22, { ...documentJson([X99]), attachments: [] });
      expect(res.status).toBe(202);
      toX99 = res.body;
      const x99 = await waitFor('failed delivery', async () => {
        const d = await deliveryOf(toX99.id, X99);
        return d?.state === 'failed' ? d : undefined;
      });
      expect(x99.timeline.find((e) => e.event === 'failed')?.detail).toContain('UNROUTABLE');
    });

    it('quarantines a tampered package and answers the sender with 02 and the reason', async () => {
      const signed = await as(dedicated, G22)
        .get(`/api/v1/documents/sent/${toX99.id}/package`)
        .buffer(true)
        .parse(binary);
      const text = (signed.body as Buffer).toString('utf8');
      const tampered = text.replace(
        `<edXML:OrganId>${X99}</edXML:OrganId>`,
        `<edXML:OrganId>${H41}</edXML:OrganId>`,
      );
      expect(tampered).not.toBe(text);
      const messageId = randomUUID();
      await bus.publish({
        exchange: 'documents',
        routingKey: H41,
        messageId,
        body: Buffer.from(tampered, 'utf8'),
        headers: {
          [MESSAGE_HEADERS.kind]: 'edoc',
          [MESSAGE_HEADERS.from]: G22,
          [MESSAGE_HEADERS.document]: toX99.id,
        },
      });

      const h41 = await waitFor('status 02', async () => {
        const d = await deliveryOf(toX99.id, H41);
        return statusCodes(d).includes('02') ? d : undefined;
      });
      expect(h41.timeline.find((e) => e.statusCode === '02')?.detail).toContain('DIGEST_MISMATCH');

      const db = new Client({ connectionString: dbShared.url });
      await db.connect();
      try {
        const { rows } = await db.query(
          'SELECT agency_code, reason_code, sender_hint FROM quarantine WHERE message_id = $1',
          [messageId],
        );
        expect(rows).toEqual([{ agency_code: H41, reason_code: 'DIGEST_MISMATCH', sender_hint: G22 }]);
      } finally {
        await db.end();
      }
      const inbox = await as(shared, H41).get('/api/v1/inbox?includeTaken=true').expect(200);
      expect(inbox.body.map((i: { documentId: string }) => i.documentId)).not.toContain(toX99.documentId);
    });
  });

  describe('tenant isolation on the shared node', () => {
    let h41Item: { id: string };

    beforeAll(async () => {
      const res = await submitXml(dedicated, G22, {
        ...documentJson([H41], 'Chỉ gửi UBND tỉnh Nghệ An'),
        attachments: [],
      });
      h41Item = await inboxItem(H41, res.body.documentId);
    });

    it("answers H57's key 404 for H41's document, exactly as for one that does not exist", async () => {
      const missing = await as(shared, H57).get(`/api/v1/inbox/${randomUUID()}`);
      for (const path of ['', '/package', '/attachments/0']) {
        const res = await as(shared, H57).get(`/api/v1/inbox/${h41Item.id}${path}`);
        expect(res.status).toBe(404);
        expect(res.body).toEqual(missing.body);
      }
      const taken = await as(shared, H57).post(`/api/v1/inbox/${h41Item.id}/taken`);
      expect(taken.status).toBe(404);
      const status = await as(shared, H57)
        .post(`/api/v1/inbox/${h41Item.id}/statuses`)
        .send({ statusCode: '03' });
      expect(status.status).toBe(404);
      const list = await as(shared, H57).get('/api/v1/inbox?includeTaken=true').expect(200);
      expect(list.body.map((i: { id: string }) => i.id)).not.toContain(h41Item.id);
      expect(list.body.every((i: { agency: string }) => i.agency === H57)).toBe(true);
      // H41's own key still sees it: the 404 above is scoping, not a missing row.
      await as(shared, H41).get(`/api/v1/inbox/${h41Item.id}`).expect(200);
    });

    it("refuses H57's key to send as H41 or list H41's documents, the same way as for an agency not hosted here", async () => {
      const asH41 = documentJson([G22]);
      asH41.messageHeader.from = { organId: H41 };
      const res = await submitXml(shared, H57, { ...asH41, attachments: [] });
      expect(res.status).toBe(403);
      expect(res.body.code).toBe('AGENCY_NOT_PERMITTED');

      const elsewhere = documentJson([G22]);
      elsewhere.messageHeader.from = { organId: '000.00.00.Q99' };
      const other = await submitXml(shared, H57, { ...elsewhere, attachments: [] });
      expect(other.status).toBe(403);
      expect(other.body.code).toBe(res.body.code);

      const listing = await as(shared, H57).get(`/api/v1/inbox?agency=${H41}`);
      expect(listing.status).toBe(403);
    });
  });

  describe('revoke, update, replace and withdraw', () => {
    interface InboxEntry {
      id: string;
      documentId: string;
      businessDocType?: number;
      originalId?: string;
      subject?: string;
    }
    interface TimelineStep {
      event: string;
      statusCode?: string;
      detail?: string;
      relatedId?: string;
    }
    let original: { id: string; documentId: string };
    const received: Record<string, InboxEntry> = {};

    /** The revocation/update/replacement `agency` received for its copy of the original. */
    const requestIn = (agency: string, businessDocType: number, documentId?: string) =>
      waitFor(`a type-${businessDocType} package at ${agency}`, async () => {
        const res = await as(shared, agency).get('/api/v1/inbox?includeTaken=true').expect(200);
        return (res.body as InboxEntry[]).find(
          (i) =>
            i.businessDocType === businessDocType &&
            i.originalId === received[agency].id &&
            (documentId === undefined || i.documentId === documentId),
        );
      });
    const timelineOf = async (id: string, code: string): Promise<TimelineStep[]> =>
      (await deliveryOf(id, code))?.timeline ?? [];
    const answer = (agency: string, id: string, statusCode: string) =>
      as(shared, agency).post(`/api/v1/inbox/${id}/statuses`).send({ statusCode });

    beforeAll(async () => {
      const res = await submitXml(dedicated, G22, {
        ...documentJson([H41, H57], 'Kế hoạch sẽ được thu hồi'),
        attachments: [],
      });
      expect(res.status).toBe(202);
      original = res.body;
      received[H41] = await inboxItem(H41, original.documentId);
      received[H57] = await inboxItem(H57, original.documentId);
      // Both copies acknowledged first, so each later 01 belongs to a later package.
      await waitFor('01 from both', async () => {
        const ds = await deliveries(original.id);
        return ds.every((d) => statusCodes(d).includes('01')) && ds.length === 2 ? true : undefined;
      });
    });

    it('refuses 15/16 for a document nobody asked anything about, and 13 from a recipient (422)', async () => {
      for (const statusCode of ['15', '16', '13']) {
        const res = await answer(H41, received[H41].id, statusCode);
        expect(res.status).toBe(422);
        expect(res.body).toMatchObject({ statusCode: 422, code: 'STATUS_NOT_APPLICABLE' });
      }
    });

    it("revokes at both recipients: linked type-1 packages, answered 15 by H41 and 16 by H57 on G22's timeline", async () => {
      const res = await as(dedicated, G22)
        .post(`/api/v1/documents/sent/${original.id}/revoke`)
        .send({ reason: 'Ban hành nhầm', staffInfo: { staff: 'Nguyễn Thị Ngọc Trâm' } });
      expect(res.status).toBe(202);
      expect(res.body).toMatchObject({
        documentId: original.documentId,
        recipients: [H41, H57],
        businessDocType: 1,
        originalId: original.id,
      });
      const revocation = res.body as { id: string };

      const [atH41, atH57] = [await requestIn(H41, 1), await requestIn(H57, 1)];
      expect(atH41.documentId).toBe(original.documentId);
      const detail = await as(shared, H41).get(`/api/v1/inbox/${atH41.id}`).expect(200);
      expect(detail.body.metadata.traceHeaderList.bussiness).toMatchObject({
        documentId: original.documentId,
        bussinessDocType: 1,
        bussinessDocReason: 'Ban hành nhầm',
      });
      const originalAtH41 = await as(shared, H41).get(`/api/v1/inbox/${received[H41].id}`).expect(200);
      expect(originalAtH41.body.related.map((r: InboxEntry) => r.id)).toEqual([atH41.id]);

      await answer(H41, atH41.id, '15').expect(202);
      await answer(H57, atH57.id, '16').expect(202);

      const [h41, h57] = await waitFor('15 from H41 and 16 from H57', async () => {
        const ds = await deliveries(original.id);
        const a = ds.find((d) => d.code === H41);
        const b = ds.find((d) => d.code === H57);
        return statusCodes(a).includes('15') && statusCodes(b).includes('16') ? [a!, b!] : undefined;
      });
      // The revocation's own 01 went to the revocation, not to the original.
      expect(statusCodes(h41)).toEqual(['01', '15']);
      expect(statusCodes(h57)).toEqual(['01', '16']);
      expect(h41.lastStatusCode).toBe('15');
      expect(h57.lastStatusCode).toBe('16');
      for (const [d, code] of [
        [h41, '15'],
        [h57, '16'],
      ] as const) {
        const steps = d.timeline as TimelineStep[];
        const request = steps.findIndex((e) => e.event === 'revoke');
        const reply = steps.findIndex((e) => e.statusCode === code);
        expect(steps[request]).toMatchObject({ detail: 'Ban hành nhầm', relatedId: revocation.id });
        expect(steps[reply]).toMatchObject({ event: 'status', relatedId: revocation.id });
        expect(reply).toBeGreaterThan(request);
      }

      const own = await as(dedicated, G22).get(`/api/v1/documents/sent/${revocation.id}`).expect(200);
      expect(own.body).toMatchObject({ businessDocType: 1, originalId: original.id });
      const ownH41 = (own.body.deliveries as Delivery[]).find((d) => d.code === H41);
      await waitFor("the revocation's 01", async () => {
        const d = await deliveryOf(revocation.id, H41);
        return statusCodes(d).includes('01') ? d : undefined;
      });
      expect(statusCodes(ownH41)).toContain('15');
      const originalDetail = await as(dedicated, G22)
        .get(`/api/v1/documents/sent/${original.id}`)
        .expect(200);
      expect(originalDetail.body.related).toEqual([
        expect.objectContaining({ id: revocation.id, businessDocType: 1, originalId: original.id }),
      ]);
      await waitFor('15 reported to the axis', async () =>
        traces.some((t) => t.event === 'status' && t.statusCode === '15' && t.documentUuid === revocation.id)
          ? true
          : undefined,
      );
    });

    it('updates for H41: a type-2 package with the new subject and the same DocumentId, answered 15', async () => {
      const res = await as(dedicated, G22)
        .post(`/api/v1/documents/sent/${original.id}/update`)
        .send({
          reason: 'Sửa trích yếu',
          changes: { subject: 'Kế hoạch (đã sửa trích yếu)' },
          receivers: [{ organId: H41, receiverType: 0 }],
        });
      expect(res.status).toBe(202);
      expect(res.body).toMatchObject({
        recipients: [H41],
        businessDocType: 2,
        documentId: original.documentId,
      });
      const update = res.body as { id: string };

      const atH41 = await requestIn(H41, 2);
      expect(atH41.subject).toBe('Kế hoạch (đã sửa trích yếu)');
      const detail = await as(shared, H41).get(`/api/v1/inbox/${atH41.id}`).expect(200);
      expect(detail.body.metadata.traceHeaderList.bussiness.bussinessDocumentInfo).toEqual({
        documentInfo: '1',
        documentReceiver: '1',
        receiverList: [{ organId: H41, receiverType: 0 }],
      });
      await answer(H41, atH41.id, '15').expect(202);

      const step = await waitFor('15 for the update', async () =>
        (await timelineOf(original.id, H41)).find((e) => e.statusCode === '15' && e.relatedId === update.id),
      );
      expect(step.event).toBe('status');
      expect((await timelineOf(original.id, H57)).some((e) => e.event === 'update')).toBe(false);
    });

    it('replaces for H57 with a new document of its own (multipart), answered 16 on both timelines', async () => {
      const replacement = documentJson([H57], 'Kế hoạch thay thế');
      const res = await as(dedicated, G22)
        .post(`/api/v1/documents/sent/${original.id}/replace?reason=${encodeURIComponent('Thay thế')}`)
        .field('metadata', JSON.stringify(replacement))
        .attach('files', Buffer.from('%PDF-1.4 thay thế'), {
          filename: 'thay-the.pdf',
          contentType: 'application/pdf',
        });
      expect(res.status).toBe(202);
      expect(res.body).toMatchObject({ recipients: [H57], businessDocType: 3, originalId: original.id });
      expect(res.body.documentId).not.toBe(original.documentId);
      const sent = res.body as { id: string; documentId: string };

      const atH57 = await requestIn(H57, 3, sent.documentId);
      const detail = await as(shared, H57).get(`/api/v1/inbox/${atH57.id}`).expect(200);
      expect(detail.body.metadata.traceHeaderList.bussiness).toMatchObject({
        bussinessDocType: 3,
        bussinessDocReason: 'Thay thế',
        replacementInfoList: [{ documentId: original.documentId, organIdList: [H57] }],
      });
      expect(detail.body.metadata.attachments).toEqual([
        expect.objectContaining({ attachmentName: 'thay-the.pdf' }),
      ]);
      await answer(H57, atH57.id, '16').expect(202);

      const onOriginal = await waitFor('16 for the replacement', async () =>
        (await timelineOf(original.id, H57)).find((e) => e.statusCode === '16' && e.relatedId === sent.id),
      );
      expect(onOriginal.event).toBe('status');
      const own = await waitFor("the replacement's 01 and 16", async () => {
        const codes = statusCodes(await deliveryOf(sent.id, H57));
        return codes.includes('01') && codes.includes('16') ? codes : undefined;
      });
      expect(own).toEqual(['01', '16']);
    });

    it("withdraws with a 13 the recipient sees with its document and answers 15, shown on G22's timeline", async () => {
      const res = await submitXml(dedicated, G22, {
        ...documentJson([H41], 'Văn bản sẽ lấy lại'),
        attachments: [],
      });
      const doc = res.body as { id: string; documentId: string };
      const atH41 = await inboxItem(H41, doc.documentId);

      const withdrawn = await as(dedicated, G22)
        .post(`/api/v1/documents/sent/${doc.id}/withdraw`)
        .send({ reason: 'Văn thư yêu cầu lấy lại văn bản' });
      expect(withdrawn.status).toBe(202);
      expect(withdrawn.body).toMatchObject({ id: doc.id, recipients: [H41] });
      const [{ id: statusId }] = withdrawn.body.statuses as { id: string }[];

      const request = await waitFor('the 13 at H41', async () => {
        const res = await as(shared, H41).get(`/api/v1/inbox/${atH41.id}`).expect(200);
        return (res.body.senderStatuses as { statusCode: string; description?: string }[]).find(
          (s) => s.statusCode === '13',
        );
      });
      expect(request.description).toBe('Văn thư yêu cầu lấy lại văn bản');
      await answer(H41, atH41.id, '15').expect(202);

      const steps = await waitFor('15 for the withdrawal', async () => {
        const t = await timelineOf(doc.id, H41);
        return t.some((e) => e.statusCode === '15') ? t : undefined;
      });
      expect(steps.find((e) => e.event === 'withdraw')).toMatchObject({
        statusCode: '13',
        relatedId: statusId,
      });
      expect(steps.find((e) => e.statusCode === '15')).toMatchObject({
        event: 'status',
        relatedId: statusId,
      });
    });

    it("answers another tenant's key 404 for every request, exactly as for a missing document", async () => {
      const res = await submitXml(shared, H57, {
        ...documentJson([G22], 'Của UBND tỉnh Quảng Nam'),
        attachments: [],
        messageHeader: { ...documentJson([G22]).messageHeader, from: { organId: H57 } },
      });
      expect(res.status).toBe(202);
      const missing = await as(shared, H41)
        .post(`/api/v1/documents/sent/${randomUUID()}/revoke`)
        .send({ reason: 'r' });
      expect(missing.status).toBe(404);
      for (const [path, body] of [
        ['revoke', { reason: 'r' }],
        ['update', { reason: 'r', changes: { subject: 's' } }],
        ['withdraw', { reason: 'r' }],
      ] as const) {
        const attempt = await as(shared, H41)
          .post(`/api/v1/documents/sent/${res.body.id}/${path}`)
          .send(body);
        expect(attempt.status).toBe(404);
        expect(attempt.body).toEqual(missing.body);
      }
      const replace = await as(shared, H41)
        .post(`/api/v1/documents/sent/${res.body.id}/replace`)
        .set('content-type', 'application/xml')
        .send(buildEdxml({ ...documentJson([G22]), attachments: [] }));
      expect(replace.status).toBe(404);
      // H57's own key reaches it: the 404s above are scoping.
      await as(shared, H57).get(`/api/v1/documents/sent/${res.body.id}`).expect(200);
    });
  });

  describe('operations', () => {
    it('is ready, serves the directory to API keys and its OpenAPI description', async () => {
      const ready = await request(shared.url).get('/health/ready').expect(200);
      expect(ready.body).toMatchObject({
        status: 'ok',
        info: { database: { status: 'up' }, bus: { status: 'up' }, consumers: { status: 'up' } },
      });
      const directory = await as(shared, H57).get('/api/v1/directory').expect(200);
      expect(directory.body.map((e: { code: string }) => e.code)).toEqual(
        expect.arrayContaining([G22, H41, H57, X99]),
      );
      await request(shared.url).get('/api/v1/directory').expect(401);
      const openapi = await request(shared.url).get('/docs-json').expect(200);
      expect(Object.keys(openapi.body.paths)).toEqual(
        expect.arrayContaining([
          '/api/v1/documents',
          '/api/v1/documents/sent/{id}/revoke',
          '/api/v1/documents/sent/{id}/update',
          '/api/v1/documents/sent/{id}/replace',
          '/api/v1/documents/sent/{id}/withdraw',
          '/api/v1/inbox/{id}/statuses',
          '/api/v1/admin/agencies',
        ]),
      );
      // Response shapes are described, errors included.
      const submit = openapi.body.paths['/api/v1/documents'].post.responses;
      expect(submit['202'].content['application/json'].schema.$ref).toMatch(/SubmitResultResponse$/);
      expect(submit['413'].content['application/json'].schema.$ref).toMatch(/ErrorResponse$/);
      expect(Object.keys(openapi.body.components.schemas.SentDocumentDetailResponse.properties)).toEqual(
        expect.arrayContaining(['deliveries', 'related', 'originalId']),
      );
    });
  });
});

/** supertest body parser that keeps the response bytes exactly (no text decoding). */
function binary(res: request.Response, done: (error: Error | null, body: Buffer) => void): void {
  const stream = res as unknown as NodeJS.ReadableStream;
  const chunks: Buffer[] = [];
  stream.on('data', (chunk: Buffer) => chunks.push(chunk));
  stream.on('end', () => done(null, Buffer.concat(chunks)));
}
