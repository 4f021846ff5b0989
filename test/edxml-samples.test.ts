/**
 * The VPCP SDK's sample packages (see ../shared/interop/README.md): real output of other people's
 * software. Every value asserted here was read off the files by eye; the zipped attachments are
 * checked against an independent decoder (Node's zlib on a hand-read ZIP directory).
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { inflateRawSync } from 'node:zlib';
import {
  buildEdxml,
  EdocPackage,
  EdxmlError,
  EdxmlPackage,
  parseEdxml,
  ParseResult,
  StatusPackage,
  validateEdxml,
} from '@lienthong/edxml';

const SAMPLES = path.resolve(__dirname, '../../shared/interop/vpcp-sdk');
const read = (name: string) => readFileSync(path.join(SAMPLES, name));
const parse = (name: string): ParseResult => parseEdxml(read(name));
const edoc = (name: string) => parse(name).package as EdocPackage;
const status = (name: string) => parse(name).package as StatusPackage;

const VPCP_DOCUMENT_ID = '000.00.00.G22,2015/09/30,7816/VPCP-TTĐT';
const SUBJECT = 'V/v kết nối, liên thông phần mềm quản lý văn bản';
const ZIPPED = ['edoc_replacement.edxml', 'edoc_revocation.edxml', 'edoc_update.edxml'];

/** Unzips the attachment without our parser or fflate: regex out the base64, read the ZIP by hand, inflate with zlib. */
function independentlyUnzipped(name: string): { entryName: string; data: Buffer } {
  const text = read(name).toString('utf8');
  const base64 = /<edXML:ContentTransferEncoded[^>]*>([^<]+)</.exec(text)![1];
  const zip = Buffer.from(base64.replace(/\s+/g, ''), 'base64');
  const end = zip.lastIndexOf(Buffer.from('PK\x05\x06', 'latin1'));
  expect(zip.readUInt16LE(end + 10)).toBe(1); // one entry in the whole archive
  const central = zip.readUInt32LE(end + 16);
  expect(zip.readUInt32LE(central)).toBe(0x02014b50);
  const method = zip.readUInt16LE(central + 10);
  const compressedSize = zip.readUInt32LE(central + 20);
  const size = zip.readUInt32LE(central + 24);
  const entryName = zip.toString('utf8', central + 46, central + 46 + zip.readUInt16LE(central + 28));
  const local = zip.readUInt32LE(central + 42);
  const start = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
  expect(method).toBe(8);
  const data = inflateRawSync(zip.subarray(start, start + compressedSize));
  expect(data.length).toBe(size);
  return { entryName, data };
}

const sha256 = (data: Uint8Array) => createHash('sha256').update(data).digest('hex');

describe('VPCP SDK samples', () => {
  it('are all accounted for by this test', () => {
    expect(
      readdirSync(SAMPLES)
        .filter((f) => f.endsWith('.edxml'))
        .sort(),
    ).toEqual([
      'edoc.edxml',
      'edoc_new.edxml',
      'edoc_replacement.edxml',
      'edoc_revocation.edxml',
      'edoc_update.edxml',
      'status.edxml',
      'status_acceptance_03.edxml',
      'status_assignment_04.edxml',
      'status_cancellation_13.edxml',
      'status_change-acceptance_15.edxml',
      'status_change-rejection_16.edxml',
      'status_finish_06.edxml',
      'status_inbox_01.edxml',
      'status_processing_05.edxml',
      'status_rejection_02.edxml',
    ]);
  });

  describe('edoc.edxml', () => {
    const result = parse('edoc.edxml');
    const pkg = result.package as EdocPackage;
    const h = pkg.messageHeader;

    it('is a document from 002.00.20.H13 to 000.00.15.H51', () => {
      expect(pkg.kind).toBe('edoc');
      expect(h.from).toEqual({
        organId: '002.00.20.H13',
        organizationInCharge: 'Văn phòng Chính phủ',
        organName: 'Văn phòng Chính phủ',
        organAdd: 'Số 1 Hoàng Hoa Thám, Quận Ba Đình, Hà Nội',
        email: 'vpcp@gov.vn',
        telephone: '8043100',
        fax: '04',
        website: 'vpcp.vn',
      });
      expect(h.to.map((t) => t.organId)).toEqual(['000.00.15.H51']);
      expect(h.to[0].organName).toBe('Trung tâm test production 02323232323');
    });

    it('has its code, dates, subject and DocumentId', () => {
      expect(h.code).toEqual({ codeNumber: '12234555512', codeNotation: 'PRO-TEST-CASE1' });
      expect(h.promulgationInfo).toEqual({ place: 'Hà Nội', promulgationDate: '2019/01/17' });
      expect(h.documentType).toEqual({ type: '1', typeName: 'Thông tư' });
      expect(h.subject).toBe('Văn bản liên thông chỉ đạo - 190701');
      expect(h.content).toBe('test gửi liên thông vpcp');
      // The file spells "Tuấn" with a combining acute (U+0301), as some Vietnamese keyboards do;
      // the parser keeps text exactly as sent, without Unicode normalization.
      expect(h.signerInfo).toEqual({
        competence: 'Quyền 1',
        position: 'Bộ trưởng',
        fullName: 'Trương Minh Tu\u00e2\u0301n',
      });
      expect(h.signerInfo?.fullName?.normalize('NFC')).toBe('Trương Minh Tuấn');
      expect(h.dueDate).toBe('2018/06/25');
      expect(h.toPlaces).toEqual(['Các bộ']);
      expect(h.otherInfo).toEqual({
        priority: 0,
        sphereOfPromulgation: 'Lưu hành nội bộ',
        typerNotation: 'TVC',
        promulgationAmount: 10,
        pageAmount: 2,
        appendixes: ['Phụ lục'],
      });
      expect(h.steeringType).toBe(1);
      expect(h.documentId).toBe('9fbfbad2-f1f8-4256-a2eb-50fb1061cddb');
    });

    it('drops the empty ResponseFor placeholder (the real one is commented out)', () => {
      expect(h.responseFor).toBeUndefined();
    });

    it('keeps the short trace OrganId and has no Bussiness (a new document)', () => {
      expect(pkg.traceHeaderList).toEqual({
        traceHeader: [{ organId: '01.02.G22', timestamp: '2018/06/20 16:35:56' }],
      });
    });

    it('carries the JMeter placeholder as its attachment, flagged', () => {
      expect(pkg.attachments).toEqual([
        {
          contentId: '36b8a92e-f054-11e7-842b-005056b672fc',
          attachmentName: 'GUIDE_INSTALL OPENVPN.SIGNED.PDF',
          contentType: 'application/pdf',
          description: 'Description 1',
          data: Buffer.from('${__StringFromFile(test.txt,,,)}'),
        },
      ]);
      expect(result.warnings.map((w) => w.code)).toEqual(['ATTACHMENT_NOT_BASE64']);
    });

    it('has a legacy signature (rsa-sha1), not a verifiable one', () => {
      expect(result.signature).toEqual({ kind: 'legacy', reason: expect.stringContaining('rsa-sha1') });
    });
  });

  describe('edoc_new.edxml', () => {
    it('is refused for the junk before the XML declaration, at line 1 column 1', () => {
      let error: unknown;
      try {
        parse('edoc_new.edxml');
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(EdxmlError);
      expect(error).toMatchObject({ code: 'XML_CONTENT_BEFORE_PROLOG', position: { line: 1, column: 1 } });
      expect((error as Error).message).toMatch(/before the XML declaration.*"1212"/);
    });

    it('is otherwise a readable document: only the four junk bytes are wrong', () => {
      const bytes = read('edoc_new.edxml');
      expect(bytes.subarray(0, 4).toString()).toBe('1212');
      const pkg = parseEdxml(bytes.subarray(4)).package as EdocPackage;
      expect(pkg.messageHeader.from.organId).toBe('002.00.20.H13');
      expect(pkg.messageHeader.to.map((t) => t.organId)).toEqual(['28.22.H17']);
      expect(pkg.messageHeader.code).toEqual({ codeNumber: '74fass22', codeNotation: 'VPCP-TTĐT' });
      expect(pkg.messageHeader.documentType).toEqual({ type: '1', typeDetail: 0, typeName: 'Công văn' });
      expect(pkg.traceHeaderList.bussiness?.bussinessDocType).toBe(0);
      expect(pkg.attachments[0].data.length).toBe(388347);
    });
  });

  describe.each(ZIPPED)('%s', (name) => {
    const result = parse(name);
    const pkg = result.package as EdocPackage;

    it('is a document from 000.00.00.G22 to three agencies', () => {
      expect(pkg.messageHeader.from.organId).toBe('000.00.00.G22');
      expect(pkg.messageHeader.from.organName).toBe('Văn phòng Chính phủ');
      expect(pkg.messageHeader.to.map((t) => t.organId)).toEqual([
        '000.00.00.H41',
        '000.00.00.H14',
        '000.00.00.G17',
      ]);
      expect(pkg.messageHeader.to.map((t) => t.organName)).toEqual([
        'UBND Tỉnh Nghệ An',
        'UBND Tỉnh Cao Bằng',
        'Sở Thông tin truyền thông Hải Phòng',
      ]);
      expect(pkg.messageHeader.documentId).toBe(VPCP_DOCUMENT_ID);
      expect(pkg.messageHeader.subject).toBe(SUBJECT);
      expect(pkg.messageHeader.code).toEqual({ codeNumber: '7816', codeNotation: 'VPCP-TTĐT' });
      expect(pkg.messageHeader.promulgationInfo.promulgationDate).toBe('2018/09/28');
      expect(pkg.messageHeader.toPlaces).toEqual([
        'Cac bo va co quan ngang bo',
        'Uy ban nhan dan cac tinh, TP',
      ]);
      expect(pkg.messageHeader.otherInfo?.direction).toBe(false);
    });

    it('unzips its one attachment to the same bytes an independent decoder gets', () => {
      const independent = independentlyUnzipped(name);
      expect(independent.entryName).toMatch(/^[0-9a-f-]{36}\.edxml$/);
      expect(pkg.attachments).toHaveLength(1);
      const [attachment] = pkg.attachments;
      expect(attachment.contentId).toBe('209');
      expect(attachment.attachmentName).toBe('1896_QD-TTg_m_294779.doc');
      expect(attachment.description).toBe('1896_QD-TTg_m_294779.doc');
      expect(attachment.contentType).toBe('application/msword');
      expect(attachment.data.length).toBe(388347);
      expect(attachment.data.subarray(0, 38).toString('latin1')).toBe(
        '<?xml version="1.0" encoding="UTF-8"?>',
      );
      expect(sha256(attachment.data)).toBe(sha256(independent.data));
    });

    it('has a legacy signature: a Signature outside the XMLDSig namespace', () => {
      expect(result.signature).toEqual({ kind: 'legacy', reason: expect.stringContaining('namespace') });
      expect(result.warnings).toEqual([]);
    });
  });

  it('edoc_replacement.edxml replaces two documents (BussinessDocType 3)', () => {
    const b = edoc('edoc_replacement.edxml').traceHeaderList.bussiness!;
    expect(b.bussinessDocType).toBe(3);
    expect(b.bussinessDocReason).toBe('Văn bản thay thế');
    expect(b.documentId).toBeUndefined();
    expect(b.replacementInfoList).toEqual([
      {
        documentId: '000.00.00.G22,2014/01/30,7806/VPCP-TTĐT',
        organIdList: ['000.00.00.H41', '000.00.00.H14'],
      },
      {
        documentId: '000.00.00.G22,2014/01/30,7806/VPCP-TTĐT',
        organIdList: ['000.00.00.H41', '000.00.00.H14'],
      },
    ]);
    expect(b.staffInfo).toEqual({
      department: 'Văn thư văn phòng',
      staff: 'Nguyễn Thị Ngọc Trâm',
      email: 'vanthuvanphong@gov.vn',
      mobile: '84912000001',
    });
  });

  it('edoc_revocation.edxml revokes (BussinessDocType 1), naming the original in ResponseFor', () => {
    const pkg = edoc('edoc_revocation.edxml');
    expect(pkg.traceHeaderList.bussiness).toMatchObject({
      bussinessDocType: 1,
      bussinessDocReason: 'Thu hồi văn bản điện tử',
      paper: 0,
    });
    expect(pkg.messageHeader.responseFor).toEqual([
      {
        organId: '000.00.00.H14',
        code: '267/VPCP-TTĐT',
        promulgationDate: '2018/09/28',
        documentId: '000.00.04.G14,2012/08/06,267/VPCP-TTĐT',
      },
    ]);
  });

  it('edoc_update.edxml updates (BussinessDocType 2) with BussinessDocumentInfo and ReceiverList', () => {
    const b = edoc('edoc_update.edxml').traceHeaderList.bussiness!;
    expect(b.bussinessDocType).toBe(2);
    expect(b.documentId).toBe('000.00.00.G22,2014/02/30,7806/VPCP-TTĐT');
    expect(b.bussinessDocumentInfo).toEqual({
      documentInfo: '1',
      documentReceiver: '1',
      receiverList: [
        { organId: '000.00.00.H41', receiverType: 0 },
        { organId: '000.00.00.H14', receiverType: 1 },
      ],
    });
  });

  describe('status packages', () => {
    it.each([
      ['status.edxml', '01', '2018/09/28 17:25:11', '000.00.00.H41'],
      ['status_inbox_01.edxml', '01', '2015/09/20 11:08:36', '000.00.00.H41'],
      ['status_rejection_02.edxml', '02', '2015/09/20 11:08:36', '000.00.00.H41'],
      ['status_acceptance_03.edxml', '03', '2015/09/20 11:08:36', '000.00.00.H41'],
      ['status_assignment_04.edxml', '04', '2015/09/20 11:08:36', '000.00.00.H41'],
      ['status_processing_05.edxml', '05', '2015/09/20 11:08:36', '000.00.00.H41'],
      ['status_finish_06.edxml', '06', '2015/09/20 11:08:36', '000.00.00.H41'],
      ['status_cancellation_13.edxml', '13', '2015/09/20 11:08:36', '000.00.00.G22'],
      ['status_change-acceptance_15.edxml', '15', '2015/09/20 11:08:36', '000.00.00.H41'],
      ['status_change-rejection_16.edxml', '16', '2015/09/20 11:08:36', '000.00.00.H41'],
    ])('%s is status %s at %s from %s', (name, code, timestamp, from) => {
      const result = parse(name);
      const pkg = result.package as StatusPackage;
      expect(pkg.kind).toBe('status');
      expect(pkg.messageHeader.statusCode).toBe(code);
      expect(pkg.messageHeader.timestamp).toBe(timestamp);
      expect(pkg.messageHeader.from.organId).toBe(from);
      expect(pkg.messageHeader.responseFor.documentId).toBe(VPCP_DOCUMENT_ID);
      expect(pkg.messageHeader.responseFor.code).toBe('7816/VPCP-TTĐT');
      expect(pkg.messageHeader.description?.length).toBeGreaterThan(10);
      expect(pkg.traceHeaderList).toBeUndefined();
      expect(result.signature).toEqual({ kind: 'none' });
      expect(result.warnings).toEqual([]);
    });

    it('status.edxml has its description and staff', () => {
      const h = status('status.edxml').messageHeader;
      expect(h.description).toBe(
        'Văn thư - Phòng Văn thư - Lưu trữ: Đã đến - Phần mềm QLVB đã nhận nhưng văn thư chưa xử lý',
      );
      expect(h.staffInfo).toEqual({
        department: 'Văn thư văn phòng',
        staff: 'Nguyễn Thị Ngọc Trâm',
        email: 'vanthuvanphong@gov.vn',
        mobile: '84912000001',
      });
      expect(h.responseFor.promulgationDate).toBe('2018/09/28');
    });
  });

  describe('parse → build → parse', () => {
    const readable = readdirSync(SAMPLES)
      .filter((f) => f.endsWith('.edxml') && f !== 'edoc_new.edxml')
      .sort();

    it.each(readable)('%s gives the same model again', (name) => {
      const first = parse(name).package;
      const again = parseEdxml(buildEdxml(first));
      expect(again.package).toEqual(first);
      expect(again.warnings).toEqual([]);
    });

    it('edoc_new.edxml without its junk gives the same model again', () => {
      const first = parseEdxml(read('edoc_new.edxml').subarray(4)).package;
      expect(parseEdxml(buildEdxml(first)).package).toEqual(first);
    });
  });

  describe('validation', () => {
    const all = (): [string, EdxmlPackage][] =>
      readdirSync(SAMPLES)
        .filter((f) => f.endsWith('.edxml') && f !== 'edoc_new.edxml')
        .map((f) => [f, parse(f).package]);

    it('finds no errors in any sample when lenient (they are what real producers send)', () => {
      for (const [name, pkg] of all()) {
        const errors = validateEdxml(pkg, { identifierMode: 'lenient' }).filter(
          (i) => i.severity === 'error',
        );
        expect({ name, errors }).toEqual({ name, errors: [] });
      }
    });

    it('holds the samples to the standard when strict', () => {
      const codes = (name: string) => validateEdxml(parse(name).package).map((i) => i.code);
      expect(codes('edoc.edxml')).toEqual(['INVALID_DOCUMENT_ID', 'INVALID_IDENTIFIER_CODE']);
      expect(codes('edoc_update.edxml')).toEqual(['DOCUMENT_ID_MISMATCH', 'INVALID_DOCUMENT_ID']);
      expect(codes('edoc_revocation.edxml')).toEqual([
        'DOCUMENT_ID_MISMATCH',
        'MISSING_ORIGINAL_DOCUMENT_ID',
      ]);
      expect(codes('status_finish_06.edxml')).toEqual([]);
    });
  });
});
