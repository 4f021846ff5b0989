import { XmlErrorCode, XmlInputError, XmlPosition } from '@lienthong/xml';

/**
 * Stable codes callers can branch on (and map to HTTP problems at the edge). Hardened-XML failures
 * keep the code `@lienthong/xml` gave them, so there is one error type whatever layer refused.
 */
export type EdxmlErrorCode =
  | XmlErrorCode
  | 'EDXML_NOT_EDXML'
  | 'EDXML_MISSING_ELEMENT'
  | 'EDXML_EMPTY_ELEMENT'
  | 'EDXML_DUPLICATE_ELEMENT'
  | 'EDXML_INVALID_NUMBER'
  | 'EDXML_INVALID_BOOLEAN'
  | 'EDXML_UNKNOWN_STATUS_CODE'
  | 'EDXML_INVALID_BUSSINESS_DOC_TYPE'
  | 'EDXML_INVALID_PRIORITY'
  | 'EDXML_ATTACHMENT_BAD_BASE64'
  | 'EDXML_ATTACHMENT_BAD_ZIP'
  | 'EDXML_ATTACHMENT_ZIP_ENTRIES'
  | 'EDXML_ATTACHMENT_TOO_LARGE'
  | 'EDXML_ATTACHMENT_MISSING'
  | 'EDXML_DUPLICATE_CONTENT_ID'
  | 'EDXML_UNREPRESENTABLE_TEXT'
  | 'EDXML_INVALID_JSON'
  | 'EDXML_INVALID_PACKAGE';

export interface EdxmlErrorDetails {
  position?: XmlPosition;
  /** Where in the package, as element local names from the envelope down, e.g. `edXMLEnvelope/edXMLHeader/MessageHeader/To[2]/OrganId`. */
  path?: string;
  /** For `EDXML_INVALID_PACKAGE`: every problem validation found, not only the first. */
  issues?: readonly ValidationIssue[];
  cause?: unknown;
}

export class EdxmlError extends Error {
  override readonly name = 'EdxmlError';
  readonly position?: XmlPosition;
  readonly path?: string;
  readonly issues?: readonly ValidationIssue[];

  constructor(
    readonly code: EdxmlErrorCode,
    message: string,
    details: EdxmlErrorDetails = {},
  ) {
    super(message + locationSuffix(details), { cause: details.cause });
    this.position = details.position;
    this.path = details.path;
    this.issues = details.issues;
  }

  /** Wraps a hardened-XML refusal, keeping its code and position. */
  static fromXmlInput(error: XmlInputError): EdxmlError {
    const sentence = error.message.replace(/ \(line \d+, column \d+\)$/, '');
    return new EdxmlError(error.code, sentence, { position: error.position, cause: error });
  }
}

function locationSuffix({ path, position }: EdxmlErrorDetails): string {
  const parts: string[] = [];
  if (path) parts.push(`at ${path}`);
  if (position) parts.push(`line ${position.line}, column ${position.column}`);
  return parts.length > 0 ? ` (${parts.join(', ')})` : '';
}

export type ParseWarningCode =
  /** An OrganId that is not an identifier code in the requested mode; kept as written. */
  | 'ORGAN_ID_NOT_IDENTIFIER_CODE'
  /** An attachment carrying a template placeholder instead of base64; see attachments.ts. */
  | 'ATTACHMENT_NOT_BASE64'
  /** An attachment with no manifest Reference; kept, since its bytes are all there. */
  | 'ATTACHMENT_NOT_IN_MANIFEST'
  /** An edXML element this library does not model; it is dropped from the model. */
  | 'UNKNOWN_ELEMENT';

/** Something tolerated in a received package that a person may still want to know about. */
export interface ParseWarning {
  code: ParseWarningCode;
  message: string;
  path?: string;
  position?: XmlPosition;
}

export type ValidationSeverity = 'error' | 'warning';

export interface ValidationIssue {
  code: string;
  message: string;
  path: string;
  /** Warnings are deviations real producers make (see validate.ts); only errors fail `assertValidEdxml`. */
  severity: ValidationSeverity;
}
