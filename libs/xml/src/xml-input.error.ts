/** Stable codes for input that is not acceptable XML. Callers map them to HTTP problems at the edge. */
export type XmlErrorCode =
  | 'XML_EMPTY'
  | 'XML_TOO_LARGE'
  | 'XML_NOT_UTF8'
  | 'XML_CONTENT_BEFORE_PROLOG'
  | 'XML_DOCTYPE_FORBIDDEN'
  | 'XML_ENTITY_FORBIDDEN'
  | 'XML_TOO_DEEP'
  | 'XML_TOO_MANY_ATTRIBUTES'
  | 'XML_MALFORMED';

export interface XmlPosition {
  line: number;
  column: number;
}

export class XmlInputError extends Error {
  override readonly name = 'XmlInputError';

  constructor(
    readonly code: XmlErrorCode,
    message: string,
    readonly position?: XmlPosition,
  ) {
    super(position ? `${message} (line ${position.line}, column ${position.column})` : message);
  }
}
