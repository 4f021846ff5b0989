import { isDocumentId, makeDocumentId } from '@lienthong/edxml';
import { demoDocument, demoMetadata } from './demo-documents';

describe('the demo stream', () => {
  const docs = Array.from({ length: 24 }, (_, n) => demoDocument(n));

  it('never sends a document to its own sender, and every agency both sends and receives', () => {
    for (const d of docs) {
      expect(d.to.length).toBeGreaterThan(0);
      expect(d.to.map((a) => a.code)).not.toContain(d.from.code);
    }
    const senders = new Set(docs.map((d) => d.from.code));
    const recipients = new Set(docs.flatMap((d) => d.to.map((a) => a.code)));
    expect([...senders].sort()).toEqual(['000.00.00.G22', '000.00.00.H41', '000.00.00.H57']);
    expect([...recipients].sort()).toEqual(['000.00.00.G22', '000.00.00.H41', '000.00.00.H57']);
    expect(docs.some((d) => d.to.length === 2)).toBe(true);
  });

  it('answers each with business statuses that start at 03 and only go forward', () => {
    for (const d of docs) {
      expect(d.statuses[0]).toBe('03');
      expect([...d.statuses].sort()).toEqual(d.statuses);
    }
  });

  it('makes package JSON whose DocumentId is well formed', () => {
    const meta = demoMetadata(docs[1], '1234', new Date(2026, 10, 27)) as {
      messageHeader: {
        from: { organId: string };
        code: { codeNumber: string; codeNotation: string };
        promulgationInfo: { promulgationDate: string };
      };
    };
    const h = meta.messageHeader;
    const id = makeDocumentId(
      h.from.organId,
      h.promulgationInfo.promulgationDate,
      h.code.codeNumber,
      h.code.codeNotation,
    );
    expect(id).toBe('000.00.00.H41,2026/11/27,1234/BC-UBND');
    expect(isDocumentId(id)).toBe(true);
  });
});
