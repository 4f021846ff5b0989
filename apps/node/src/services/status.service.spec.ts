import { parseEdxml } from '@lienthong/edxml';
import { agency, fakeCrypto, fakeDocuments, fakeOutbox, TX } from '../testing/unit-fakes';
import { StatusService } from './status.service';

const G22 = '000.00.00.G22';
const H41 = '000.00.00.H41';

describe('StatusService', () => {
  const target = {
    sender: G22,
    documentId: `${G22},2026/11/20,12/VPCP-TTĐT`,
    code: '12/VPCP-TTĐT',
    promulgationDate: '2026/11/20',
    senderDocumentUuid: 'doc-at-g22',
  };

  it("builds a status From the agency, answering the sender's document, with the agency's own trace header", () => {
    const crypto = fakeCrypto();
    const service = new StatusService(crypto, fakeDocuments(), fakeOutbox());
    const now = new Date('2026-11-20T02:00:00Z');
    const prepared = service.prepare(
      agency(H41),
      target,
      { statusCode: '04', staffInfo: { staff: 'Trần Thị C' } },
      now,
    );

    const [xml, signer] = crypto.sign.mock.calls[0] as [string, { code: string }];
    expect(signer.code).toBe(H41);
    const pkg = parseEdxml(xml).package;
    expect(pkg).toMatchObject({
      kind: 'status',
      messageHeader: {
        from: { organId: H41 },
        responseFor: { organId: G22, documentId: target.documentId },
        statusCode: '04',
        staffInfo: { staff: 'Trần Thị C' },
        timestamp: '2026/11/20 09:00:00',
      },
      traceHeaderList: { traceHeader: [{ organId: H41, timestamp: '2026/11/20 09:00:00' }] },
    });
    expect(prepared.message).toMatchObject({
      routingKey: G22,
      kind: 'status',
      documentUuid: prepared.document.uuid,
    });
  });

  it('stores the status and its outbox row in the given transaction', async () => {
    const documents = fakeDocuments();
    const outbox = fakeOutbox();
    const service = new StatusService(fakeCrypto(), documents, outbox);
    const prepared = service.prepare(agency(H41), target, { statusCode: '01' });
    await service.enqueue(TX, prepared);
    expect(documents.insert).toHaveBeenCalledWith(TX, prepared.document, []);
    expect(outbox.enqueue).toHaveBeenCalledWith(TX, [prepared.message]);
  });
});
