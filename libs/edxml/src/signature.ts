import { elementChildren } from './dom';

export const XMLDSIG_NAMESPACE = 'http://www.w3.org/2000/09/xmldsig#';

/**
 * What kind of signature a package carries. The parser only looks; libs/pki verifies. `legacy`
 * means "present but not something we can verify", with the reason for a person to read.
 */
export type SignaturePresence = { kind: 'none' } | { kind: 'xmldsig' } | { kind: 'legacy'; reason: string };

/**
 * Finds the package's signature where producers put it: in edXMLHeader after the TraceHeaderList
 * (the standard's place), or directly in the envelope or the root.
 */
export function detectSignature(root: Element): SignaturePresence {
  const envelope =
    root.localName === 'edXMLEnvelope'
      ? root
      : elementChildren(root).find((e) => e.localName === 'edXMLEnvelope');
  const header = envelope && elementChildren(envelope).find((e) => e.localName === 'edXMLHeader');
  const candidates = [...new Set([header, envelope, root])].flatMap((parent) =>
    parent
      ? elementChildren(parent).filter(
          (e) => e.localName === 'Signature' || e.localName === 'DigitalSignature',
        )
      : [],
  );
  const signature = candidates[0];
  if (!signature) return { kind: 'none' };

  if (signature.localName === 'DigitalSignature') {
    const empty = elementChildren(signature).length === 0 && (signature.textContent ?? '').trim() === '';
    return {
      kind: 'legacy',
      reason: empty
        ? 'an empty DigitalSignature placeholder, not a signature'
        : 'a DigitalSignature element, which is not an XML Signature',
    };
  }
  if (signature.namespaceURI !== XMLDSIG_NAMESPACE) {
    return {
      kind: 'legacy',
      reason: `a Signature element outside the XML Signature namespace (${XMLDSIG_NAMESPACE})`,
    };
  }
  const signedInfo = childNamed(signature, 'SignedInfo');
  if (!signedInfo) return { kind: 'legacy', reason: 'a Signature with no SignedInfo' };
  const method = childNamed(signedInfo, 'SignatureMethod')?.getAttribute('Algorithm') ?? '';
  if (/sha1$/i.test(method)) {
    return {
      kind: 'legacy',
      reason: `a Signature made with ${method.replace(/^.*#/, '')} (SHA-1 is no longer accepted)`,
    };
  }
  return { kind: 'xmldsig' };
}

function childNamed(parent: Element, localName: string): Element | undefined {
  return elementChildren(parent).find(
    (e) => e.localName === localName && e.namespaceURI === XMLDSIG_NAMESPACE,
  );
}
