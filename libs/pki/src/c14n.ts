import { ExclusiveCanonicalization, SignedXml } from 'xml-crypto';

/**
 * xml-crypto's exclusive C14N (without comments) of an element, leaving out one subtree: for the
 * whole document that is the enveloped-signature transform followed by exc-c14n, computed without
 * cloning or changing the DOM. The options are the ones xml-crypto's SignedXml passes for a
 * `URI=""` reference and for SignedInfo, so the bytes are the ones its `checkSignature` digests.
 */
export function exclusiveC14n(element: Element, omit: Node | null = null): string {
  return new OmittingExclusiveC14n(omit).process(element, {
    defaultNsForPrefix: SignedXml.defaultNsForPrefix,
    inclusiveNamespacesPrefixList: [],
    ancestorNamespaces: [],
  });
}

class OmittingExclusiveC14n extends ExclusiveCanonicalization {
  constructor(private readonly omit: Node | null) {
    super();
  }

  override processInner(
    node: Node,
    prefixesInScope: unknown,
    defaultNs: unknown,
    defaultNsForPrefix: unknown,
    inclusiveNamespacesPrefixList: string[],
  ): string {
    if (node === this.omit) return '';
    return super.processInner(
      node,
      prefixesInScope,
      defaultNs,
      defaultNsForPrefix,
      inclusiveNamespacesPrefixList,
    );
  }
}
