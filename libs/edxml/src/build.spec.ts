import { DOMParser } from '@xmldom/xmldom';
import { SaxesParser } from 'saxes';
import { captureError, fullEdoc, minimalEdoc, statusOf } from '../test/fixtures';
import { buildEdxml } from './build';
import { elementChildren } from './dom';
import { EdxmlError } from './errors';
import { EDXML_NAMESPACE } from './model';
import { parseEdxml } from './parse';
import { escapeXmlAttribute } from './xml-text';

/** Parses with namespaces on and no tolerated prefixes: fails on any unbound prefix. */
function assertNamespaceWellFormed(xml: string): void {
  const parser = new SaxesParser({ xmlns: true });
  parser.on('error', (e) => {
    throw e;
  });
  parser.write(xml).close();
}

function dom(xml: string): Document {
  return new DOMParser().parseFromString(xml, 'application/xml') as unknown as Document;
}

function childNames(parent: Element, localName: string): string[] {
  const el = parent.getElementsByTagNameNS(EDXML_NAMESPACE, localName)[0];
  return elementChildren(el).map((e) => e.localName);
}

describe('buildEdxml: shape', () => {
  const xml = buildEdxml(fullEdoc());

  it('starts with the XML declaration and a root edXML in the QCVN default namespace', () => {
    expect(
      xml.startsWith(
        '<?xml version="1.0" encoding="UTF-8"?>\n<edXML xmlns="http://www.mic.gov.vn/TBT/QCVN_102_2016">\n',
      ),
    ).toBe(true);
    expect(xml.trimEnd().endsWith('</edXML>')).toBe(true);
  });

  it('declares the edXML prefix on every top-level subtree that uses it', () => {
    expect(xml).toContain('<edXML:edXMLEnvelope xmlns:edXML="http://www.mic.gov.vn/TBT/QCVN_102_2016">');
    expect(xml).toContain('<edXML:AttachmentEncoded xmlns:edXML="http://www.mic.gov.vn/TBT/QCVN_102_2016">');
    expect(() => assertNamespaceWellFormed(xml)).not.toThrow();
  });

  it('puts every element in the QCVN namespace', () => {
    const all = Array.from(dom(xml).getElementsByTagName('*'));
    expect(all.length).toBeGreaterThan(50);
    expect(all.filter((e) => e.namespaceURI !== EDXML_NAMESPACE).map((e) => e.tagName)).toEqual([]);
  });

  it('lays out envelope, header, body and attachments like the SDK samples', () => {
    const root = dom(xml).documentElement;
    expect(elementChildren(root).map((e) => e.localName)).toEqual(['edXMLEnvelope', 'AttachmentEncoded']);
    expect(childNames(root, 'edXMLEnvelope')).toEqual(['edXMLHeader', 'edXMLBody']);
    expect(childNames(root, 'edXMLHeader')).toEqual(['MessageHeader', 'TraceHeaderList']);
    expect(childNames(root, 'edXMLBody')).toEqual(['edXMLManifest']);
    expect(xml).toContain('<edXML:edXMLManifest version="1.0">');
    expect(childNames(root, 'edXMLManifest')).toEqual(['Reference', 'Reference']);
    expect(childNames(root, 'AttachmentEncoded')).toEqual(['Attachment', 'Attachment']);
  });

  it('writes MessageHeader children in the standard order', () => {
    expect(childNames(dom(xml).documentElement, 'MessageHeader')).toEqual([
      'From',
      'To',
      'To',
      'Code',
      'PromulgationInfo',
      'DocumentType',
      'Subject',
      'Content',
      'SignerInfo',
      'DueDate',
      'ToPlaces',
      'OtherInfo',
      'ResponseFor',
      'SteeringType',
      'DocumentId',
    ]);
  });

  it('writes Organization, OtherInfo, Bussiness, Reference and Attachment children in order', () => {
    const root = dom(xml).documentElement;
    expect(childNames(root, 'From')).toEqual([
      'OrganId',
      'OrganizationInCharge',
      'OrganName',
      'OrganAdd',
      'Email',
      'Telephone',
      'Fax',
      'Website',
    ]);
    expect(childNames(root, 'OtherInfo')).toEqual([
      'Priority',
      'SphereOfPromulgation',
      'TyperNotation',
      'PromulgationAmount',
      'PageAmount',
      'Direction',
      'Appendixes',
    ]);
    expect(childNames(root, 'Bussiness')).toEqual([
      'BussinessDocType',
      'BussinessDocReason',
      'Paper',
      'StaffInfo',
    ]);
    expect(childNames(root, 'Reference')).toEqual([
      'ContentId',
      'ContentType',
      'Description',
      'AttachmentName',
    ]);
    expect(childNames(root, 'Attachment')).toEqual([
      'ContentId',
      'AttachmentName',
      'Description',
      'ContentType',
      'ContentTransferEncoded',
    ]);
  });

  it('writes ContentId with cid:, the real content type and unbroken base64', () => {
    const pkg = fullEdoc();
    expect(xml).toContain('<edXML:ContentId>cid:a1b2c3</edXML:ContentId>');
    expect(xml).toContain('<edXML:ContentType>application/pdf</edXML:ContentType>');
    const base64 = pkg.attachments[0].data.toString('base64');
    expect(xml).toContain(`<edXML:ContentTransferEncoded>${base64}</edXML:ContentTransferEncoded>`);
  });

  it('leaves edXMLHeader open for a Signature appended as its last child', () => {
    expect(xml).not.toMatch(/<edXML:edXMLHeader\s*\/>/);
    expect(xml).toMatch(/<\/edXML:TraceHeaderList>\n\s*<\/edXML:edXMLHeader>/);
    const signature =
      '<Signature xmlns="http://www.w3.org/2000/09/xmldsig#"><SignedInfo>' +
      '<SignatureMethod Algorithm="http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"/></SignedInfo></Signature>';
    const signed = xml.replace('</edXML:edXMLHeader>', `${signature}</edXML:edXMLHeader>`);
    const header = dom(signed).getElementsByTagNameNS(EDXML_NAMESPACE, 'edXMLHeader')[0];
    expect(elementChildren(header).at(-1)?.localName).toBe('Signature');
    expect(parseEdxml(signed).signature).toEqual({ kind: 'xmldsig' });
  });

  it('writes a document without attachments with an empty manifest and no AttachmentEncoded', () => {
    const out = buildEdxml(minimalEdoc());
    expect(out).toContain('<edXML:edXMLManifest version="1.0">\n      </edXML:edXMLManifest>');
    expect(out).not.toContain('AttachmentEncoded');
    expect(() => assertNamespaceWellFormed(out)).not.toThrow();
  });

  it('writes a status package as the samples do: header only, no body', () => {
    const out = buildEdxml(statusOf('03'));
    const root = dom(out).documentElement;
    expect(childNames(root, 'edXMLEnvelope')).toEqual(['edXMLHeader']);
    expect(childNames(root, 'MessageHeader')).toEqual([
      'From',
      'ResponseFor',
      'StaffInfo',
      'StatusCode',
      'Description',
      'Timestamp',
    ]);
    expect(childNames(root, 'ResponseFor')).toEqual(['OrganId', 'Code', 'PromulgationDate', 'DocumentId']);
    expect(out).not.toContain('TraceHeaderList');
  });

  it('writes a status package trace list when the model has one', () => {
    const pkg = statusOf('01');
    pkg.traceHeaderList = { traceHeader: [{ organId: '000.00.00.H41', timestamp: '2024/03/01 09:15:31' }] };
    expect(childNames(dom(buildEdxml(pkg)).documentElement, 'edXMLHeader')).toEqual([
      'MessageHeader',
      'TraceHeaderList',
    ]);
  });
});

describe('buildEdxml: escaping', () => {
  it('escapes markup characters in text so they come back unchanged', () => {
    const pkg = minimalEdoc();
    pkg.messageHeader.subject = 'A & B <c> "d" \'e\' ]]> f';
    pkg.messageHeader.content = 'line 1\r\nline 2';
    pkg.attachments.push({
      contentId: 'x&y',
      attachmentName: 'a<b>.txt',
      contentType: 'text/plain',
      data: Buffer.from(''),
    });
    const xml = buildEdxml(pkg);
    expect(xml).toContain('<edXML:Subject>A &amp; B &lt;c&gt; "d" \'e\' ]]&gt; f</edXML:Subject>');
    expect(xml).toContain('line 1&#xD;\nline 2');
    const back = parseEdxml(xml).package;
    expect(back).toEqual(pkg);
  });

  it('refuses characters XML cannot carry instead of writing a broken package', () => {
    const pkg = minimalEdoc();
    pkg.messageHeader.subject = 'bell \u0007';
    expect(() => buildEdxml(pkg)).toThrow(expect.objectContaining({ code: 'EDXML_UNREPRESENTABLE_TEXT' }));
    pkg.messageHeader.subject = 'lone surrogate \ud800';
    expect(() => buildEdxml(pkg)).toThrow(/U\+D800/);
  });

  it('escapes attribute values so they come back unchanged', () => {
    const value = 'a & b < "c"\td\ne\r';
    const escaped = escapeXmlAttribute(value);
    expect(escaped).toBe('a &amp; b &lt; &quot;c&quot;&#x9;d&#xA;e&#xD;');
    const element = dom(`<x v="${escaped}"/>`).documentElement;
    expect(element.getAttribute('v')).toBe(value);
  });

  it('does not escape Vietnamese text into character references', () => {
    expect(buildEdxml(fullEdoc())).toContain('<edXML:OrganName>Văn phòng Chính phủ</edXML:OrganName>');
  });
});

describe('buildEdxml: refusals', () => {
  it('names the missing required value', () => {
    const pkg = minimalEdoc();
    pkg.messageHeader.subject = '';
    const error = captureError(() => buildEdxml(pkg));
    expect(error).toBeInstanceOf(EdxmlError);
    expect(error.code).toBe('EDXML_INVALID_PACKAGE');
    expect(error.path).toBe('edXMLEnvelope/edXMLHeader/MessageHeader/Subject');
  });

  it('refuses a status with no DocumentId to answer', () => {
    const pkg = statusOf('01');
    delete pkg.messageHeader.responseFor.documentId;
    expect(() => buildEdxml(pkg)).toThrow(
      expect.objectContaining({ path: 'edXMLEnvelope/edXMLHeader/MessageHeader/ResponseFor/DocumentId' }),
    );
  });

  it('refuses attachment data that is not bytes', () => {
    const pkg = minimalEdoc();
    pkg.attachments.push({
      contentId: 'a',
      attachmentName: 'a.txt',
      contentType: 'text/plain',
      data: 'abc' as unknown as Buffer,
    });
    expect(() => buildEdxml(pkg)).toThrow(expect.objectContaining({ code: 'EDXML_INVALID_PACKAGE' }));
  });

  it('drops an all-empty ResponseFor, as the parser does', () => {
    const pkg = minimalEdoc();
    pkg.messageHeader.responseFor = [{}];
    expect(buildEdxml(pkg)).not.toContain('ResponseFor');
  });
});
