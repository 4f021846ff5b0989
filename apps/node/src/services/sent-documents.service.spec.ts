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
});
