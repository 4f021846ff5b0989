import type { IncomingMessage } from '@lienthong/bus';
import { buildEdxml, StatusPackage } from '@lienthong/edxml';
import { recordingMetrics } from '@lienthong/observability/testing/recording-metrics';
import { MESSAGE_HEADERS } from '@lienthong/protocol';
import type { DocumentRecord } from '../domain/document';
import type { NewOutboxMessage } from '../domain/outbox';
import {
  edocPackage,
  fakeAgencies,
  fakeCrypto,
  fakeDeliveryEvents,
  fakeDocuments,
  fakeOutbox,
  fakeQuarantine,
  fakeSignal,
  fakeTransactor,
  fakeTrust,
  TEST_CONFIG,
  storeThroughParts,
  traceFactory,
} from '../testing/unit-fakes';
import { InboundService } from './inbound.service';
import { StatusService } from './status.service';
import type { TrustStore } from './trust-store.service';

const G22 = '000.00.00.G22';
const H41 = '000.00.00.H41';
const H57 = '000.00.00.H57';

function setUp() {
  const deps = {
    agencies: fakeAgencies(H41),
    documents: fakeDocuments(),
    quarantine: fakeQuarantine(),
    events: fakeDeliveryEvents(),
    outbox: fakeOutbox(),
    transactor: fakeTransactor(),
    crypto: fakeCrypto(),
    trust: fakeTrust(G22, H41, H57),
    signal: fakeSignal(),
    metrics: recordingMetrics(),
  };
  storeThroughParts(deps.documents, deps.outbox, deps.events);
  const statuses = new StatusService(deps.crypto, deps.documents, deps.outbox);
  const service = new InboundService(
    deps.agencies,
    deps.documents,
    deps.quarantine,
    deps.events,
    deps.outbox,
    deps.transactor,
    deps.crypto,
    deps.trust as unknown as TrustStore,
    statuses,
    traceFactory(),
    deps.signal,
    TEST_CONFIG,
    deps.metrics,
  );
  return { service, ...deps };
}

function message(body: string, overrides: Partial<IncomingMessage> = {}): IncomingMessage {
  return {
    body: Buffer.from(body),
    messageId: 'msg-1',
    routingKey: H41,
    headers: {
      [MESSAGE_HEADERS.kind]: 'edoc',
      [MESSAGE_HEADERS.from]: G22,
      [MESSAGE_HEADERS.document]: 'doc-uuid-at-g22',
    },
    attempt: 1,
    redelivered: false,
    queue: `axis.agency.${H41}.inbox`,
    ...overrides,
  };
}

const documentXml = (to = [H41]) =>
  buildEdxml(edocPackage(G22, to, { documentId: `${G22},2026/11/20,12/VPCP-TTĐT` }));

/** Every row the service put in the outbox, across calls. */
function outboxRows(outbox: ReturnType<typeof fakeOutbox>): NewOutboxMessage[] {
  return outbox.enqueue.mock.calls.flatMap((call) => call[1] as NewOutboxMessage[]);
}

function traceEvents(
  outbox: ReturnType<typeof fakeOutbox>,
): { event: string; detail?: string; statusCode?: string }[] {
  return outboxRows(outbox)
    .filter((r) => r.exchange === 'trace')
    .map((r) => JSON.parse(r.payload!.toString()));
}

/** The status package a prepared status row carries (the fake signer returns the XML's length, so read the document). */
function statusSent(documents: ReturnType<typeof fakeDocuments>): {
  recipients: string[];
  metadata: StatusPackage;
} {
  const call = documents.insert.mock.calls.find(
    (c) => c[1].kind === 'status' && c[1].direction === 'outbound',
  );
  if (!call) throw new Error('no status was stored');
  return { recipients: call[1].recipients, metadata: call[1].metadata as unknown as StatusPackage };
}

describe('InboundService', () => {
  it('stores a verified document as received, and queues a signed status 01 and a delivered event with it', async () => {
    const { service, documents, crypto, outbox, transactor, signal } = setUp();
    const xml = documentXml();
    crypto.verify.mockReturnValue({ valid: true, content: xml });
    const body = Buffer.from(`<!-- exact bytes -->${xml}`);

    await expect(service.handle(H41, message('', { body }))).resolves.toEqual({ action: 'ack' });

    expect(documents.store).toHaveBeenCalledTimes(1);
    expect(transactor.run).not.toHaveBeenCalled();
    const inbound = documents.insert.mock.calls[0][1];
    expect(inbound).toMatchObject({
      direction: 'inbound',
      kind: 'edoc',
      agencyCode: H41,
      sender: G22,
      messageId: 'msg-1',
      senderDocumentUuid: 'doc-uuid-at-g22',
      documentId: `${G22},2026/11/20,12/VPCP-TTĐT`,
    });
    expect(inbound.package).toBe(body);

    const status = statusSent(documents);
    expect(status.recipients).toEqual([G22]);
    expect(status.metadata.messageHeader).toMatchObject({
      from: { organId: H41 },
      statusCode: '01',
      responseFor: { organId: G22, documentId: `${G22},2026/11/20,12/VPCP-TTĐT` },
    });
    expect(crypto.sign.mock.calls[0][1]).toMatchObject({ code: H41 });
    const statusRow = outboxRows(outbox).find((r) => r.kind === 'status');
    expect(statusRow).toMatchObject({ exchange: 'documents', routingKey: G22 });
    expect(traceEvents(outbox).map((e) => e.event)).toEqual(['delivered']);
    expect(signal.wake).toHaveBeenCalled();
  });

  it('parses the signed content the verifier returned, not the received bytes', async () => {
    const { service, documents, crypto } = setUp();
    crypto.verify.mockReturnValue({ valid: true, content: documentXml() });
    const decoy = buildEdxml(edocPackage(G22, [H41], { subject: 'Nội dung giả mạo' }));
    await service.handle(H41, message(decoy));
    expect(documents.insert.mock.calls[0][1].subject).toBe('Kế hoạch');
  });

  it('quarantines a package whose signature fails and answers the sender 02 with the reason', async () => {
    const { service, documents, quarantine, crypto, outbox } = setUp();
    crypto.verify.mockReturnValue({
      valid: false,
      transient: false,
      code: 'DIGEST_MISMATCH',
      reason: 'changed after signing',
    });

    await expect(service.handle(H41, message(documentXml()))).resolves.toEqual({ action: 'ack' });

    expect(quarantine.insert.mock.calls[0][1]).toMatchObject({
      agencyCode: H41,
      messageId: 'msg-1',
      senderHint: G22,
      reasonCode: 'DIGEST_MISMATCH',
    });
    expect(documents.insert.mock.calls.filter((c) => c[1].direction === 'inbound')).toHaveLength(0);
    const status = statusSent(documents);
    expect(status.recipients).toEqual([G22]);
    expect(status.metadata.messageHeader).toMatchObject({ statusCode: '02' });
    expect(status.metadata.messageHeader.description).toContain('DIGEST_MISMATCH');
    expect(traceEvents(outbox)).toEqual([
      expect.objectContaining({ event: 'quarantined', detail: 'DIGEST_MISMATCH' }),
    ]);
  });

  it('quarantines a document not addressed to the agency', async () => {
    const { service, quarantine, crypto } = setUp();
    crypto.verify.mockReturnValue({ valid: true, content: documentXml([H57]) });
    await service.handle(H41, message(documentXml([H57])));
    expect(quarantine.insert.mock.calls[0][1].reasonCode).toBe('NOT_ADDRESSED');
  });

  it('never answers a refused status package with another status', async () => {
    const { service, quarantine, crypto, documents } = setUp();
    crypto.verify.mockReturnValue({ valid: false, transient: false, code: 'UNSIGNED', reason: 'not signed' });
    await service.handle(
      H41,
      message('<garbage/>', { headers: { [MESSAGE_HEADERS.kind]: 'status', [MESSAGE_HEADERS.from]: G22 } }),
    );
    expect(quarantine.insert).toHaveBeenCalledTimes(1);
    expect(documents.insert).not.toHaveBeenCalled();
  });

  it('acks a redelivery of a message already stored that no longer verifies, without a 02', async () => {
    // No lookup before verifying: the quarantine insert itself finds the stored message id.
    const { service, documents, quarantine, outbox } = setUp();
    quarantine.insert.mockResolvedValueOnce(false);
    await expect(service.handle(H41, message(documentXml()))).resolves.toEqual({ action: 'ack' });
    expect(quarantine.insert).toHaveBeenCalledTimes(1);
    expect(documents.insert).not.toHaveBeenCalled();
    expect(outbox.enqueue).not.toHaveBeenCalled();
  });

  it('acks a concurrent duplicate the unique key caught, without a second status', async () => {
    const { service, documents, crypto, outbox } = setUp();
    crypto.verify.mockReturnValue({ valid: true, content: documentXml() });
    documents.insert.mockResolvedValueOnce('duplicate');
    await expect(service.handle(H41, message(documentXml()))).resolves.toEqual({ action: 'ack' });
    expect(documents.insert).toHaveBeenCalledTimes(1);
    expect(outbox.enqueue).not.toHaveBeenCalled();
  });

  it('counts verifications by result, packages received and rejected by agency', async () => {
    const { service, crypto, documents, metrics } = setUp();
    crypto.verify.mockReturnValue({ valid: true, content: documentXml() });
    await service.handle(H41, message(documentXml()));
    // A redelivery of what is stored already is verified again, but not received twice.
    documents.store.mockResolvedValueOnce('duplicate');
    await service.handle(H41, message(documentXml()));
    crypto.verify.mockReturnValue({
      valid: false,
      transient: false,
      code: 'DIGEST_MISMATCH',
      reason: 'changed',
    });
    await service.handle(H41, message(documentXml(), { messageId: 'msg-2' }));
    crypto.verify.mockReturnValue({ valid: false, transient: true, code: 'CRL_STALE', reason: 'stale' });
    await service.handle(H41, message(documentXml(), { messageId: 'msg-3' }));

    expect(metrics.signatureVerified.mock.calls).toEqual([
      ['ok'],
      ['ok'],
      ['invalid', 'DIGEST_MISMATCH'],
      ['unavailable', 'CRL_STALE'],
    ]);
    expect(metrics.packageReceived.mock.calls).toEqual([[H41, 'edoc']]);
    expect(metrics.packageRejected.mock.calls).toEqual([[H41, 'DIGEST_MISMATCH']]);
  });

  it('asks for a retry when the database fails, and when the CRL is stale', async () => {
    const { service, documents, crypto } = setUp();
    crypto.verify.mockReturnValue({ valid: true, content: documentXml() });
    documents.insert.mockRejectedValueOnce(new Error('connection terminated'));
    await expect(service.handle(H41, message(documentXml()))).resolves.toEqual({
      action: 'retry',
      reason: 'connection terminated',
    });
    crypto.verify.mockReturnValue({
      valid: false,
      transient: true,
      code: 'CRL_STALE',
      reason: 'the CRL is out of date',
    });
    await expect(service.handle(H41, message(documentXml()))).resolves.toMatchObject({ action: 'retry' });
  });

  describe('status packages', () => {
    const original: DocumentRecord = {
      uuid: '6f1d7c1e-0000-4000-8000-000000000001',
      direction: 'outbound',
      kind: 'edoc',
      agencyCode: H41,
      sender: H41,
      recipients: [G22],
      documentId: `${H41},2026/11/20,7/UBND`,
      metadata: {},
      packageSha256: '',
      packageSize: 0,
      createdAt: new Date(0),
    };
    const statusXml = (statusCode: '01' | '03' | '06') =>
      buildEdxml({
        kind: 'status',
        messageHeader: {
          from: { organId: G22 },
          responseFor: { organId: H41, documentId: original.documentId },
          statusCode,
          description: 'Đã tiếp nhận',
          timestamp: '2026/11/20 09:00:00',
        },
      });

    it("records a verified status on the sender's timeline for the recipient that sent it", async () => {
      const { service, documents, events, crypto, outbox } = setUp();
      documents.listSentPackages.mockResolvedValue([original]);
      crypto.verify.mockReturnValue({ valid: true, content: statusXml('03') });

      await expect(service.handle(H41, message(statusXml('03')))).resolves.toEqual({ action: 'ack' });

      expect(documents.listSentPackages).toHaveBeenCalledWith(H41, original.documentId);
      expect(events.record.mock.calls[0][1]).toEqual([
        expect.objectContaining({
          documentUuid: original.uuid,
          recipient: G22,
          event: 'status',
          statusCode: '03',
        }),
      ]);
      expect(traceEvents(outbox)).toEqual([expect.objectContaining({ event: 'status', statusCode: '03' })]);
      expect(documents.insert.mock.calls[0][1]).toMatchObject({
        kind: 'status',
        responseForUuid: original.uuid,
      });
    });

    it('quarantines a status about no document of ours, without answering it', async () => {
      const { service, quarantine, crypto, documents } = setUp();
      crypto.verify.mockReturnValue({ valid: true, content: statusXml('01') });
      await service.handle(
        H41,
        message(statusXml('01'), {
          headers: { [MESSAGE_HEADERS.kind]: 'status', [MESSAGE_HEADERS.from]: G22 },
        }),
      );
      expect(quarantine.insert.mock.calls[0][1].reasonCode).toBe('UNMATCHED_STATUS');
      expect(documents.insert).not.toHaveBeenCalled();
    });
  });

  describe('revocations, updates, replacements and withdrawals', () => {
    const ORIGINAL_ID = `${G22},2026/11/20,12/VPCP-TTĐT`;
    const receivedOriginal: DocumentRecord = {
      uuid: '6f1d7c1e-0000-4000-8000-0000000000a1',
      direction: 'inbound',
      kind: 'edoc',
      agencyCode: H41,
      sender: G22,
      recipients: [H41],
      documentId: ORIGINAL_ID,
      senderDocumentUuid: 'original-at-g22',
      businessDocType: 0,
      metadata: {},
      packageSha256: '',
      packageSize: 0,
      createdAt: new Date(0),
    };
    const sentDocument = (uuid: string, businessDocType: number, extra: Partial<DocumentRecord> = {}) =>
      ({
        ...receivedOriginal,
        uuid,
        direction: 'outbound',
        agencyCode: H41,
        sender: H41,
        recipients: [G22],
        documentId: `${H41},2026/11/20,7/UBND`,
        businessDocType,
        ...extra,
      }) as DocumentRecord;
    const statusFromG22 = (statusCode: '01' | '13' | '15' | '16', documentId: string, organId = H41) =>
      buildEdxml({
        kind: 'status',
        messageHeader: {
          from: { organId: G22 },
          responseFor: { organId, documentId },
          statusCode,
          description: 'Văn thư',
          timestamp: '2026/11/20 09:00:00',
        },
      });

    it('links a received revocation to the original it names (Bussiness/DocumentId, same sender)', async () => {
      const { service, documents, crypto } = setUp();
      const revocation = edocPackage(G22, [H41], { documentId: ORIGINAL_ID });
      revocation.traceHeaderList.bussiness = {
        documentId: ORIGINAL_ID,
        bussinessDocType: 1,
        bussinessDocReason: 'Ban hành nhầm',
      };
      const xml = buildEdxml(revocation);
      crypto.verify.mockReturnValue({ valid: true, content: xml });
      documents.findReceivedOriginal.mockImplementation((agency: string, sender: string, id: string) =>
        Promise.resolve(
          agency === H41 && sender === G22 && id === ORIGINAL_ID ? receivedOriginal : undefined,
        ),
      );

      await expect(service.handle(H41, message(xml))).resolves.toEqual({ action: 'ack' });

      expect(documents.insert.mock.calls[0][1]).toMatchObject({
        direction: 'inbound',
        businessDocType: 1,
        relatedDocumentUuid: receivedOriginal.uuid,
      });
      // It is acknowledged like any document: 01 naming its own DocumentId.
      expect(statusSent(documents).metadata.messageHeader).toMatchObject({
        statusCode: '01',
        responseFor: { documentId: ORIGINAL_ID },
      });
    });

    it('links a replacement through the ReplacementInfo listing this agency, and stores one naming an unknown original unlinked', async () => {
      const { service, documents, crypto } = setUp();
      const replacement = edocPackage(G22, [H41], { documentId: `${G22},2026/11/21,13/VPCP-TTĐT` });
      replacement.traceHeaderList.bussiness = {
        bussinessDocType: 3,
        replacementInfoList: [
          { documentId: 'not-for-h41', organIdList: [H57] },
          { documentId: ORIGINAL_ID, organIdList: [H41] },
        ],
      };
      const xml = buildEdxml(replacement);
      crypto.verify.mockReturnValue({ valid: true, content: xml });
      documents.findReceivedOriginal.mockResolvedValueOnce(receivedOriginal);
      await service.handle(H41, message(xml));
      expect(documents.findReceivedOriginal).toHaveBeenCalledTimes(1);
      expect(documents.findReceivedOriginal).toHaveBeenCalledWith(H41, G22, ORIGINAL_ID);
      expect(documents.insert.mock.calls[0][1]).toMatchObject({
        businessDocType: 3,
        relatedDocumentUuid: receivedOriginal.uuid,
      });

      await service.handle(H41, message(xml, { messageId: 'msg-2' }));
      const second = documents.insert.mock.calls.filter((c) => c[1].direction === 'inbound')[1][1];
      expect(second.businessDocType).toBe(3);
      expect(second.relatedDocumentUuid).toBeUndefined();
    });

    it("keeps a 13 from a received document's sender with that document, off any timeline", async () => {
      const { service, documents, crypto, events, outbox, quarantine } = setUp();
      const xml = statusFromG22('13', ORIGINAL_ID);
      crypto.verify.mockReturnValue({ valid: true, content: xml });
      documents.findReceivedOriginal.mockResolvedValue(receivedOriginal);

      await expect(service.handle(H41, message(xml))).resolves.toEqual({ action: 'ack' });

      expect(documents.findReceivedOriginal).toHaveBeenCalledWith(H41, G22, ORIGINAL_ID);
      expect(documents.insert.mock.calls[0][1]).toMatchObject({
        direction: 'inbound',
        kind: 'status',
        statusCode: '13',
        sender: G22,
        responseForUuid: receivedOriginal.uuid,
      });
      expect(events.record).not.toHaveBeenCalled();
      expect(quarantine.insert).not.toHaveBeenCalled();
      expect(traceEvents(outbox)).toEqual([
        expect.objectContaining({
          event: 'status',
          statusCode: '13',
          documentUuid: 'original-at-g22',
          sender: G22,
          recipient: H41,
        }),
      ]);
    });

    it('acknowledges (01) the packages sharing a DocumentId in order: the oldest not yet acknowledged takes it', async () => {
      const { service, documents, crypto, events } = setUp();
      const original = sentDocument('00000000-0000-4000-8000-000000000001', 0);
      const revocation = sentDocument('00000000-0000-4000-8000-000000000002', 1, {
        relatedDocumentUuid: original.uuid,
      });
      documents.listSentPackages.mockResolvedValue([original, revocation]);
      events.acknowledged.mockImplementation((uuids: string[], recipient: string) =>
        Promise.resolve(new Set(recipient === G22 ? uuids.filter((u) => u === original.uuid) : [])),
      );
      const xml = statusFromG22('01', original.documentId!, H41);
      crypto.verify.mockReturnValue({ valid: true, content: xml });

      await service.handle(H41, message(xml));

      expect(events.record.mock.calls[0][1]).toEqual([
        expect.objectContaining({ documentUuid: revocation.uuid, statusCode: '01', recipient: G22 }),
      ]);
      expect(documents.insert.mock.calls[0][1].responseForUuid).toBe(revocation.uuid);
    });

    it("shows a 15/16 on the original's timeline and on the request it answers, naming that request", async () => {
      const { service, documents, crypto, events, outbox } = setUp();
      const original = sentDocument('00000000-0000-4000-8000-000000000001', 0);
      const update = sentDocument('00000000-0000-4000-8000-000000000002', 2, {
        relatedDocumentUuid: original.uuid,
      });
      documents.listSentPackages.mockResolvedValue([original, update]);
      events.listFor.mockImplementation((uuid: string) =>
        Promise.resolve(
          uuid === original.uuid
            ? [
                {
                  id: 'e1',
                  documentUuid: uuid,
                  recipient: G22,
                  event: 'revoke',
                  relatedDocumentUuid: 'older',
                  occurredAt: new Date(0),
                },
                {
                  id: 'e2',
                  documentUuid: uuid,
                  recipient: H57,
                  event: 'update',
                  relatedDocumentUuid: 'other',
                  occurredAt: new Date(1),
                },
                {
                  id: 'e3',
                  documentUuid: uuid,
                  recipient: G22,
                  event: 'update',
                  relatedDocumentUuid: update.uuid,
                  occurredAt: new Date(2),
                },
              ]
            : [],
        ),
      );
      const xml = statusFromG22('16', original.documentId!, H41);
      crypto.verify.mockReturnValue({ valid: true, content: xml });

      await service.handle(H41, message(xml));

      expect(events.record.mock.calls[0][1]).toEqual([
        expect.objectContaining({
          documentUuid: original.uuid,
          statusCode: '16',
          relatedDocumentUuid: update.uuid,
        }),
        expect.objectContaining({
          documentUuid: update.uuid,
          statusCode: '16',
          relatedDocumentUuid: update.uuid,
        }),
      ]);
      expect(documents.insert.mock.calls[0][1].responseForUuid).toBe(update.uuid);
      // The axis is told about both timelines, so its view of the original matches this node's.
      expect(traceEvents(outbox)).toEqual([
        expect.objectContaining({ event: 'status', statusCode: '16', documentUuid: original.uuid }),
        expect.objectContaining({ event: 'status', statusCode: '16', documentUuid: update.uuid }),
      ]);
    });

    it("shows a 15 naming a replacement's own DocumentId on the replaced original's timeline as well", async () => {
      const { service, documents, crypto, events } = setUp();
      const replacement = sentDocument('00000000-0000-4000-8000-000000000003', 3, {
        relatedDocumentUuid: '00000000-0000-4000-8000-000000000001',
        documentId: `${H41},2026/11/21,8/UBND`,
      });
      documents.listSentPackages.mockResolvedValue([replacement]);
      events.listFor.mockResolvedValue([
        {
          id: 'e1',
          documentUuid: replacement.relatedDocumentUuid!,
          recipient: G22,
          event: 'replace',
          relatedDocumentUuid: replacement.uuid,
          occurredAt: new Date(0),
        },
      ]);
      const xml = statusFromG22('15', replacement.documentId!, H41);
      crypto.verify.mockReturnValue({ valid: true, content: xml });

      await service.handle(H41, message(xml));

      expect(events.listFor).toHaveBeenCalledWith(replacement.relatedDocumentUuid);
      expect(events.record.mock.calls[0][1].map((e: { documentUuid: string }) => e.documentUuid)).toEqual([
        replacement.relatedDocumentUuid,
        replacement.uuid,
      ]);
    });
  });
});
