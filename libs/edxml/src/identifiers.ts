import { formatEdxmlDate, isEdxmlDate } from './dates';

/**
 * `strict` is the standard, for what we send. `lenient` is for what we receive: producers in the
 * wild write identifier codes in lower case and in the shorter dotted forms of earlier code lists
 * (`01.02.G22`, `28.22.H17` in the VPCP SDK samples), and those still name an agency.
 */
export type IdentifierMode = 'strict' | 'lenient';

/** `ddd.dd.dd.Xdd`: the agency identifier code of QCVN 102 (for example `000.00.00.G22`). */
const STRICT_IDENTIFIER = /^\d{3}\.\d{2}\.\d{2}\.[A-Z]\d{2}$/;
/** Two or three numeric levels of two or three digits, then the letter-and-two-digits level, any case. */
const LENIENT_IDENTIFIER = /^\d{2,3}(?:\.\d{2,3}){1,2}\.[A-Z]\d{2}$/i;

export function isIdentifierCode(code: string, mode: IdentifierMode = 'strict'): boolean {
  return (mode === 'strict' ? STRICT_IDENTIFIER : LENIENT_IDENTIFIER).test(code);
}

/** `{OrganId},{yyyy/MM/dd},{CodeNumber}/{CodeNotation}`: how QCVN 102 names one document everywhere. */
export function makeDocumentId(
  organId: string,
  promulgationDate: string | Date,
  codeNumber: string,
  codeNotation: string,
): string {
  const date = typeof promulgationDate === 'string' ? promulgationDate : formatEdxmlDate(promulgationDate);
  return `${organId},${date},${codeNumber}/${codeNotation}`;
}

export interface DocumentIdParts {
  organId: string;
  promulgationDate: string;
  codeNumber: string;
  codeNotation: string;
}

/**
 * Splits a DocumentId, or returns undefined if it is not in the standard shape. The date part must
 * look like `yyyy/MM/dd`; whether it is a real date is left to the caller, which decides how much
 * to mind (the SDK samples carry `2014/02/30`).
 */
export function parseDocumentId(documentId: string): DocumentIdParts | undefined {
  // CodeNumber never holds a slash, CodeNotation may ("QĐ-UBND/VP"): split at the first one.
  const m = /^([^,]+),(\d{4}\/\d{2}\/\d{2}),([^/,]+)\/(.+)$/.exec(documentId);
  if (!m) return undefined;
  return { organId: m[1], promulgationDate: m[2], codeNumber: m[3], codeNotation: m[4] };
}

/** True when the DocumentId has the standard shape and its date is a real date. */
export function isDocumentId(documentId: string): boolean {
  const parts = parseDocumentId(documentId);
  return parts !== undefined && isEdxmlDate(parts.promulgationDate);
}
