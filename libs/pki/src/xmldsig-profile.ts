import { Problem } from './chain';
import {
  allElements,
  containsProcessingInstruction,
  elementChildren,
  EnvelopeHeader,
  hasOnlyWhitespaceText,
  isTextOnly,
  locateEnvelopeHeader,
  ownText,
  XMLDSIG_NS,
} from './edxml-dom';
import { isCanonicalBase64 } from './pem';

/** The algorithms of lienthong's XMLDSig profile. */
export const XMLDSIG = {
  namespace: XMLDSIG_NS,
  excC14n: 'http://www.w3.org/2001/10/xml-exc-c14n#',
  envelopedSignature: 'http://www.w3.org/2000/09/xmldsig#enveloped-signature',
  rsaSha256: 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256',
  rsaSha512: 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha512',
  sha256: 'http://www.w3.org/2001/04/xmlenc#sha256',
  sha512: 'http://www.w3.org/2001/04/xmlenc#sha512',
} as const;

const SIGNATURE_METHODS = new Set<string>([XMLDSIG.rsaSha256, XMLDSIG.rsaSha512]);
const DIGEST_LENGTHS = new Map<string, number>([
  [XMLDSIG.sha256, 32],
  [XMLDSIG.sha512, 64],
]);
/** SHA-1 era algorithms: what the legacy VPCP SDK packages carry. */
const LEGACY_SIGNATURE_METHODS = new Set([
  'http://www.w3.org/2000/09/xmldsig#rsa-sha1',
  'http://www.w3.org/2000/09/xmldsig#dsa-sha1',
]);
const LEGACY_DIGESTS = new Set(['http://www.w3.org/2000/09/xmldsig#sha1']);
/** XMLDSig element names that may appear only inside the one Signature. */
const SIGNATURE_PARTS = new Set([
  'SignedInfo',
  'SignatureValue',
  'KeyInfo',
  'X509Certificate',
  'DigestValue',
]);

export type SignatureProblemCode =
  | 'UNSIGNED'
  | 'LEGACY_SIGNATURE'
  | 'SIGNATURE_COUNT'
  | 'SIGNATURE_PLACEMENT'
  | 'SIGNATURE_STRUCTURE'
  | 'ALGORITHM_NOT_ALLOWED'
  | 'REFERENCE_NOT_ALLOWED'
  | 'KEY_INFO';

export interface ReferenceDetails {
  uri: string;
  digestAlgorithm: string;
  digestValue: string;
}

/** What the signature says about itself, read best-effort for the report (not yet trusted). */
export interface SignatureDetails {
  signatureAlgorithm?: string;
  canonicalizationAlgorithm?: string;
  signatureValue?: string;
  references: ReferenceDetails[];
}

export type Inspection =
  | { kind: 'unsigned'; envelope?: EnvelopeHeader }
  | { kind: 'legacy'; reason: string; details: SignatureDetails; envelope?: EnvelopeHeader }
  | {
      kind: 'invalid';
      problems: Problem<SignatureProblemCode>[];
      details: SignatureDetails;
      envelope?: EnvelopeHeader;
    }
  | {
      kind: 'profile';
      signature: Element;
      envelope: EnvelopeHeader;
      certificateBase64: string;
      details: SignatureDetails;
    };

/**
 * Classifies the signature of a package and checks it against the profile before any
 * cryptography: exactly one signature element anywhere (any namespace, DigitalSignature
 * included), in the XMLDSig namespace, the last element of the one envelope header, one
 * `Reference URI=""` with exactly enveloped-signature + exclusive C14N, allow-listed algorithms,
 * no Object, exactly one X509Certificate in KeyInfo.
 */
export function inspectSignature(doc: Document): Inspection {
  const elements = allElements(doc);
  const located = locateEnvelopeHeader(doc, elements);
  const envelope = typeof located === 'string' ? undefined : located;
  const signatures = elements.filter(
    (e) => e.localName === 'Signature' || e.localName === 'DigitalSignature',
  );
  if (signatures.length === 0) return { kind: 'unsigned', envelope };

  const details = readDetails(signatures[0]);
  const legacy = signatures.map(legacyReason);
  if (legacy.every((reason) => reason !== undefined)) {
    return { kind: 'legacy', reason: [...new Set(legacy)].join('; '), details, envelope };
  }
  const problems: Problem<SignatureProblemCode>[] = [];
  const fail = (code: SignatureProblemCode, message: string) => problems.push({ code, message });
  if (signatures.length > 1) {
    fail('SIGNATURE_COUNT', `Found ${signatures.length} signature elements; exactly one is allowed`);
    return { kind: 'invalid', problems, details, envelope };
  }
  const [signature] = signatures;
  for (const part of elements) {
    if (SIGNATURE_PARTS.has(part.localName ?? '') && !isInside(part, signature)) {
      fail('SIGNATURE_STRUCTURE', `A ${part.localName} element outside the Signature is not allowed`);
    }
  }
  if (!envelope) {
    fail('SIGNATURE_PLACEMENT', `The package does not have the edXML shape: ${located as string}`);
  } else if (signature.parentNode !== envelope.header) {
    fail('SIGNATURE_PLACEMENT', 'The Signature must be a child of the envelope edXMLHeader');
  } else if (elementChildren(envelope.header).pop() !== signature) {
    fail('SIGNATURE_PLACEMENT', 'The Signature must be the last element of edXMLHeader');
  }
  if (doc.documentElement && containsProcessingInstruction(doc.documentElement)) {
    fail(
      'SIGNATURE_STRUCTURE',
      'Processing instructions inside the document are not supported by the signature profile',
    );
  }
  const certificateBase64 = checkProfile(signature, fail);
  if (problems.length > 0 || !envelope || certificateBase64 === undefined) {
    return { kind: 'invalid', problems, details, envelope };
  }
  return { kind: 'profile', signature, envelope, certificateBase64, details };
}

/** Why a signature element is a legacy one, or undefined when it claims the modern profile. */
function legacyReason(element: Element): string | undefined {
  if (element.localName === 'DigitalSignature') return 'a DigitalSignature element';
  if (element.namespaceURI !== XMLDSIG_NS) return 'a Signature element outside the XMLDSig namespace';
  const signedInfo = elementChildren(element).find((e) => isDsig(e, 'SignedInfo'));
  if (!signedInfo) return 'a Signature without SignedInfo';
  const method = elementChildren(signedInfo).find((e) => isDsig(e, 'SignatureMethod'));
  if (method && LEGACY_SIGNATURE_METHODS.has(method.getAttribute('Algorithm') ?? ''))
    return 'an RSA-SHA1 signature';
  const digests = elementChildren(signedInfo)
    .filter((e) => isDsig(e, 'Reference'))
    .flatMap((r) => elementChildren(r).filter((e) => isDsig(e, 'DigestMethod')));
  if (digests.some((d) => LEGACY_DIGESTS.has(d.getAttribute('Algorithm') ?? ''))) return 'a SHA-1 digest';
  return undefined;
}

type Fail = (code: SignatureProblemCode, message: string) => void;

/** Checks the Signature element against the profile; returns the certificate base64 when it conforms. */
function checkProfile(signature: Element, fail: Fail): string | undefined {
  const before = { failed: false };
  const f: Fail = (code, message) => {
    before.failed = true;
    fail(code, message);
  };
  const parts = strictChildren(signature, ['SignedInfo', 'SignatureValue', 'KeyInfo'], ['Id'], f);
  if (!parts) return undefined;
  const [signedInfo, signatureValue, keyInfo] = parts;

  const info = elementChildren(signedInfo);
  const references = info.filter((e) => isDsig(e, 'Reference'));
  if (references.length !== 1) {
    f('REFERENCE_NOT_ALLOWED', `Exactly one Reference is allowed, found ${references.length}`);
    return undefined;
  }
  const infoParts = strictChildren(
    signedInfo,
    ['CanonicalizationMethod', 'SignatureMethod', 'Reference'],
    ['Id'],
    f,
  );
  if (!infoParts) return undefined;
  const [c14n, method, reference] = infoParts;
  algorithmLeaf(c14n, (a) => a === XMLDSIG.excC14n, 'CanonicalizationMethod', f);
  algorithmLeaf(method, (a) => SIGNATURE_METHODS.has(a), 'SignatureMethod', f);

  checkAttributes(reference, ['URI', 'Id'], f);
  if (!reference.hasAttribute('URI') || reference.getAttribute('URI') !== '') {
    f(
      'REFERENCE_NOT_ALLOWED',
      `The Reference must have URI="" (found ${JSON.stringify(reference.getAttribute('URI'))})`,
    );
  }
  const refParts = strictChildren(reference, ['Transforms', 'DigestMethod', 'DigestValue'], ['URI', 'Id'], f);
  if (refParts) {
    const [transforms, digestMethod, digestValue] = refParts;
    checkAttributes(transforms, [], f);
    const list = elementChildren(transforms);
    const expected = [XMLDSIG.envelopedSignature, XMLDSIG.excC14n];
    const found = list.map((t) =>
      isDsig(t, 'Transform') ? (t.getAttribute('Algorithm') ?? '') : `<${t.nodeName}>`,
    );
    if (found.length !== 2 || found.some((a, i) => a !== expected[i]) || !hasOnlyWhitespaceText(transforms)) {
      f(
        'ALGORITHM_NOT_ALLOWED',
        `Transforms must be exactly enveloped-signature then exclusive C14N (found ${found.join(', ') || 'none'})`,
      );
    }
    for (const t of list) if (isDsig(t, 'Transform')) algorithmLeaf(t, () => true, 'Transform', f);
    const digestAlgorithm = digestMethod.getAttribute('Algorithm') ?? '';
    algorithmLeaf(digestMethod, (a) => DIGEST_LENGTHS.has(a), 'DigestMethod', f);
    base64Leaf(digestValue, 'DigestValue', f, DIGEST_LENGTHS.get(digestAlgorithm));
  }
  base64Leaf(signatureValue, 'SignatureValue', f);

  checkAttributes(keyInfo, ['Id'], f);
  const keyParts = elementChildren(keyInfo);
  const certificates = keyInfo.getElementsByTagNameNS('*', 'X509Certificate');
  if (keyParts.length !== 1 || !isDsig(keyParts[0], 'X509Data') || !hasOnlyWhitespaceText(keyInfo)) {
    f('KEY_INFO', 'KeyInfo must hold exactly one X509Data');
  } else if (certificates.length !== 1) {
    f('KEY_INFO', `KeyInfo must hold exactly one X509Certificate, found ${certificates.length}`);
  } else {
    const data = keyParts[0];
    checkAttributes(data, [], f);
    const allowed = new Set(['X509Certificate', 'X509SubjectName', 'X509IssuerSerial', 'X509SKI']);
    for (const child of elementChildren(data)) {
      if (!isDsig(child, child.localName ?? '') || !allowed.has(child.localName ?? '')) {
        f('KEY_INFO', `X509Data may not hold <${child.nodeName}>`);
      }
    }
    if (!hasOnlyWhitespaceText(data)) f('KEY_INFO', 'X509Data may not hold text');
    base64Leaf(certificates.item(0)!, 'X509Certificate', f);
  }
  return before.failed ? undefined : ownText(certificates.item(0)!).replace(/\s+/g, '');
}

/** The element children must be exactly these XMLDSig elements, in order, with no stray text. */
function strictChildren(
  parent: Element,
  names: string[],
  attributes: string[],
  fail: Fail,
): Element[] | undefined {
  checkAttributes(parent, attributes, fail);
  const children = elementChildren(parent);
  const ok = children.length === names.length && children.every((c, i) => isDsig(c, names[i]));
  if (!ok) {
    const found = children.map((c) => c.localName).join(', ') || 'nothing';
    const object = children.some((c) => c.localName === 'Object') ? '; Object elements are not allowed' : '';
    fail(
      'SIGNATURE_STRUCTURE',
      `${parent.localName} must hold exactly ${names.join(', ')} (found ${found})${object}`,
    );
    return undefined;
  }
  if (!hasOnlyWhitespaceText(parent)) {
    fail('SIGNATURE_STRUCTURE', `${parent.localName} may not hold text`);
    return undefined;
  }
  return children;
}

function algorithmLeaf(
  element: Element,
  allowed: (algorithm: string) => boolean,
  what: string,
  fail: Fail,
): void {
  checkAttributes(element, ['Algorithm'], fail);
  const algorithm = element.getAttribute('Algorithm') ?? '';
  if (!allowed(algorithm)) fail('ALGORITHM_NOT_ALLOWED', `${what} algorithm "${algorithm}" is not allowed`);
  if (elementChildren(element).length > 0 || !hasOnlyWhitespaceText(element)) {
    fail('ALGORITHM_NOT_ALLOWED', `${what} may not have parameters`);
  }
}

function base64Leaf(element: Element, what: string, fail: Fail, expectedBytes?: number): void {
  checkAttributes(element, what === 'SignatureValue' ? ['Id'] : [], fail);
  const text = ownText(element).replace(/\s+/g, '');
  if (!isTextOnly(element) || !isCanonicalBase64(text)) {
    fail('SIGNATURE_STRUCTURE', `${what} must be plain base64 text`);
  } else if (expectedBytes !== undefined && Buffer.from(text, 'base64').length !== expectedBytes) {
    fail('SIGNATURE_STRUCTURE', `${what} has the wrong length for its algorithm`);
  }
}

/** Only namespace declarations and the listed unqualified attributes are allowed. */
function checkAttributes(element: Element, allowed: string[], fail: Fail): void {
  const attrs = element.attributes;
  for (let i = 0; i < attrs.length; i++) {
    const attr = attrs.item(i)!;
    if (attr.name === 'xmlns' || attr.prefix === 'xmlns') continue;
    if (attr.namespaceURI || !allowed.includes(attr.localName ?? attr.name)) {
      fail('SIGNATURE_STRUCTURE', `Attribute ${attr.name} is not allowed on ${element.localName}`);
    }
  }
}

function readDetails(signature: Element): SignatureDetails {
  const first = (name: string) => signature.getElementsByTagNameNS('*', name).item(0) ?? undefined;
  const text = (e?: Element) => (e ? ownText(e).replace(/\s+/g, '') : undefined);
  const references = Array.from(
    { length: signature.getElementsByTagNameNS('*', 'Reference').length },
    (_, i) => signature.getElementsByTagNameNS('*', 'Reference').item(i)!,
  ).map((r) => ({
    uri: r.getAttribute('URI') ?? '',
    digestAlgorithm: r.getElementsByTagNameNS('*', 'DigestMethod').item(0)?.getAttribute('Algorithm') ?? '',
    digestValue: text(r.getElementsByTagNameNS('*', 'DigestValue').item(0) ?? undefined) ?? '',
  }));
  const details: SignatureDetails = { references };
  const method = first('SignatureMethod')?.getAttribute('Algorithm');
  const c14n = first('CanonicalizationMethod')?.getAttribute('Algorithm');
  const value = text(first('SignatureValue'));
  if (method) details.signatureAlgorithm = method;
  if (c14n) details.canonicalizationAlgorithm = c14n;
  if (value) details.signatureValue = value;
  return details;
}

function isDsig(element: Element, localName: string): boolean {
  return element.localName === localName && element.namespaceURI === XMLDSIG_NS;
}

function isInside(node: Node, ancestor: Node): boolean {
  for (let n: Node | null = node; n; n = n.parentNode) if (n === ancestor) return true;
  return false;
}
