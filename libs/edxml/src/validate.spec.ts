import { captureError, edocOfType, fullEdoc, minimalEdoc, statusOf } from '../test/fixtures';
import { ValidationIssue } from './errors';
import { BussinessDocType, EdocPackage, STATUS_CODES, StatusCode, StatusPackage } from './model';
import { assertValidEdxml, validateEdxml } from './validate';

const MH = 'edXMLEnvelope/edXMLHeader/MessageHeader';
const TRACE = 'edXMLEnvelope/edXMLHeader/TraceHeaderList';
const BUSSINESS = `${TRACE}/Bussiness`;

const summary = (issues: ValidationIssue[]) => issues.map((i) => `${i.severity} ${i.code} ${i.path}`);

function edoc(change: (pkg: EdocPackage) => void): EdocPackage {
  const pkg = fullEdoc();
  change(pkg);
  return pkg;
}

function status(change: (pkg: StatusPackage) => void): StatusPackage {
  const pkg = statusOf('01');
  change(pkg);
  return pkg;
}

describe('validateEdxml: valid packages', () => {
  it('finds nothing wrong with a complete document, strict', () => {
    expect(validateEdxml(fullEdoc())).toEqual([]);
  });

  it('finds nothing wrong with a minimal document', () => {
    expect(validateEdxml(minimalEdoc())).toEqual([]);
  });

  it.each([0, 1, 2, 3] as BussinessDocType[])(
    'finds nothing wrong with BussinessDocType %i and its structures',
    (t) => {
      expect(validateEdxml(edocOfType(t))).toEqual([]);
    },
  );

  it.each(Object.keys(STATUS_CODES) as StatusCode[])('finds nothing wrong with status %s', (code) => {
    expect(validateEdxml(statusOf(code))).toEqual([]);
  });
});

describe('validateEdxml: rules', () => {
  it.each<[string, EdxmlPackageFactory, string[]]>([
    [
      'an empty From OrganId',
      () => edoc((p) => (p.messageHeader.from.organId = '')),
      [`error MISSING_FIELD ${MH}/From/OrganId`],
    ],
    ['no recipients', () => edoc((p) => (p.messageHeader.to = [])), [`error MISSING_FIELD ${MH}/To`]],
    [
      'an empty CodeNumber',
      () => edoc((p) => (p.messageHeader.code.codeNumber = ' ')),
      [`error MISSING_FIELD ${MH}/Code/CodeNumber`],
    ],
    [
      'an empty Subject',
      () => edoc((p) => (p.messageHeader.subject = '')),
      [`error MISSING_FIELD ${MH}/Subject`],
    ],
    [
      'an empty DocumentType',
      () => edoc((p) => (p.messageHeader.documentType.type = '')),
      [`error MISSING_FIELD ${MH}/DocumentType/Type`],
    ],
    [
      'a PromulgationDate that is not a real date',
      () => minimalPlus((p) => (p.messageHeader.promulgationInfo.promulgationDate = '2023/02/29')),
      [`error INVALID_DATE ${MH}/PromulgationInfo/PromulgationDate`],
    ],
    [
      'a DueDate in ISO form',
      () => edoc((p) => (p.messageHeader.dueDate = '2024-03-15')),
      [`error INVALID_DATE ${MH}/DueDate`],
    ],
    [
      'a ResponseFor date that does not exist',
      () => edoc((p) => (p.messageHeader.responseFor![0].promulgationDate = '2024/13/01')),
      [`error INVALID_DATE ${MH}/ResponseFor[1]/PromulgationDate`],
    ],
    [
      'a To OrganId that is not an identifier code',
      () => edoc((p) => (p.messageHeader.to[1].organId = 'vxp.saas.03')),
      [`error INVALID_IDENTIFIER_CODE ${MH}/To[2]/OrganId`],
    ],
    [
      'a trace Timestamp that is not a time',
      () => edoc((p) => (p.traceHeaderList.traceHeader[0].timestamp = '2024/02/29 24:00:00')),
      [`error INVALID_TIMESTAMP ${TRACE}/TraceHeader[1]/Timestamp`],
    ],
    [
      'Priority 7',
      () => edoc((p) => (p.messageHeader.otherInfo!.priority = 7 as never)),
      [`error INVALID_PRIORITY ${MH}/OtherInfo/Priority`],
    ],
    [
      'BussinessDocType 9',
      () => edoc((p) => (p.traceHeaderList.bussiness!.bussinessDocType = 9 as never)),
      [`error INVALID_BUSSINESS_DOC_TYPE ${BUSSINESS}/BussinessDocType`],
    ],
    [
      'an update without BussinessDocumentInfo',
      () => typed(2, (b) => delete b.bussinessDocumentInfo),
      [`error MISSING_BUSSINESS_DOCUMENT_INFO ${BUSSINESS}/BussinessDocumentInfo`],
    ],
    [
      'an update without the original DocumentId',
      () => typed(2, (b) => delete b.documentId),
      [`error MISSING_ORIGINAL_DOCUMENT_ID ${BUSSINESS}/DocumentId`],
    ],
    [
      'a revocation without the original DocumentId',
      () =>
        typed(
          1,
          (b) => delete b.documentId,
          (p) => delete p.messageHeader.responseFor,
        ),
      [`error MISSING_ORIGINAL_DOCUMENT_ID ${BUSSINESS}/DocumentId`],
    ],
    [
      'a replacement without ReplacementInfoList',
      () => typed(3, (b) => (b.replacementInfoList = [])),
      [`error MISSING_REPLACEMENT_INFO ${BUSSINESS}/ReplacementInfoList`],
    ],
    [
      'a replacement naming a bad recipient',
      () => typed(3, (b) => (b.replacementInfoList![0].organIdList[1] = 'H14')),
      [
        `error INVALID_IDENTIFIER_CODE ${BUSSINESS}/ReplacementInfoList/ReplacementInfo[1]/OrganIdList/OrganId[2]`,
      ],
    ],
    [
      'an update naming a bad receiver',
      () => typed(2, (b) => (b.bussinessDocumentInfo!.receiverList![0].organId = 'null')),
      [`error INVALID_IDENTIFIER_CODE ${BUSSINESS}/BussinessDocumentInfo/ReceiverList/Receiver[1]/OrganId`],
    ],
    [
      'a ContentId stored with cid:',
      () => edoc((p) => (p.attachments[0].contentId = 'cid:a1b2c3')),
      ['error INVALID_CONTENT_ID AttachmentEncoded/Attachment[1]/ContentId'],
    ],
    [
      'two attachments with one ContentId',
      () => edoc((p) => (p.attachments[1].contentId = 'a1b2c3')),
      ['error DUPLICATE_CONTENT_ID AttachmentEncoded/Attachment[2]/ContentId'],
    ],
    [
      'a ContentType that is not a MIME type',
      () => edoc((p) => (p.attachments[0].contentType = 'pdf')),
      ['error INVALID_CONTENT_TYPE AttachmentEncoded/Attachment[1]/ContentType'],
    ],
    [
      'an attachment with no name and no bytes',
      () => edoc((p) => Object.assign(p.attachments[0], { attachmentName: '', data: undefined })),
      [
        'error MISSING_FIELD AttachmentEncoded/Attachment[1]/AttachmentName',
        'error MISSING_FIELD AttachmentEncoded/Attachment[1]/ContentTransferEncoded',
      ],
    ],
    [
      'a status code outside the list',
      () => status((p) => (p.messageHeader.statusCode = '07' as never)),
      [`error INVALID_STATUS_CODE ${MH}/StatusCode`],
    ],
    [
      'a status without the DocumentId it answers',
      () => status((p) => delete p.messageHeader.responseFor.documentId),
      [`error MISSING_FIELD ${MH}/ResponseFor/DocumentId`],
    ],
    [
      'a status with a bad Timestamp',
      () => status((p) => (p.messageHeader.timestamp = '2024/03/01')),
      [`error INVALID_TIMESTAMP ${MH}/Timestamp`],
    ],
    [
      'a status from a bad OrganId',
      () => status((p) => (p.messageHeader.from.organId = '000.00.00.g22')),
      [`error INVALID_IDENTIFIER_CODE ${MH}/From/OrganId`],
    ],
  ])('reports %s', (_label, make, expected) => {
    expect(summary(validateEdxml(make()))).toEqual(expected);
  });
});

describe('validateEdxml: strict and lenient', () => {
  it('accepts short and lower-case identifier codes only when lenient', () => {
    const pkg = edoc((p) => {
      p.messageHeader.to[0].organId = '28.22.H17';
      p.messageHeader.to[1].organId = '000.00.00.h14';
    });
    expect(summary(validateEdxml(pkg))).toEqual([
      `error INVALID_IDENTIFIER_CODE ${MH}/To[1]/OrganId`,
      `error INVALID_IDENTIFIER_CODE ${MH}/To[2]/OrganId`,
    ]);
    expect(validateEdxml(pkg, { identifierMode: 'lenient' })).toEqual([]);
  });

  it('downgrades connector ids in trace headers to warnings when lenient', () => {
    const pkg = edoc((p) => (p.traceHeaderList.traceHeader[0].organId = 'vxp.saas.03'));
    expect(summary(validateEdxml(pkg))).toEqual([
      `error INVALID_IDENTIFIER_CODE ${TRACE}/TraceHeader[1]/OrganId`,
    ]);
    expect(summary(validateEdxml(pkg, { identifierMode: 'lenient' }))).toEqual([
      `warning INVALID_IDENTIFIER_CODE ${TRACE}/TraceHeader[1]/OrganId`,
    ]);
  });

  it('judges DocumentId shape: error when strict, warning when lenient', () => {
    const pkg = edoc((p) => (p.messageHeader.documentId = '9fbfbad2-f1f8-4256-a2eb-50fb1061cddb'));
    expect(summary(validateEdxml(pkg))).toEqual([`error INVALID_DOCUMENT_ID ${MH}/DocumentId`]);
    expect(summary(validateEdxml(pkg, { identifierMode: 'lenient' }))).toEqual([
      `warning INVALID_DOCUMENT_ID ${MH}/DocumentId`,
    ]);
  });

  it('judges a DocumentId whose date does not exist', () => {
    const pkg = typed(2, (b) => (b.documentId = '000.00.00.G22,2014/02/30,7806/VPCP-TTĐT'));
    expect(summary(validateEdxml(pkg))).toEqual([`error INVALID_DOCUMENT_ID ${BUSSINESS}/DocumentId`]);
    expect(validateEdxml(pkg, { identifierMode: 'lenient' })[0].message).toMatch(/not a real date/);
  });

  it.each([
    [
      'OrganId',
      (p: EdocPackage) => (p.messageHeader.from.organId = '000.00.00.G17'),
      /OrganId 000.00.00.G22 is not From 000.00.00.G17/,
    ],
    [
      'date',
      (p: EdocPackage) => (p.messageHeader.promulgationInfo.promulgationDate = '2024/03/01'),
      /date 2024\/02\/29 is not/,
    ],
    [
      'code',
      (p: EdocPackage) => (p.messageHeader.code.codeNumber = '7817'),
      /code 7816\/VPCP-TTĐT is not Code 7817\/VPCP-TTĐT/,
    ],
  ])('reports a DocumentId that disagrees with the header on its %s', (_label, change, message) => {
    const pkg = edoc(change);
    const [issue] = validateEdxml(pkg);
    expect(issue).toEqual({
      code: 'DOCUMENT_ID_MISMATCH',
      severity: 'error',
      path: `${MH}/DocumentId`,
      message: expect.stringMatching(message),
    });
    expect(validateEdxml(pkg, { identifierMode: 'lenient' })[0].severity).toBe('warning');
  });

  it('accepts the original DocumentId of a revocation in ResponseFor only when lenient', () => {
    const pkg = typed(1, (b) => delete b.documentId);
    expect(summary(validateEdxml(pkg))).toEqual([
      `error MISSING_ORIGINAL_DOCUMENT_ID ${BUSSINESS}/DocumentId`,
    ]);
    expect(validateEdxml(pkg, { identifierMode: 'lenient' })).toEqual([]);
  });

  it('wants at least one TraceHeader: error when strict, warning when lenient', () => {
    const pkg = edoc((p) => (p.traceHeaderList.traceHeader = []));
    expect(summary(validateEdxml(pkg))).toEqual([`error MISSING_TRACE_HEADER ${TRACE}`]);
    expect(summary(validateEdxml(pkg, { identifierMode: 'lenient' }))).toEqual([
      `warning MISSING_TRACE_HEADER ${TRACE}`,
    ]);
  });
});

describe('assertValidEdxml', () => {
  it('throws EDXML_INVALID_PACKAGE carrying every issue', () => {
    const pkg = edoc((p) => {
      p.messageHeader.subject = '';
      p.messageHeader.dueDate = '2024/02/30';
    });
    const error = captureError(() => assertValidEdxml(pkg));
    expect(error.code).toBe('EDXML_INVALID_PACKAGE');
    expect(error.path).toBe(`${MH}/Subject`);
    expect(error.message).toMatch(/^The package is not valid: Subject is required \(and 1 more problem\)/);
    expect(error.issues).toHaveLength(2);
  });

  it('returns the warnings of a package with no errors', () => {
    const pkg = edoc((p) => (p.messageHeader.documentId = 'not-a-document-id'));
    expect(summary(assertValidEdxml(pkg, { identifierMode: 'lenient' }))).toEqual([
      `warning INVALID_DOCUMENT_ID ${MH}/DocumentId`,
    ]);
    expect(assertValidEdxml(fullEdoc())).toEqual([]);
  });
});

type EdxmlPackageFactory = () => EdocPackage | StatusPackage;

function minimalPlus(change: (pkg: EdocPackage) => void): EdocPackage {
  const pkg = minimalEdoc();
  change(pkg);
  return pkg;
}

function typed(
  type: BussinessDocType,
  changeBussiness: (b: NonNullable<EdocPackage['traceHeaderList']['bussiness']>) => void,
  change: (pkg: EdocPackage) => void = () => undefined,
): EdocPackage {
  const pkg = edocOfType(type);
  changeBussiness(pkg.traceHeaderList.bussiness!);
  change(pkg);
  return pkg;
}
