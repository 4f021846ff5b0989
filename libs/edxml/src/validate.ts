import { isEdxmlDate, isEdxmlTimestamp } from './dates';
import { EdxmlError, ValidationIssue } from './errors';
import { IdentifierMode, isIdentifierCode, parseDocumentId } from './identifiers';
import {
  Attachment,
  Bussiness,
  EdocPackage,
  EdxmlPackage,
  Organization,
  ResponseFor,
  STATUS_CODES,
  StatusPackage,
  TraceHeaderList,
} from './model';

export interface ValidateOptions {
  /**
   * Default `strict`: validation judges against the standard, which is what we send. Use `lenient`
   * for received packages: the deviations the VPCP SDK's own samples make (short identifier codes
   * in trace headers, DocumentIds that are not `{OrganId},{date},{code}` or disagree with the
   * header, the original DocumentId of a revocation given in ResponseFor) become warnings.
   */
  identifierMode?: IdentifierMode;
}

const HEADER = 'edXMLEnvelope/edXMLHeader';
const MESSAGE_HEADER = `${HEADER}/MessageHeader`;
const TRACE_LIST = `${HEADER}/TraceHeaderList`;
const BUSSINESS = `${TRACE_LIST}/Bussiness`;

class Issues {
  readonly list: ValidationIssue[] = [];

  constructor(readonly mode: IdentifierMode) {}

  error(code: string, message: string, path: string): void {
    this.list.push({ code, message, path, severity: 'error' });
  }

  warning(code: string, message: string, path: string): void {
    this.list.push({ code, message, path, severity: 'warning' });
  }

  /** Against the standard, but done by real producers: an error when strict, a warning when lenient. */
  deviation(code: string, message: string, path: string): void {
    if (this.mode === 'strict') this.error(code, message, path);
    else this.warning(code, message, path);
  }

  text(value: unknown, path: string, label: string): value is string {
    if (typeof value === 'string' && value.trim() !== '') return true;
    this.error('MISSING_FIELD', `${label} is required`, path);
    return false;
  }

  organId(value: unknown, path: string, kind: 'party' | 'trace' = 'party'): void {
    if (!this.text(value, path, 'OrganId')) return;
    if (isIdentifierCode(value, this.mode)) return;
    const message = `OrganId "${value}" is not a QCVN 102 identifier code (ddd.dd.dd.Xdd)`;
    // Relays stamp trace headers with connector ids ("vxp.saas.03") or "null"; nobody is addressed by them.
    if (kind === 'trace') this.deviation('INVALID_IDENTIFIER_CODE', message, path);
    else this.error('INVALID_IDENTIFIER_CODE', message, path);
  }

  date(value: string | undefined, path: string): void {
    if (value !== undefined && !isEdxmlDate(value)) {
      this.error('INVALID_DATE', `"${value}" is not a real date written yyyy/MM/dd`, path);
    }
  }

  timestamp(value: unknown, path: string): void {
    if (this.text(value, path, 'Timestamp') && !isEdxmlTimestamp(value)) {
      this.error('INVALID_TIMESTAMP', `"${value}" is not a real time written yyyy/MM/dd HH:mm:ss`, path);
    }
  }

  documentId(value: string | undefined, path: string): void {
    if (value === undefined) return;
    const parts = parseDocumentId(value);
    if (!parts) {
      this.deviation(
        'INVALID_DOCUMENT_ID',
        `DocumentId "${value}" is not {OrganId},{yyyy/MM/dd},{CodeNumber}/{CodeNotation}`,
        path,
      );
    } else if (!isEdxmlDate(parts.promulgationDate)) {
      this.deviation('INVALID_DOCUMENT_ID', `The date in DocumentId "${value}" is not a real date`, path);
    }
  }
}

/** Checks a package against QCVN 102 beyond what its TypeScript type can say. */
export function validateEdxml(pkg: EdxmlPackage, options: ValidateOptions = {}): ValidationIssue[] {
  const issues = new Issues(options.identifierMode ?? 'strict');
  if (pkg.kind === 'edoc') validateEdoc(pkg, issues);
  else if (pkg.kind === 'status') validateStatus(pkg, issues);
  else issues.error('INVALID_KIND', 'The package kind must be "edoc" or "status"', '');
  return issues.list;
}

/** Throws `EDXML_INVALID_PACKAGE` (carrying every issue) if validation finds errors; returns the warnings. */
export function assertValidEdxml(pkg: EdxmlPackage, options: ValidateOptions = {}): ValidationIssue[] {
  const issues = validateEdxml(pkg, options);
  const errors = issues.filter((i) => i.severity === 'error');
  if (errors.length > 0) {
    const more =
      errors.length > 1 ? ` (and ${errors.length - 1} more problem${errors.length > 2 ? 's' : ''})` : '';
    throw new EdxmlError('EDXML_INVALID_PACKAGE', `The package is not valid: ${errors[0].message}${more}`, {
      path: errors[0].path,
      issues,
    });
  }
  return issues;
}

function validateEdoc(pkg: EdocPackage, issues: Issues): void {
  const h = pkg.messageHeader;
  validateOrganization(h.from, `${MESSAGE_HEADER}/From`, issues);
  if (!Array.isArray(h.to) || h.to.length === 0) {
    issues.error('MISSING_FIELD', 'A document needs at least one recipient (To)', `${MESSAGE_HEADER}/To`);
  } else {
    h.to.forEach((to, i) => validateOrganization(to, `${MESSAGE_HEADER}/To[${i + 1}]`, issues));
  }
  issues.text(h.code?.codeNumber, `${MESSAGE_HEADER}/Code/CodeNumber`, 'CodeNumber');
  issues.text(h.code?.codeNotation, `${MESSAGE_HEADER}/Code/CodeNotation`, 'CodeNotation');
  const datePath = `${MESSAGE_HEADER}/PromulgationInfo/PromulgationDate`;
  if (issues.text(h.promulgationInfo?.promulgationDate, datePath, 'PromulgationDate')) {
    issues.date(h.promulgationInfo.promulgationDate, datePath);
  }
  issues.text(h.documentType?.type, `${MESSAGE_HEADER}/DocumentType/Type`, 'DocumentType Type');
  issues.text(h.subject, `${MESSAGE_HEADER}/Subject`, 'Subject');
  issues.date(h.dueDate, `${MESSAGE_HEADER}/DueDate`);
  const priority = h.otherInfo?.priority;
  if (priority !== undefined && ![0, 1, 2, 3, 4].includes(priority)) {
    issues.error(
      'INVALID_PRIORITY',
      `Priority must be 0 to 4, but is ${priority}`,
      `${MESSAGE_HEADER}/OtherInfo/Priority`,
    );
  }
  (h.responseFor ?? []).forEach((r, i) =>
    validateResponseFor(r, `${MESSAGE_HEADER}/ResponseFor[${i + 1}]`, issues),
  );
  if (h.documentId !== undefined) validateOwnDocumentId(pkg, issues);
  validateTraceHeaderList(pkg.traceHeaderList, issues);
  validateBussiness(pkg, issues);
  validateAttachments(pkg.attachments, issues);
}

/** The DocumentId names this very document, so it must agree with the header that describes it. */
function validateOwnDocumentId(pkg: EdocPackage, issues: Issues): void {
  const h = pkg.messageHeader;
  const path = `${MESSAGE_HEADER}/DocumentId`;
  const before = issues.list.length;
  issues.documentId(h.documentId, path);
  const parts = parseDocumentId(h.documentId!);
  if (!parts || issues.list.length > before) return;
  // Only compare with what the header has; a missing part was already reported as missing.
  const present = (value: string | undefined): value is string =>
    typeof value === 'string' && value.trim() !== '';
  const { organId } = h.from ?? {};
  const { promulgationDate } = h.promulgationInfo ?? {};
  const { codeNumber, codeNotation } = h.code ?? {};
  const differences: string[] = [];
  if (present(organId) && parts.organId !== organId)
    differences.push(`OrganId ${parts.organId} is not From ${organId}`);
  if (present(promulgationDate) && parts.promulgationDate !== promulgationDate) {
    differences.push(`date ${parts.promulgationDate} is not PromulgationDate ${promulgationDate}`);
  }
  if (
    present(codeNumber) &&
    present(codeNotation) &&
    (parts.codeNumber !== codeNumber || parts.codeNotation !== codeNotation)
  ) {
    differences.push(
      `code ${parts.codeNumber}/${parts.codeNotation} is not Code ${codeNumber}/${codeNotation}`,
    );
  }
  if (differences.length > 0) {
    issues.deviation(
      'DOCUMENT_ID_MISMATCH',
      `DocumentId "${h.documentId}" disagrees with the header: ${differences.join('; ')}`,
      path,
    );
  }
}

function validateOrganization(o: Organization | undefined, path: string, issues: Issues): void {
  issues.organId(o?.organId, `${path}/OrganId`);
}

function validateResponseFor(r: ResponseFor, path: string, issues: Issues): void {
  if (r.organId !== undefined) issues.organId(r.organId, `${path}/OrganId`);
  issues.date(r.promulgationDate, `${path}/PromulgationDate`);
  issues.documentId(r.documentId, `${path}/DocumentId`);
}

function validateTraceHeaderList(list: TraceHeaderList | undefined, issues: Issues): void {
  const traces = list?.traceHeader ?? [];
  if (traces.length === 0) {
    issues.deviation(
      'MISSING_TRACE_HEADER',
      'TraceHeaderList should hold at least one TraceHeader',
      TRACE_LIST,
    );
  }
  traces.forEach((t, i) => {
    issues.organId(t.organId, `${TRACE_LIST}/TraceHeader[${i + 1}]/OrganId`, 'trace');
    issues.timestamp(t.timestamp, `${TRACE_LIST}/TraceHeader[${i + 1}]/Timestamp`);
  });
}

function validateBussiness(pkg: EdocPackage, issues: Issues): void {
  const b: Bussiness | undefined = pkg.traceHeaderList?.bussiness;
  if (!b) return; // No Bussiness means a new document (type 0), as in the SDK's edoc.edxml.
  const type = b.bussinessDocType;
  if (![0, 1, 2, 3].includes(type)) {
    issues.error(
      'INVALID_BUSSINESS_DOC_TYPE',
      `BussinessDocType must be 0 (new), 1 (revoke), 2 (update) or 3 (replace), but is ${type}`,
      `${BUSSINESS}/BussinessDocType`,
    );
    return;
  }
  issues.documentId(b.documentId, `${BUSSINESS}/DocumentId`);

  if (type === 1 || type === 2) {
    // Revoking or updating names the original document. The SDK's revocation sample names it only
    // in ResponseFor; accepted when lenient.
    const inResponseFor = type === 1 && (pkg.messageHeader.responseFor ?? []).some((r) => r.documentId);
    if (!b.documentId && !(inResponseFor && issues.mode === 'lenient')) {
      issues.error(
        'MISSING_ORIGINAL_DOCUMENT_ID',
        `BussinessDocType ${type} (${type === 1 ? 'revoke' : 'update'}) needs the DocumentId of the original document in Bussiness`,
        `${BUSSINESS}/DocumentId`,
      );
    }
  }
  if (type === 2) {
    if (!b.bussinessDocumentInfo) {
      issues.error(
        'MISSING_BUSSINESS_DOCUMENT_INFO',
        'BussinessDocType 2 (update) needs BussinessDocumentInfo saying what changed',
        `${BUSSINESS}/BussinessDocumentInfo`,
      );
    } else {
      (b.bussinessDocumentInfo.receiverList ?? []).forEach((r, i) =>
        issues.organId(
          r.organId,
          `${BUSSINESS}/BussinessDocumentInfo/ReceiverList/Receiver[${i + 1}]/OrganId`,
        ),
      );
    }
  }
  if (type === 3) {
    if (!b.replacementInfoList || b.replacementInfoList.length === 0) {
      issues.error(
        'MISSING_REPLACEMENT_INFO',
        'BussinessDocType 3 (replace) needs a ReplacementInfoList naming the documents replaced',
        `${BUSSINESS}/ReplacementInfoList`,
      );
    } else {
      b.replacementInfoList.forEach((r, i) => {
        const path = `${BUSSINESS}/ReplacementInfoList/ReplacementInfo[${i + 1}]`;
        if (issues.text(r.documentId, `${path}/DocumentId`, 'DocumentId of the replaced document')) {
          issues.documentId(r.documentId, `${path}/DocumentId`);
        }
        (r.organIdList ?? []).forEach((id, j) => issues.organId(id, `${path}/OrganIdList/OrganId[${j + 1}]`));
      });
    }
  }
}

function validateAttachments(attachments: Attachment[], issues: Issues): void {
  const seen = new Set<string>();
  (attachments ?? []).forEach((a, i) => {
    const path = `AttachmentEncoded/Attachment[${i + 1}]`;
    if (issues.text(a.contentId, `${path}/ContentId`, 'ContentId')) {
      if (/^cid:/i.test(a.contentId)) {
        issues.error(
          'INVALID_CONTENT_ID',
          `ContentId "${a.contentId}" must be stored without "cid:"`,
          `${path}/ContentId`,
        );
      }
      if (seen.has(a.contentId)) {
        issues.error(
          'DUPLICATE_CONTENT_ID',
          `Two attachments have the ContentId "${a.contentId}"`,
          `${path}/ContentId`,
        );
      }
      seen.add(a.contentId);
    }
    issues.text(a.attachmentName, `${path}/AttachmentName`, 'AttachmentName');
    if (
      issues.text(a.contentType, `${path}/ContentType`, 'ContentType') &&
      !/^[\w.+-]+\/[\w.+-]+$/.test(a.contentType)
    ) {
      issues.error(
        'INVALID_CONTENT_TYPE',
        `ContentType "${a.contentType}" is not a MIME type`,
        `${path}/ContentType`,
      );
    }
    if (!((a.data as unknown) instanceof Uint8Array)) {
      issues.error('MISSING_FIELD', 'Attachment data must be bytes', `${path}/ContentTransferEncoded`);
    }
  });
}

function validateStatus(pkg: StatusPackage, issues: Issues): void {
  const h = pkg.messageHeader;
  validateOrganization(h.from, `${MESSAGE_HEADER}/From`, issues);
  const path = `${MESSAGE_HEADER}/ResponseFor`;
  if (issues.text(h.responseFor?.documentId, `${path}/DocumentId`, 'ResponseFor DocumentId')) {
    validateResponseFor(h.responseFor, path, issues);
  }
  if (!Object.hasOwn(STATUS_CODES, h.statusCode)) {
    issues.error(
      'INVALID_STATUS_CODE',
      `StatusCode "${h.statusCode}" is not one of ${Object.keys(STATUS_CODES).sort().join(', ')}`,
      `${MESSAGE_HEADER}/StatusCode`,
    );
  }
  issues.timestamp(h.timestamp, `${MESSAGE_HEADER}/Timestamp`);
  if (pkg.traceHeaderList) validateTraceHeaderList(pkg.traceHeaderList, issues);
}
