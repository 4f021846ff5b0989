import { DOMParser, XMLSerializer } from '@xmldom/xmldom';
import { parseXmlSecurely } from '@lienthong/xml';
import {
  captureError,
  edit,
  edocOfType,
  fullEdoc,
  minimalEdoc,
  removeElement,
  statusOf,
} from '../test/fixtures';
import { buildEdxml } from './build';
import { elementChildren } from './dom';
import { EdxmlError } from './errors';
import { BussinessDocType, EdocPackage, STATUS_CODES, StatusCode, StatusPackage } from './model';
import { parseEdxml } from './parse';

const MH = 'edXMLEnvelope/edXMLHeader/MessageHeader';

function reparse<T>(pkg: T): T {
  return parseEdxml(buildEdxml(pkg as never)).package as T;
}

describe('parseEdxml: build → parse identity', () => {
  it('returns a full document, attachments included, unchanged', () => {
    expect(reparse(fullEdoc())).toEqual(fullEdoc());
  });

  it('returns a minimal document without attachments unchanged', () => {
    const result = parseEdxml(buildEdxml(minimalEdoc()));
    expect(result.package).toEqual(minimalEdoc());
    expect(result.warnings).toEqual([]);
    expect(result.signature).toEqual({ kind: 'none' });
  });

  it.each([0, 1, 2, 3] as BussinessDocType[])('returns a BussinessDocType %i document unchanged', (type) => {
    const pkg = edocOfType(type);
    const back = reparse(pkg);
    expect(back).toEqual(pkg);
    expect(back.traceHeaderList.bussiness?.bussinessDocType).toBe(type);
  });

  it.each(Object.keys(STATUS_CODES) as StatusCode[])('returns a status %s package unchanged', (code) => {
    const result = parseEdxml(buildEdxml(statusOf(code)));
    expect(result.package).toEqual(statusOf(code));
    expect((result.package as StatusPackage).messageHeader.statusCode).toBe(code);
    expect(result.warnings).toEqual([]);
  });

  it('keeps a status package trace list', () => {
    const pkg = statusOf('05');
    pkg.traceHeaderList = { traceHeader: [{ organId: '000.00.00.H41', timestamp: '2024/03/01 09:15:31' }] };
    expect(reparse(pkg)).toEqual(pkg);
  });

  it('keeps empty list wrappers distinct from absent ones', () => {
    const pkg = minimalEdoc();
    pkg.messageHeader.toPlaces = [];
    pkg.messageHeader.otherInfo = { appendixes: [] };
    expect(reparse(pkg)).toEqual(pkg);
  });

  it('accepts an already parsed Document', () => {
    const document = parseXmlSecurely(buildEdxml(fullEdoc()));
    expect(parseEdxml(document).package).toEqual(fullEdoc());
  });
});

describe('parseEdxml: order and namespaces', () => {
  /** Reverses the children of every element: the opposite of the standard's order everywhere. */
  function reverseEverything(xml: string): string {
    const document = new DOMParser().parseFromString(xml, 'application/xml');
    const reverse = (element: Element) => {
      const children = elementChildren(element);
      for (const child of children) element.removeChild(child);
      for (const child of children.reverse()) {
        element.appendChild(child);
        reverse(child);
      }
    };
    reverse(document.documentElement as unknown as Element);
    return new XMLSerializer().serializeToString(document);
  }

  it('reads a package whose elements are all in reverse order into the same model', () => {
    const reversed = reverseEverything(buildEdxml(fullEdoc()));
    expect(reversed.indexOf('<edXML:DocumentId>')).toBeLessThan(reversed.indexOf('<edXML:From>'));
    const back = parseEdxml(reversed).package as EdocPackage;
    // Repeated elements come back in document order, which reversing also reversed.
    const expected = fullEdoc();
    expected.messageHeader.to.reverse();
    expected.messageHeader.toPlaces!.reverse();
    expected.messageHeader.otherInfo!.appendixes!.reverse();
    expected.attachments.reverse();
    expect(back).toEqual(expected);
  });

  it('reads a status package in any order', () => {
    expect(parseEdxml(reverseEverything(buildEdxml(statusOf('16')))).package).toEqual(statusOf('16'));
  });

  it('reads elements with no prefix in the default namespace, and with an undeclared edXML prefix', () => {
    let xml = buildEdxml(fullEdoc());
    // Like edoc_new.edxml: attachments without prefix, ContentTransferEncoded declaring its own.
    xml = xml.replace(/<edXML:AttachmentEncoded[^>]*>[\s\S]*<\/edXML:AttachmentEncoded>/, (block) =>
      block
        .replace(' xmlns:edXML="http://www.mic.gov.vn/TBT/QCVN_102_2016"', '')
        .replace(/<(\/?)edXML:(?!ContentTransferEncoded)/g, '<$1')
        .replace(
          /<edXML:ContentTransferEncoded>/g,
          '<edXML:ContentTransferEncoded xmlns:edXML="http://www.mic.gov.vn/TBT/QCVN_102_2016">',
        ),
    );
    expect(xml).toContain('<Attachment>');
    expect(parseEdxml(xml).package).toEqual(fullEdoc());

    // Like edoc.edxml: AttachmentEncoded uses edXML: outside the envelope that declares it.
    const unbound = buildEdxml(fullEdoc()).replace(
      '<edXML:AttachmentEncoded xmlns:edXML="http://www.mic.gov.vn/TBT/QCVN_102_2016">',
      '<edXML:AttachmentEncoded>',
    );
    expect(parseEdxml(unbound).package).toEqual(fullEdoc());
  });

  it('reads ContentTransferEncoded without a prefix', () => {
    const xml = buildEdxml(fullEdoc()).replace(
      /(<\/?)edXML:ContentTransferEncoded>/g,
      '$1ContentTransferEncoded>',
    );
    expect(parseEdxml(xml).package).toEqual(fullEdoc());
  });

  it('accepts the envelope sent as the root element, signature included', () => {
    const xml = buildEdxml(minimalEdoc()).replace('</edXML:edXMLHeader>', '<Signature/></edXML:edXMLHeader>');
    const envelope = xml.slice(
      xml.indexOf('<edXML:edXMLEnvelope'),
      xml.indexOf('</edXML:edXMLEnvelope>') + 22,
    );
    const result = parseEdxml(envelope);
    expect(result.package).toEqual(minimalEdoc());
    expect(result.signature.kind).toBe('legacy');
  });

  it('refuses a document that is not edXML', () => {
    const error = captureError(() => parseEdxml('<?xml version="1.0"?><html><body/></html>'));
    expect(error.code).toBe('EDXML_NOT_EDXML');
    expect(error.message).toContain('<html>');
    expect(error.position).toEqual({ line: 1, column: 22 });
  });

  it('refuses an edXML root in a foreign namespace', () => {
    expect(captureError(() => parseEdxml('<edXML xmlns="urn:other"/>')).code).toBe('EDXML_NOT_EDXML');
  });
});

describe('parseEdxml: ContentId, manifest and attachments', () => {
  it('stores ContentId without cid: whether or not the producer wrote it, and merges by it', () => {
    const xml = edit(
      buildEdxml(fullEdoc()),
      /(<edXML:AttachmentEncoded[\s\S]*?)<edXML:ContentId>cid:a1b2c3</,
      '$1<edXML:ContentId>a1b2c3<',
    );
    expect(xml.match(/ContentId>(cid:)?a1b2c3</g)).toEqual(['ContentId>cid:a1b2c3<', 'ContentId>a1b2c3<']);
    const pkg = parseEdxml(xml).package as EdocPackage;
    expect(pkg.attachments.map((a) => a.contentId)).toEqual(['a1b2c3', 'd4e5f6']);
    expect(pkg).toEqual(fullEdoc());
  });

  it('takes AttachmentName, Description and ContentType from the manifest when the Attachment lacks them', () => {
    let xml = buildEdxml(fullEdoc());
    xml = removeElement(xml, 'AttachmentName', 2); // the first Attachment's (after two References)
    xml = removeElement(xml, 'Description', 1); // the first Attachment's (after the first Reference's)
    xml = removeElement(xml, 'ContentType', 2);
    const [first] = (parseEdxml(xml).package as EdocPackage).attachments;
    expect(first).toEqual(fullEdoc().attachments[0]);
  });

  it('types an attachment by its name when neither side gives a ContentType', () => {
    let xml = buildEdxml(fullEdoc());
    xml = removeElement(xml, 'ContentType', 0);
    xml = removeElement(xml, 'ContentType', 1);
    expect((parseEdxml(xml).package as EdocPackage).attachments[0].contentType).toBe('application/pdf');
  });

  it('refuses a manifest Reference whose attachment is not in the package', () => {
    const xml = removeElement(buildEdxml(fullEdoc()), 'Attachment', 1);
    const error = captureError(() => parseEdxml(xml));
    expect(error.code).toBe('EDXML_ATTACHMENT_MISSING');
    expect(error.message).toContain('d4e5f6');
    expect(error.path).toBe('edXMLEnvelope/edXMLBody/edXMLManifest/Reference[2]');
  });

  it('keeps an attachment missing from the manifest, with a warning', () => {
    const xml = removeElement(buildEdxml(fullEdoc()), 'Reference', 1);
    const result = parseEdxml(xml);
    expect((result.package as EdocPackage).attachments).toHaveLength(2);
    expect(result.warnings.map((w) => w.code)).toEqual(['ATTACHMENT_NOT_IN_MANIFEST']);
  });

  it('refuses two attachments with one ContentId', () => {
    const pkg = fullEdoc();
    pkg.attachments[1].contentId = 'a1b2c3';
    const xml = removeElement(buildEdxml(pkg), 'Reference', 1);
    expect(captureError(() => parseEdxml(xml)).code).toBe('EDXML_DUPLICATE_CONTENT_ID');
  });

  it('refuses malformed base64, saying where', () => {
    const pkg = minimalEdoc();
    pkg.attachments.push({
      contentId: 'x',
      attachmentName: 'x.txt',
      contentType: 'text/plain',
      data: Buffer.from('hello'),
    });
    const xml = edit(buildEdxml(pkg), 'aGVsbG8=', 'aGV*bG8=');
    const error = captureError(() => parseEdxml(xml));
    expect(error.code).toBe('EDXML_ATTACHMENT_BAD_BASE64');
    expect(error.message).toContain('"*"');
    expect(error.path).toBe('AttachmentEncoded[1]/Attachment[1]/ContentTransferEncoded');
    expect(error.position?.line).toBeGreaterThan(1);
  });

  it.each([
    ['truncated', 'aGVsbG8', 'aGVsb'],
    ['padding in the middle', 'aGVsbG8=', 'aG=sbG8='],
  ])('refuses base64 that is %s', (_label, find, replacement) => {
    const pkg = minimalEdoc();
    pkg.attachments.push({
      contentId: 'x',
      attachmentName: 'x.txt',
      contentType: 'text/plain',
      data: Buffer.from('hello'),
    });
    const xml = edit(buildEdxml(pkg), find, replacement);
    expect(captureError(() => parseEdxml(xml)).code).toBe('EDXML_ATTACHMENT_BAD_BASE64');
  });

  it('accepts base64 broken over lines, as MIME producers write it', () => {
    const pkg = fullEdoc();
    const base64 = pkg.attachments[0].data.toString('base64');
    const wrapped = base64.replace(/(.{8})/g, '$1\r\n  ');
    const xml = edit(buildEdxml(pkg), base64, `\n${wrapped}\n`);
    expect(parseEdxml(xml).package).toEqual(fullEdoc());
  });

  it('keeps a template placeholder instead of base64 as its own text, with a warning', () => {
    const pkg = minimalEdoc();
    pkg.attachments.push({
      contentId: 'x',
      attachmentName: 'x.pdf',
      contentType: 'application/pdf',
      data: Buffer.from('hello'),
    });
    const xml = edit(buildEdxml(pkg), 'aGVsbG8=', '${__StringFromFile(test.txt,,,)}');
    const result = parseEdxml(xml);
    const [attachment] = (result.package as EdocPackage).attachments;
    expect(attachment.data.toString('utf8')).toBe('${__StringFromFile(test.txt,,,)}');
    expect(attachment.contentType).toBe('application/pdf');
    expect(result.warnings).toEqual([
      expect.objectContaining({
        code: 'ATTACHMENT_NOT_BASE64',
        path: 'AttachmentEncoded[1]/Attachment[1]/ContentTransferEncoded',
      }),
    ]);
  });
});

describe('parseEdxml: tolerated quirks', () => {
  it('drops an all-empty ResponseFor placeholder but keeps real ones', () => {
    const placeholder =
      '<edXML:ResponseFor><edXML:OrganId></edXML:OrganId><edXML:Code/><edXML:PromulgationDate></edXML:PromulgationDate>' +
      '<edXML:DocumentId>  </edXML:DocumentId></edXML:ResponseFor>';
    const xml = edit(buildEdxml(fullEdoc()), '<edXML:SteeringType>', `${placeholder}<edXML:SteeringType>`);
    const result = parseEdxml(xml);
    expect((result.package as EdocPackage).messageHeader.responseFor).toEqual(
      fullEdoc().messageHeader.responseFor,
    );
    const none = parseEdxml(removeElement(xml, 'ResponseFor', 0)).package as EdocPackage;
    expect(none.messageHeader.responseFor).toBeUndefined();
  });

  it('keeps OrganIds that are not identifier codes, warning about each', () => {
    const pkg = minimalEdoc();
    pkg.traceHeaderList.traceHeader = [
      { organId: 'vxp.saas.03', timestamp: '2024/05/06 10:00:00' },
      { organId: 'null', timestamp: '2024/05/06 10:00:01' },
    ];
    const result = parseEdxml(buildEdxml(pkg));
    expect(result.package).toEqual(pkg);
    expect(result.warnings.map((w) => [w.code, w.path])).toEqual([
      ['ORGAN_ID_NOT_IDENTIFIER_CODE', 'edXMLEnvelope/edXMLHeader/TraceHeaderList/TraceHeader[1]/OrganId'],
      ['ORGAN_ID_NOT_IDENTIFIER_CODE', 'edXMLEnvelope/edXMLHeader/TraceHeaderList/TraceHeader[2]/OrganId'],
    ]);
    expect(result.warnings[0].message).toContain('vxp.saas.03');
  });

  it('warns about short identifier codes only in strict mode', () => {
    const pkg = minimalEdoc();
    pkg.messageHeader.to = [{ organId: '28.22.H17' }];
    expect(parseEdxml(buildEdxml(pkg)).warnings).toEqual([]);
    const strict = parseEdxml(buildEdxml(pkg), { identifierMode: 'strict' });
    expect(strict.warnings.map((w) => w.path)).toEqual([`${MH}/To[1]/OrganId`]);
  });

  it('reads a status code written without its leading zero', () => {
    const xml = edit(buildEdxml(statusOf('04')), '<edXML:StatusCode>04<', '<edXML:StatusCode>4<');
    expect((parseEdxml(xml).package as StatusPackage).messageHeader.statusCode).toBe('04');
  });

  it('treats a missing TraceHeaderList as an empty one', () => {
    const pkg = minimalEdoc();
    const xml = removeElement(buildEdxml(pkg), 'TraceHeaderList');
    expect((parseEdxml(xml).package as EdocPackage).traceHeaderList).toEqual({ traceHeader: [] });
  });

  it('reports edXML elements the model does not hold, and ignores foreign ones', () => {
    const xml = edit(
      buildEdxml(minimalEdoc()),
      '<edXML:Subject>',
      '<edXML:Mystery>x</edXML:Mystery><ext:Note xmlns:ext="urn:ext">y</ext:Note><edXML:Subject>',
    );
    const result = parseEdxml(xml);
    expect(result.package).toEqual(minimalEdoc());
    expect(result.warnings).toEqual([
      expect.objectContaining({
        code: 'UNKNOWN_ELEMENT',
        path: `${MH}/Mystery`,
        position: expect.objectContaining({ line: expect.any(Number) }),
      }),
    ]);
  });
});

describe('parseEdxml: refusals', () => {
  const edoc = () => buildEdxml(fullEdoc());
  const status = () => buildEdxml(statusOf('01'));

  it.each([
    ['From', () => removeElement(edoc(), 'From'), `${MH}/From`],
    ['From/OrganId', () => removeElement(edoc(), 'OrganId', 0), `${MH}/From/OrganId`],
    ['every To', () => removeElement(removeElement(edoc(), 'To', 1), 'To', 0), `${MH}/To`],
    ['To/OrganId', () => removeElement(edoc(), 'OrganId', 2), `${MH}/To[2]/OrganId`],
    ['Code', () => removeElement(edoc(), 'Code', 0), `${MH}/Code`],
    ['CodeNumber', () => removeElement(edoc(), 'CodeNumber'), `${MH}/Code/CodeNumber`],
    [
      'PromulgationDate',
      () => removeElement(edoc(), 'PromulgationDate', 0),
      `${MH}/PromulgationInfo/PromulgationDate`,
    ],
    ['DocumentType/Type', () => removeElement(edoc(), 'Type'), `${MH}/DocumentType/Type`],
    ['Subject', () => removeElement(edoc(), 'Subject'), `${MH}/Subject`],
    [
      'MessageHeader',
      () => removeElement(edoc(), 'MessageHeader'),
      'edXMLEnvelope/edXMLHeader/MessageHeader',
    ],
    ['status From', () => removeElement(status(), 'From'), `${MH}/From`],
    ['status ResponseFor', () => removeElement(status(), 'ResponseFor'), `${MH}/ResponseFor`],
    [
      'status ResponseFor/DocumentId',
      () => removeElement(status(), 'DocumentId'),
      `${MH}/ResponseFor/DocumentId`,
    ],
    ['status Timestamp', () => removeElement(status(), 'Timestamp'), `${MH}/Timestamp`],
  ])('refuses a package without %s', (_label, make, path) => {
    const error = captureError(() => parseEdxml(make()));
    expect(error.code).toBe('EDXML_MISSING_ELEMENT');
    expect(error.path).toBe(path);
    expect(error.position).toEqual(
      expect.objectContaining({ line: expect.any(Number), column: expect.any(Number) }),
    );
    expect(error.message).toMatch(/missing|at least one/);
  });

  it('refuses a status without StatusCode as a status, not as a document without recipients', () => {
    const error = captureError(() => parseEdxml(removeElement(status(), 'StatusCode')));
    expect(error.code).toBe('EDXML_MISSING_ELEMENT');
    expect(error.path).toBe(`${MH}/StatusCode`);
  });

  it('refuses an empty required element', () => {
    const error = captureError(() => parseEdxml(edit(edoc(), /<edXML:Subject>[^<]*</, '<edXML:Subject>  <')));
    expect(error.code).toBe('EDXML_EMPTY_ELEMENT');
    expect(error.path).toBe(`${MH}/Subject`);
  });

  it.each([
    [
      'an unknown StatusCode',
      () => edit(status(), '<edXML:StatusCode>01<', '<edXML:StatusCode>07<'),
      'EDXML_UNKNOWN_STATUS_CODE',
      `${MH}/StatusCode`,
    ],
    [
      'a StatusCode that is not a number',
      () => edit(status(), '<edXML:StatusCode>01<', '<edXML:StatusCode>toString<'),
      'EDXML_UNKNOWN_STATUS_CODE',
      `${MH}/StatusCode`,
    ],
    [
      'BussinessDocType 4',
      () => edit(edoc(), '<edXML:BussinessDocType>0<', '<edXML:BussinessDocType>4<'),
      'EDXML_INVALID_BUSSINESS_DOC_TYPE',
      'edXMLEnvelope/edXMLHeader/TraceHeaderList/Bussiness/BussinessDocType',
    ],
    [
      'Priority 5',
      () => edit(edoc(), '<edXML:Priority>2<', '<edXML:Priority>5<'),
      'EDXML_INVALID_PRIORITY',
      `${MH}/OtherInfo/Priority`,
    ],
    [
      'Priority -1',
      () => edit(edoc(), '<edXML:Priority>2<', '<edXML:Priority>-1<'),
      'EDXML_INVALID_PRIORITY',
      `${MH}/OtherInfo/Priority`,
    ],
    [
      'a PageAmount in words',
      () => edit(edoc(), '<edXML:PageAmount>22<', '<edXML:PageAmount>hai<'),
      'EDXML_INVALID_NUMBER',
      `${MH}/OtherInfo/PageAmount`,
    ],
    [
      'a Direction that is not boolean',
      () => edit(edoc(), '<edXML:Direction>false<', '<edXML:Direction>maybe<'),
      'EDXML_INVALID_BOOLEAN',
      `${MH}/OtherInfo/Direction`,
    ],
    [
      'a repeated Subject',
      () => edit(edoc(), '<edXML:Content>', '<edXML:Subject>again</edXML:Subject><edXML:Content>'),
      'EDXML_DUPLICATE_ELEMENT',
      `${MH}/Subject`,
    ],
  ])('refuses %s', (_label, make, code, path) => {
    const error = captureError(() => parseEdxml(make()));
    expect(error.code).toBe(code);
    expect(error.path).toBe(path);
    expect(error.message.length).toBeGreaterThan(20);
  });

  it('reads numbers, booleans and priorities that are valid', () => {
    const xml = edit(
      edit(edoc(), '<edXML:Direction>false<', '<edXML:Direction>1<'),
      '<edXML:Priority>2<',
      '<edXML:Priority>4<',
    );
    const other = (parseEdxml(xml).package as EdocPackage).messageHeader.otherInfo!;
    expect(other.direction).toBe(true);
    expect(other.priority).toBe(4);
    expect(other.pageAmount).toBe(22);
  });
});

describe('parseEdxml: signature presence', () => {
  const withSignature = (signature: string) =>
    buildEdxml(minimalEdoc()).replace('</edXML:edXMLHeader>', `${signature}</edXML:edXMLHeader>`);
  const DSIG = 'http://www.w3.org/2000/09/xmldsig#';

  it('reports none for an unsigned package', () => {
    expect(parseEdxml(buildEdxml(minimalEdoc())).signature).toEqual({ kind: 'none' });
  });

  it('reports an XMLDSig signature with SignedInfo and a SHA-2 method', () => {
    const sig = `<Signature xmlns="${DSIG}"><SignedInfo><SignatureMethod Algorithm="http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"/></SignedInfo><SignatureValue>AA==</SignatureValue></Signature>`;
    const result = parseEdxml(withSignature(sig));
    expect(result.signature).toEqual({ kind: 'xmldsig' });
    expect(result.warnings).toEqual([]);
  });

  it.each([
    ['no XMLDSig namespace', '<Signature><SignedInfo/></Signature>', /outside the XML Signature namespace/],
    [
      'no SignedInfo',
      `<Signature xmlns="${DSIG}"><SignatureValue>AA==</SignatureValue></Signature>`,
      /no SignedInfo/,
    ],
    [
      'rsa-sha1',
      `<Signature xmlns="${DSIG}"><SignedInfo><SignatureMethod Algorithm="${DSIG}rsa-sha1"/></SignedInfo></Signature>`,
      /rsa-sha1/,
    ],
    [
      'an empty DigitalSignature',
      '<edXML:DigitalSignature></edXML:DigitalSignature>',
      /empty DigitalSignature/,
    ],
  ])('reports a legacy signature with %s', (_label, sig, reason) => {
    const result = parseEdxml(withSignature(sig));
    expect(result.signature).toEqual({ kind: 'legacy', reason: expect.stringMatching(reason) });
    expect(result.warnings).toEqual([]);
  });
});

describe('parseEdxml: errors are one type', () => {
  it('wraps hardened-XML refusals into EdxmlError, keeping code and position', () => {
    const error = captureError(() => parseEdxml('<edXML><a></edXML>'));
    expect(error).toBeInstanceOf(EdxmlError);
    expect(error.code).toBe('XML_MALFORMED');
    expect(error.position).toEqual({ line: 1, column: expect.any(Number) });
    expect(error.message).toMatch(/not well-formed.*\(line 1, column \d+\)$/);
  });
});
