import { createHmac } from 'node:crypto';
import { Logger } from '@nestjs/common';
import { AppError } from '@lienthong/common';
import { buildEdxml } from '@lienthong/edxml';
import { UnwiredAuditLog } from '../audit/audit-log';
import type { DocumentRepository } from '../repositories/document.repository';
import type { BusinessDocumentsService } from '../services/business-documents.service';
import type { ConnectorsService } from '../services/connectors.service';
import type { InboxService } from '../services/inbox.service';
import type { SentDocumentsService } from '../services/sent-documents.service';
import type { SubmitService } from '../services/submit.service';
import type { TrustStore } from '../services/trust-store.service';
import { edocPackage, fakeDocuments, fakeTrust, TEST_CONFIG } from '../testing/unit-fakes';
import type { RawHeaders } from './vdxp-auth';
import { sdkHashFile } from './vdxp-wire';
import { VdxpAnswer, VdxpService } from './vdxp.service';

const SECRET = 'TEST-ONLY-secret-0123456789abcdef';
const H41 = '000.00.00.H41';
const G22 = '000.00.00.G22';
const caller = { keyId: 'connector:vxp.saas.03', systemId: 'vxp.saas.03', agencies: [H41] };

function signed(values: Record<string, string>, secret = SECRET): RawHeaders {
  const all = { systemid: 'vxp.saas.03', timestamp: '27112026T134937+0718', ...values };
  const signHeader = JSON.stringify(
    Object.fromEntries(Object.entries(all).map(([k, v]) => [`XroadVnpt-${k}`, v])),
  );
  const headers: RawHeaders = {
    'xroadvnpt-sign-header': signHeader,
    'xroadvnpt-hash-header': createHmac('sha256', secret).update(signHeader).digest('hex'),
  };
  for (const [k, v] of Object.entries(all)) headers[`xroadvnpt-${k.toLowerCase()}`] = v;
  return headers;
}

const read = (a: VdxpAnswer) => JSON.parse(a.body.toString('utf8')) as Record<string, unknown>;

describe('VdxpService', () => {
  let submitter: { send: jest.Mock; keptSignature: jest.Mock };
  let inbox: {
    list: jest.Mock;
    count: jest.Mock;
    package: jest.Mock;
    markTaken: jest.Mock;
    sendStatus: jest.Mock;
  };
  let connectors: { secretOf: jest.Mock; recordFailure: jest.Mock };
  let sent: { get: jest.Mock; list: jest.Mock; listStatuses: jest.Mock };
  let business: { withdraw: jest.Mock };
  let documents: ReturnType<typeof fakeDocuments>;
  let service: VdxpService;
  let audit: UnwiredAuditLog;

  const call = (operation: string, values: Record<string, string>, body: Buffer = Buffer.alloc(0)) =>
    service.handle({ operation, headers: signed(values), readBody: async () => body });

  beforeAll(() => Logger.overrideLogger(false));

  beforeEach(() => {
    submitter = {
      keptSignature: jest.fn(() => undefined),
      send: jest.fn(async () => ({
        id: 'f3b1a7e2-0000-4000-8000-000000000001',
        documentId: 'd',
        recipients: [G22],
      })),
    };
    inbox = {
      list: jest.fn(async () => []),
      count: jest.fn(async () => 2),
      package: jest.fn(async () => Buffer.from('<edXML/>')),
      markTaken: jest.fn(async (_c: unknown, id: string) => ({ id, agency: H41 })),
      sendStatus: jest.fn(),
    };
    connectors = {
      secretOf: jest.fn(async (id: string) =>
        id === 'vxp.saas.03' ? { secret: SECRET, caller } : undefined,
      ),
      recordFailure: jest.fn(async () => undefined),
    };
    documents = fakeDocuments();
    audit = new UnwiredAuditLog();
    sent = {
      get: jest.fn(async (_c: unknown, id: string) => {
        if (id !== 's1') throw AppError.notFound('DOCUMENT_NOT_FOUND', 'no');
        return sentDetail;
      }),
      list: jest.fn(async () => [{ id: 's1' }]),
      listStatuses: jest.fn(async () => []),
    };
    business = {
      withdraw: jest.fn(async () => ({
        id: 's1',
        documentId: 'd',
        recipients: [G22],
        statuses: [{ id: 'w13', recipient: G22 }],
      })),
    };
    service = new VdxpService(
      connectors as unknown as ConnectorsService,
      submitter as unknown as SubmitService,
      inbox as unknown as InboxService,
      sent as unknown as SentDocumentsService,
      business as unknown as BusinessDocumentsService,
      documents as unknown as DocumentRepository,
      fakeTrust(G22, H41) as unknown as TrustStore,
      TEST_CONFIG,
      audit,
    );
  });

  it('answers an unknown operation and an unknown systemid with FAIL envelopes', async () => {
    const unknown = await call('getEverything', {});
    expect([unknown.status, read(unknown)]).toEqual([
      404,
      { status: 'FAIL', ErrorCode: '404', ErrorDesc: 'unknown VDXP operation' },
    ]);
    const stranger = await service.handle({
      operation: 'getAgenciesList',
      headers: signed({ systemid: 'vxp.other' }),
      readBody: async () => Buffer.alloc(0),
    });
    expect(read(stranger)).toEqual({
      status: 'FAIL',
      ErrorCode: '401',
      ErrorDesc: 'unknown or disabled systemid',
    });
    // Each refusal is an audit event; the claimed systemid is a detail, not an actor.
    expect(audit.appended).toEqual([
      expect.objectContaining({
        action: 'vdxp.refused',
        actor: 'anonymous',
        details: { operation: 'getEverything', reason: 'UNKNOWN_OPERATION', status: 404 },
      }),
      expect.objectContaining({
        action: 'vdxp.refused',
        actor: 'anonymous',
        details: {
          operation: 'getAgenciesList',
          reason: 'UNKNOWN_SYSTEM',
          status: 401,
          claimedSystemId: 'vxp.other',
        },
      }),
    ]);
  });

  it('keeps DocId in every sendEdoc answer and sends an empty body for a failed downloadEdoc', async () => {
    const badSignature = await service.handle({
      operation: 'sendEdoc',
      headers: signed({}, 'another-secret-0123456789'),
      readBody: async () => Buffer.alloc(0),
    });
    expect(read(badSignature)).toEqual({
      status: 'FAIL',
      ErrorCode: '401',
      ErrorDesc: 'invalid XroadVnpt signature',
      DocId: '',
    });
    inbox.package.mockRejectedValue(AppError.notFound('DOCUMENT_NOT_FOUND', 'There is no such document'));
    const missing = await call('downloadEdoc', { docId: 'x' });
    expect([missing.status, missing.body.length]).toEqual([404, 0]);
  });

  it('sendEdoc: checks hash-file, submits leniently with the `to` recipients, answers ASCII JSON', async () => {
    const pkg = Buffer.from(buildEdxml(edocPackage(H41, [G22], { subject: 'Thành công' })));
    const body = Buffer.concat([pkg, Buffer.from('\r\n')]);
    const wrong = await call('sendEdoc', { 'hash-file': sdkHashFile(Buffer.from('other')) }, body);
    expect(read(wrong)).toMatchObject({ ErrorCode: '401', DocId: '' });
    expect(submitter.send).not.toHaveBeenCalled();

    const sent = await call(
      'sendEdoc',
      { 'hash-file': sdkHashFile(pkg), to: '["000.00.00.G22","000.00.00.H42"]' },
      body,
    );
    expect(read(sent)).toEqual({
      status: 'OK',
      ErrorCode: '0',
      ErrorDesc: 'Success',
      DocId: 'f3b1a7e2-0000-4000-8000-000000000001',
    });
    const [who, submitted, options] = submitter.send.mock.calls[0];
    expect(who).toBe(caller);
    expect(submitted.messageHeader.to.map((t: { organId: string }) => t.organId)).toEqual([
      G22,
      '000.00.00.H42',
    ]);
    expect(options).toEqual({ validation: 'lenient' });
  });

  it('sendEdoc of a document already sent: FAIL 409 naming the DocId it has', async () => {
    const pkg = Buffer.from(buildEdxml(edocPackage(H41, [G22])));
    submitter.send.mockRejectedValue(AppError.conflict('DOCUMENT_ALREADY_SENT', 'already sent'));
    documents.listSentByDocumentId.mockResolvedValue([{ uuid: 'e1', businessDocType: 0 }]);
    const again = await call('sendEdoc', { 'hash-file': sdkHashFile(pkg) }, pkg);
    expect([again.status, read(again)]).toEqual([
      409,
      { status: 'FAIL', ErrorCode: '409', ErrorDesc: 'DOCUMENT_ALREADY_SENT: already sent', DocId: 'e1' },
    ]);
  });

  it('updateStatus: done and fail take the item; fail is recorded with its reason; a status item is found too', async () => {
    expect(
      read(await call('updateStatus', { docId: 'a', status: 'done', servicetype: 'eDoc', filePath: 'x' })),
    ).toMatchObject({
      ErrorCode: '0',
    });
    expect(inbox.markTaken).toHaveBeenLastCalledWith(caller, 'a', 'edoc');
    inbox.markTaken.mockRejectedValueOnce(AppError.notFound('DOCUMENT_NOT_FOUND', 'no'));
    expect(
      read(await call('updateStatus', { docId: 'b', status: 'fail', reason: 'attachment unreadable' })),
    ).toMatchObject({ ErrorCode: '0' });
    expect(inbox.markTaken).toHaveBeenLastCalledWith(caller, 'b', 'status');
    expect(connectors.recordFailure).toHaveBeenCalledWith(
      expect.objectContaining({
        documentUuid: 'b',
        agencyCode: H41,
        systemId: 'vxp.saas.03',
        reason: 'attachment unreadable',
      }),
    );
    expect(read(await call('updateStatus', { docId: 'a', status: 'maybe' }))).toMatchObject({
      status: 'FAIL',
      ErrorCode: '400',
    });
    expect(read(await call('updateStatus', { status: 'done' }))).toMatchObject({
      status: 'FAIL',
      ErrorCode: '400',
    });
  });

  it('lists the inbox with the SDK keys and counts, without nulls', async () => {
    inbox.list.mockResolvedValue([
      { id: 'i1', agency: H41, sender: G22, receivedAt: '2026-11-27T01:02:03.000Z' },
    ]);
    const list = await call('getReceivedEdocList', { servicetype: 'eDoc', messagetype: 'status' });
    expect(inbox.list).toHaveBeenCalledWith(caller, { kind: 'status', limit: 500 });
    expect(read(list).data).toEqual([
      {
        docId: 'i1',
        serviceType: 'eDoc',
        messageType: 'status',
        from: G22,
        to: H41,
        status: 'initial',
        status_desc: 'Chờ nhận',
        created_time: '2026-11-27T08:02:03.000+07:00',
        updated_time: '2026-11-27T08:02:03.000+07:00',
      },
    ]);
    expect(list.body.toString()).toMatch(/^[\x20-\x7e]+$/);
    expect(read(await call('countReceiveStatus', {}))).toMatchObject({ count: 2 });
    expect(inbox.count).toHaveBeenCalledWith(caller, 'status');
  });

  const sentDetail = {
    id: 's1',
    agency: H41,
    recipients: [G22],
    subject: 'Kế hoạch',
    code: '12/VPCP',
    createdAt: '2026-11-27T01:00:00.000Z',
    metadata: {},
    related: [],
    deliveries: [
      {
        code: G22,
        state: 'status',
        lastStatusCode: '03',
        timeline: [
          { event: 'submitted', at: '2026-11-27T01:00:00.000Z' },
          { event: 'published', at: '2026-11-27T01:00:01.000Z' },
          { event: 'status', statusCode: '01', at: '2026-11-27T01:00:02.000Z' },
          { event: 'status', statusCode: '03', at: '2026-11-27T01:00:03.000Z' },
        ],
      },
    ],
  };

  it('getSentEdocList: one item per recipient; a docId that names nothing of the caller’s is a leftover, ignored', async () => {
    const named = read(await call('getSentEdocList', { messagetype: 'edoc', docId: 's1' }));
    expect(named.data).toEqual([
      {
        serviceType: 'eDoc',
        messageType: 'edoc',
        senderDocId: 's1',
        fromCode: H41,
        toCode: G22,
        title: 'Kế hoạch',
        notation: '12/VPCP',
        sentTime: '2026-11-27T08:00:01.000+07:00',
        receivedTime: '2026-11-27T08:00:02.000+07:00',
        sendStatus: 'done',
        sendStatusDesc: 'Đã gửi',
        receiveStatus: '03',
        receiveStatusDesc: 'Đã tiếp nhận',
      },
    ]);
    expect(sent.list).not.toHaveBeenCalled();
    // The SDK object still carries the docId of the inbox item it fetched before.
    const leftover = read(await call('getSentEdocList', { messagetype: 'edoc', docId: 'received-item' }));
    expect(leftover.ErrorCode).toBe('0');
    expect(leftover.data).toHaveLength(1);
    expect(sent.list).toHaveBeenCalledTimes(1);
  });

  describe('sendEdoc of a status package', () => {
    const statusXml = (statusCode: string, from = H41) =>
      Buffer.from(
        buildEdxml({
          kind: 'status',
          messageHeader: {
            from: { organId: from },
            responseFor: { organId: G22, documentId: '000.00.00.G22,2026/11/20,12/VPCP' },
            statusCode: statusCode as '03',
            description: 'Đã nhận',
            timestamp: '2026/11/27 08:00:00',
          },
        }),
      );
    const send = (pkg: Buffer) =>
      call('sendEdoc', { 'hash-file': sdkHashFile(pkg), messagetype: 'status' }, pkg);

    it('03: answers the received document it names, through the inbox service', async () => {
      documents.findReceivedOriginal.mockResolvedValue({ uuid: 'in-1' });
      inbox.sendStatus.mockResolvedValue({ id: 'st-1', statusCode: '03', recipient: G22 });
      const answer = read(await send(statusXml('03')));
      expect(answer).toEqual({ status: 'OK', ErrorCode: '0', ErrorDesc: 'Success', DocId: 'st-1' });
      expect(documents.findReceivedOriginal).toHaveBeenCalledWith(
        H41,
        G22,
        '000.00.00.G22,2026/11/20,12/VPCP',
      );
      expect(inbox.sendStatus).toHaveBeenCalledWith(caller, 'in-1', {
        statusCode: '03',
        description: 'Đã nhận',
      });
    });

    it('15: answers the latest revocation, update or replacement received for that document', async () => {
      documents.findReceivedOriginal.mockResolvedValue({ uuid: 'in-1' });
      documents.listRelated.mockResolvedValue([{ uuid: 'rev-1' }, { uuid: 'upd-2' }]);
      inbox.sendStatus.mockResolvedValue({ id: 'st-15', statusCode: '15', recipient: G22 });
      expect(read(await send(statusXml('15'))).DocId).toBe('st-15');
      expect(inbox.sendStatus.mock.calls[0][1]).toBe('upd-2');
    });

    it('13: the sender withdraws its own document from the recipient ResponseFor names', async () => {
      documents.listSentByDocumentId.mockResolvedValue([{ uuid: 'out-1', businessDocType: 0 }]);
      expect(read(await send(statusXml('13'))).DocId).toBe('w13');
      expect(business.withdraw).toHaveBeenCalledWith(caller, 'out-1', {
        reason: 'Đã nhận',
        recipients: [G22],
      });
    });

    it('refuses 01/02 (the node sends them), a From the connector may not act for, an unknown document', async () => {
      expect(read(await send(statusXml('01')))).toMatchObject({
        status: 'FAIL',
        ErrorCode: '400',
        DocId: '',
      });
      expect(read(await send(statusXml('03', '000.00.00.X99')))).toMatchObject({
        ErrorCode: '403',
        DocId: '',
      });
      expect(read(await send(statusXml('03')))).toMatchObject({ ErrorCode: '404', DocId: '' });
    });
  });
});
