import { buildEdxml, EdocPackage, parseEdxml, StatusPackage } from '@lienthong/edxml';
import type { NewDeliveryEvent } from '../domain/delivery-event';
import type { DocumentRecord } from '../domain/document';
import type { NewOutboxMessage } from '../domain/outbox';
import type { DocumentWrite } from '../repositories/document.repository';
import {
  agency,
  caller,
  edocPackage,
  fakeAgencies,
  fakeCrypto,
  fakeDeliveryEvents,
  fakeDocuments,
  fakeOutbox,
  fakeSignal,
  fakeTransactor,
  fakeTrust,
  TEST_CONFIG,
  traceFactory,
} from '../testing/unit-fakes';
import { BusinessDocumentsService } from './business-documents.service';
import { packageMetadata } from './package-content';
import { StatusService } from './status.service';
import { SubmitService } from './submit.service';
import type { TrustStore } from './trust-store.service';

const G22 = '000.00.00.G22';
const H41 = '000.00.00.H41';
const H57 = '000.00.00.H57';
const X11 = '000.00.00.X11';
const ID = '5a0c1b7e-3333-4000-8000-000000000022';
const DOCUMENT_ID = `${G22},2026/11/20,12/VPCP-TTĐT`;

function originalPackage(): EdocPackage {
  const pkg = edocPackage(G22, [H41, H57], { documentId: DOCUMENT_ID, subject: 'Kế hoạch năm 2027' });
  pkg.messageHeader.to = [
    { organId: H41, organName: 'UBND tỉnh Nghệ An' },
    { organId: H57, organName: 'UBND tỉnh Quảng Nam' },
  ];
  pkg.attachments = [
    {
      contentId: 'a1',
      attachmentName: 'ke-hoach.pdf',
      contentType: 'application/pdf',
      data: Buffer.from('%PDF'),
    },
  ];
  return pkg;
}

const original: DocumentRecord = {
  uuid: ID,
  direction: 'outbound',
  kind: 'edoc',
  agencyCode: G22,
  sender: G22,
  recipients: [H41, H57],
  documentId: DOCUMENT_ID,
  businessDocType: 0,
  code: '12/VPCP-TTĐT',
  subject: 'Kế hoạch năm 2027',
  metadata: packageMetadata(originalPackage()),
  packageSha256: '',
  packageSize: 0,
  createdAt: new Date('2026-11-20T00:00:00Z'),
};

function setUp(record: DocumentRecord = original) {
  const deps = {
    agencies: fakeAgencies(G22, H57),
    documents: fakeDocuments(),
    outbox: fakeOutbox(),
    events: fakeDeliveryEvents(),
    transactor: fakeTransactor(),
    crypto: fakeCrypto(),
    trust: fakeTrust(G22, H41, H57, X11),
    signal: fakeSignal(),
  };
  deps.documents.findInScope.mockImplementation(
    (uuid: string, scope: { agencies: string[]; direction: string }) =>
      Promise.resolve(
        uuid === record.uuid && scope.agencies.includes(record.agencyCode) && scope.direction === 'outbound'
          ? record
          : undefined,
      ),
  );
  const trust = deps.trust as unknown as TrustStore;
  const submitter = new SubmitService(
    deps.agencies,
    deps.documents,
    deps.crypto,
    trust,
    traceFactory(),
    deps.signal,
    TEST_CONFIG,
  );
  const statuses = new StatusService(deps.crypto, deps.documents, deps.outbox);
  const service = new BusinessDocumentsService(
    deps.documents,
    deps.agencies,
    deps.events,
    deps.transactor,
    submitter,
    statuses,
    trust,
    deps.signal,
  );
  return { service, ...deps };
}

/** The package that was signed (the fake signer returns placeholder bytes, so read what it was given). */
function signedEdoc(crypto: ReturnType<typeof fakeCrypto>, call = 0): EdocPackage {
  const pkg = parseEdxml(crypto.sign.mock.calls[call][0] as string).package;
  if (pkg.kind !== 'edoc') throw new Error('not a document');
  return pkg;
}

/** Timeline events, written in a transaction (13s) or with the document they are about (packages). */
function recorded(
  events: ReturnType<typeof fakeDeliveryEvents>,
  documents: ReturnType<typeof fakeDocuments>,
): NewDeliveryEvent[] {
  return [
    ...events.record.mock.calls.flatMap((c) => c[1] as NewDeliveryEvent[]),
    ...documents.store.mock.calls.flatMap((c) => (c[0] as DocumentWrite).events ?? []),
  ];
}

/** The documents sent as packages (revocations, updates, replacements): what was stored. */
function sent(documents: ReturnType<typeof fakeDocuments>, call = 0): DocumentWrite {
  return documents.store.mock.calls[call][0] as DocumentWrite;
}

describe('BusinessDocumentsService', () => {
  describe('revoke', () => {
    it("re-sends the original's header as BussinessDocType 1 naming the original, linked to it, without the files", async () => {
      const { service, crypto, documents, events } = setUp();
      const result = await service.revoke(caller(G22), ID, {
        reason: 'Ban hành nhầm',
        staffInfo: { staff: 'Nguyễn Thị Ngọc Trâm' },
      });

      expect(result).toMatchObject({
        documentId: DOCUMENT_ID,
        recipients: [H41, H57],
        businessDocType: 1,
        originalId: ID,
      });
      expect(crypto.sign.mock.calls[0][1]).toEqual(agency(G22));
      const pkg = signedEdoc(crypto);
      expect(pkg.messageHeader).toMatchObject({
        documentId: DOCUMENT_ID,
        subject: 'Kế hoạch năm 2027',
        to: [
          { organId: H41, organName: 'UBND tỉnh Nghệ An' },
          { organId: H57, organName: 'UBND tỉnh Quảng Nam' },
        ],
      });
      expect(pkg.traceHeaderList.bussiness).toEqual({
        documentId: DOCUMENT_ID,
        bussinessDocType: 1,
        bussinessDocReason: 'Ban hành nhầm',
        staffInfo: { staff: 'Nguyễn Thị Ngọc Trâm' },
      });
      // Only the node's own trace header: the original's belongs to the original transmission.
      expect(pkg.traceHeaderList.traceHeader.map((t) => t.organId)).toEqual([G22]);
      expect(pkg.attachments).toEqual([]);

      const { document: stored, attachments } = sent(documents);
      expect(stored).toMatchObject({ uuid: result.id, businessDocType: 1, relatedDocumentUuid: ID });
      expect(attachments).toEqual([]);
      const onOriginal = recorded(events, documents).filter((e) => e.documentUuid === ID);
      expect(onOriginal).toEqual([
        expect.objectContaining({
          recipient: H41,
          event: 'revoke',
          detail: 'Ban hành nhầm',
          relatedDocumentUuid: result.id,
        }),
        expect.objectContaining({
          recipient: H57,
          event: 'revoke',
          detail: 'Ban hành nhầm',
          relatedDocumentUuid: result.id,
        }),
      ]);
      expect(
        recorded(events, documents)
          .filter((e) => e.documentUuid === result.id)
          .map((e) => e.event),
      ).toEqual(['submitted', 'submitted']);
    });

    it('goes to the recipients named, and refuses one that never received the document (422)', async () => {
      const { service, crypto, documents } = setUp();
      const result = await service.revoke(caller(G22), ID, { reason: 'r', recipients: [H57] });
      expect(result.recipients).toEqual([H57]);
      expect(signedEdoc(crypto).messageHeader.to.map((t) => t.organId)).toEqual([H57]);

      await expect(
        service.revoke(caller(G22), ID, { reason: 'r', recipients: [H41, X11] }),
      ).rejects.toMatchObject({
        kind: 'invalid',
        code: 'NOT_A_RECIPIENT',
        details: { recipients: [X11] },
      });
      expect(documents.store).toHaveBeenCalledTimes(1);
    });

    it("answers 404 for another tenant's document or a missing one, and 422 for a revocation itself", async () => {
      const { service } = setUp();
      for (const attempt of [
        () => service.revoke(caller(H57), ID, { reason: 'r' }),
        () => service.revoke(caller(G22), '5a0c1b7e-3333-4000-8000-000000000099', { reason: 'r' }),
        () => service.revoke(caller(G22), 'not-a-uuid', { reason: 'r' }),
        () => service.withdraw(caller(H57), ID, { reason: 'r' }),
      ]) {
        await expect(attempt()).rejects.toMatchObject({ kind: 'not-found', code: 'DOCUMENT_NOT_FOUND' });
      }
      const revocation = setUp({ ...original, businessDocType: 1, relatedDocumentUuid: 'x' });
      await expect(
        revocation.service.update(caller(G22), ID, { reason: 'r', changes: { subject: 's' } }),
      ).rejects.toMatchObject({
        code: 'NOT_AN_ORIGINAL_DOCUMENT',
      });
      expect(revocation.crypto.sign).not.toHaveBeenCalled();
    });
  });

  describe('update', () => {
    it('applies the changes to the header, keeps the DocumentId and says what changed', async () => {
      const { service, crypto, documents, events } = setUp();
      const result = await service.update(caller(G22), ID, {
        reason: 'Sửa trích yếu',
        changes: { subject: 'Kế hoạch năm 2027 (sửa đổi)', dueDate: '2026/12/31' },
      });
      const pkg = signedEdoc(crypto);
      expect(pkg.messageHeader).toMatchObject({
        documentId: DOCUMENT_ID,
        subject: 'Kế hoạch năm 2027 (sửa đổi)',
        dueDate: '2026/12/31',
        code: { codeNumber: '12', codeNotation: 'VPCP-TTĐT' },
      });
      expect(pkg.traceHeaderList.bussiness).toMatchObject({
        documentId: DOCUMENT_ID,
        bussinessDocType: 2,
        bussinessDocReason: 'Sửa trích yếu',
        bussinessDocumentInfo: { documentInfo: '1', documentReceiver: '0' },
      });
      expect(result).toMatchObject({ businessDocType: 2, originalId: ID, recipients: [H41, H57] });
      expect(recorded(events, documents).filter((e) => e.event === 'update')).toHaveLength(2);
    });

    it('sends to exactly the receivers named, listed in ReceiverList', async () => {
      const { service, crypto } = setUp();
      const result = await service.update(caller(G22), ID, {
        reason: 'Bổ sung nơi nhận',
        receivers: [
          { organId: H41, receiverType: 0 },
          { organId: X11, receiverType: 1 },
        ],
      });
      expect(result.recipients).toEqual([H41, X11]);
      const pkg = signedEdoc(crypto);
      expect(pkg.messageHeader.to).toEqual([
        { organId: H41, organName: 'UBND tỉnh Nghệ An' },
        { organId: X11 },
      ]);
      expect(pkg.traceHeaderList.bussiness?.bussinessDocumentInfo).toEqual({
        documentInfo: '0',
        documentReceiver: '1',
        receiverList: [
          { organId: H41, receiverType: 0 },
          { organId: X11, receiverType: 1 },
        ],
      });
    });

    it('refuses an update that changes nothing (422)', async () => {
      const { service, crypto } = setUp();
      await expect(service.update(caller(G22), ID, { reason: 'r', changes: {} })).rejects.toMatchObject({
        code: 'NOTHING_TO_UPDATE',
      });
      expect(crypto.sign).not.toHaveBeenCalled();
    });
  });

  describe('replace', () => {
    const replacement = (from = G22, to = [H41, X11]) =>
      edocPackage(from, to, {
        code: { codeNumber: '13', codeNotation: 'VPCP-TTĐT' },
        subject: 'Kế hoạch thay thế',
      });
    const xml = (pkg: EdocPackage) => ({ type: 'xml' as const, bytes: Buffer.from(buildEdxml(pkg)) });

    it('sends a new document of its own whose ReplacementInfoList names the original and the recipients it replaces it for', async () => {
      const { service, crypto, documents, events } = setUp();
      const result = await service.replace(
        caller(G22),
        ID,
        xml(replacement()),
        'Thay thế văn bản ban hành nhầm',
      );
      expect(result).toMatchObject({
        documentId: `${G22},2026/11/20,13/VPCP-TTĐT`,
        recipients: [H41, X11],
        businessDocType: 3,
        originalId: ID,
      });
      expect(signedEdoc(crypto).traceHeaderList.bussiness).toEqual({
        bussinessDocType: 3,
        bussinessDocReason: 'Thay thế văn bản ban hành nhầm',
        replacementInfoList: [{ documentId: DOCUMENT_ID, organIdList: [H41] }],
      });
      expect(sent(documents).document).toMatchObject({
        businessDocType: 3,
        relatedDocumentUuid: ID,
      });
      expect(recorded(events, documents).filter((e) => e.documentUuid === ID)).toEqual([
        expect.objectContaining({ event: 'replace', recipient: H41, relatedDocumentUuid: result.id }),
        expect.objectContaining({ event: 'replace', recipient: X11, relatedDocumentUuid: result.id }),
      ]);
    });

    it("keeps the package's own reason, and refuses another sender, another business type, or no common recipient", async () => {
      const { service, crypto } = setUp();
      const own = replacement();
      own.traceHeaderList.bussiness = { bussinessDocType: 3, bussinessDocReason: 'Lý do trong gói tin' };
      await service.replace(caller(G22), ID, xml(own), 'ignored');
      expect(signedEdoc(crypto).traceHeaderList.bussiness?.bussinessDocReason).toBe('Lý do trong gói tin');

      await expect(service.replace(caller(G22, H57), ID, xml(replacement(H57)))).rejects.toMatchObject({
        code: 'NOT_THE_ORIGINAL_SENDER',
      });
      const update = replacement();
      update.traceHeaderList.bussiness = {
        documentId: DOCUMENT_ID,
        bussinessDocType: 2,
        bussinessDocumentInfo: {},
      };
      await expect(service.replace(caller(G22), ID, xml(update))).rejects.toMatchObject({
        code: 'BUSINESS_TYPE_MISMATCH',
      });
      await expect(service.replace(caller(G22), ID, xml(replacement(G22, [X11])))).rejects.toMatchObject({
        code: 'NOT_A_RECIPIENT',
      });
      expect(crypto.sign).toHaveBeenCalledTimes(1);
    });
  });

  describe('withdraw', () => {
    it('signs one 13 per recipient, From the sender and ResponseFor the recipient, as the SDK sample has it', async () => {
      const { service, crypto, documents, outbox, events, transactor, signal } = setUp();
      const result = await service.withdraw(caller(G22), ID, {
        reason: 'Văn thư yêu cầu lấy lại văn bản',
        staffInfo: { department: 'Văn thư' },
      });

      expect(result).toMatchObject({ id: ID, documentId: DOCUMENT_ID, recipients: [H41, H57] });
      expect(transactor.run).toHaveBeenCalledTimes(1);
      const stored = documents.insert.mock.calls.map((c) => c[1]);
      expect(
        stored.map((d) => [d.kind, d.direction, d.statusCode, d.recipients[0], d.responseForUuid]),
      ).toEqual([
        ['status', 'outbound', '13', H41, ID],
        ['status', 'outbound', '13', H57, ID],
      ]);
      expect(result.statuses).toEqual([
        { id: stored[0].uuid, recipient: H41 },
        { id: stored[1].uuid, recipient: H57 },
      ]);
      const status = stored[0].metadata as unknown as StatusPackage;
      expect(status.messageHeader).toMatchObject({
        from: { organId: G22 },
        responseFor: {
          organId: H41,
          documentId: DOCUMENT_ID,
          code: '12/VPCP-TTĐT',
          promulgationDate: '2026/11/20',
        },
        statusCode: '13',
        description: 'Văn thư yêu cầu lấy lại văn bản',
        staffInfo: { department: 'Văn thư' },
      });
      expect(crypto.sign.mock.calls.every((c) => (c[1] as { code: string }).code === G22)).toBe(true);

      const rows = outbox.enqueue.mock.calls.flatMap((c) => c[1] as NewOutboxMessage[]);
      expect(rows.map((r) => [r.routingKey, r.kind, r.trace])).toEqual([
        [
          H41,
          'status',
          { documentUuid: ID, documentId: DOCUMENT_ID, sender: G22, recipient: H41, statusCode: '13' },
        ],
        [
          H57,
          'status',
          { documentUuid: ID, documentId: DOCUMENT_ID, sender: G22, recipient: H57, statusCode: '13' },
        ],
      ]);
      expect(recorded(events, documents)).toEqual([
        expect.objectContaining({
          documentUuid: ID,
          recipient: H41,
          event: 'withdraw',
          statusCode: '13',
          relatedDocumentUuid: stored[0].uuid,
        }),
        expect.objectContaining({
          documentUuid: ID,
          recipient: H57,
          event: 'withdraw',
          statusCode: '13',
          relatedDocumentUuid: stored[1].uuid,
        }),
      ]);
      expect(signal.wake).toHaveBeenCalled();
    });

    it('refuses a recipient gone from the directory, after asking the axis again', async () => {
      const { service, trust, documents } = setUp();
      trust.findActive.mockImplementation((code: string) =>
        code === H41 ? { code, name: code, state: 'active' } : undefined,
      );
      await expect(service.withdraw(caller(G22), ID, { reason: 'r' })).rejects.toMatchObject({
        code: 'UNKNOWN_RECIPIENT',
        details: { recipients: [H57] },
      });
      expect(trust.refreshAfterMiss).toHaveBeenCalledTimes(1);
      expect(documents.insert).not.toHaveBeenCalled();
    });
  });
});
