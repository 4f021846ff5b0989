import type { StatusPackage } from '@lienthong/edxml';
import type { DocumentRecord } from '../domain/document';
import type { NewOutboxMessage } from '../domain/outbox';
import {
  caller,
  fakeAgencies,
  fakeCrypto,
  fakeDocuments,
  fakeOutbox,
  fakeSignal,
  fakeTransactor,
  traceFactory,
} from '../testing/unit-fakes';
import { InboxService } from './inbox.service';
import { StatusService } from './status.service';

const G22 = '000.00.00.G22';
const H41 = '000.00.00.H41';
const H57 = '000.00.00.H57';
const ID = '0d5f6a52-1111-4000-8000-000000000041';

const received: DocumentRecord = {
  uuid: ID,
  direction: 'inbound',
  kind: 'edoc',
  agencyCode: H41,
  sender: G22,
  recipients: [H41],
  documentId: `${G22},2026/11/20,12/VPCP-TTĐT`,
  messageId: 'msg-1',
  senderDocumentUuid: 'doc-uuid-at-g22',
  code: '12/VPCP-TTĐT',
  subject: 'Kế hoạch',
  metadata: { messageHeader: { promulgationInfo: { promulgationDate: '2026/11/20' } } },
  packageSha256: 'abc',
  packageSize: 10,
  receivedAt: new Date('2026-11-20T01:00:00Z'),
  createdAt: new Date('2026-11-20T01:00:00Z'),
};

function setUp() {
  const deps = {
    documents: fakeDocuments(),
    agencies: fakeAgencies(H41, H57),
    outbox: fakeOutbox(),
    transactor: fakeTransactor(),
    crypto: fakeCrypto(),
    signal: fakeSignal(),
  };
  // The repository honours the scope it is given, as the real one does.
  deps.documents.findInScope.mockImplementation((uuid: string, scope: { agencies: string[] }) =>
    Promise.resolve(uuid === ID && scope.agencies.includes(H41) ? received : undefined),
  );
  const statuses = new StatusService(deps.crypto, deps.documents, deps.outbox);
  const service = new InboxService(
    deps.documents,
    deps.agencies,
    deps.outbox,
    deps.transactor,
    statuses,
    traceFactory(),
    deps.signal,
  );
  return { service, ...deps };
}

describe('InboxService', () => {
  it("queries only the caller's agencies, and refuses a filter on another agency", async () => {
    const { service, documents } = setUp();
    await service.list(caller(H57));
    expect(documents.list).toHaveBeenCalledWith(
      { agencies: [H57], direction: 'inbound', kind: 'edoc' },
      { limit: 100, includeTaken: false },
    );
    await expect(service.list(caller(H57), { agency: H41 })).rejects.toMatchObject({
      kind: 'forbidden',
      code: 'AGENCY_NOT_PERMITTED',
    });
  });

  it("answers another tenant's document exactly like a missing one (404)", async () => {
    const { service } = setUp();
    const asH57 = [
      () => service.get(caller(H57), ID),
      () => service.package(caller(H57), ID),
      () => service.attachment(caller(H57), ID, 0),
      () => service.markTaken(caller(H57), ID),
      () => service.sendStatus(caller(H57), ID, { statusCode: '03' }),
    ];
    for (const call of asH57) {
      await expect(call()).rejects.toMatchObject({ kind: 'not-found', code: 'DOCUMENT_NOT_FOUND' });
    }
    await expect(service.get(caller(H57), 'not-a-uuid')).rejects.toMatchObject({
      code: 'DOCUMENT_NOT_FOUND',
    });
    await expect(service.get(caller(H41), ID)).resolves.toMatchObject({ id: ID, sender: G22 });
  });

  it('routes a business status to the document sender, signed as the recipient agency', async () => {
    const { service, documents, outbox, crypto, signal } = setUp();
    const result = await service.sendStatus(caller(H41), ID, {
      statusCode: '06',
      description: 'Đã xử lý xong',
    });
    expect(result).toMatchObject({ statusCode: '06', recipient: G22 });

    expect(crypto.sign.mock.calls[0][1]).toMatchObject({ code: H41 });
    const [, stored] = documents.insert.mock.calls[0];
    const pkg = stored.metadata as unknown as StatusPackage;
    expect(pkg.messageHeader).toMatchObject({
      from: { organId: H41 },
      statusCode: '06',
      responseFor: {
        organId: G22,
        documentId: received.documentId,
        code: '12/VPCP-TTĐT',
        promulgationDate: '2026/11/20',
      },
    });
    expect(stored).toMatchObject({
      direction: 'outbound',
      kind: 'status',
      recipients: [G22],
      responseForUuid: ID,
    });
    const [row] = outbox.enqueue.mock.calls[0][1] as NewOutboxMessage[];
    expect(row).toMatchObject({
      exchange: 'documents',
      routingKey: G22,
      kind: 'status',
      trace: { documentUuid: 'doc-uuid-at-g22', sender: G22, recipient: H41, statusCode: '06' },
    });
    expect(signal.wake).toHaveBeenCalled();
  });

  it('marks taken once: the second call changes nothing and emits no second event', async () => {
    const { service, documents, outbox } = setUp();
    const first = await service.markTaken(caller(H41), ID);
    expect(first.takenAt).toBeDefined();
    const events = (outbox.enqueue.mock.calls[0][1] as NewOutboxMessage[]).map((m) =>
      JSON.parse(m.payload!.toString()),
    );
    expect(events).toEqual([
      expect.objectContaining({ event: 'taken', documentUuid: 'doc-uuid-at-g22', recipient: H41 }),
    ]);

    documents.markTaken.mockResolvedValueOnce(false);
    await service.markTaken(caller(H41), ID);
    expect(outbox.enqueue).toHaveBeenCalledTimes(1);
  });

  describe('answers to requests (13, 15, 16)', () => {
    it("refuses 13 from a recipient: it is the sender's request to take the document back", async () => {
      const { service, documents } = setUp();
      await expect(service.sendStatus(caller(H41), ID, { statusCode: '13' })).rejects.toMatchObject({
        kind: 'invalid',
        code: 'STATUS_NOT_APPLICABLE',
      });
      expect(documents.insert).not.toHaveBeenCalled();
    });

    it('refuses 15/16 for a new document nobody asked anything about (422)', async () => {
      const { service, documents } = setUp();
      for (const statusCode of ['15', '16'] as const) {
        await expect(service.sendStatus(caller(H41), ID, { statusCode })).rejects.toMatchObject({
          code: 'STATUS_NOT_APPLICABLE',
          details: { businessDocType: 0 },
        });
      }
      expect(documents.listStatusesAbout).toHaveBeenCalledWith(H41, ID, 'inbound');
      expect(documents.insert).not.toHaveBeenCalled();
    });

    it('sends 15/16 for a revocation, update or replacement, answering its own DocumentId', async () => {
      const { service, documents } = setUp();
      for (const businessDocType of [1, 2, 3]) {
        documents.findInScope.mockResolvedValueOnce({ ...received, businessDocType });
        await expect(service.sendStatus(caller(H41), ID, { statusCode: '16' })).resolves.toMatchObject({
          statusCode: '16',
          recipient: G22,
        });
      }
      const sent = documents.insert.mock.calls.map((c) => c[1].metadata as unknown as StatusPackage);
      expect(sent.map((p) => [p.messageHeader.statusCode, p.messageHeader.responseFor.documentId])).toEqual([
        ['16', received.documentId],
        ['16', received.documentId],
        ['16', received.documentId],
      ]);
    });

    it('sends 15 for a document its sender asked back with a 13', async () => {
      const { service, documents } = setUp();
      documents.listStatusesAbout.mockResolvedValue([
        { ...received, uuid: 'status-13', kind: 'status', statusCode: '13', responseForUuid: ID },
      ]);
      await expect(service.sendStatus(caller(H41), ID, { statusCode: '15' })).resolves.toMatchObject({
        statusCode: '15',
      });
    });

    it('shows the revocations, updates and replacements received for a document, and the 13s its sender sent', async () => {
      const { service, documents } = setUp();
      const revocation = { ...received, uuid: 'revocation', businessDocType: 1, relatedDocumentUuid: ID };
      documents.listRelated.mockResolvedValue([revocation]);
      documents.listStatusesAbout.mockResolvedValue([
        {
          ...received,
          uuid: 'status-13',
          kind: 'status',
          statusCode: '13',
          metadata: { messageHeader: { description: 'Lấy lại', staffInfo: { staff: 'Trâm' } } },
        },
      ]);
      const detail = await service.get(caller(H41), ID);
      expect(documents.listRelated).toHaveBeenCalledWith(H41, ID);
      expect(detail.related).toEqual([
        expect.objectContaining({ id: 'revocation', businessDocType: 1, originalId: ID }),
      ]);
      expect(detail.senderStatuses).toEqual([
        {
          id: 'status-13',
          statusCode: '13',
          description: 'Lấy lại',
          staffInfo: { staff: 'Trâm' },
          receivedAt: received.receivedAt!.toISOString(),
        },
      ]);
    });
  });
});
