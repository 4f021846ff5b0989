import { buildEdxml, parseEdxml } from '@lienthong/edxml';
import { MESSAGE_HEADERS } from '@lienthong/protocol';
import type { DocumentWrite } from '../repositories/document.repository';
import {
  agency,
  caller,
  edocPackage,
  fakeAgencies,
  fakeCrypto,
  fakeDocuments,
  fakeSignal,
  fakeTrust,
  TEST_CONFIG,
  traceFactory,
} from '../testing/unit-fakes';
import { SubmitService } from './submit.service';
import type { TrustStore } from './trust-store.service';

const G22 = '000.00.00.G22';
const H41 = '000.00.00.H41';
const H57 = '000.00.00.H57';

function setUp(options: { hosted?: string[]; directory?: string[] } = {}) {
  const deps = {
    agencies: fakeAgencies(...(options.hosted ?? [G22])),
    documents: fakeDocuments(),
    crypto: fakeCrypto(),
    trust: fakeTrust(...(options.directory ?? [G22, H41, H57])),
    signal: fakeSignal(),
  };
  const service = new SubmitService(
    deps.agencies,
    deps.documents,
    deps.crypto,
    deps.trust as unknown as TrustStore,
    traceFactory(),
    deps.signal,
    TEST_CONFIG,
  );
  return { service, ...deps };
}

const xml = (from: string, to: string[]) => ({
  type: 'xml' as const,
  bytes: Buffer.from(buildEdxml(edocPackage(from, to))),
});

describe('SubmitService', () => {
  it('refuses a caller whose key may not act for From (403), the same way whether or not the agency is hosted', async () => {
    const { service, documents, crypto } = setUp({ hosted: [G22, H41] });
    const hostedElsewhere = service.submit(caller(H41), xml(G22, [H57]));
    await expect(hostedElsewhere).rejects.toMatchObject({ kind: 'forbidden', code: 'AGENCY_NOT_PERMITTED' });
    const notHosted = service.submit(caller(H41), xml('000.00.00.Q99', [H57]));
    await expect(notHosted).rejects.toMatchObject({ kind: 'forbidden', code: 'AGENCY_NOT_PERMITTED' });
    // A key listing an agency this node no longer hosts gets the same answer.
    await expect(service.submit(caller(H57), xml(H57, [G22]))).rejects.toMatchObject({
      code: 'AGENCY_NOT_PERMITTED',
    });
    expect(crypto.sign).not.toHaveBeenCalled();
    expect(documents.store).not.toHaveBeenCalled();
  });

  it('refuses recipients missing from the directory (422), listing them', async () => {
    const { service, documents } = setUp({ directory: [G22, H41] });
    await expect(service.submit(caller(G22), xml(G22, [H41, H57, '000.00.00.Z11']))).rejects.toMatchObject({
      kind: 'invalid',
      code: 'UNKNOWN_RECIPIENT',
      details: { recipients: [H57, '000.00.00.Z11'] },
    });
    expect(documents.store).not.toHaveBeenCalled();
  });

  it('asks the axis again before refusing a recipient registered since the last refresh', async () => {
    const { service, trust, documents } = setUp({ directory: [G22] });
    trust.refreshAfterMiss.mockImplementation(async () => {
      trust.findActive.mockImplementation((code: string) =>
        [G22, H41].includes(code) ? { code, name: code, state: 'active' } : undefined,
      );
    });
    await expect(service.submit(caller(G22), xml(G22, [H41]))).resolves.toMatchObject({ recipients: [H41] });
    expect(trust.refreshAfterMiss).toHaveBeenCalledTimes(1);
    expect(documents.store).toHaveBeenCalledTimes(1);
  });

  it("signs with the From agency's key, after adding DocumentId and the node's trace header", async () => {
    const { service, crypto } = setUp();
    const result = await service.submit(caller(G22), xml(G22, [H41]));
    expect(result.documentId).toBe(`${G22},2026/11/20,12/VPCP-TTĐT`);
    expect(crypto.sign).toHaveBeenCalledTimes(1);
    const [signedXml, signer] = crypto.sign.mock.calls[0] as [string, unknown];
    expect(signer).toEqual(agency(G22));
    const pkg = parseEdxml(signedXml).package;
    if (pkg.kind !== 'edoc') throw new Error('not an edoc');
    expect(pkg.messageHeader.documentId).toBe(result.documentId);
    expect(pkg.traceHeaderList.traceHeader).toHaveLength(2);
    expect(pkg.traceHeaderList.traceHeader[1].organId).toBe(G22);
  });

  it('stores the signed bytes, one outbox row per recipient and a submitted trace each, in one write', async () => {
    const { service, documents, signal, crypto } = setUp();
    const result = await service.submit(caller(G22), xml(G22, [H41, H57, H41]));
    expect(result.recipients).toEqual([H41, H57]);
    expect(documents.store).toHaveBeenCalledTimes(1);

    const [write] = documents.store.mock.calls[0] as [DocumentWrite];
    const stored = write.document;
    expect(stored).toMatchObject({
      uuid: result.id,
      direction: 'outbound',
      agencyCode: G22,
      recipients: [H41, H57],
    });
    expect(stored.package).toEqual(crypto.sign.mock.results[0].value);

    const rows = write.outbox!;
    const documentRows = rows.filter((r) => r.exchange === 'documents');
    expect(documentRows.map((r) => r.routingKey)).toEqual([H41, H57]);
    expect(new Set(documentRows.map((r) => r.id)).size).toBe(2);
    expect(documentRows[0].headers).toEqual({
      [MESSAGE_HEADERS.kind]: 'edoc',
      [MESSAGE_HEADERS.from]: G22,
      [MESSAGE_HEADERS.document]: result.id,
    });
    const traces = rows.filter((r) => r.exchange === 'trace').map((r) => JSON.parse(r.payload!.toString()));
    expect(traces.map((t) => [t.event, t.recipient, t.messageId])).toEqual([
      ['submitted', H41, documentRows[0].id],
      ['submitted', H57, documentRows[1].id],
    ]);
    expect(write.events).toHaveLength(2);
    expect(signal.wake).toHaveBeenCalledTimes(1);
  });

  it('answers 409 for a DocumentId the agency already sent, and wakes nobody', async () => {
    const { service, documents, signal } = setUp();
    documents.store.mockResolvedValueOnce('duplicate');
    await expect(service.submit(caller(G22), xml(G22, [H41]))).rejects.toMatchObject({
      code: 'DOCUMENT_ALREADY_SENT',
    });
    expect(signal.wake).not.toHaveBeenCalled();
  });

  it('reads the JSON form with files as attachments', async () => {
    const { service, documents } = setUp();
    const { attachments: _, ...json } = edocPackage(G22, [H41]);
    await service.submit(caller(G22), {
      type: 'multipart',
      metadata: JSON.stringify({ messageHeader: json.messageHeader }),
      files: [{ name: 'quyết-định.pdf', contentType: 'application/octet-stream', data: Buffer.from('%PDF') }],
    });
    const { attachments } = documents.store.mock.calls[0][0] as DocumentWrite;
    expect(attachments).toEqual([
      expect.objectContaining({ index: 0, name: 'quyết-định.pdf', contentType: 'application/pdf', size: 4 }),
    ]);
  });

  it('refuses a status package (statuses have their own endpoint) and an invalid document', async () => {
    const { service } = setUp();
    const status = {
      kind: 'status',
      messageHeader: {
        from: { organId: G22 },
        responseFor: { organId: H41, documentId: `${H41},2026/11/20,1/UBND` },
        statusCode: '03',
        timestamp: '2026/11/20 08:00:00',
      },
    };
    await expect(
      service.submit(caller(G22), { type: 'multipart', metadata: JSON.stringify(status), files: [] }),
    ).rejects.toMatchObject({ code: 'NOT_A_DOCUMENT' });
    const impossibleDate = edocPackage(G22, [H41], { promulgationInfo: { promulgationDate: '2026/02/30' } });
    await expect(
      service.submit(caller(G22), { type: 'xml', bytes: Buffer.from(buildEdxml(impossibleDate)) }),
    ).rejects.toMatchObject({ code: 'EDXML_INVALID_PACKAGE' });
  });

  describe('a revocation, update or replacement submitted as a package', () => {
    const ORIGINAL_ID = `${G22},2026/11/20,12/VPCP-TTĐT`;
    const revocation = () => {
      const pkg = edocPackage(G22, [H41], { documentId: ORIGINAL_ID });
      pkg.traceHeaderList.bussiness = {
        documentId: ORIGINAL_ID,
        bussinessDocType: 1,
        bussinessDocReason: 'Nhầm',
      };
      return { type: 'xml' as const, bytes: Buffer.from(buildEdxml(pkg)) };
    };
    const sentOriginal = {
      uuid: '1b2c3d4e-0000-4000-8000-000000000001',
      direction: 'outbound' as const,
      kind: 'edoc' as const,
      agencyCode: G22,
      sender: G22,
      recipients: [H41],
      documentId: ORIGINAL_ID,
      businessDocType: 0,
      metadata: {},
      packageSha256: '',
      packageSize: 0,
      createdAt: new Date(0),
    };

    it("is linked to the original it names when this agency sent it, and shows on the original's timeline", async () => {
      const { service, documents } = setUp();
      // An earlier revocation repeats the DocumentId; the link goes to the document itself.
      documents.listSentByDocumentId.mockResolvedValue([
        sentOriginal,
        { ...sentOriginal, uuid: 'earlier-revocation', businessDocType: 1 },
      ]);
      const result = await service.submit(caller(G22), revocation());
      expect(documents.listSentByDocumentId).toHaveBeenCalledWith(G22, ORIGINAL_ID);
      expect(result).toMatchObject({ businessDocType: 1, originalId: sentOriginal.uuid });
      expect((documents.store.mock.calls[0][0] as DocumentWrite).document).toMatchObject({
        businessDocType: 1,
        relatedDocumentUuid: sentOriginal.uuid,
      });
      expect((documents.store.mock.calls[0][0] as DocumentWrite).events).toEqual([
        expect.objectContaining({ documentUuid: result.id, event: 'submitted', recipient: H41 }),
        expect.objectContaining({
          documentUuid: sentOriginal.uuid,
          event: 'revoke',
          recipient: H41,
          detail: 'Nhầm',
          relatedDocumentUuid: result.id,
        }),
      ]);
    });

    it('goes out unlinked when the original is not known here', async () => {
      const { service, documents } = setUp();
      const result = await service.submit(caller(G22), revocation());
      expect(result.originalId).toBeUndefined();
      const write = documents.store.mock.calls[0][0] as DocumentWrite;
      expect(write.document.relatedDocumentUuid).toBeUndefined();
      expect(write.events!.map((e) => e.event)).toEqual(['submitted']);
    });
  });
  describe('a package already signed', () => {
    const signedText = () =>
      `${buildEdxml(edocPackage(G22, [H41]))}\n<!-- signed: http://www.w3.org/2000/09/xmldsig# -->`;

    it('keeps a valid standard signature of From: the bytes go out as they are, no trace header added', async () => {
      const { service, documents, crypto } = setUp();
      const text = signedText();
      crypto.verify.mockReturnValue({ valid: true, content: text });
      await service.submit(caller(G22), { type: 'xml', bytes: Buffer.from(text) });
      expect(crypto.verify).toHaveBeenCalledTimes(1);
      expect(crypto.sign).not.toHaveBeenCalled();
      const write = documents.store.mock.calls[0][0] as DocumentWrite;
      expect(write.document.package.toString()).toBe(text);
    });

    it('signs again when the signature does not verify (legacy, placeholder, another signer)', async () => {
      const { service, documents, crypto } = setUp();
      await service.submit(caller(G22), { type: 'xml', bytes: Buffer.from(signedText()) });
      expect(crypto.verify).toHaveBeenCalledTimes(1);
      expect(crypto.sign).toHaveBeenCalledTimes(1);
      const write = documents.store.mock.calls[0][0] as DocumentWrite;
      expect(write.document.package.toString()).toMatch(/^SIGNED /);
    });

    it('does not try to verify a package without any XMLDSig signature', async () => {
      const { service, crypto } = setUp();
      await service.submit(caller(G22), xml(G22, [H41]));
      expect(crypto.verify).not.toHaveBeenCalled();
    });
  });
});
