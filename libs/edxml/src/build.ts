import { EdxmlError } from './errors';
import { escapeXmlAttribute, escapeXmlText } from './xml-text';
import {
  Attachment,
  Bussiness,
  EDXML_NAMESPACE,
  EDXML_PREFIX,
  EdocPackage,
  EdxmlPackage,
  Organization,
  ResponseFor,
  StaffInfo,
  StatusPackage,
  TraceHeaderList,
} from './model';

type Leaf = string | number | boolean | undefined;

/**
 * Writes XML as text, not through a DOM: a package's size is its base64 attachments, and joining
 * strings moves 10 MB in milliseconds where serializing a DOM node tree does not.
 */
class Writer {
  private readonly parts: string[] = [];
  private indent = '';

  raw(text: string): void {
    this.parts.push(text);
  }

  /** The root element is written by hand; its children start one level in. */
  startInside(): void {
    this.indent = '  ';
  }

  /** A value known to need no escaping (base64), written without another pass over it. */
  trustedLeaf(name: string, value: string): void {
    this.parts.push(`${this.indent}<${EDXML_PREFIX}:${name}>${value}</${EDXML_PREFIX}:${name}>\n`);
  }

  open(name: string, attributes = ''): void {
    this.parts.push(`${this.indent}<${EDXML_PREFIX}:${name}${attributes}>\n`);
    this.indent += '  ';
  }

  close(name: string): void {
    this.indent = this.indent.slice(2);
    this.parts.push(`${this.indent}</${EDXML_PREFIX}:${name}>\n`);
  }

  /** Optional values that are absent or empty are left out, as the parser reads them back. */
  leaf(name: string, value: Leaf): void {
    if (value === undefined || value === '') return;
    this.parts.push(
      `${this.indent}<${EDXML_PREFIX}:${name}>${escapeXmlText(String(value), name)}</${EDXML_PREFIX}:${name}>\n`,
    );
  }

  required(name: string, value: Leaf, path: string): void {
    if (value === undefined || value === '') {
      throw new EdxmlError(
        'EDXML_INVALID_PACKAGE',
        `Cannot build the package: <${name}> is required but has no value`,
        {
          path: `${path}/${name}`,
        },
      );
    }
    this.leaf(name, value);
  }

  toString(): string {
    return this.parts.join('');
  }
}

const NAMESPACE_DECLARATION = ` xmlns:${EDXML_PREFIX}="${escapeXmlAttribute(EDXML_NAMESPACE)}"`;

/**
 * Serializes a package in the shape of the VPCP SDK samples and the standard's element order.
 * The `edXML` prefix is declared on each top-level subtree that uses it (the envelope and the
 * AttachmentEncoded block), so each is namespace-well-formed even when cut out on its own.
 * edXMLHeader is never self-closed: libs/pki appends the XMLDSig Signature as its last child.
 * The builder writes what it is given; run `assertValidEdxml` first to check the content.
 */
export function buildEdxml(pkg: EdxmlPackage): string {
  const w = new Writer();
  w.raw('<?xml version="1.0" encoding="UTF-8"?>\n');
  w.raw(`<edXML xmlns="${escapeXmlAttribute(EDXML_NAMESPACE)}">\n`);
  w.startInside();
  w.open('edXMLEnvelope', NAMESPACE_DECLARATION);
  if (pkg.kind === 'edoc') writeEdoc(w, pkg);
  else if (pkg.kind === 'status') writeStatus(w, pkg);
  else
    throw new EdxmlError(
      'EDXML_INVALID_PACKAGE',
      'Cannot build the package: kind must be "edoc" or "status"',
    );
  w.raw('</edXML>\n');
  return w.toString();
}

const HEADER = 'edXMLEnvelope/edXMLHeader';
const MESSAGE_HEADER = `${HEADER}/MessageHeader`;

function writeEdoc(w: Writer, pkg: EdocPackage): void {
  const h = pkg.messageHeader;
  w.open('edXMLHeader');
  w.open('MessageHeader');
  writeOrganization(w, 'From', h.from, `${MESSAGE_HEADER}/From`);
  h.to.forEach((to, i) => writeOrganization(w, 'To', to, `${MESSAGE_HEADER}/To[${i + 1}]`));
  w.open('Code');
  w.required('CodeNumber', h.code.codeNumber, `${MESSAGE_HEADER}/Code`);
  w.required('CodeNotation', h.code.codeNotation, `${MESSAGE_HEADER}/Code`);
  w.close('Code');
  w.open('PromulgationInfo');
  w.leaf('Place', h.promulgationInfo.place);
  w.required('PromulgationDate', h.promulgationInfo.promulgationDate, `${MESSAGE_HEADER}/PromulgationInfo`);
  w.close('PromulgationInfo');
  w.open('DocumentType');
  w.required('Type', h.documentType.type, `${MESSAGE_HEADER}/DocumentType`);
  w.leaf('TypeDetail', h.documentType.typeDetail);
  w.leaf('TypeName', h.documentType.typeName);
  w.close('DocumentType');
  w.required('Subject', h.subject, MESSAGE_HEADER);
  w.leaf('Content', h.content);
  if (h.signerInfo) {
    w.open('SignerInfo');
    w.leaf('Competence', h.signerInfo.competence);
    w.leaf('Position', h.signerInfo.position);
    w.leaf('FullName', h.signerInfo.fullName);
    w.close('SignerInfo');
  }
  w.leaf('DueDate', h.dueDate);
  writeList(w, 'ToPlaces', 'Place', h.toPlaces);
  if (h.otherInfo) {
    const o = h.otherInfo;
    w.open('OtherInfo');
    w.leaf('Priority', o.priority);
    w.leaf('SphereOfPromulgation', o.sphereOfPromulgation);
    w.leaf('TyperNotation', o.typerNotation);
    w.leaf('PromulgationAmount', o.promulgationAmount);
    w.leaf('PageAmount', o.pageAmount);
    w.leaf('Direction', o.direction);
    writeList(w, 'Appendixes', 'Appendix', o.appendixes);
    w.close('OtherInfo');
  }
  for (const responseFor of h.responseFor ?? []) writeResponseFor(w, responseFor);
  w.leaf('SteeringType', h.steeringType);
  w.leaf('DocumentId', h.documentId);
  w.close('MessageHeader');
  writeTraceHeaderList(w, pkg.traceHeaderList);
  w.close('edXMLHeader');

  w.open('edXMLBody');
  w.open('edXMLManifest', ' version="1.0"');
  pkg.attachments.forEach((a, i) =>
    writeReference(w, a, `edXMLEnvelope/edXMLBody/edXMLManifest/Reference[${i + 1}]`),
  );
  w.close('edXMLManifest');
  w.close('edXMLBody');
  w.close('edXMLEnvelope');

  if (pkg.attachments.length > 0) {
    w.open('AttachmentEncoded', NAMESPACE_DECLARATION);
    pkg.attachments.forEach((a, i) => writeAttachment(w, a, `AttachmentEncoded/Attachment[${i + 1}]`));
    w.close('AttachmentEncoded');
  }
}

function writeStatus(w: Writer, pkg: StatusPackage): void {
  const h = pkg.messageHeader;
  w.open('edXMLHeader');
  w.open('MessageHeader');
  writeOrganization(w, 'From', h.from, `${MESSAGE_HEADER}/From`);
  if (!h.responseFor?.documentId) {
    throw new EdxmlError(
      'EDXML_INVALID_PACKAGE',
      'Cannot build the status package: it must name the document it answers',
      {
        path: `${MESSAGE_HEADER}/ResponseFor/DocumentId`,
      },
    );
  }
  writeResponseFor(w, h.responseFor);
  writeStaffInfo(w, h.staffInfo);
  w.required('StatusCode', h.statusCode, MESSAGE_HEADER);
  w.leaf('Description', h.description);
  w.required('Timestamp', h.timestamp, MESSAGE_HEADER);
  w.close('MessageHeader');
  if (pkg.traceHeaderList) writeTraceHeaderList(w, pkg.traceHeaderList);
  w.close('edXMLHeader');
  w.close('edXMLEnvelope');
}

function writeOrganization(w: Writer, element: string, o: Organization, path: string): void {
  w.open(element);
  w.required('OrganId', o.organId, path);
  w.leaf('OrganizationInCharge', o.organizationInCharge);
  w.leaf('OrganName', o.organName);
  w.leaf('OrganAdd', o.organAdd);
  w.leaf('Email', o.email);
  w.leaf('Telephone', o.telephone);
  w.leaf('Fax', o.fax);
  w.leaf('Website', o.website);
  w.close(element);
}

function writeResponseFor(w: Writer, r: ResponseFor): void {
  // An all-empty ResponseFor is the SDK's "answers nothing" placeholder; the parser drops it, so do we.
  if (!r.organId && !r.code && !r.promulgationDate && !r.documentId) return;
  w.open('ResponseFor');
  w.leaf('OrganId', r.organId);
  w.leaf('Code', r.code);
  w.leaf('PromulgationDate', r.promulgationDate);
  w.leaf('DocumentId', r.documentId);
  w.close('ResponseFor');
}

function writeStaffInfo(w: Writer, s: StaffInfo | undefined): void {
  if (!s) return;
  w.open('StaffInfo');
  w.leaf('Department', s.department);
  w.leaf('Staff', s.staff);
  w.leaf('Email', s.email);
  w.leaf('Mobile', s.mobile);
  w.close('StaffInfo');
}

function writeList(w: Writer, wrapper: string, item: string, values: readonly string[] | undefined): void {
  if (!values) return;
  w.open(wrapper);
  for (const value of values) w.leaf(item, value);
  w.close(wrapper);
}

function writeTraceHeaderList(w: Writer, list: TraceHeaderList): void {
  const path = `${HEADER}/TraceHeaderList`;
  w.open('TraceHeaderList');
  list.traceHeader.forEach((t, i) => {
    w.open('TraceHeader');
    w.required('OrganId', t.organId, `${path}/TraceHeader[${i + 1}]`);
    w.required('Timestamp', t.timestamp, `${path}/TraceHeader[${i + 1}]`);
    w.close('TraceHeader');
  });
  if (list.bussiness) writeBussiness(w, list.bussiness);
  w.close('TraceHeaderList');
}

function writeBussiness(w: Writer, b: Bussiness): void {
  const path = `${HEADER}/TraceHeaderList/Bussiness`;
  w.open('Bussiness');
  w.leaf('DocumentId', b.documentId);
  w.required('BussinessDocType', b.bussinessDocType, path);
  w.leaf('BussinessDocReason', b.bussinessDocReason);
  w.leaf('Paper', b.paper);
  if (b.bussinessDocumentInfo) {
    const info = b.bussinessDocumentInfo;
    w.open('BussinessDocumentInfo');
    w.leaf('DocumentInfo', info.documentInfo);
    w.leaf('DocumentReceiver', info.documentReceiver);
    if (info.receiverList) {
      w.open('ReceiverList');
      info.receiverList.forEach((r, i) => {
        w.open('Receiver');
        w.required('OrganId', r.organId, `${path}/BussinessDocumentInfo/ReceiverList/Receiver[${i + 1}]`);
        w.leaf('ReceiverType', r.receiverType);
        w.close('Receiver');
      });
      w.close('ReceiverList');
    }
    w.close('BussinessDocumentInfo');
  }
  if (b.replacementInfoList) {
    w.open('ReplacementInfoList');
    b.replacementInfoList.forEach((r, i) => {
      w.open('ReplacementInfo');
      w.required('DocumentId', r.documentId, `${path}/ReplacementInfoList/ReplacementInfo[${i + 1}]`);
      w.open('OrganIdList');
      for (const organId of r.organIdList) w.leaf('OrganId', organId);
      w.close('OrganIdList');
      w.close('ReplacementInfo');
    });
    w.close('ReplacementInfoList');
  }
  writeStaffInfo(w, b.staffInfo);
  w.close('Bussiness');
}

function writeReference(w: Writer, a: Attachment, path: string): void {
  w.open('Reference');
  w.required('ContentId', a.contentId && `cid:${a.contentId}`, path);
  w.required('ContentType', a.contentType, path);
  w.leaf('Description', a.description);
  w.required('AttachmentName', a.attachmentName, path);
  w.close('Reference');
}

function writeAttachment(w: Writer, a: Attachment, path: string): void {
  w.open('Attachment');
  w.required('ContentId', a.contentId && `cid:${a.contentId}`, path);
  w.required('AttachmentName', a.attachmentName, path);
  w.leaf('Description', a.description);
  w.required('ContentType', a.contentType, path);
  const data = a.data as Uint8Array | undefined;
  if (!(data instanceof Uint8Array)) {
    throw new EdxmlError('EDXML_INVALID_PACKAGE', 'Cannot build the package: attachment data must be bytes', {
      path,
    });
  }
  const base64 = Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('base64');
  w.trustedLeaf('ContentTransferEncoded', base64);
  w.close('Attachment');
}
