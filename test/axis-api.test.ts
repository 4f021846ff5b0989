import { execFileSync } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as amqp from 'amqplib';
import request from 'supertest';
import { AmqpMessageBus, IncomingNotification, Subscription } from '@lienthong/bus';
import { AMQP_URL, deleteBusTopology } from '@lienthong/bus/testing/amqp';
import { createTestDatabase, TestDatabase } from '@lienthong/common/testing/postgres';
import {
  createCsr,
  derToPem,
  generateRsaKeyPair,
  parseCrl,
  pemToDer,
  readAgencyIdentity,
} from '@lienthong/pki';
import { DirectoryEntry, parseTrustNotification, TraceEvent, TrustNotification } from '@lienthong/protocol';
import { AxisConfig, loadAxisConfig } from '../apps/axis/src/config/axis-config';
import { RunningAxis, startAxis } from '../apps/axis/src/testing/start-axis';

// The axis as its own app against real PostgreSQL and RabbitMQ, under a random bus prefix.
jest.setTimeout(60_000);

const OPERATOR_TOKEN = `operator-${randomBytes(16).toString('hex')}`;
const G22 = { code: '000.00.00.G22', name: 'Văn phòng Chính phủ' };
const H41 = { code: '000.00.00.H41', name: 'UBND tỉnh Nghệ An' };
const H41_CHILD = { code: '000.01.00.H41', name: 'Sở Nội vụ tỉnh Nghệ An' };
const quiet = { log: () => undefined, warn: () => undefined, error: () => undefined };

/** Polls until `accept` holds; fails with the last value seen when the deadline passes. */
async function eventually<T>(
  read: () => Promise<T>,
  accept: (value: T) => boolean,
  what: string,
  timeoutMs = 15_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  for (;;) {
    last = await read();
    if (accept(last)) return last;
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${what}; last: ${JSON.stringify(last)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function matches(actual: object, expected: object): boolean {
  return Object.entries(expected).every(([key, value]) => (actual as Record<string, unknown>)[key] === value);
}

describe('axis API (PostgreSQL + RabbitMQ)', () => {
  let db: TestDatabase;
  let dataDir: string;
  let config: AxisConfig;
  let axis: RunningAxis;
  let probe: AmqpMessageBus;
  /** What a node listening on the bus was told, in order. */
  const notifications: { raw: IncomingNotification; parsed?: TrustNotification }[] = [];
  let listening: Subscription;

  const api = () => request(axis.url);
  const operator = (req: request.Test) => req.set('Authorization', `Bearer ${OPERATOR_TOKEN}`);

  beforeAll(async () => {
    db = await createTestDatabase('axis_api');
    dataDir = mkdtempSync(join(tmpdir(), 'axis-api-'));
    config = loadAxisConfig({
      DATABASE_URL: db.url,
      AMQP_URL,
      BUS_PREFIX: `test-axis-${randomBytes(4).toString('hex')}`,
      PORT: '0',
      AXIS_OPERATOR_TOKEN: OPERATOR_TOKEN,
      AXIS_DATA_DIR: join(dataDir, 'ca'),
      AXIS_CA_PASSPHRASE: 'correct horse battery staple',
    });
    axis = await startAxis(config);
    probe = await AmqpMessageBus.connect({
      url: AMQP_URL,
      topology: { prefix: config.busPrefix },
      logger: quiet,
    });
    listening = await probe.subscribeNotifications((raw) => {
      notifications.push({ raw, parsed: parseTrustNotification(raw.body) });
    });
  });

  /** Waits for a notification like `expected` to reach the subscriber. */
  const notified = (expected: Partial<TrustNotification>) =>
    eventually(
      async () => notifications.filter((n) => n.parsed && matches(n.parsed, expected)),
      (found) => found.length > 0,
      `a notification like ${JSON.stringify(expected)}`,
      5_000,
    ).then((found) => found[0]);

  afterAll(async () => {
    await listening?.cancel();
    await axis?.close();
    await probe?.close({ graceMs: 0 });
    if (probe) await deleteBusTopology(AMQP_URL, probe.topology, [G22.code, H41.code, H41_CHILD.code]);
    await db?.drop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  describe('the operator token', () => {
    it('is required: a missing one is 401 in the problem shape', async () => {
      const res = await api().get('/api/v1/agencies').expect(401);
      expect(res.body).toEqual({
        statusCode: 401,
        code: 'OPERATOR_TOKEN_MISSING',
        message: expect.any(String),
      });
      expect(res.headers['www-authenticate']).toMatch(/^Bearer/);
    });

    it('must be the right one', async () => {
      for (const header of [`Bearer ${OPERATOR_TOKEN}x`, 'Bearer nope', `Basic ${OPERATOR_TOKEN}`]) {
        const res = await api().post('/api/v1/agencies').set('Authorization', header).send(G22).expect(401);
        expect(res.body.code).toMatch(/^OPERATOR_TOKEN_(INVALID|MISSING)$/);
      }
      await api().post('/api/v1/certificates/0A/revoke').send({ reason: 'keyCompromise' }).expect(401);
      await api().get('/api/v1/deliveries').set('Authorization', 'Bearer wrong').expect(401);
    });

    it('is not needed on the node-facing routes', async () => {
      await api().get('/api/v1/directory').expect(200);
      await api().get('/api/v1/ca.pem').expect(200);
      await api().get('/api/v1/crl.pem').expect(200);
    });
  });

  describe('bad input', () => {
    it('is 422 with a code: an identifier code that is not one', async () => {
      const res = await operator(api().post('/api/v1/agencies')).send({ code: 'G22', name: 'x' }).expect(422);
      expect(res.body).toMatchObject({ statusCode: 422, code: 'AGENCY_CODE_INVALID' });
    });

    it('is 422 VALIDATION_FAILED naming the field: missing, mistyped or unknown fields', async () => {
      const missing = await operator(api().post('/api/v1/agencies')).send({ code: G22.code }).expect(422);
      expect(missing.body).toMatchObject({
        code: 'VALIDATION_FAILED',
        details: { fields: { name: expect.any(Array) } },
      });
      const unknown = await operator(api().post('/api/v1/agencies'))
        .send({ ...G22, admin: true })
        .expect(422);
      expect(unknown.body.details.fields).toHaveProperty('admin');
      const state = await operator(api().get('/api/v1/deliveries?state=lost')).expect(422);
      expect(state.body.details.fields).toHaveProperty('state');
      const reason = await operator(api().post('/api/v1/certificates/0A/revoke'))
        .send({ reason: 'bored' })
        .expect(422);
      expect(reason.body.details.fields).toHaveProperty('reason');
    });

    it('is 422 for an unknown parent, a bad cursor or a bad document id', async () => {
      const parent = await operator(api().post('/api/v1/agencies'))
        .send({ ...H41_CHILD, parentCode: '999.99.99.Z99' })
        .expect(422);
      expect(parent.body.code).toBe('AGENCY_PARENT_UNKNOWN');
      expect((await operator(api().get('/api/v1/deliveries?cursor=abc')).expect(422)).body.code).toBe(
        'CURSOR_INVALID',
      );
      expect((await operator(api().get('/api/v1/documents/not-a-uuid/timeline')).expect(422)).body.code).toBe(
        'DOCUMENT_UUID_INVALID',
      );
    });
  });

  describe('an agency from registration to revocation', () => {
    let enrollmentToken: string;
    let certificatePem: string;
    let serial: string;
    const key = generateRsaKeyPair();
    const files = () => mkdtempSync(join(dataDir, 'openssl-'));

    it('registers: 201 with a one-time token, and its queue exists on the broker', async () => {
      const res = await operator(api().post('/api/v1/agencies')).send(H41).expect(201);
      expect(res.body.agency).toMatchObject({ code: H41.code, name: H41.name, state: 'active' });
      expect(res.body.enrollmentToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
      const expires = new Date(res.body.enrollmentExpiresAt).getTime();
      expect(expires - Date.now()).toBeGreaterThan(6.9 * 86_400_000);
      enrollmentToken = res.body.enrollmentToken;
      await expect(probe.queueDepth(probe.topology.agencyInbox(H41.code))).resolves.toBe(0);
      await expect(probe.queueDepth(probe.topology.agencyDeadLetterQueue(H41.code))).resolves.toBe(0);
      // Documents for it are routed now, not returned to the sender.
      const sent = await probe.publish({
        exchange: 'documents',
        routingKey: H41.code,
        messageId: randomUUID(),
        body: Buffer.from('<edXML/>'),
      });
      expect(sent.routed).toBe(true);
    });

    it('tells every node listening on the bus that the directory changed', async () => {
      const { raw, parsed } = await notified({ type: 'directory-updated', agencyCode: H41.code });
      expect(parsed).toEqual({ type: 'directory-updated', agencyCode: H41.code, change: 'registered' });
      expect(raw).toMatchObject({ type: 'directory-updated', contentType: 'application/json' });
    });

    it('refuses the same code twice with 409', async () => {
      const res = await operator(api().post('/api/v1/agencies')).send(H41).expect(409);
      expect(res.body.code).toBe('AGENCY_EXISTS');
    });

    it('keeps a hierarchy: a child names an existing parent, and no cycle is allowed', async () => {
      await operator(api().post('/api/v1/agencies'))
        .send({ ...H41_CHILD, parentCode: H41.code })
        .expect(201);
      const cycle = await operator(api().patch(`/api/v1/agencies/${H41.code}`))
        .send({ parentCode: H41_CHILD.code })
        .expect(422);
      expect(cycle.body.code).toBe('AGENCY_PARENT_CYCLE');
      const renamed = await operator(api().patch(`/api/v1/agencies/${H41_CHILD.code}`))
        .send({ name: 'Sở Nội vụ Nghệ An' })
        .expect(200);
      expect(renamed.body).toMatchObject({ name: 'Sở Nội vụ Nghệ An', parentCode: H41.code });
    });

    it('enrolls: the certificate carries the directory code and name, never the CSR subject', async () => {
      const csrPem = createCsr({ privateKeyPem: key.privateKey, organId: G22.code, name: 'Impostor' });
      const res = await api()
        .post('/api/v1/enroll')
        .send({ token: enrollmentToken, nodeId: 'node-nghean', csrPem })
        .expect(201);
      expect(res.body.agencyCode).toBe(H41.code);
      await notified({ type: 'directory-updated', agencyCode: H41.code, change: 'enrolled' });
      certificatePem = res.body.certificatePem;
      const identity = readAgencyIdentity(certificatePem);
      expect(identity).toMatchObject({ organId: H41.code, name: H41.name });
      serial = identity.serialNumber;
      const caPem = (await api().get('/api/v1/ca.pem').expect(200)).text;
      expect(caPem).toContain(res.body.caCertificatePem.trim());

      const dir = files();
      writeFileSync(join(dir, 'ca.pem'), caPem);
      writeFileSync(join(dir, 'cert.pem'), certificatePem);
      const verified = execFileSync('openssl', [
        'verify',
        '-CAfile',
        join(dir, 'ca.pem'),
        join(dir, 'cert.pem'),
      ]);
      expect(verified.toString()).toContain(': OK');
    });

    it('spends the token once', async () => {
      const csrPem = createCsr({ privateKeyPem: key.privateKey });
      const reused = await api()
        .post('/api/v1/enroll')
        .send({ token: enrollmentToken, nodeId: 'node-other', csrPem })
        .expect(409);
      expect(reused.body.code).toBe('ENROLLMENT_TOKEN_USED');
      const unknown = await api()
        .post('/api/v1/enroll')
        .send({ token: randomBytes(32).toString('base64url'), nodeId: 'node-other', csrPem })
        .expect(401);
      expect(unknown.body.code).toBe('ENROLLMENT_TOKEN_INVALID');
    });

    it('refuses a request not signed by its key, keeping the token', async () => {
      const { enrollmentToken: token } = (
        await operator(api().post(`/api/v1/agencies/${H41_CHILD.code}/enrollments`)).expect(201)
      ).body;
      const der = pemToDer(createCsr({ privateKeyPem: key.privateKey }), 'CERTIFICATE REQUEST');
      der[der.length - 1] ^= 0x01; // the last byte of the signature
      const forged = derToPem(der, 'CERTIFICATE REQUEST');
      const res = await api()
        .post('/api/v1/enroll')
        .send({ token, nodeId: 'node-nghean', csrPem: forged })
        .expect(422);
      expect(res.body.code).toBe('CSR_INVALID');
      const csrPem = createCsr({ privateKeyPem: generateRsaKeyPair().privateKey });
      await api().post('/api/v1/enroll').send({ token, nodeId: 'node-nghean', csrPem }).expect(201);
    });

    it('lists the agency in the directory with its node and certificate', async () => {
      const res = await api().get('/api/v1/directory').expect(200);
      const entry = (res.body as DirectoryEntry[]).find((e) => e.code === H41.code);
      expect(entry).toEqual({
        code: H41.code,
        name: H41.name,
        nodeId: 'node-nghean',
        state: 'active',
        certificatePem,
      });
      expect((res.body as DirectoryEntry[]).find((e) => e.code === H41_CHILD.code)?.parentCode).toBe(
        H41.code,
      );
    });

    it('suspends: listed as suspended, no new enrollment; then reactivates', async () => {
      await operator(api().post(`/api/v1/agencies/${H41_CHILD.code}/suspend`)).expect(200);
      const directory = (await api().get('/api/v1/directory').expect(200)).body as DirectoryEntry[];
      expect(directory.find((e) => e.code === H41_CHILD.code)?.state).toBe('suspended');
      const refused = await operator(api().post(`/api/v1/agencies/${H41_CHILD.code}/enrollments`)).expect(
        409,
      );
      expect(refused.body.code).toBe('AGENCY_SUSPENDED');
      const back = await operator(api().post(`/api/v1/agencies/${H41_CHILD.code}/reactivate`)).expect(200);
      expect(back.body.state).toBe('active');
      await operator(api().post('/api/v1/agencies/999.99.99.Z99/suspend')).expect(404);
      await notified({ type: 'directory-updated', agencyCode: H41_CHILD.code, change: 'suspended' });
      await notified({ type: 'directory-updated', agencyCode: H41_CHILD.code, change: 'reactivated' });
    });

    it('revokes: the new CRL lists the serial, and openssl reads it and refuses the certificate', async () => {
      const before = parseCrl((await api().get('/api/v1/crl.pem').expect(200)).text);
      expect(before.entries.has(serial)).toBe(false);

      const res = await operator(api().post(`/api/v1/certificates/${serial.toLowerCase()}/revoke`))
        .send({ reason: 'keyCompromise' })
        .expect(200);
      expect(res.body).toMatchObject({ serial, agencyCode: H41.code, reason: 'keyCompromise' });
      expect(BigInt(res.body.crlNumber)).toBeGreaterThan(BigInt(before.crlNumber ?? '0'));

      const crlPem = (await api().get('/api/v1/crl.pem').expect(200)).text;
      const crl = parseCrl(crlPem);
      expect(crl.crlNumber).toBe(res.body.crlNumber);

      // Every node listening on the bus is told at once: the new CRL, and the agency's entry.
      const { raw, parsed } = await notified({ type: 'crl-updated', crlNumber: res.body.crlNumber });
      expect(raw.type).toBe('crl-updated');
      expect(parsed).toEqual({
        type: 'crl-updated',
        crlNumber: res.body.crlNumber,
        thisUpdate: res.body.revokedAt,
      });
      await notified({ type: 'directory-updated', agencyCode: H41.code, change: 'certificate-revoked' });
      expect(crl.entries.get(serial)?.reason).toBe('keyCompromise');

      const dir = files();
      writeFileSync(join(dir, 'crl.pem'), crlPem);
      writeFileSync(join(dir, 'ca.pem'), (await api().get('/api/v1/ca.pem')).text);
      writeFileSync(join(dir, 'cert.pem'), certificatePem);
      const text = execFileSync('openssl', [
        'crl',
        '-in',
        join(dir, 'crl.pem'),
        '-noout',
        '-text',
      ]).toString();
      expect(text.replace(/\s/g, '')).toContain(`SerialNumber:${serial}`);
      expect(text).toContain('Key Compromise');
      let verify = '';
      try {
        execFileSync(
          'openssl',
          [
            'verify',
            '-crl_check',
            '-CAfile',
            join(dir, 'ca.pem'),
            '-CRLfile',
            join(dir, 'crl.pem'),
            join(dir, 'cert.pem'),
          ],
          { stdio: 'pipe' },
        );
      } catch (error) {
        verify =
          String((error as { stdout?: Buffer }).stdout) + String((error as { stderr?: Buffer }).stderr);
      }
      expect(verify).toContain('certificate revoked');
    });

    it('after revocation: 409 on a second revoke, gone from the directory, visible on the agency', async () => {
      const again = await operator(api().post(`/api/v1/certificates/${serial}/revoke`))
        .send({ reason: 'superseded' })
        .expect(409);
      expect(again.body.code).toBe('CERTIFICATE_ALREADY_REVOKED');
      await operator(api().post('/api/v1/certificates/7FFF/revoke'))
        .send({ reason: 'superseded' })
        .expect(404);

      const directory = (await api().get('/api/v1/directory').expect(200)).body as DirectoryEntry[];
      expect(directory.find((e) => e.code === H41.code)?.certificatePem).toBeUndefined();
      const agency = (await operator(api().get(`/api/v1/agencies/${H41.code}`)).expect(200)).body;
      expect(agency.certificateSerial).toBeUndefined();
      expect(agency.certificates).toEqual([
        expect.objectContaining({ serial, nodeId: 'node-nghean', revocationReason: 'keyCompromise' }),
      ]);
    });
  });

  describe('tracking', () => {
    const documentUuid = randomUUID();
    const documentId = `${G22.code},2026/11/27,7816/VPCP-TTĐT`;
    const at = (minute: number) => new Date(Date.UTC(2026, 10, 27, 8, minute)).toISOString();

    function event(
      recipient: string,
      name: TraceEvent['event'],
      minute: number,
      extra: Partial<TraceEvent> = {},
    ): TraceEvent {
      return {
        eventId: randomUUID(),
        event: name,
        documentUuid,
        documentId,
        messageId: `${documentUuid}-${recipient}`,
        kind: 'edoc',
        sender: G22.code,
        recipient,
        nodeId: name === 'delivered' || name === 'taken' ? 'node-recipient' : 'node-vpcp',
        occurredAt: at(minute),
        ...extra,
      };
    }

    const publish = (body: object | string, messageId: string = randomUUID()) =>
      probe.publish({
        exchange: 'trace',
        routingKey: G22.code,
        messageId,
        body: Buffer.from(typeof body === 'string' ? body : JSON.stringify(body)),
        contentType: 'application/json',
      });

    const timeline = async () => {
      const res = await operator(api().get(`/api/v1/documents/${documentUuid}/timeline`));
      return res.status === 200
        ? (res.body as { events: { eventId: string }[]; deliveries: Record<string, unknown>[] })
        : undefined;
    };

    it('keeps each recipient’s state right whatever the order, storing every event once', async () => {
      // H41: delivered before published, a duplicate, a late 01 after 03.
      const delivered = event(H41.code, 'delivered', 3);
      const h41 = [
        delivered,
        event(H41.code, 'published', 2),
        delivered,
        event(H41.code, 'submitted', 1),
        event(H41.code, 'status', 6, { statusCode: '03', kind: 'edoc' }),
        event(H41.code, 'status', 4, { statusCode: '01' }),
      ];
      // The child: publishing failed for good, and an older success arrives after the failure.
      const child = [
        event(H41_CHILD.code, 'submitted', 1),
        event(H41_CHILD.code, 'failed', 2, { detail: 'NO_ROUTE: no queue for the recipient' }),
        event(H41_CHILD.code, 'published', 1),
      ];
      for (const e of [...h41, ...child]) expect((await publish(e, e.eventId)).routed).toBe(true);

      const unique = new Set([...h41, ...child].map((e) => e.eventId)).size;
      const result = await eventually(
        timeline,
        (t) => t !== undefined && t.events.length >= unique,
        'all events',
      );
      await new Promise((resolve) => setTimeout(resolve, 300)); // a duplicate stored late would show now
      const settled = await timeline();
      expect(settled?.events).toHaveLength(unique);
      expect(result?.deliveries).toEqual([
        expect.objectContaining({
          recipient: H41.code,
          sender: G22.code,
          documentId,
          state: 'accepted',
          statusCode: '03',
          stateOccurredAt: at(6),
        }),
        expect.objectContaining({
          recipient: H41_CHILD.code,
          state: 'failed',
          detail: 'NO_ROUTE: no queue for the recipient',
        }),
      ]);
      expect(settled?.events.map((e) => (e as unknown as TraceEvent).occurredAt)).toEqual(
        [...settled!.events].map((e) => (e as unknown as TraceEvent).occurredAt).sort(),
      );
    });

    it('lifts a failure with a later success (a re-drive)', async () => {
      await publish(event(H41_CHILD.code, 'published', 10));
      await eventually(
        timeline,
        (t) => t?.deliveries.find((d) => d.recipient === H41_CHILD.code)?.state === 'published',
        'the re-driven delivery',
      );
    });

    it('dead-letters a trace message that can never be stored, and goes on', async () => {
      await publish('not json at all');
      await publish({ ...event(H41.code, 'status', 20), statusCode: '99' });
      await eventually(
        () => probe.queueDepth(probe.topology.traceDeadLetterQueue),
        (depth) => depth === 2,
        'two dead letters',
      );
      await publish(event(H41.code, 'status', 21, { statusCode: '05' }));
      await eventually(
        timeline,
        (t) => t?.deliveries.find((d) => d.recipient === H41.code)?.state === 'processing',
        'the next good event',
      );
    });

    it('lists deliveries by document, agency and state, a page at a time', async () => {
      const all = await operator(api().get('/api/v1/deliveries').query({ documentId })).expect(200);
      expect(all.body.items.map((d: { recipient: string }) => d.recipient).sort()).toEqual(
        [H41.code, H41_CHILD.code].sort(),
      );
      expect(all.body.nextCursor).toBeUndefined();

      const processing = await operator(
        api().get('/api/v1/deliveries').query({ state: 'processing', agency: H41.code }),
      );
      expect(processing.body.items).toEqual([
        expect.objectContaining({ recipient: H41.code, statusCode: '05' }),
      ]);
      const none = await operator(api().get('/api/v1/deliveries').query({ agency: '000.00.00.A01' }));
      expect(none.body.items).toEqual([]);

      const first = await operator(
        api().get('/api/v1/deliveries').query({ agency: G22.code, limit: 1 }),
      ).expect(200);
      expect(first.body.items).toHaveLength(1);
      expect(first.body.nextCursor).toEqual(expect.any(String));
      const second = await operator(
        api().get('/api/v1/deliveries').query({ agency: G22.code, limit: 1, cursor: first.body.nextCursor }),
      ).expect(200);
      expect(second.body.items).toHaveLength(1);
      expect(second.body.items[0].recipient).not.toBe(first.body.items[0].recipient);
      expect(second.body.nextCursor).toBeUndefined();

      const future = await operator(api().get('/api/v1/deliveries').query({ from: '2999-01-01T00:00:00Z' }));
      expect(future.body.items).toEqual([]);
    });

    it('answers 404 for a document it never heard of', async () => {
      const res = await operator(api().get(`/api/v1/documents/${randomUUID()}/timeline`)).expect(404);
      expect(res.body.code).toBe('DOCUMENT_NOT_FOUND');
    });
  });

  describe('operations', () => {
    it('is ready when PostgreSQL and RabbitMQ answer', async () => {
      const res = await api().get('/health/ready').expect(200);
      expect(res.body).toMatchObject({
        status: 'ok',
        info: { database: { status: 'up' }, bus: { status: 'up' }, consumers: { status: 'up' } },
      });
      await api().get('/health/live').expect(200);
    });

    it('publishes its OpenAPI document', async () => {
      const res = await api().get('/docs-json').expect(200);
      expect(Object.keys(res.body.paths)).toEqual(
        expect.arrayContaining(['/api/v1/agencies', '/api/v1/enroll', '/api/v1/documents/{uuid}/timeline']),
      );
    });

    it('keeps its CA and its data across restarts, and declares lost queues again', async () => {
      const keyPem = readFileSync(join(config.dataDir, 'ca.key.pem'), 'utf8');
      expect(keyPem).toContain('BEGIN ENCRYPTED PRIVATE KEY');
      const caPem = (await api().get('/api/v1/ca.pem')).text;
      await axis.close();
      const broker = await amqp.connect(AMQP_URL);
      const channel = await broker.createChannel();
      await channel.deleteQueue(probe.topology.agencyInbox(H41_CHILD.code));
      await broker.close();
      await expect(probe.queueDepth(probe.topology.agencyInbox(H41_CHILD.code))).rejects.toThrow();

      await expect(startAxis({ ...config, caPassphrase: 'not the passphrase' })).rejects.toThrow(
        /passphrase/i,
      );
      axis = await startAxis(config);
      expect((await api().get('/api/v1/ca.pem').expect(200)).text).toBe(caPem);
      // Everything else survived too: migrations are not re-run on a migrated database.
      const agencies = (await operator(api().get('/api/v1/agencies')).expect(200)).body as { code: string }[];
      expect(agencies.map((a) => a.code)).toEqual([H41.code, H41_CHILD.code]);
      await expect(probe.queueDepth(probe.topology.agencyInbox(H41_CHILD.code))).resolves.toBe(0);
    });
  });
});
