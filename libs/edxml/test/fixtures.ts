/* Packages for the specs: canonical models (what the parser returns for what the builder writes). */
import { EdxmlError } from '../src/errors';
import { BussinessDocType, EdocPackage, StatusCode, StatusPackage } from '../src/model';

export function fullEdoc(): EdocPackage {
  return {
    kind: 'edoc',
    messageHeader: {
      from: {
        organId: '000.00.00.G22',
        organizationInCharge: 'Văn phòng Chính phủ',
        organName: 'Văn phòng Chính phủ',
        organAdd: 'Số 1 Hoàng Hoa Thám, Ba Đình, Hà Nội',
        email: 'vpcp@gov.vn',
        telephone: '080 43100',
        fax: '080 44130',
        website: 'vpcp.gov.vn',
      },
      to: [
        { organId: '000.00.00.H41', organName: 'UBND tỉnh Nghệ An' },
        { organId: '000.00.00.H14', organName: 'UBND tỉnh Cao Bằng', email: 'caobang@gov.vn' },
      ],
      code: { codeNumber: '7816', codeNotation: 'VPCP-TTĐT' },
      promulgationInfo: { place: 'Hà Nội', promulgationDate: '2024/02/29' },
      documentType: { type: '1', typeDetail: 0, typeName: 'Công văn' },
      subject: 'V/v kết nối, liên thông phần mềm quản lý văn bản',
      content: 'Đề nghị các cơ quan triển khai kết nối.\nDòng thứ hai.',
      signerInfo: { competence: 'KT. BỘ TRƯỞNG', position: 'Thứ trưởng', fullName: 'Nguyễn Văn A' },
      dueDate: '2024/03/15',
      toPlaces: ['Các bộ, cơ quan ngang bộ', 'UBND các tỉnh, TP'],
      otherInfo: {
        priority: 2,
        sphereOfPromulgation: 'Liên thông văn bản quốc gia',
        typerNotation: 'TVC',
        promulgationAmount: 2,
        pageAmount: 22,
        direction: false,
        appendixes: ['Phụ lục I', 'Phụ lục II'],
      },
      responseFor: [
        {
          organId: '000.00.00.H41',
          code: '267/UBND-VX',
          promulgationDate: '2024/01/10',
          documentId: '000.00.00.H41,2024/01/10,267/UBND-VX',
        },
      ],
      steeringType: 1,
      documentId: '000.00.00.G22,2024/02/29,7816/VPCP-TTĐT',
    },
    traceHeaderList: {
      traceHeader: [{ organId: '000.00.00.G22', timestamp: '2024/02/29 08:30:00' }],
      bussiness: {
        bussinessDocType: 0,
        bussinessDocReason: 'Văn bản điện tử mới',
        paper: 0,
        staffInfo: {
          department: 'Văn thư',
          staff: 'Nguyễn Thị B',
          email: 'vanthu@gov.vn',
          mobile: '84912000001',
        },
      },
    },
    attachments: [
      {
        contentId: 'a1b2c3',
        attachmentName: 'cong-van.pdf',
        contentType: 'application/pdf',
        description: 'Công văn',
        data: Buffer.from('%PDF-1.4 fake pdf bytes \u0000\u00ff', 'latin1'),
      },
      {
        contentId: 'd4e5f6',
        attachmentName: 'phu-luc.txt',
        contentType: 'text/plain',
        data: Buffer.from('Phụ lục\n', 'utf8'),
      },
    ],
  };
}

export function minimalEdoc(): EdocPackage {
  return {
    kind: 'edoc',
    messageHeader: {
      from: { organId: '000.00.00.G22' },
      to: [{ organId: '000.00.00.H41' }],
      code: { codeNumber: '12', codeNotation: 'QĐ-TTg' },
      promulgationInfo: { promulgationDate: '2024/05/06' },
      documentType: { type: '2' },
      subject: 'Quyết định',
    },
    traceHeaderList: { traceHeader: [{ organId: '000.00.00.G22', timestamp: '2024/05/06 10:00:00' }] },
    attachments: [],
  };
}

/** A document of each BussinessDocType, with the sub-structure the type calls for. */
export function edocOfType(type: BussinessDocType): EdocPackage {
  const pkg = fullEdoc();
  const original = '000.00.00.G22,2024/01/05,7001/VPCP-TTĐT';
  const bussiness = pkg.traceHeaderList.bussiness!;
  bussiness.bussinessDocType = type;
  if (type !== 0) bussiness.documentId = original;
  if (type === 2) {
    bussiness.bussinessDocumentInfo = {
      documentInfo: '1',
      documentReceiver: '1',
      receiverList: [
        { organId: '000.00.00.H41', receiverType: 0 },
        { organId: '000.00.00.H14', receiverType: 1 },
      ],
    };
  }
  if (type === 3) {
    bussiness.replacementInfoList = [
      { documentId: original, organIdList: ['000.00.00.H41', '000.00.00.H14'] },
      { documentId: '000.00.00.G22,2024/01/06,7002/VPCP-TTĐT', organIdList: [] },
    ];
  }
  return pkg;
}

export function statusOf(code: StatusCode): StatusPackage {
  return {
    kind: 'status',
    messageHeader: {
      from: { organId: '000.00.00.H41', organName: 'UBND tỉnh Nghệ An' },
      responseFor: {
        organId: '000.00.00.G22',
        code: '7816/VPCP-TTĐT',
        promulgationDate: '2024/02/29',
        documentId: '000.00.00.G22,2024/02/29,7816/VPCP-TTĐT',
      },
      staffInfo: { department: 'Văn thư', staff: 'Trần Văn C' },
      statusCode: code,
      description: `Trạng thái ${code}`,
      timestamp: '2024/03/01 09:15:30',
    },
  };
}

/** Replaces text that must be there, so an edit that silently misses fails the test instead. */
export function edit(xml: string, find: string | RegExp, replacement: string): string {
  const found = typeof find === 'string' ? xml.includes(find) : find.test(xml);
  if (!found) throw new Error(`fixture edit: ${String(find)} not found`);
  return xml.replace(find, replacement);
}

/** Removes one element (with its content) by local name, whatever its prefix. */
export function removeElement(xml: string, localName: string, occurrence = 0): string {
  const pattern = new RegExp(
    `\\s*<(?:edXML:)?${localName}\\b[^>]*>[\\s\\S]*?</(?:edXML:)?${localName}>`,
    'g',
  );
  const matches = [...xml.matchAll(pattern)];
  if (!matches[occurrence]) throw new Error(`fixture edit: <${localName}> #${occurrence} not found`);
  const m = matches[occurrence];
  return xml.slice(0, m.index) + xml.slice(m.index! + m[0].length);
}

/** The EdxmlError `fn` throws; fails the test if it throws nothing or something else. */
export function captureError(fn: () => unknown): EdxmlError {
  try {
    fn();
  } catch (error) {
    if (error instanceof EdxmlError) return error;
    throw new Error(`expected an EdxmlError, got ${String(error)}`);
  }
  throw new Error('expected an EdxmlError, but nothing was thrown');
}
