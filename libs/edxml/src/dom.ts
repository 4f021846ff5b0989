import { XmlPosition } from '@lienthong/xml';
import { EdxmlError, EdxmlErrorCode, ParseWarning } from './errors';
import { EDXML_NAMESPACE } from './model';

const ELEMENT_NODE = 1;

/** xmldom records where each node started; we pass it on so errors point into the file. */
type LocatedNode = Node & { lineNumber?: number; columnNumber?: number };

export function positionOf(node: Node): XmlPosition | undefined {
  const { lineNumber, columnNumber } = node as LocatedNode;
  return typeof lineNumber === 'number' && typeof columnNumber === 'number'
    ? { line: lineNumber, column: columnNumber }
    : undefined;
}

/**
 * An element belongs to edXML when it is in the QCVN namespace or in none. xmldom leaves
 * `namespaceURI` null/undefined on elements whose `edXML:` prefix the producer forgot to declare,
 * and some producers write unprefixed elements with no default namespace at all.
 */
export function isEdxmlElement(node: Node): node is Element {
  if (node.nodeType !== ELEMENT_NODE) return false;
  const ns: string | null | undefined = (node as Element).namespaceURI;
  return ns === EDXML_NAMESPACE || ns === null || ns === undefined || ns === '';
}

export function elementChildren(element: Element): Element[] {
  const out: Element[] = [];
  for (let child = element.firstChild; child; child = child.nextSibling) {
    if (child.nodeType === ELEMENT_NODE) out.push(child as Element);
  }
  return out;
}

export interface ReadContext {
  warnings: ParseWarning[];
}

/**
 * A cursor on one edXML element that reads children by local name, in any order, and remembers
 * which names were asked for so that `finish()` can report what the model would silently drop.
 */
export class ElementReader {
  private readonly children: Element[];
  private readonly asked = new Set<string>();

  constructor(
    readonly element: Element,
    readonly path: string,
    private readonly ctx: ReadContext,
  ) {
    this.children = elementChildren(element).filter(isEdxmlElement);
  }

  get position(): XmlPosition | undefined {
    return positionOf(this.element);
  }

  /** Children nobody will read but that are expected there (e.g. a legacy Signature). */
  ignore(...names: string[]): this {
    for (const name of names) this.asked.add(name);
    return this;
  }

  /** Looks without reading: does not count as asking for the child. */
  has(name: string): boolean {
    return this.children.some((c) => c.localName === name);
  }

  optional(name: string): ElementReader | undefined {
    this.asked.add(name);
    const found = this.children.filter((c) => c.localName === name);
    if (found.length > 1) {
      throw this.error(
        'EDXML_DUPLICATE_ELEMENT',
        `<${name}> appears ${found.length} times but is allowed once`,
        {
          at: found[1],
          path: this.childPath(name),
        },
      );
    }
    return found.length === 1 ? new ElementReader(found[0], this.childPath(name), this.ctx) : undefined;
  }

  required(name: string): ElementReader {
    const child = this.optional(name);
    if (!child) {
      throw this.error(
        'EDXML_MISSING_ELEMENT',
        `The required element <${name}> is missing from <${this.name}>`,
        {
          path: this.childPath(name),
        },
      );
    }
    return child;
  }

  many(name: string): ElementReader[] {
    this.asked.add(name);
    return this.children
      .filter((c) => c.localName === name)
      .map((c, i) => new ElementReader(c, `${this.childPath(name)}[${i + 1}]`, this.ctx));
  }

  get name(): string {
    return this.element.localName ?? this.element.nodeName;
  }

  /** The element's text, trimmed: producers pretty-print values across lines. */
  text(): string {
    return (this.element.textContent ?? '').trim();
  }

  /** A child's text; an absent or empty child is "not given". */
  optionalText(name: string): string | undefined {
    const value = this.optional(name)?.text();
    return value === '' ? undefined : value;
  }

  requiredText(name: string): string {
    const child = this.required(name);
    const value = child.text();
    if (value === '') {
      throw child.error('EDXML_EMPTY_ELEMENT', `The required element <${name}> is empty`);
    }
    return value;
  }

  optionalInteger(name: string): number | undefined {
    const child = this.optional(name);
    const value = child?.text();
    if (!child || value === '' || value === undefined) return undefined;
    if (!/^[+-]?\d{1,15}$/.test(value)) {
      throw child.error('EDXML_INVALID_NUMBER', `<${name}> must be a whole number, but is "${clip(value)}"`);
    }
    return Number(value);
  }

  optionalBoolean(name: string): boolean | undefined {
    const child = this.optional(name);
    const value = child?.text().toLowerCase();
    if (!child || value === '' || value === undefined) return undefined;
    if (value === 'true' || value === '1') return true;
    if (value === 'false' || value === '0') return false;
    throw child.error(
      'EDXML_INVALID_BOOLEAN',
      `<${name}> must be true or false, but is "${clip(child.text())}"`,
    );
  }

  warn(code: ParseWarning['code'], message: string): void {
    this.ctx.warnings.push({ code, message, path: this.path, position: this.position });
  }

  /** Reports children that were never asked for: the model has no place for them. */
  finish(): void {
    for (const child of this.children) {
      if (this.asked.has(child.localName)) continue;
      this.asked.add(child.localName);
      this.ctx.warnings.push({
        code: 'UNKNOWN_ELEMENT',
        message: `<${child.localName}> in <${this.name}> is not part of the edXML model and was ignored`,
        path: this.childPath(child.localName),
        position: positionOf(child),
      });
    }
  }

  error(code: EdxmlErrorCode, message: string, where: { at?: Node; path?: string } = {}): EdxmlError {
    return new EdxmlError(code, message, {
      path: where.path ?? this.path,
      position: positionOf(where.at ?? this.element),
    });
  }

  private childPath(name: string): string {
    return this.path ? `${this.path}/${name}` : name;
  }
}

export function clip(text: string, max = 40): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}
