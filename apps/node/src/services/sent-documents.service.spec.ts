import type { DeliveryEvent } from '../domain/delivery-event';
import type { DocumentRecord } from '../domain/document';
import { caller, fakeDeliveryEvents, fakeDocuments } from '../testing/unit-fakes';
import { SentDocumentsService } from './sent-documents.service';

const G22 = '000.00.00.G22';
const H41 = '000.00.00.H41';
const H57 = '000.00.00.H57';
const ID = '7c1e5b40-2222-4000-8000-000000000022';

const sent: DocumentRecord = {
  uuid: ID,
  direction: 'outbound',
  kind: 'edoc',
  agencyCode: G22,
  sender: G22,
  recipients: [H41, H57],
  documentId: 'D',
  metadata: {},
  packageSha256: '',
  packageSize: 0,
  createdAt: new Date('2026-11-20T00:00:00Z'),
};

const at = (s: number) => new Date(Date.UTC(2026, 10, 20, 0, 0, s));
const event = (recipient: string, e: Partial<DeliveryEvent>, s: number): DeliveryEvent => ({
  id: `${recipient}-${s}`,
  documentUuid: ID,
  recipient,
  event: 'status',
  occurredAt: at(s),
  ...e,
});

function setUp() {
  const documents = fakeDocuments();
  const events = fakeDeliveryEvents();
  documents.findInScope.mockImplementation((uuid: string, scope: { agencies: string[] }) =>
    Promise.resolve(uuid === ID && scope.agencies.includes(G22) ? sent : undefined),
  );
  return { service: new SentDocumentsService(documents, events), documents, events };
}

describe('SentDocumentsService', () => {
  it("builds one timeline per recipient, with the state each recipient's copy reached", async () => {
    const { service, events } = setUp();
    events.listFor.mockResolvedValue([
      event(H41, { event: 'submitted' }, 1),
      event(H57, { event: 'submitted' }, 1),
      event(H41, { event: 'published' }, 2),
      event(H57, { event: 'failed', detail: 'UNROUTABLE' }, 2),
      event(H41, { statusCode: '01' }, 3),
      event(H41, { statusCode: '03' }, 4),
    ]);
    const detail = await service.get(caller(G22), ID);
    expect(detail.deliveries).toEqual([
      expect.objectContaining({ code: H41, state: 'status', lastStatusCode: '03' }),
      expect.objectContaining({ code: H57, state: 'failed' }),
    ]);
    expect(detail.deliveries[0].timeline.map((e) => e.statusCode ?? e.event)).toEqual([
      'submitted',
      'published',
      '01',
      '03',
    ]);
  });

  it('shows the document only to keys of its sender', async () => {
    const { service } = setUp();
    await expect(service.get(caller(H41), ID)).rejects.toMatchObject({ code: 'DOCUMENT_NOT_FOUND' });
    await expect(service.package(caller(H41), ID)).rejects.toMatchObject({ code: 'DOCUMENT_NOT_FOUND' });
    await expect(service.list(caller(H41), G22)).rejects.toMatchObject({ code: 'AGENCY_NOT_PERMITTED' });
  });

  it('lists its revocations, updates and replacements, and says which request each timeline step is about', async () => {
    const { service, documents, events } = setUp();
    const revocation: DocumentRecord = {
      ...sent,
      uuid: 'revocation',
      businessDocType: 1,
      relatedDocumentUuid: ID,
      createdAt: at(5),
    };
    documents.listRelated.mockResolvedValue([revocation]);
    events.listFor.mockResolvedValue([
      event(H41, { event: 'submitted' }, 1),
      event(H41, { event: 'revoke', detail: 'Nhầm', relatedDocumentUuid: 'revocation' }, 5),
      event(H41, { statusCode: '15', relatedDocumentUuid: 'revocation' }, 6),
    ]);
    const detail = await service.get(caller(G22), ID);
    expect(documents.listRelated).toHaveBeenCalledWith(G22, ID);
    expect(detail.related).toEqual([
      expect.objectContaining({ id: 'revocation', businessDocType: 1, originalId: ID }),
    ]);
    const h41 = detail.deliveries.find((d) => d.code === H41)!;
    expect(h41.lastStatusCode).toBe('15');
    expect(h41.timeline.slice(1)).toEqual([
      { event: 'revoke', detail: 'Nhầm', relatedId: 'revocation', at: at(5).toISOString() },
      { event: 'status', statusCode: '15', relatedId: 'revocation', at: at(6).toISOString() },
    ]);
  });

  it('reports the furthest status, whatever order 03 and 06 arrived in', async () => {
    const { service, events } = setUp();
    events.listFor.mockResolvedValue([
      event(H41, { statusCode: '01' }, 1),
      event(H41, { statusCode: '06' }, 2),
      event(H41, { statusCode: '03' }, 3),
      event(H57, { statusCode: '15' }, 1),
      event(H57, { statusCode: '16' }, 2),
    ]);
    const detail = await service.get(caller(G22), ID);
    expect(detail.deliveries.find((d) => d.code === H41)?.lastStatusCode).toBe('06');
    expect(detail.deliveries.find((d) => d.code === H57)?.lastStatusCode).toBe('16');
  });
});
