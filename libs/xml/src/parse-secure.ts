import { DOMParser } from '@xmldom/xmldom';
import { SaxesParser } from 'saxes';
import { DEFAULT_XML_LIMITS, XmlLimits } from './limits';
import { XmlInputError, XmlPosition } from './xml-input.error';
import './xmldom-regexp-cache';

const BOM = '\ufeff';
// Producers in the wild use these prefixes without declaring them (`xlink:href`, and `edXML:` on
// elements outside the envelope that declares it); bind them as their standards do.
const TOLERATED_PREFIXES = {
  xlink: 'http://www.w3.org/1999/xlink',
  edXML: 'http://www.mic.gov.vn/TBT/QCVN_102_2016',
};
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

/** Decodes bytes as strict UTF-8 (QCVN 102 packages are UTF-8), refusing oversize input first. */
export function decodeXmlBytes(input: string | Uint8Array, limits: Partial<XmlLimits> = {}): string {
  const { maxBytes } = { ...DEFAULT_XML_LIMITS, ...limits };
  if (typeof input === 'string') {
    // A UTF-16 code unit is at most 3 UTF-8 bytes, so only measure exactly when it could matter.
    if (input.length * 3 > maxBytes && Buffer.byteLength(input, 'utf8') > maxBytes) throw tooLarge(maxBytes);
    return input.startsWith(BOM) ? input.slice(1) : input;
  }
  if (input.byteLength > maxBytes) throw tooLarge(maxBytes);
  try {
    return utf8.decode(input);
  } catch {
    throw new XmlInputError('XML_NOT_UTF8', 'The document is not valid UTF-8 text');
  }
}

/**
 * Checks that text is well-formed XML a hostile sender cannot turn against us: no DTD (so no
 * external or expanding entities), bounded size, depth and attribute count. Uses a strict
 * streaming parser so that nothing is built before the input is known to be safe.
 */
export function assertSafeXml(text: string, limits: Partial<XmlLimits> = {}): void {
  const { maxDepth, maxAttributesPerElement } = { ...DEFAULT_XML_LIMITS, ...limits };
  if (text.trim() === '') throw new XmlInputError('XML_EMPTY', 'The document is empty');
  assertNothingBeforeProlog(text);

  const parser = new SaxesParser({ xmlns: true, position: true, additionalNamespaces: TOLERATED_PREFIXES });
  let depth = 0;
  let failure: XmlInputError | undefined;
  const here = (): XmlPosition => ({ line: parser.line, column: parser.column });
  const fail = (error: XmlInputError) => {
    failure ??= error;
    throw error;
  };

  parser.on('doctype', () =>
    fail(new XmlInputError('XML_DOCTYPE_FORBIDDEN', 'A DOCTYPE declaration is not allowed', here())),
  );
  parser.on('opentag', (tag) => {
    depth += 1;
    if (depth > maxDepth) {
      fail(new XmlInputError('XML_TOO_DEEP', `Elements are nested deeper than ${maxDepth} levels`, here()));
    }
    if (Object.keys(tag.attributes).length > maxAttributesPerElement) {
      fail(
        new XmlInputError(
          'XML_TOO_MANY_ATTRIBUTES',
          `Element <${tag.name}> has more than ${maxAttributesPerElement} attributes`,
          here(),
        ),
      );
    }
  });
  parser.on('closetag', () => {
    depth -= 1;
  });
  parser.on('error', (error) => {
    const message = error.message.replace(/^(?:[^:]*:)?\d+:\d+: /, '').replace(/\.$/, '');
    const code = /entity/i.test(message) ? 'XML_ENTITY_FORBIDDEN' : 'XML_MALFORMED';
    fail(new XmlInputError(code, `The XML is not well-formed: ${message}`, here()));
  });

  try {
    parser.write(text).close();
  } catch (error) {
    if (failure) throw failure;
    throw error;
  }
}

/**
 * The one way lienthong turns untrusted bytes into a DOM: the strict safety check first, then
 * xmldom (the DOM that xml-crypto signs and verifies). Node positions are kept for error reports.
 */
export function parseXmlSecurely(input: string | Uint8Array, limits: Partial<XmlLimits> = {}): Document {
  const text = decodeXmlBytes(input, limits);
  assertSafeXml(text, limits);
  return domParser(true).parseFromString(text, 'application/xml') as unknown as Document;
}

/**
 * XML this process wrote itself (buildEdxml's output, a package it stored after verifying it): no
 * DTD or hostile nesting can be in it, so the safety pass and node positions, a third of the cost
 * of a parse, are skipped. Never for bytes that came from outside.
 */
export function parseOwnXml(text: string): Document {
  return domParser(false).parseFromString(text, 'application/xml') as unknown as Document;
}

function domParser(locator: boolean): DOMParser {
  return new DOMParser({
    locator,
    // The same tolerated prefixes as the gate, so both parsers see the same namespaces.
    xmlns: TOLERATED_PREFIXES,
    // XML 1.0 end-of-line handling only (§2.11): xmldom's default also folds U+0085 and U+2028 as
    // XML 1.1 does, which would change signed text and break digests other verifiers compute.
    normalizeLineEndings: (source: string) => source.replace(/\r\n?/g, '\n'),
    onError: (level, message) => {
      if (level === 'warning') return;
      throw new XmlInputError('XML_MALFORMED', `The XML is not well-formed: ${message}`);
    },
  });
}

function assertNothingBeforeProlog(text: string): void {
  const start = text.search(/\S/);
  if (text[start] === '<') return;
  const { line, column } = positionOf(text, start);
  const junk = text.slice(start, Math.min(text.indexOf('<', start) >>> 0, start + 16)).trim();
  throw new XmlInputError(
    'XML_CONTENT_BEFORE_PROLOG',
    `Content is not allowed before the XML declaration: found "${junk}" before the first tag`,
    { line, column },
  );
}

function positionOf(text: string, offset: number): XmlPosition {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return { line, column: offset - before.lastIndexOf('\n') };
}

function tooLarge(maxBytes: number): XmlInputError {
  return new XmlInputError('XML_TOO_LARGE', `The document is larger than the limit of ${maxBytes} bytes`);
}
