/**
 * The few edXML lookups the signature code needs, by namespace and local name. libs/pki does not
 * depend on libs/edxml: it only has to find the envelope header, the sender and the trace headers.
 */
export const EDXML_NS = 'http://www.mic.gov.vn/TBT/QCVN_102_2016';
export const XMLDSIG_NS = 'http://www.w3.org/2000/09/xmldsig#';

const ELEMENT_NODE = 1;
const TEXT_NODE = 3;
const CDATA_SECTION_NODE = 4;
const PROCESSING_INSTRUCTION_NODE = 7;

export interface EnvelopeHeader {
  root: Element;
  envelope: Element;
  header: Element;
}

export interface TraceHeaderEntry {
  organId: string;
  timestamp: string;
}

export function elementChildren(node: Node): Element[] {
  const out: Element[] = [];
  for (let child = node.firstChild; child; child = child.nextSibling) {
    if (child.nodeType === ELEMENT_NODE) out.push(child as Element);
  }
  return out;
}

/** Every element of the document in document order (iterative: depth is bounded by the parser anyway). */
export function allElements(doc: Document): Element[] {
  const out: Element[] = [];
  const stack: Node[] = [doc];
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (node.nodeType === ELEMENT_NODE) out.push(node as Element);
    const children: Node[] = [];
    for (let child = node.firstChild; child; child = child.nextSibling) {
      if (child.nodeType === ELEMENT_NODE) children.push(child);
    }
    for (let i = children.length - 1; i >= 0; i--) stack.push(children[i]);
  }
  return out;
}

/**
 * True when a processing instruction sits inside the element. xml-crypto's exclusive C14N renders
 * a PI's data as if it were text, so signatures refuse them rather than sign ambiguous bytes.
 */
export function containsProcessingInstruction(element: Element): boolean {
  const stack: Node[] = [element];
  while (stack.length > 0) {
    const node = stack.pop()!;
    for (let child = node.firstChild; child; child = child.nextSibling) {
      if (child.nodeType === PROCESSING_INSTRUCTION_NODE) return true;
      if (child.nodeType === ELEMENT_NODE) stack.push(child);
    }
  }
  return false;
}

/** The text of an element's own text and CDATA children (comments do not count, as in C14N without comments). */
export function ownText(element: Element): string {
  let text = '';
  for (let child = element.firstChild; child; child = child.nextSibling) {
    if (child.nodeType === TEXT_NODE || child.nodeType === CDATA_SECTION_NODE)
      text += (child as CharacterData).data;
  }
  return text;
}

/** True when the element has nothing but text (no child elements, comments or processing instructions). */
export function isTextOnly(element: Element): boolean {
  for (let child = element.firstChild; child; child = child.nextSibling) {
    if (child.nodeType !== TEXT_NODE) return false;
  }
  return true;
}

/** True when the element's text children are all whitespace (pure element content). */
export function hasOnlyWhitespaceText(element: Element): boolean {
  for (let child = element.firstChild; child; child = child.nextSibling) {
    if (
      (child.nodeType === TEXT_NODE || child.nodeType === CDATA_SECTION_NODE) &&
      /\S/.test((child as CharacterData).data)
    ) {
      return false;
    }
  }
  return true;
}

export function isEdxml(element: Element, localName: string): boolean {
  return element.localName === localName && element.namespaceURI === EDXML_NS;
}

/**
 * root `edXML` > the one `edXMLEnvelope` > the one `edXMLHeader`, all in the QCVN 102 namespace.
 * Returns a reason when the document does not have exactly that shape.
 */
export function locateEnvelopeHeader(doc: Document, elements = allElements(doc)): EnvelopeHeader | string {
  const root = doc.documentElement;
  if (!root || !isEdxml(root, 'edXML')) return 'the root element is not edXML in the QCVN 102 namespace';
  const envelopes = elements.filter((e) => e.localName === 'edXMLEnvelope');
  const headers = elements.filter((e) => e.localName === 'edXMLHeader');
  if (envelopes.length !== 1) return `expected exactly one edXMLEnvelope, found ${envelopes.length}`;
  if (headers.length !== 1) return `expected exactly one edXMLHeader, found ${headers.length}`;
  const [envelope] = envelopes;
  const [header] = headers;
  if (envelope.parentNode !== root || !isEdxml(envelope, 'edXMLEnvelope')) {
    return 'edXMLEnvelope is not a QCVN 102 child of the root';
  }
  if (header.parentNode !== envelope || !isEdxml(header, 'edXMLHeader')) {
    return 'edXMLHeader is not a QCVN 102 child of the envelope';
  }
  return { root, envelope, header };
}

function onlyChild(parent: Element, localName: string): Element | undefined {
  const found = elementChildren(parent).filter((e) => isEdxml(e, localName));
  return found.length === 1 ? found[0] : undefined;
}

/** MessageHeader/From/OrganId, trimmed; undefined unless each step is present exactly once. */
export function fromOrganId(header: Element): string | undefined {
  const messageHeader = onlyChild(header, 'MessageHeader');
  const from = messageHeader && onlyChild(messageHeader, 'From');
  const organId = from && onlyChild(from, 'OrganId');
  const value = organId ? ownText(organId).trim() : '';
  return value === '' ? undefined : value;
}

/** TraceHeaderList/TraceHeader entries in document order. */
export function traceHeaders(header: Element): TraceHeaderEntry[] {
  const list = onlyChild(header, 'TraceHeaderList');
  if (!list) return [];
  return elementChildren(list)
    .filter((e) => isEdxml(e, 'TraceHeader'))
    .map((trace) => {
      const organId = onlyChild(trace, 'OrganId');
      const timestamp = onlyChild(trace, 'Timestamp');
      return {
        organId: organId ? ownText(organId).trim() : '',
        timestamp: timestamp ? ownText(timestamp).trim() : '',
      };
    });
}

/** `yyyy/MM/dd HH:mm:ss` in Vietnam time, the inverse of parseEdxmlTimestamp. */
export function formatEdxmlTimestamp(date: Date): string {
  const local = new Date(date.getTime() + 7 * 3_600_000);
  const two = (n: number) => String(n).padStart(2, '0');
  return (
    `${local.getUTCFullYear()}/${two(local.getUTCMonth() + 1)}/${two(local.getUTCDate())} ` +
    `${two(local.getUTCHours())}:${two(local.getUTCMinutes())}:${two(local.getUTCSeconds())}`
  );
}

/** QCVN 102 timestamps are `yyyy/MM/dd HH:mm:ss` in Vietnam time (UTC+7, no daylight saving). */
export function parseEdxmlTimestamp(text: string): Date | undefined {
  const m = /^(\d{4})\/(\d{2})\/(\d{2}) (\d{2}):(\d{2}):(\d{2})$/.exec(text.trim());
  if (!m) return undefined;
  const [y, mo, d, h, mi, s] = m.slice(1).map(Number);
  const date = new Date(Date.UTC(y, mo - 1, d, h - 7, mi, s));
  const local = new Date(date.getTime() + 7 * 3_600_000);
  const roundTrips =
    local.getUTCFullYear() === y &&
    local.getUTCMonth() === mo - 1 &&
    local.getUTCDate() === d &&
    local.getUTCHours() === h &&
    local.getUTCMinutes() === mi &&
    local.getUTCSeconds() === s;
  return roundTrips ? date : undefined;
}
