import { EdxmlError } from './errors';

/** Characters XML 1.0 cannot carry at all, even as references, and unpaired UTF-16 surrogates. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const FORBIDDEN_CHARACTER = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * The references Canonical XML (C14N 1.0 §2.3, also exclusive C14N) writes, so that what
 * buildEdxml writes is, but for the XML declaration, already the canonical form a signature over
 * the whole package covers (libs/pki signBuiltEdxml relies on it).
 */
const TEXT_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '\r': '&#xD;' };
const ATTRIBUTE_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '"': '&quot;',
  '\t': '&#x9;',
  '\n': '&#xA;',
  '\r': '&#xD;',
};

export function escapeXmlText(text: string, where = 'text'): string {
  assertRepresentable(text, where);
  // `\r` as a reference survives the parser's line-end normalization, so values round-trip.
  return text.replace(/[&<>\r]/g, (c) => TEXT_ESCAPES[c]);
}

export function escapeXmlAttribute(text: string, where = 'an attribute'): string {
  assertRepresentable(text, where);
  // Tabs and newlines as references survive attribute-value normalization (which makes them spaces).
  return text.replace(/[&<"\t\n\r]/g, (c) => ATTRIBUTE_ESCAPES[c]);
}

function assertRepresentable(text: string, where: string): void {
  const bad = FORBIDDEN_CHARACTER.exec(text) ?? LONE_SURROGATE.exec(text);
  if (bad) {
    const code = bad[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0');
    throw new EdxmlError(
      'EDXML_UNREPRESENTABLE_TEXT',
      `Cannot build the package: <${where}> contains the character U+${code}, which XML cannot carry`,
    );
  }
}
