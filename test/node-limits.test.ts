import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { AmqpMessageBus } from '@lienthong/bus';
import { AMQP_URL, deleteBusTopology } from '@lienthong/bus/testing/amqp';
import { createTestDatabase, TestDatabase } from '@lienthong/common/testing/postgres';
import { buildEdxml, EdocPackage, formatEdxmlDate } from '@lienthong/edxml';
import { loadNodeConfig } from '../apps/node/src/config/node-config';
import { FakeAxis } from '../apps/node/src/testing/fake-axis';
import { startNode } from '../apps/node/src/testing/start-node';

/*
 * A dedicated node with a small MAX_PACKAGE_BYTES on real PostgreSQL and RabbitMQ: what it refuses
 * at the HTTP edge (oversized packages, removing its only agency), and that it still works below.
 */
jest.setTimeout(60_000);

const G22 = '000.00.00.G22';
const H41 = '000.00.00.H41';
const LIMIT = 64 * 1024;
const ADMIN_TOKEN = 'admin-token-for-the-limit-tests';
const quiet = { log: () => undefined, warn: () => undefined, error: () => undefined };

function documentPackage(subject: string): EdocPackage {
  return {
    kind: 'edoc',
    messageHeader: {
      from: { organId: G22, organName: 'Văn phòng Chính phủ' },
      to: [{ organId: H41 }],
      code: { codeNumber: randomBytes(3).toString('hex'), codeNotation: 'VPCP-TTĐT' },
      promulgationInfo: { place: 'Hà Nội', promulgationDate: formatEdxmlDate(new Date()) },
      documentType: { type: '1', typeName: 'Công văn' },
      subject,
    },
    traceHeaderList: { traceHeader: [] },
    attachments: [],
  };
}

describe('node limits (dedicated, MAX_PACKAGE_BYTES = 64 KiB)', () => {
  const prefix = `nodelimits-${randomBytes(4).toString('hex')}`;
  let bus: AmqpMessageBus;
  let db: TestDatabase;
  let node: Awaited<ReturnType<typeof startNode>>;
  let apiKey: string;

  const admin = {
    get: (path: string) => request(node.url).get(path).set('authorization', `Bearer ${ADMIN_TOKEN}`),
    post: (path: string) => request(node.url).post(path).set('authorization', `Bearer ${ADMIN_TOKEN}`),
    delete: (path: string) => request(node.url).delete(path).set('authorization', `Bearer ${ADMIN_TOKEN}`),
  };
  const submit = () => request(node.url).post('/api/v1/documents').set('x-api-key', apiKey);

  /** The error shape every refusal has, with the limit in the sentence. */
  const expectTooLarge = (res: request.Response) => {
    expect(res.status).toBe(413);
    expect(res.body).toMatchObject({ statusCode: 413, code: 'PACKAGE_TOO_LARGE', details: { limit: LIMIT } });
    expect(typeof res.body.message).toBe('string');
    expect(res.body.message).toContain(String(LIMIT));
  };

  beforeAll(async () => {
    bus = await AmqpMessageBus.connect({ url: AMQP_URL, topology: { prefix }, logger: quiet });
    await bus.assertCoreTopology();
    const axis = new FakeAxis(bus);
    const token = await axis.register(G22, 'Văn phòng Chính phủ');
    await axis.register(H41, 'UBND tỉnh Nghệ An');
    db = await createTestDatabase('node_limits');
    node = await startNode(
      loadNodeConfig({
        DATABASE_URL: db.url,
        AMQP_URL,
        BUS_PREFIX: prefix,
        PORT: '0',
        NODE_MODE: 'dedicated',
        NODE_ID: 'node-limits',
        AXIS_URL: 'http://axis.invalid',
        NODE_ADMIN_TOKEN: ADMIN_TOKEN,
        NODE_KEY_PASSPHRASE: 'passphrase-of-the-tests',
        MAX_PACKAGE_BYTES: String(LIMIT),
        OUTBOX_POLL_MS: '50',
      }),
      { axisClient: axis },
    );
    await admin.post('/api/v1/admin/agencies').send({ code: G22, enrollmentToken: token }).expect(201);
    const key = await admin
      .post('/api/v1/admin/api-keys')
      .send({ name: 'software', agencies: [G22] })
      .expect(201);
    apiKey = key.body.key;
  });

  afterAll(async () => {
    await node?.close();
    await bus?.close({ graceMs: 0 });
    if (bus) await deleteBusTopology(AMQP_URL, bus.topology, [G22, H41]);
    await db?.drop();
  });

  it('takes a package under the limit', async () => {
    const res = await submit()
      .set('content-type', 'application/xml')
      .send(buildEdxml(documentPackage('Nhỏ')));
    expect(res.status).toBe(202);
  });

  it('refuses an application/xml package over the limit with 413 PACKAGE_TOO_LARGE', async () => {
    const xml = buildEdxml(documentPackage('Lớn '.repeat(LIMIT / 4)));
    expect(Buffer.byteLength(xml)).toBeGreaterThan(LIMIT);
    expectTooLarge(await submit().set('content-type', 'application/xml').send(xml));
  });

  it('refuses a multipart package over the limit with 413 PACKAGE_TOO_LARGE', async () => {
    const { attachments: _, ...json } = documentPackage('Tệp lớn');
    const res = await submit()
      .field('metadata', JSON.stringify(json))
      .attach('files', randomBytes(LIMIT + 1024), { filename: 'lon.pdf', contentType: 'application/pdf' });
    expectTooLarge(res);
  });

  it('refuses a multipart package whose files are each under the limit but together over it', async () => {
    const { attachments: _, ...json } = documentPackage('Nhiều tệp');
    const res = await submit()
      .field('metadata', JSON.stringify(json))
      .attach('files', randomBytes(LIMIT / 2), { filename: 'a.pdf', contentType: 'application/pdf' })
      .attach('files', randomBytes(LIMIT / 2), { filename: 'b.pdf', contentType: 'application/pdf' });
    expectTooLarge(res);
  });

  it('refuses to remove its only agency (409) and keeps serving it', async () => {
    const res = await admin.delete(`/api/v1/admin/agencies/${G22}`);
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ statusCode: 409, code: 'DEDICATED_NODE_LAST_AGENCY' });
    const listed = await admin.get('/api/v1/admin/agencies').expect(200);
    expect(listed.body).toEqual([expect.objectContaining({ code: G22, consuming: true })]);
    const missing = await admin.delete('/api/v1/admin/agencies/000.00.00.H99');
    expect(missing.status).toBe(404);
  });
});
