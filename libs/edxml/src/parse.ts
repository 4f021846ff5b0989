import { parseXmlSecurely, XmlInputError, XmlLimits } from '@lienthong/xml';
import {
  contentTypeForName,
  decodeAttachmentText,
  DEFAULT_MAX_UNZIPPED_BYTES,
  isZipWrapper,
  stripCid,
  unzipSingleEntry,
} from './attachments';
import { ElementReader, isEdxmlElement, positionOf, ReadContext } from './dom';
import { EdxmlError, ParseWarning } from './errors';
import { IdentifierMode, isIdentifierCode } from './identifiers';
import {
  Attachment,
  Bussiness,
  BussinessDocType,
  BussinessDocumentInfo,
  EdocMessageHeader,
  EdocPackage,
  EdxmlPackage,
  Organization,
  OtherInfo,
  Priority,
  ReplacementInfo,
  ResponseFor,
  StaffInfo,
  STATUS_CODES,
  StatusCode,
  StatusPackage,
  TraceHeaderList,
} from './model';
import { detectSignature, SignaturePresence } from './signature';

export interface ParseOptions {
  /** Hardened-XML limits (size, depth, attributes); defaults are `DEFAULT_XML_LIMITS`. */
  limits?: Partial<XmlLimits>;
  /** Which OrganIds earn an `ORGAN_ID_NOT_IDENTIFIER_CODE` warning. Default `lenient`: parsing is for received packages. */
  identifierMode?: IdentifierMode;
  /** Most bytes all zipped attachments together may unzip to. Default `DEFAULT_MAX_UNZIPPED_BYTES`. */
  maxUnzippedBytes?: number;
}

export interface ParseResult {
  package: EdxmlPackage;
  signature: SignaturePresence;
  warnings: ParseWarning[];
}

interface Context extends ReadContext {
  identifierMode: IdentifierMode;
  unzipBudget: number;
}

/**
 * Reads a received edXML package into the model. Tolerant of what real producers do (element
 * order, prefixes, `cid:`, zipped attachments, placeholders) and strict about what would make the
 * model wrong (missing required data, values outside their code lists, corrupt attachments).
 * It does not verify the signature; it only reports which kind is there.
 */
export function parseEdxml(input: string | Uint8Array | Document, options: ParseOptions = {}): ParseResult {
  const document =
    typeof input === 'object' && 'documentElement' in input ? input : parseSecurely(input, options);
  const ctx: Context = {
    warnings: [],
    identifierMode: options.identifierMode ?? 'lenient',
    unzipBudget: options.maxUnzippedBytes ?? DEFAULT_MAX_UNZIPPED_BYTES,
  };
  const rootElement = document.documentElement;
  if (!rootElement || !isEdxmlElement(rootElement)) {
    throw new EdxmlError(
      'EDXML_NOT_EDXML',
      'The document is not an edXML package: its root element is not <edXML>',
      {
        position: rootElement ? positionOf(rootElement) : undefined,
      },
    );
  }
  // Some producers send the envelope alone; everything we need is inside it.
  let root: ElementReader | undefined;
  let envelope: ElementReader;
  if (rootElement.localName === 'edXML') {
    root = new ElementReader(rootElement, '', ctx);
    envelope = root.required('edXMLEnvelope');
  } else if (rootElement.localName === 'edXMLEnvelope') {
    envelope = new ElementReader(rootElement, 'edXMLEnvelope', ctx);
  } else {
    throw new EdxmlError(
      'EDXML_NOT_EDXML',
      `The document is not an edXML package: its root element is <${rootElement.localName}>, not <edXML>`,
      { position: positionOf(rootElement) },
    );
  }

  const header = envelope.required('edXMLHeader').ignore('Signature', 'DigitalSignature');
  const messageHeader = header.required('MessageHeader');
  // A status is a MessageHeader with a StatusCode; one that lost its StatusCode but has a status's
  // shape (a Timestamp, no To or Subject) is still reported as a status missing its code.
  const isStatus =
    messageHeader.has('StatusCode') ||
    (messageHeader.has('Timestamp') && !messageHeader.has('To') && !messageHeader.has('Subject'));
  const pkg: EdxmlPackage = isStatus
    ? readStatusPackage(envelope, header, messageHeader, ctx)
    : readEdocPackage(root, envelope, header, messageHeader, ctx);
  header.finish();
  envelope.ignore('Signature', 'DigitalSignature').finish();
  root?.ignore('Signature', 'DigitalSignature').finish();

  return { package: pkg, signature: detectSignature(rootElement), warnings: ctx.warnings };
}

function parseSecurely(input: string | Uint8Array, options: ParseOptions): Document {
  try {
    return parseXmlSecurely(input, options.limits);
  } catch (error) {
    if (error instanceof XmlInputError) throw EdxmlError.fromXmlInput(error);
    throw error;
  }
}

// ---------------------------------------------------------------------------------------------
// Document package

function readEdocPackage(
  root: ElementReader | undefined,
  envelope: ElementReader,
  header: ElementReader,
  mh: ElementReader,
  ctx: Context,
): EdocPackage {
  const messageHeader = readEdocMessageHeader(mh, ctx);
  const traceList = header.optional('TraceHeaderList');
  const traceHeaderList = traceList ? readTraceHeaderList(traceList, ctx) : { traceHeader: [] };
  const attachments = readAttachments(root, envelope, ctx);
  return { kind: 'edoc', messageHeader, traceHeaderList, attachments };
}

function readEdocMessageHeader(mh: ElementReader, ctx: Context): EdocMessageHeader {
  const from = readOrganization(mh.required('From'), ctx);
  const toElements = mh.many('To');
  if (toElements.length === 0) {
    throw mh.error('EDXML_MISSING_ELEMENT', 'A document package needs at least one recipient <To>', {
      path: `${mh.path}/To`,
    });
  }
  const to = toElements.map((e) => readOrganization(e, ctx));

  const codeElement = mh.required('Code');
  const code = {
    codeNumber: codeElement.requiredText('CodeNumber'),
    codeNotation: codeElement.requiredText('CodeNotation'),
  };
  codeElement.finish();

  const promulgation = mh.required('PromulgationInfo');
  const promulgationInfo = compact({
    place: promulgation.optionalText('Place'),
    promulgationDate: promulgation.requiredText('PromulgationDate'),
  });
  promulgation.finish();

  const type = mh.required('DocumentType');
  const documentType = compact({
    type: type.requiredText('Type'),
    typeDetail: type.optionalInteger('TypeDetail'),
    typeName: type.optionalText('TypeName'),
  });
  type.finish();

  const signer = mh.optional('SignerInfo');
  const signerInfo = signer
    ? compact({
        competence: signer.optionalText('Competence'),
        position: signer.optionalText('Position'),
        fullName: signer.optionalText('FullName'),
      })
    : undefined;
  signer?.finish();

  const responseFor = mh
    .many('ResponseFor')
    .map((e) => readResponseFor(e, ctx))
    .filter((r) => Object.keys(r).length > 0);

  const header = compact({
    from,
    to,
    code,
    promulgationInfo,
    documentType,
    subject: mh.requiredText('Subject'),
    content: mh.optionalText('Content'),
    signerInfo,
    dueDate: mh.optionalText('DueDate'),
    toPlaces: readList(mh, 'ToPlaces', 'Place'),
    otherInfo: readOtherInfo(mh),
    // The SDK writes an all-empty ResponseFor as a "none" placeholder; it carries nothing.
    responseFor: responseFor.length > 0 ? responseFor : undefined,
    steeringType: mh.optionalInteger('SteeringType'),
    documentId: mh.optionalText('DocumentId'),
  });
  mh.finish();
  return header;
}

function readOtherInfo(mh: ElementReader): OtherInfo | undefined {
  const other = mh.optional('OtherInfo');
  if (!other) return undefined;
  const info = compact({
    priority: readPriority(other),
    sphereOfPromulgation: other.optionalText('SphereOfPromulgation'),
    typerNotation: other.optionalText('TyperNotation'),
    promulgationAmount: other.optionalInteger('PromulgationAmount'),
    pageAmount: other.optionalInteger('PageAmount'),
    direction: other.optionalBoolean('Direction'),
    appendixes: readList(other, 'Appendixes', 'Appendix'),
  });
  other.finish();
  return info;
}

function readPriority(other: ElementReader): Priority | undefined {
  const value = other.optionalText('Priority');
  if (value === undefined) return undefined;
  if (!/^[0-4]$/.test(value)) {
    throw other
      .required('Priority')
      .error('EDXML_INVALID_PRIORITY', `Priority must be 0 to 4, but is "${value}"`);
  }
  return Number(value) as Priority;
}

/** A wrapper whose only child repeats becomes an array; a present but empty wrapper stays `[]`. */
function readList(parent: ElementReader, wrapper: string, item: string): string[] | undefined {
  const list = parent.optional(wrapper);
  if (!list) return undefined;
  const items = list
    .many(item)
    .map((e) => e.text())
    .filter((t) => t !== '');
  list.finish();
  return items;
}

function readResponseFor(e: ElementReader, ctx: Context): ResponseFor {
  const organId = e.optionalText('OrganId');
  if (organId !== undefined) checkOrganId(organId, e.required('OrganId'), ctx);
  const responseFor = compact({
    organId,
    code: e.optionalText('Code'),
    promulgationDate: e.optionalText('PromulgationDate'),
    documentId: e.optionalText('DocumentId'),
  });
  e.finish();
  return responseFor;
}

function readOrganization(e: ElementReader, ctx: Context): Organization {
  const organId = e.requiredText('OrganId');
  checkOrganId(organId, e.required('OrganId'), ctx);
  const organization = compact({
    organId,
    organizationInCharge: e.optionalText('OrganizationInCharge'),
    organName: e.optionalText('OrganName'),
    organAdd: e.optionalText('OrganAdd'),
    email: e.optionalText('Email'),
    telephone: e.optionalText('Telephone'),
    fax: e.optionalText('Fax'),
    website: e.optionalText('Website'),
  });
  e.finish();
  return organization;
}

/** Non-QCVN OrganIds (`vxp.saas.03`, `null`) are kept as written: they still route, and validation judges them. */
function checkOrganId(organId: string, at: ElementReader, ctx: Context): void {
  if (!isIdentifierCode(organId, ctx.identifierMode)) {
    at.warn(
      'ORGAN_ID_NOT_IDENTIFIER_CODE',
      `OrganId "${organId}" is not a QCVN 102 identifier code (${ctx.identifierMode} check); kept as written`,
    );
  }
}

function readStaffInfo(e: ElementReader | undefined): StaffInfo | undefined {
  if (!e) return undefined;
  const staff = compact({
    department: e.optionalText('Department'),
    staff: e.optionalText('Staff'),
    email: e.optionalText('Email'),
    mobile: e.optionalText('Mobile'),
  });
  e.finish();
  return staff;
}

function readTraceHeaderList(list: ElementReader, ctx: Context): TraceHeaderList {
  const traceHeader = list.many('TraceHeader').map((e) => {
    const organId = e.requiredText('OrganId');
    checkOrganId(organId, e.required('OrganId'), ctx);
    const trace = { organId, timestamp: e.requiredText('Timestamp') };
    e.finish();
    return trace;
  });
  const business = list.optional('Bussiness');
  const result = compact({ traceHeader, bussiness: business ? readBussiness(business, ctx) : undefined });
  list.finish();
  return result;
}

function readBussiness(e: ElementReader, ctx: Context): Bussiness {
  const typeText = e.requiredText('BussinessDocType');
  if (!/^[0-3]$/.test(typeText)) {
    throw e
      .required('BussinessDocType')
      .error(
        'EDXML_INVALID_BUSSINESS_DOC_TYPE',
        `BussinessDocType must be 0 (new), 1 (revoke), 2 (update) or 3 (replace), but is "${typeText}"`,
      );
  }
  const info = e.optional('BussinessDocumentInfo');
  let bussinessDocumentInfo: BussinessDocumentInfo | undefined;
  if (info) {
    const receivers = info.optional('ReceiverList');
    bussinessDocumentInfo = compact({
      documentInfo: info.optionalText('DocumentInfo'),
      documentReceiver: info.optionalText('DocumentReceiver'),
      receiverList: receivers?.many('Receiver').map((r) => {
        const organId = r.requiredText('OrganId');
        checkOrganId(organId, r.required('OrganId'), ctx);
        const receiver = compact({ organId, receiverType: r.optionalInteger('ReceiverType') });
        r.finish();
        return receiver;
      }),
    });
    receivers?.finish();
    info.finish();
  }
  const replacements = e.optional('ReplacementInfoList');
  const replacementInfoList = replacements?.many('ReplacementInfo').map((r): ReplacementInfo => {
    const ids = r.optional('OrganIdList');
    const organIdList = (ids?.many('OrganId') ?? [])
      .map((o) => {
        const organId = o.text();
        if (organId !== '') checkOrganId(organId, o, ctx);
        return organId;
      })
      .filter((id) => id !== '');
    ids?.finish();
    const replacement = { documentId: r.requiredText('DocumentId'), organIdList };
    r.finish();
    return replacement;
  });
  replacements?.finish();

  const bussiness = compact({
    documentId: e.optionalText('DocumentId'),
    bussinessDocType: Number(typeText) as BussinessDocType,
    bussinessDocReason: e.optionalText('BussinessDocReason'),
    paper: e.optionalInteger('Paper'),
    staffInfo: readStaffInfo(e.optional('StaffInfo')),
    bussinessDocumentInfo,
    replacementInfoList,
  });
  e.finish();
  return bussiness;
}

// ---------------------------------------------------------------------------------------------
// Attachments

interface ManifestEntry {
  contentType?: string;
  attachmentName?: string;
  description?: string;
  reader: ElementReader;
}

/**
 * The manifest (in the envelope body) and the encoded attachments (after the envelope) describe
 * the same files; they are joined on ContentId. Attachment order is the order of the encoded data.
 */
function readAttachments(
  root: ElementReader | undefined,
  envelope: ElementReader,
  ctx: Context,
): Attachment[] {
  const manifest = new Map<string, ManifestEntry>();
  const body = envelope.optional('edXMLBody');
  const manifestElement = body?.optional('edXMLManifest');
  for (const ref of manifestElement?.many('Reference') ?? []) {
    const contentId = stripCid(ref.requiredText('ContentId'));
    if (manifest.has(contentId)) {
      throw ref.error(
        'EDXML_DUPLICATE_CONTENT_ID',
        `Two manifest references have the ContentId "${contentId}"`,
      );
    }
    manifest.set(
      contentId,
      compact({
        contentType: ref.optionalText('ContentType'),
        attachmentName: ref.optionalText('AttachmentName'),
        description: ref.optionalText('Description'),
        reader: ref,
      }),
    );
    ref.finish();
  }
  manifestElement?.finish();

  // The standard puts AttachmentEncoded after the envelope; some producers nest it inside.
  const encodedBlocks = [...(root?.many('AttachmentEncoded') ?? []), ...envelope.many('AttachmentEncoded')];
  if (body) encodedBlocks.push(...body.many('AttachmentEncoded'));
  body?.finish();

  const attachments: Attachment[] = [];
  const seen = new Set<string>();
  for (const block of encodedBlocks) {
    for (const e of block.many('Attachment')) {
      const contentId = stripCid(e.requiredText('ContentId'));
      if (seen.has(contentId)) {
        throw e.error('EDXML_DUPLICATE_CONTENT_ID', `Two attachments have the ContentId "${contentId}"`);
      }
      seen.add(contentId);
      const ref = manifest.get(contentId);
      if (!ref) {
        e.warn(
          'ATTACHMENT_NOT_IN_MANIFEST',
          `Attachment "${contentId}" has no Reference in the manifest; kept`,
        );
      }
      attachments.push(readAttachment(e, contentId, ref, ctx));
    }
    block.finish();
  }
  for (const [contentId, ref] of manifest) {
    if (!seen.has(contentId)) {
      throw ref.reader.error(
        'EDXML_ATTACHMENT_MISSING',
        `The manifest lists attachment "${contentId}" but the package carries no Attachment with that ContentId`,
      );
    }
  }
  return attachments;
}

function readAttachment(
  e: ElementReader,
  contentId: string,
  ref: ManifestEntry | undefined,
  ctx: Context,
): Attachment {
  const attachmentName = e.optionalText('AttachmentName') ?? ref?.attachmentName;
  if (attachmentName === undefined) {
    throw e.error(
      'EDXML_MISSING_ELEMENT',
      `Attachment "${contentId}" has no AttachmentName, here or in the manifest`,
      {
        path: `${e.path}/AttachmentName`,
      },
    );
  }
  const description = e.optionalText('Description') ?? ref?.description;
  const declaredType = e.optionalText('ContentType') ?? ref?.contentType;
  const encoded = e.required('ContentTransferEncoded');
  e.finish();

  const decoded = decodeAttachmentText(encoded.element.textContent ?? '');
  if (decoded.kind === 'invalid') {
    throw encoded.error(
      'EDXML_ATTACHMENT_BAD_BASE64',
      `The content of attachment "${attachmentName}" is not valid base64: ${decoded.reason}`,
    );
  }
  if (decoded.kind === 'placeholder') {
    encoded.warn(
      'ATTACHMENT_NOT_BASE64',
      `Attachment "${attachmentName}" holds the unexpanded placeholder "${decoded.data.toString('utf8')}" instead of ` +
        'base64 content; its data is that text, not the file',
    );
    return compact({
      contentId,
      attachmentName,
      contentType:
        declaredType && !isZipWrapper(declaredType, attachmentName)
          ? declaredType
          : contentTypeForName(attachmentName),
      description,
      data: decoded.data,
    });
  }

  if (!isZipWrapper(declaredType, attachmentName)) {
    return compact({
      contentId,
      attachmentName,
      contentType: declaredType ?? contentTypeForName(attachmentName),
      description,
      data: decoded.data,
    });
  }
  const unzipped = unzipSingleEntry(decoded.data, ctx.unzipBudget);
  switch (unzipped.kind) {
    case 'entries':
      throw encoded.error(
        'EDXML_ATTACHMENT_ZIP_ENTRIES',
        `Zipped attachment "${attachmentName}" holds ${unzipped.found === 'none' ? 'no file' : 'more than one file'}; ` +
          'a zipped attachment must hold exactly one',
      );
    case 'too-large':
      throw encoded.error(
        'EDXML_ATTACHMENT_TOO_LARGE',
        `Zipped attachment "${attachmentName}" would unzip to ${unzipped.size} bytes, more than the ` +
          `${ctx.unzipBudget} bytes left of the package's unzip limit`,
      );
    case 'corrupt':
      throw encoded.error(
        'EDXML_ATTACHMENT_BAD_ZIP',
        `Zipped attachment "${attachmentName}" is not a readable ZIP: ${unzipped.reason}`,
      );
    case 'ok':
      ctx.unzipBudget -= unzipped.data.length;
      return compact({
        contentId,
        attachmentName,
        contentType: contentTypeForName(attachmentName),
        description,
        data: unzipped.data,
      });
  }
}

// ---------------------------------------------------------------------------------------------
// Status package

function readStatusPackage(
  envelope: ElementReader,
  header: ElementReader,
  mh: ElementReader,
  ctx: Context,
): StatusPackage {
  const from = readOrganization(mh.required('From'), ctx);
  const responseForElement = mh.required('ResponseFor');
  responseForElement.requiredText('DocumentId');
  const responseFor = readResponseFor(responseForElement, ctx);

  const codeText = mh.requiredText('StatusCode');
  // Some producers drop the leading zero ("1" for "01").
  const statusCode = codeText.padStart(2, '0');
  if (!Object.hasOwn(STATUS_CODES, statusCode)) {
    throw mh
      .required('StatusCode')
      .error(
        'EDXML_UNKNOWN_STATUS_CODE',
        `StatusCode "${codeText}" is not one of ${Object.keys(STATUS_CODES).sort().join(', ')}`,
      );
  }
  const messageHeader = compact({
    from,
    responseFor,
    staffInfo: readStaffInfo(mh.optional('StaffInfo')),
    statusCode: statusCode as StatusCode,
    description: mh.optionalText('Description'),
    timestamp: mh.requiredText('Timestamp'),
  });
  mh.finish();
  const traceList = header.optional('TraceHeaderList');
  // A status has no body; one sent anyway is ignored rather than reported element by element.
  envelope.ignore('edXMLBody');
  return compact({
    kind: 'status' as const,
    messageHeader,
    traceHeaderList: traceList ? readTraceHeaderList(traceList, ctx) : undefined,
  });
}

/** Drops undefined members so that models compare and serialize the same however they were made. */
function compact<T extends object>(value: T): T {
  for (const key of Object.keys(value) as (keyof T)[]) {
    if (value[key] === undefined) delete value[key];
  }
  return value;
}
