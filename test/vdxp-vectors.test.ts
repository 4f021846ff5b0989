import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Client } from 'pg';
import request from 'supertest';
import { AmqpMessageBus } from '@lienthong/bus';
import { AMQP_URL, deleteBusTopology } from '@lienthong/bus/testing/amqp';
import { createTestDatabase, TestDatabase } from '@lienthong/common/testing/postgres';
import { buildEdxml, EdocPackage, formatEdxmlDate, formatEdxmlTimestamp } from '@lienthong/edxml';
import { issueAgencyCertificate, signEdxmlPackage } from '@lienthong/pki';
import { loadNodeConfig } from '../apps/node/src/config/node-config';
import { FakeAxis } from '../apps/node/src/testing/fake-axis';
import { startNode } from '../apps/node/src/testing/start-node';
import {
  CapturedRequest,
  javaHashMapOrder,
  parseCapturedRequest,
  replayRaw,
  SdkClient,
  sdkReads,
  signHeaders,
  VdxpResponse,
} from './support/vdxp-client';
import { waitFor } from './support/wait-for';

/*
 * Every request the official VPCP SDK sent in ../shared/vdxp-wire, replayed byte for byte against
 * real nodes (PostgreSQL, RabbitMQ, the axis faked through its port), with the connector of the
 * captures, `vxp.saas.03`, hosting the agencies the vectors name. Node A hosts the sender
 * (002.00.20.H13) and the agencies of the status vector (000.00.00.H41, 000.00.00.G22); node B the
 * recipient 000.00.15.H51, each with its own `vxp.saas.03` connector, as two shared servers would.
 * The vectors name one document b9537430-… on both sides (the capture server was one axis): the
 * test gives that id to the sender's copy at A and the recipient's copy at B once it has arrived.
 */
jest.setTimeout(120_000);

const WIRE = resolve(__dirname, '../../shared/vdxp-wire');
const SYSTEM_ID = 'vxp.saas.03';
const SECRET = 'TEST-ONLY-secret-0123456789abcdef';
const ADMIN_TOKEN = 'admin-token-of-the-vdxp-vectors';
const H13 = '002.00.20.H13';
const H51 = '000.00.15.H51';
const G22 = '000.00.00.G22';
const H41 = '000.00.00.H41';
const DOC_ID = 'b9537430-486a-568f-b8bd-d63dc9569ae1';

type Node = Awaited<ReturnType<typeof startNode>>;

const vector = (name: string): CapturedRequest => parseCapturedRequest(readFileSync(resolve(WIRE, name)));
const requestFiles = readdirSync(WIRE).filter((f) => f.endsWith('.request.http'));

function asciiOnly(bytes: Buffer): boolean {
  return [...bytes].every((b) => b < 0x80);
}

/** Envelope as the SDK reads it: present, not null, and ErrorCode "0" for success. */
function expectOk(res: VdxpResponse): ReturnType<typeof sdkReads> {
  const read = sdkReads(res.json);
  expect({ status: read.status, ErrorCode: read.ErrorCode, ErrorDesc: read.ErrorDesc }).toEqual({
    status: 'OK',
    ErrorCode: '0',
    ErrorDesc: 'Success',
  });
  expect(res.status).toBe(200);
  expect(res.body.toString('utf8')).not.toContain('null');
  return read;
}

function expectFail(res: VdxpResponse, code: number, desc?: RegExp): ReturnType<typeof sdkReads> {
  const read = sdkReads(res.json);
  expect(read.status).toBe('FAIL');
  expect(read.ErrorCode).toBe(String(code));
  expect(res.status).toBe(code);
  if (desc) expect(read.ErrorDesc).toMatch(desc);
  expect(asciiOnly(res.body)).toBe(true);
  return read;
}

describe('VDXP: the official SDK captures replayed against the node', () => {
  const prefix = `vdxpvec-${randomBytes(4).toString('hex')}`;
  let bus: AmqpMessageBus;
  let axis: FakeAxis;
  let dbA: TestDatabase;
  let dbB: TestDatabase;
  let nodeA: Node;
  let nodeB: Node;

  const address = (node: Node) => {
    const url = new URL(node.url);
    return { host: url.hostname, port: Number(url.port) };
  };
  const replay = (node: Node, name: string, options: Parameters<typeof replayRaw>[3] = {}) => {
    const { host, port } = address(node);
    return replayRaw(host, port, vector(name), { basePath: '/vdxp', ...options });
  };
  const admin = (node: Node) => ({
    post: (path: string) => request(node.url).post(path).set('authorization', `Bearer ${ADMIN_TOKEN}`),
    get: (path: string) => request(node.url).get(path).set('authorization', `Bearer ${ADMIN_TOKEN}`),
  });
  const sdk = (node: Node, systemId = SYSTEM_ID, secret = SECRET) =>
    new SdkClient(`${node.url}/vdxp`, systemId, secret);

  /** The node's own uuid for a document becomes the one the vectors name. */
  async function renameDocument(db: TestDatabase, from: string, to: string): Promise<void> {
    const client = new Client({ connectionString: db.url });
    await client.connect();
    try {
      await client.query('BEGIN');
      await client.query('SET LOCAL session_replication_role = replica');
      for (const [table, column] of [
        ['document', 'uuid'],
        ['document', 'response_for_uuid'],
        ['document', 'related_document_uuid'],
        ['attachment', 'document_uuid'],
        ['outbox', 'document_uuid'],
        ['delivery_event', 'document_uuid'],
        ['delivery_event', 'related_document_uuid'],
      ]) {
        await client.query(`UPDATE ${table} SET ${column} = $2 WHERE ${column} = $1`, [from, to]);
      }
      await client.query('COMMIT');
    } finally {
      await client.end();
    }
  }

  beforeAll(async () => {
    bus = await AmqpMessageBus.connect({
      url: AMQP_URL,
      topology: { prefix },
      logger: { log: () => undefined, warn: () => undefined, error: () => undefined },
    });
    await bus.assertCoreTopology();
    axis = new FakeAxis(bus);
    const tokens: Record<string, string> = {
      [H13]: await axis.register(H13, 'Văn phòng Chính phủ'),
      [H51]: await axis.register(H51, 'Trung tâm thử nghiệm'),
      [G22]: await axis.register(G22, 'Văn phòng Chính phủ'),
      [H41]: await axis.register(H41, 'UBND tỉnh Nghệ An'),
    };
    [dbA, dbB] = await Promise.all([createTestDatabase('vdxp_a'), createTestDatabase('vdxp_b')]);
    const config = (db: TestDatabase, nodeId: string) =>
      loadNodeConfig({
        DATABASE_URL: db.url,
        AMQP_URL,
        BUS_PREFIX: prefix,
        PORT: '0',
        NODE_MODE: 'shared',
        NODE_ID: nodeId,
        AXIS_URL: 'http://axis.invalid',
        NODE_ADMIN_TOKEN: ADMIN_TOKEN,
        NODE_KEY_PASSPHRASE: 'passphrase-of-the-vdxp-tests',
        OUTBOX_POLL_MS: '50',
        TRUST_REFRESH_SECONDS: '2',
      });
    [nodeA, nodeB] = await Promise.all([
      startNode(config(dbA, 'node-saas-a'), { axisClient: axis }),
      startNode(config(dbB, 'node-saas-b'), { axisClient: axis }),
    ]);
    for (const [node, codes] of [
      [nodeA, [H13, H41, G22]],
      [nodeB, [H51]],
    ] as const) {
      for (const code of codes) {
        const hosted = await admin(node)
          .post('/api/v1/admin/agencies')
          .send({ code, enrollmentToken: tokens[code] });
        expect(hosted.status).toBe(201);
      }
      const connector = await admin(node)
        .post('/api/v1/admin/connectors')
        .send({ systemId: SYSTEM_ID, name: 'shared server 03', agencies: codes, secret: SECRET });
      expect(connector.status).toBe(201);
      expect(connector.body).toMatchObject({ systemId: SYSTEM_ID, agencies: [...codes], secret: SECRET });
    }
  });

  afterAll(async () => {
    await Promise.allSettled([nodeA?.close(), nodeB?.close()]);
    await bus?.close({ graceMs: 0 });
    if (bus) await deleteBusTopology(AMQP_URL, bus.topology, [H13, H51, G22, H41]);
    await Promise.allSettled([dbA?.drop(), dbB?.drop()]);
  });

  it('signs exactly as the SDK: the TS client rebuilds every verifiable captured signature', () => {
    const verifiable = requestFiles.filter((f) => !f.includes('UNVERIFIABLE'));
    expect(verifiable.length).toBe(21);
    for (const file of verifiable) {
      const captured = vector(file);
      const header = (name: string) =>
        captured.headers.find(([n]) => n.toLowerCase() === name.toLowerCase())?.[1].toString('utf8');
      const names = header('XroadVnpt-sign-header-key')!.split(';');
      // The SDK's insertion order: timestamp, systemid, Content-Type, the JSON keys, hash-file.
      const first = ['timestamp', 'systemid', 'Content-Type'].filter((n) => names.includes(n));
      const last = names.includes('hash-file') ? ['hash-file'] : [];
      const rest = names.filter((n) => !first.includes(n) && !last.includes(n));
      const params = new Map([...first, ...rest, ...last].map((n) => [n, header(`XroadVnpt-${n}`)!]));
      expect(javaHashMapOrder([...params.keys()])).toEqual(names);
      const signed = signHeaders(params, SECRET);
      expect(signed['XroadVnpt-sign-header']).toBe(header('XroadVnpt-sign-header'));
      expect(signed['XroadVnpt-hash-header']).toBe(header('XroadVnpt-hash-header'));
    }
  });

  it('answers the directory calls from the axis directory (01, 02, 03)', async () => {
    const agencies = expectOk(await replay(nodeA, '01-getAgenciesList.request.http'));
    const list = agencies.data as Record<string, unknown>[];
    expect(list.map((a) => a.code).sort()).toEqual([G22, H41, H51, H13].sort());
    expect(list.find((a) => a.code === G22)).toEqual({
      id: G22,
      pid: '',
      code: G22,
      name: 'Văn phòng Chính phủ',
      mail: '',
      oldCode: '',
    });

    const qd20 = expectOk(await replay(nodeA, '02-getAgenciesListQD20.request.http'));
    expect((qd20.data as Record<string, unknown>[]).find((a) => a.code === H41)).toEqual({
      id: H41,
      code: H41,
      name: 'UBND tỉnh Nghệ An',
      mail: '',
      code102: H41,
    });

    const units = expectOk(await replay(nodeA, '03-getSynchronizeUnit.request.http'));
    const unit = (units.data as Record<string, unknown>[]).find((u) => u.code === H51)!;
    // getAsInt and getAsBoolean: a number and booleans.
    expect(unit).toMatchObject({ code: H51, version: 1, deleted: false, isAgency: true });
  });

  it('answers registerAgency and deleteAgency with envelopes, after 100 Continue (04, 05)', async () => {
    const registered = await replay(nodeA, '04-registerAgency.request.http');
    expect(registered.interim).toEqual([100]);
    expectFail(registered, 501, /registered by the operator of the axis/);
    // The official example's literal is malformed JSON: refused clearly, as an envelope.
    const malformed = await replay(nodeA, '04-registerAgency.request.http', {
      body: Buffer.from('{"code":"999.010.01.H22","mail":cc""}'),
    });
    expectFail(malformed, 400, /not valid JSON/);
    // Nothing to delete: 999.010.01.H22 is not in the directory (idempotent).
    const deleted = await replay(nodeA, '05-deleteAgency.request.http');
    expect(deleted.interim).toEqual([100]);
    expectOk(deleted);
  });

  let sentUuid: string;

  it('sendEdoc (06): submits the package as its sender, answering ASCII JSON with DocId', async () => {
    const res = await replay(nodeA, '06-sendEdoc-edoc.request.http');
    const read = expectOk(res);
    expect(asciiOnly(res.body)).toBe(true);
    sentUuid = (res.json as { DocId: string }).DocId;
    expect(sentUuid).toMatch(/^[0-9a-f-]{36}$/);
    expect(read.ErrorCode).toBe('0');
  });

  it('delivers it to H51 at node B; the vectors then name both copies b9537430-…', async () => {
    const b = sdk(nodeB);
    const item = await waitFor('the document in the inbox of H51', async () => {
      const res = await b.call('getReceivedEdocList', { servicetype: 'eDoc', messagetype: 'edoc' });
      return (sdkReads(res.json).data as { docId: string; from: string; to: string }[] | null)?.find(
        (i) => i.from === H13 && i.to === H51,
      );
    });
    // The sender has the 01 (arrived) before the ids change.
    await waitFor('status 01 at the sender', async () => {
      const res = await sdk(nodeA).call('getSentEdocList', {
        servicetype: 'eDoc',
        messagetype: 'edoc',
        docId: sentUuid,
      });
      const items = sdkReads(res.json).data as { receiveStatus: string }[];
      return items[0]?.receiveStatus === '01' ? items : undefined;
    });
    await renameDocument(dbA, sentUuid, DOC_ID);
    await renameDocument(dbB, item.docId, DOC_ID);
  });

  it('getSentEdocList (13): one item per document and recipient, from the delivery timeline', async () => {
    const read = expectOk(await replay(nodeA, '13-getSentEdocList.request.http'));
    expect(read.data).toEqual([
      expect.objectContaining({
        serviceType: 'eDoc',
        messageType: 'edoc',
        senderDocId: DOC_ID,
        fromCode: H13,
        toCode: H51,
        title: 'Văn bản liên thông chỉ đạo - 190701',
        notation: '12234555512/PRO-TEST-CASE1',
        sendStatus: 'done',
        receiveStatus: '01',
        receiveStatusDesc: 'Đã đến',
      }),
    ]);
    const item = (read.data as Record<string, string>[])[0];
    expect(item.sentTime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+07:00$/);
    expect(item.receivedTime).toMatch(/\+07:00$/);
  });

  it('the same package again with `to` as JSON text (x1): refused as already sent, naming its DocId', async () => {
    const res = await replay(nodeA, 'x1-sendEdoc-to-array.request.http');
    expectFail(res, 409, /DOCUMENT_ALREADY_SENT/);
    expect((res.json as { DocId: string }).DocId).toBe(DOC_ID);
  });

  it('refuses non-ASCII header values clearly (x2 unverifiable, x3 UTF-8), as envelopes', async () => {
    const x2 = await replay(nodeA, 'x2-getReceivedEdocList-nonascii-header-UNVERIFIABLE.request.http');
    expectFail(x2, 401, /non-ASCII header value in XroadVnpt-note/);
    const x3 = await replay(nodeA, 'x3-sendEdoc-nonascii-from.request.http');
    expectFail(x3, 401, /non-ASCII header value in XroadVnpt-from/);
    expect(x3.json).toHaveProperty('DocId', '');
  });

  it('the recipient lists (08, 17), counts (14, 15), fetches (10, 18) and downloads (16) it', async () => {
    for (const name of [
      '08-getReceivedEdocList-edoc.request.http',
      '17-receiveLoop-1-getReceivedEdocList.request.http',
    ]) {
      const read = expectOk(await replay(nodeB, name));
      expect(read.data).toEqual([
        expect.objectContaining({
          docId: DOC_ID,
          serviceType: 'eDoc',
          messageType: 'edoc',
          from: H13,
          to: H51,
          status: 'initial',
          status_desc: 'Chờ nhận',
        }),
      ]);
    }
    const count = expectOk(await replay(nodeB, '14-countReceiveEdoc.request.http'));
    expect((await replay(nodeB, '14-countReceiveEdoc.request.http')).json?.count).toBe(1);
    expect(count).toBeDefined();
    const statuses = await replay(nodeB, '15-countReceiveStatus.request.http');
    expectOk(statuses);
    expect(typeof statuses.json?.count).toBe('number');

    const downloaded = await replay(nodeB, '16-downloadEdoc.request.http');
    expect(downloaded.status).toBe(200);
    const text = downloaded.body.toString('utf8');
    expect(text).toContain('<edXML:OrganId>002.00.20.H13</edXML:OrganId>');
    expect(text).toContain('http://www.w3.org/2001/04/xmldsig-more#rsa-sha256');
    expect(text).not.toContain('xmldsig#rsa-sha1');
    for (const name of ['10-getEdoc.request.http', '18-receiveLoop-2-getEdoc.request.http']) {
      const fetched = await replay(nodeB, name);
      expect(fetched.interim).toEqual([100]);
      const read = expectOk(fetched);
      expect(Buffer.from(read.data as string, 'base64').equals(downloaded.body)).toBe(true);
    }
  });

  it('updateStatus done (11), fail (12) and the loop’s done with leaked parameters (19): taken once, failure kept for operators', async () => {
    expectOk(await replay(nodeB, '11-updateStatus-done.request.http'));
    expectOk(await replay(nodeB, '12-updateStatus-fail.request.http'));
    expectOk(await replay(nodeB, '19-receiveLoop-3-updateStatus.request.http'));
    const after = expectOk(await replay(nodeB, '17-receiveLoop-1-getReceivedEdocList.request.http'));
    expect(after.data).toEqual([]);
    expect((await replay(nodeB, '14-countReceiveEdoc.request.http')).json?.count).toBe(0);
    const failures = await admin(nodeB).get('/api/v1/admin/connectors/failures');
    expect(failures.status).toBe(200);
    expect(failures.body).toEqual([
      expect.objectContaining({ documentId: DOC_ID, agency: H51, systemId: SYSTEM_ID }),
    ]);
    // Taken, it can still be fetched.
    expectOk(await replay(nodeB, '10-getEdoc.request.http'));
  });

  it('sendEdoc of a status (07) goes back to the sender of the document it answers; 09 lists received statuses', async () => {
    // G22 sends H41 the document 7816/VPCP-TTĐT of 2015/09/30 that the status vector answers.
    const client = sdk(nodeA);
    const pkg: EdocPackage = {
      kind: 'edoc',
      messageHeader: {
        from: { organId: G22, organName: 'Văn phòng Chính phủ' },
        to: [{ organId: H41 }],
        code: { codeNumber: '7816', codeNotation: 'VPCP-TTĐT' },
        promulgationInfo: { place: 'Hà Nội', promulgationDate: '2015/09/30' },
        documentType: { type: '1', typeName: 'Công văn' },
        subject: 'Văn bản được trả lời bằng trạng thái 05',
      },
      traceHeaderList: { traceHeader: [] },
      attachments: [],
    };
    const sent = await client.sendEdoc(Buffer.from(buildEdxml(pkg)), {
      servicetype: 'eDoc',
      messagetype: 'edoc',
      from: G22,
    });
    const original = (expectOk(sent) && (sent.json as { DocId: string }).DocId) as string;
    await waitFor('the document in the inbox of H41', async () => {
      const res = await client.call('getReceivedEdocList', { servicetype: 'eDoc', messagetype: 'edoc' });
      return (sdkReads(res.json).data as { from: string; to: string }[]).find(
        (i) => i.from === G22 && i.to === H41,
      );
    });

    const status = await replay(nodeA, '07-sendEdoc-status.request.http');
    expectOk(status);
    expect((status.json as { DocId: string }).DocId).toMatch(/^[0-9a-f-]{36}$/);

    const seen = await waitFor('status 05 at the sender', async () => {
      const res = await client.call('getSentEdocList', {
        servicetype: 'eDoc',
        messagetype: 'edoc',
        docId: original,
      });
      const items = sdkReads(res.json).data as { toCode: string; receiveStatus: string }[];
      return items.find((i) => i.toCode === H41 && i.receiveStatus === '05');
    });
    expect(seen).toMatchObject({ receiveStatusDesc: 'Đang xử lý' });

    const received = expectOk(await replay(nodeA, '09-getReceivedEdocList-status.request.http'));
    expect(received.data).toEqual(
      expect.arrayContaining([expect.objectContaining({ messageType: 'status', from: H41, to: G22 })]),
    );
    // A new SDK object: this one's parameter map still holds the docId of the call above.
    const sentStatuses = await sdk(nodeA).call('getSentEdocList', {
      servicetype: 'eDoc',
      messagetype: 'status',
    });
    expect(sdkReads(sentStatuses.json).data).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          messageType: 'status',
          fromCode: H41,
          toCode: G22,
          title: '05 Đang xử lý',
        }),
      ]),
    );
  });

  it('keeps a valid standard signature of the sending agency: the recipient gets the bytes it signed', async () => {
    // H13's own software signs with a certificate of H13 from a trusted CA (here the axis's).
    const issued = issueAgencyCertificate({
      caKeyPem: axis.ca.keyPem,
      caCertPem: axis.ca.certPem,
      organId: H13,
      name: 'Văn phòng Chính phủ',
    });
    const pkg: EdocPackage = {
      kind: 'edoc',
      messageHeader: {
        from: { organId: H13, organName: 'Văn phòng Chính phủ' },
        to: [{ organId: H51 }],
        code: { codeNumber: `${randomBytes(3).readUIntBE(0, 3)}`, codeNotation: 'VPCP-KY' },
        promulgationInfo: { place: 'Hà Nội', promulgationDate: formatEdxmlDate(new Date()) },
        documentType: { type: '1', typeName: 'Công văn' },
        subject: 'Văn bản đã ký số bởi cơ quan gửi',
      },
      traceHeaderList: { traceHeader: [{ organId: H13, timestamp: formatEdxmlTimestamp(new Date()) }] },
      attachments: [],
    };
    const signed = Buffer.from(
      signEdxmlPackage(buildEdxml(pkg), { privateKeyPem: issued.keyPem!, certificatePem: issued.certPem }),
      'utf8',
    );
    const sent = await sdk(nodeA).sendEdoc(signed, { servicetype: 'eDoc', messagetype: 'edoc', from: H13 });
    expectOk(sent);
    const b = sdk(nodeB);
    const item = await waitFor('the signed document in the inbox of H51', async () => {
      const res = await b.call('getReceivedEdocList', { servicetype: 'eDoc', messagetype: 'edoc' });
      return (sdkReads(res.json).data as { docId: string; title?: string }[]).find(
        (i) => i.title === pkg.messageHeader.subject,
      );
    });
    const downloaded = await b.call('downloadEdoc', { docId: item.docId }, { method: 'GET' });
    expect(downloaded.status).toBe(200);
    expect(downloaded.body.equals(signed)).toBe(true);
    expectOk(await b.call('updateStatus', { docId: item.docId, status: 'done' }));
  });

  describe('refusals, each a well-formed envelope', () => {
    it('a tampered signature', async () => {
      const res = await replay(nodeA, '01-getAgenciesList.request.http', {
        replaceHeaders: {
          'XroadVnpt-hash-header': '158cfa70bca1786fc45e2e43f24e3803d3af4563e8fc149afba773770769919b',
        },
      });
      expectFail(res, 401, /invalid XroadVnpt signature/);
    });

    it('a package that is not the one hash-file names', async () => {
      const captured = vector('06-sendEdoc-edoc.request.http');
      const body = Buffer.from(captured.body);
      body[body.indexOf('Văn bản liên thông')] = 'X'.charCodeAt(0);
      const res = await replay(nodeA, '06-sendEdoc-edoc.request.http', { body });
      expectFail(res, 401, /hash-file does not match/);
      expect(res.json).toHaveProperty('DocId', '');
    });

    it('an unknown system id, and a disabled connector', async () => {
      expectFail(
        await sdk(nodeA, 'vxp.saas.99').call('getAgenciesList'),
        401,
        /unknown or disabled systemid/,
      );
      const created = await admin(nodeB)
        .post('/api/v1/admin/connectors')
        .send({ systemId: 'vxp.saas.04', agencies: [H51] });
      expect(created.status).toBe(201);
      const secret = created.body.secret as string;
      expect(secret.length).toBeGreaterThanOrEqual(32);
      expectOk(await sdk(nodeB, 'vxp.saas.04', secret).call('getAgenciesList'));
      expect((await admin(nodeB).post('/api/v1/admin/connectors/vxp.saas.04/disable')).status).toBe(200);
      expectFail(await sdk(nodeB, 'vxp.saas.04', secret).call('getAgenciesList'), 401);
    });

    it('a rotated secret: the old one stops working at once', async () => {
      const created = await admin(nodeB)
        .post('/api/v1/admin/connectors')
        .send({ systemId: 'vxp.saas.05', agencies: [H51] });
      const old = created.body.secret as string;
      const rotated = await admin(nodeB).post('/api/v1/admin/connectors/vxp.saas.05/rotate').send({});
      expect(rotated.status).toBe(200);
      expect(rotated.body.secret).not.toBe(old);
      expectFail(await sdk(nodeB, 'vxp.saas.05', old).call('getAgenciesList'), 401);
      expectOk(await sdk(nodeB, 'vxp.saas.05', rotated.body.secret as string).call('getAgenciesList'));
    });

    it('an agency the connector may not act for (403), and another connector’s document (404)', async () => {
      // At B the connector hosts H51 only: the captured package is From H13.
      const res = await replay(nodeB, '06-sendEdoc-edoc.request.http');
      expectFail(res, 403, /AGENCY_NOT_PERMITTED/);
      expect(res.json).toHaveProperty('DocId', '');
      // vxp.saas.05 at B acts for H51 too; at A a connector for G22 only cannot read H41's inbox.
      const created = await admin(nodeA)
        .post('/api/v1/admin/connectors')
        .send({ systemId: 'vxp.g22', agencies: [G22] });
      const other = sdk(nodeA, 'vxp.g22', created.body.secret as string);
      const list = expectOk(
        await other.call('getReceivedEdocList', { servicetype: 'eDoc', messagetype: 'edoc' }),
      );
      expect((list.data as { to: string }[]).every((i) => i.to === G22)).toBe(true);
      expectFail(await other.call('getEdoc', { docId: DOC_ID }), 404);
    });

    it('downloadEdoc of an unknown document: an empty body', async () => {
      const res = await sdk(nodeB).call(
        'downloadEdoc',
        { docId: randomUUIDLike(), filePath: 'edoc-store' },
        { method: 'GET' },
      );
      expect(res.status).toBe(404);
      expect(res.body.length).toBe(0);
    });

    it('an unknown operation, and the `//op` of an endpoint with a trailing slash', async () => {
      const unknown = await sdk(nodeA).call('getEverything');
      expectFail(unknown, 404, /unknown VDXP operation/);
      const slash = new SdkClient(`${nodeA.url}/vdxp/`, SYSTEM_ID, SECRET);
      expectOk(await slash.call('getAgenciesList'));
    });

    it('takes 40 KiB of headers (every parameter is sent twice)', async () => {
      const many = Array.from(
        { length: 1500 },
        (_, i) => `000.00.${String(i % 100).padStart(2, '0')}.H${(i % 90) + 10}`,
      );
      const res = await sdk(nodeA).call('getAgenciesList', { note: many.join(',') });
      expect(JSON.stringify(res.json).length).toBeGreaterThan(0);
      expectOk(res);
    });
  });

  it('audits every refusal and every connector change, never with a secret', async () => {
    type Entry = { action: string; actor: string; details?: Record<string, unknown> };
    const bodies = async (db: TestDatabase): Promise<Entry[]> => {
      const client = new Client({ connectionString: db.url });
      await client.connect();
      try {
        const { rows } = await client.query<{ body: string }>('SELECT body FROM audit_entry ORDER BY seq');
        return rows.map((r) => JSON.parse(r.body) as Entry);
      } finally {
        await client.end();
      }
    };
    const reasons = (entries: Entry[]) =>
      new Set(entries.filter((e) => e.action === 'vdxp.refused').map((e) => String(e.details?.reason)));
    const has = (entries: Entry[], wanted: string[]) => wanted.every((r) => reasons(entries).has(r));
    // The log seals committed entries into its chain in the background: poll.
    const a = await waitFor('the refusals at A in the audit log', async () => {
      const entries = await bodies(dbA);
      return has(entries, [
        'NON_ASCII_HEADER',
        'BAD_SIGNATURE',
        'HASH_FILE_MISMATCH',
        'UNKNOWN_SYSTEM',
        'DOCUMENT_ALREADY_SENT',
      ])
        ? entries
        : undefined;
    });
    const b = await waitFor('the refusals and connector changes at B in the audit log', async () => {
      const entries = await bodies(dbB);
      const actions = new Set(entries.map((e) => e.action));
      return has(entries, ['AGENCY_NOT_PERMITTED', 'DOCUMENT_NOT_FOUND']) &&
        ['connector.created', 'connector.secret-rotated', 'connector.disabled'].every((x) => actions.has(x))
        ? entries
        : undefined;
    });
    expect(a.find((e) => e.details?.reason === 'UNKNOWN_SYSTEM')).toMatchObject({
      actor: 'anonymous',
      details: { claimedSystemId: 'vxp.saas.99' },
    });
    expect(JSON.stringify([a, b])).not.toContain(SECRET);
  });

  it('keeps connector secrets encrypted at rest and never lists them', async () => {
    const listed = await admin(nodeA).get('/api/v1/admin/connectors');
    expect(listed.status).toBe(200);
    expect(JSON.stringify(listed.body)).not.toContain(SECRET);
    expect(listed.body[0]).not.toHaveProperty('secret');
    const client = new Client({ connectionString: dbA.url });
    await client.connect();
    try {
      const { rows } = await client.query<{ secret_ciphertext: string }>(
        'SELECT secret_ciphertext FROM connector',
      );
      expect(rows.length).toBeGreaterThan(0);
      for (const row of rows) {
        expect(row.secret_ciphertext).not.toContain(SECRET);
        expect(row.secret_ciphertext).toMatch(/^v1:/);
      }
    } finally {
      await client.end();
    }
  });
});

function randomUUIDLike(): string {
  const hex = randomBytes(16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20)}`;
}
