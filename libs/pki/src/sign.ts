import { createHash, KeyObject, randomBytes, sign as rsaSign } from 'crypto';
import { decodeXmlBytes, parseOwnXml, parseXmlSecurely, XmlLimits } from '@lienthong/xml';
import { exclusiveC14nDigest } from './c14n';
import { parseCertificate } from './certificate';
import {
  allElements,
  containsProcessingInstruction,
  EDXML_NS,
  elementChildren,
  EnvelopeHeader,
  formatEdxmlTimestamp,
  fromOrganId,
  isEdxml,
  locateEnvelopeHeader,
  XMLDSIG_NS,
} from './edxml-dom';
import { PkiError } from './errors';
import { loadPrivateKey } from './keys';
import { BoundedCache } from './pem';
import { XMLDSIG } from './xmldsig-profile';

export interface SignEdxmlOptions {
  /** The agency's private key: PEM (PKCS#8, encrypted PKCS#8 or PKCS#1) or a KeyObject. */
  privateKeyPem?: string | KeyObject;
  /** Alternative to `privateKeyPem` for a key already loaded (fastest). */
  privateKey?: KeyObject;
  /** Passphrase of an encrypted `privateKeyPem`. */
  passphrase?: string;
  /** The agency certificate, published in KeyInfo/X509Data/X509Certificate. */
  certificatePem: string;
  /** Remove existing Signature/DigitalSignature elements of the header (e.g. legacy ones) first. */
  replaceExisting?: boolean;
  /**
   * Append the signer's TraceHeader (From/OrganId, this time) before signing. The verifier checks
   * the certificate at the time of the sender's last TraceHeader, so a sender stamps the time it
   * signs; without a stamp, an old trace header would date the signature before the certificate.
   */
  stampTraceHeader?: Date;
  limits?: Partial<XmlLimits>;
}

/** Prefixes that producers use undeclared and libs/xml tolerates; the signed output declares them. */
const TOLERATED_PREFIXES: Record<string, string> = {
  edXML: EDXML_NS,
  xlink: 'http://www.w3.org/1999/xlink',
};
const XMLNS_NS = 'http://www.w3.org/2000/xmlns/';

/** Unencrypted PEM keys loaded once: the hot path signs with the same few keys all day. */
const plainKeys = new BoundedCache<string, KeyObject>(64);
const keyMatches = new WeakMap<KeyObject, Set<string>>();

/**
 * Signs an edXML package with lienthong's XMLDSig profile: enveloped signature over the whole
 * document (`Reference URI=""`), transforms enveloped-signature + exclusive C14N, exclusive C14N
 * for SignedInfo, RSA-SHA256, SHA-256 digest, the certificate in KeyInfo/X509Data, the Signature
 * (default namespace XMLDSig) appended as the last child of edXML:edXMLHeader. The output has the
 * exact layout xml-crypto's `computeSignature` writes; xml-crypto's `checkSignature` and `xmlsec1`
 * both verify it (tests).
 *
 * Input goes through parseXmlSecurely (throws XmlInputError). Throws PkiError:
 * PACKAGE_NOT_EDXML (no root > envelope > header), PACKAGE_ALREADY_SIGNED (a Signature or
 * DigitalSignature exists and `replaceExisting` is not set, or one exists outside the header),
 * KEY_CERT_MISMATCH, PACKAGE_SENDER_MISMATCH (certificate UID ≠ MessageHeader/From/OrganId),
 * KEY_PASSPHRASE_REQUIRED / KEY_PASSPHRASE_WRONG.
 */
export function signEdxmlPackage(xml: string | Uint8Array, options: SignEdxmlOptions): string {
  const cert = parseCertificate(options.certificatePem);
  const key = signingKey(options);
  assertKeyMatches(key, cert.fingerprint256, () => cert.node.checkPrivateKey(key));

  const text = decodeXmlBytes(xml, options.limits);
  let doc = parseXmlSecurely(text, options.limits);
  let elements = allElements(doc);
  let { header } = envelopeOf(doc, elements);
  const removed = removeExistingSignatures(elements, header, options.replaceExisting === true);
  if (removed) elements = allElements(doc);
  const declared = declareToleratedPrefixes(doc, elements);
  const stamped =
    options.stampTraceHeader !== undefined && stampTraceHeader(doc, header, options.stampTraceHeader);
  if (removed || declared || stamped) {
    // Re-read the edited document so that every node has the namespace its serialization declares.
    doc = parseOwnXml(serialize(doc));
    elements = allElements(doc);
    ({ header } = envelopeOf(doc, elements));
  }
  if (containsProcessingInstruction(doc.documentElement)) {
    throw new PkiError('PACKAGE_NOT_EDXML', 'Processing instructions inside the package cannot be signed');
  }
  const sender = fromOrganId(header);
  if (sender === undefined || cert.organId !== sender) {
    throw new PkiError(
      'PACKAGE_SENDER_MISMATCH',
      `The certificate is for ${cert.organId ?? 'no identifier code'}, the package is from ${sender ?? 'nobody'}`,
    );
  }

  const digest = exclusiveC14nDigest(doc.documentElement, null, 'sha256').toString('base64');
  const value = rsaSign('sha256', Buffer.from(canonicalSignedInfo(digest), 'utf8'), key).toString('base64');
  // The Signature goes in as text where a placeholder element was serialized: building it as DOM
  // nodes (parse, import, canonicalize SignedInfo, serialize) cost as much as the RSA signature.
  // The placeholder's name is random, so no content of the package can imitate it.
  const placeholder = `lt-signature-${randomBytes(12).toString('hex')}`;
  header.appendChild(doc.createElementNS(null, placeholder));
  const unsigned = serialize(doc);
  const start = unsigned.indexOf(`<${placeholder}`);
  const end = unsigned.indexOf('/>', start) + 2;
  return unsigned.slice(0, start) + signatureElement(digest, value, cert.der) + unsigned.slice(end);
}

export type SignBuiltEdxmlOptions = Pick<SignEdxmlOptions, 'privateKey' | 'certificatePem' | 'limits'>;

const BUILT_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n';
const BUILT_END = '</edXML>\n';
const HEADER_END = '</edXML:edXMLHeader>';
const BUILT_SENDER = /<edXML:From>\s*<edXML:OrganId>([^<]*)<\/edXML:OrganId>/;

/**
 * Signs libs/edxml buildEdxml's output without parsing it: the builder writes the canonical form
 * (exclusive C14N: no empty-element tags, C14N's character references, each namespace declared
 * where first used) behind an XML declaration, so the digest is taken over the text itself and
 * the Signature goes in as text before the one edXMLHeader end tag (text content cannot hold a
 * `<`). A parse, a canonicalization and a serialization per package were half of what signing
 * cost. The result is byte for byte what signEdxmlPackage writes (tests compare them); text
 * without the builder's shape goes through signEdxmlPackage.
 */
export function signBuiltEdxml(xml: string, options: SignBuiltEdxmlOptions): string {
  const headerEnd = xml.indexOf(HEADER_END);
  const builtShape =
    xml.startsWith(BUILT_DECLARATION) &&
    xml.endsWith(BUILT_END) &&
    headerEnd > 0 &&
    xml.indexOf(HEADER_END, headerEnd + 1) < 0;
  if (!builtShape) return signEdxmlPackage(xml, { ...options, replaceExisting: true });

  const cert = parseCertificate(options.certificatePem);
  const key = signingKey(options);
  assertKeyMatches(key, cert.fingerprint256, () => cert.node.checkPrivateKey(key));
  decodeXmlBytes(xml, options.limits); // the size limit, as for any package
  const sender = BUILT_SENDER.exec(xml)?.[1];
  if (sender === undefined || cert.organId !== sender) {
    throw new PkiError(
      'PACKAGE_SENDER_MISMATCH',
      `The certificate is for ${cert.organId ?? 'no identifier code'}, the package is from ${sender ?? 'nobody'}`,
    );
  }
  const canonical = xml.slice(BUILT_DECLARATION.length, xml.length - 1);
  const digest = createHash('sha256').update(canonical, 'utf8').digest('base64');
  const value = rsaSign('sha256', Buffer.from(canonicalSignedInfo(digest), 'utf8'), key).toString('base64');
  return xml.slice(0, headerEnd) + signatureElement(digest, value, cert.der) + xml.slice(headerEnd, -1);
}

/** SignedInfo in exclusive C14N form (what the signature value covers), for the digest given. */
export function canonicalSignedInfo(digest: string): string {
  const empty = (name: string, algorithm: string) => `<${name} Algorithm="${algorithm}"></${name}>`;
  return (
    `<SignedInfo xmlns="${XMLDSIG_NS}">` +
    empty('CanonicalizationMethod', XMLDSIG.excC14n) +
    empty('SignatureMethod', XMLDSIG.rsaSha256) +
    `<Reference URI=""><Transforms>` +
    empty('Transform', XMLDSIG.envelopedSignature) +
    empty('Transform', XMLDSIG.excC14n) +
    `</Transforms>` +
    empty('DigestMethod', XMLDSIG.sha256) +
    `<DigestValue>${digest}</DigestValue></Reference></SignedInfo>`
  );
}

/** The Signature element as xmldom serializes it (the layout xml-crypto's computeSignature writes). */
function signatureElement(digest: string, value: string, certificateDer: Buffer): string {
  return (
    `<Signature xmlns="${XMLDSIG_NS}"><SignedInfo>` +
    `<CanonicalizationMethod Algorithm="${XMLDSIG.excC14n}"/>` +
    `<SignatureMethod Algorithm="${XMLDSIG.rsaSha256}"/>` +
    `<Reference URI=""><Transforms>` +
    `<Transform Algorithm="${XMLDSIG.envelopedSignature}"/><Transform Algorithm="${XMLDSIG.excC14n}"/>` +
    `</Transforms><DigestMethod Algorithm="${XMLDSIG.sha256}"/><DigestValue>${digest}</DigestValue></Reference>` +
    `</SignedInfo><SignatureValue>${value}</SignatureValue><KeyInfo><X509Data><X509Certificate>` +
    `${certificateDer.toString('base64')}</X509Certificate></X509Data></KeyInfo></Signature>`
  );
}

/** Adds TraceHeader(From/OrganId, at) after the existing ones, creating the list when absent. */
function stampTraceHeader(doc: Document, header: Element, at: Date): boolean {
  const sender = fromOrganId(header);
  if (sender === undefined) return false;
  const element = (name: string, text?: string) => {
    const e = doc.createElementNS(EDXML_NS, `edXML:${name}`);
    if (text !== undefined) e.appendChild(doc.createTextNode(text));
    return e;
  };
  let list = elementChildren(header).find((e) => isEdxml(e, 'TraceHeaderList'));
  if (!list) {
    list = element('TraceHeaderList');
    const messageHeader = elementChildren(header).find((e) => isEdxml(e, 'MessageHeader'));
    header.insertBefore(list, messageHeader?.nextSibling ?? null);
  }
  const trace = element('TraceHeader');
  trace.appendChild(element('OrganId', sender));
  trace.appendChild(element('Timestamp', formatEdxmlTimestamp(at)));
  const traces = elementChildren(list).filter((e) => isEdxml(e, 'TraceHeader'));
  const after = traces[traces.length - 1];
  list.insertBefore(trace, after ? after.nextSibling : list.firstChild);
  return true;
}

function envelopeOf(doc: Document, elements: Element[]): EnvelopeHeader {
  const located = locateEnvelopeHeader(doc, elements);
  if (typeof located === 'string') throw new PkiError('PACKAGE_NOT_EDXML', `Cannot sign: ${located}`);
  return located;
}

/** Removes the header's Signature/DigitalSignature elements when allowed; true when it removed any. */
function removeExistingSignatures(elements: Element[], header: Element, replace: boolean): boolean {
  const existing = elements.filter((e) => e.localName === 'Signature' || e.localName === 'DigitalSignature');
  if (existing.length === 0) return false;
  if (!replace) {
    throw new PkiError(
      'PACKAGE_ALREADY_SIGNED',
      'The package already carries a signature; use replaceExisting to replace it',
    );
  }
  if (existing.some((e) => !isInside(e, header))) {
    throw new PkiError(
      'PACKAGE_ALREADY_SIGNED',
      'The package has a signature outside edXMLHeader; refusing to sign',
    );
  }
  for (const e of existing) e.parentNode?.removeChild(e);
  return true;
}

function signingKey(options: SignEdxmlOptions): KeyObject {
  if (options.privateKey) return loadPrivateKey(options.privateKey);
  const pem = options.privateKeyPem;
  if (pem === undefined) throw new PkiError('KEY_INVALID', 'A private key is required to sign');
  if (typeof pem !== 'string') return loadPrivateKey(pem);
  if (/ENCRYPTED/.test(pem)) return loadPrivateKey(pem, options.passphrase);
  const known = plainKeys.get(pem);
  if (known) return known;
  return plainKeys.set(pem, loadPrivateKey(pem));
}

function assertKeyMatches(key: KeyObject, certId: string, check: () => boolean): void {
  let matches = keyMatches.get(key);
  if (matches?.has(certId)) return;
  if (!check()) throw new PkiError('KEY_CERT_MISMATCH', 'The private key does not belong to the certificate');
  if (!matches) keyMatches.set(key, (matches = new Set()));
  matches.add(certId);
}

/**
 * libs/xml accepts `edXML:` and `xlink:` used without a declaration (seen in the wild); other
 * XML tools do not. Declare them on the root so the signed package is namespace-well-formed.
 */
function declareToleratedPrefixes(doc: Document, elements: Element[]): boolean {
  const missing = new Set<string>();
  const undeclared = (node: Element, prefix: string | null) =>
    prefix !== null && prefix in TOLERATED_PREFIXES && !isDeclaredInScope(node, prefix);
  for (const element of elements) {
    if (undeclared(element, element.prefix)) missing.add(element.prefix!);
    const attrs = element.attributes;
    for (let i = 0; i < attrs.length; i++) {
      const attr = attrs.item(i)!;
      if (attr.prefix !== 'xmlns' && undeclared(element, attr.prefix)) missing.add(attr.prefix!);
    }
  }
  for (const prefix of missing) {
    doc.documentElement.setAttributeNS(XMLNS_NS, `xmlns:${prefix}`, TOLERATED_PREFIXES[prefix]);
  }
  return missing.size > 0;
}

/** Whether the element or an ancestor declares the prefix (the parser binds tolerated ones silently). */
function isDeclaredInScope(element: Element, prefix: string): boolean {
  for (let node: Node | null = element; node && node.nodeType === 1; node = node.parentNode) {
    if ((node as Element).hasAttribute(`xmlns:${prefix}`)) return true;
  }
  return false;
}

/** xmldom serialization; a carriage return from a character reference stays a reference (as xml-crypto does). */
function serialize(doc: Document): string {
  return doc.toString().replace(/\r/g, '&#xD;');
}

function isInside(node: Node, ancestor: Node): boolean {
  for (let n: Node | null = node; n; n = n.parentNode) if (n === ancestor) return true;
  return false;
}
