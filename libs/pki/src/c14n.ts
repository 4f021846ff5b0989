import { createHash } from 'crypto';
import { ExclusiveCanonicalization, SignedXml } from 'xml-crypto';

/**
 * xml-crypto's exclusive C14N (without comments) of an element, leaving out one subtree: for the
 * whole document that is the enveloped-signature transform followed by exc-c14n, computed without
 * cloning or changing the DOM. The options are the ones xml-crypto's SignedXml passes for a
 * `URI=""` reference and for SignedInfo, so the bytes are the ones its `checkSignature` digests.
 */
export function exclusiveC14n(element: Element, omit: Node | null = null): string {
  const parts: string[] = [];
  canonicalize(element, omit, (chunk) => parts.push(chunk));
  return parts.join('');
}

/** Flushes pieces to the hash in blocks of about this many UTF-16 code units. */
const HASH_BLOCK = 64 * 1024;

/**
 * The digest of `exclusiveC14n(element, omit)` in UTF-8, computed as the canonical form is
 * produced: the whole form is never held in memory (for a 50 MB package it would be 100 MB or more).
 */
export function exclusiveC14nDigest(element: Element, omit: Node | null, algorithm: string): Buffer {
  const hash = createHash(algorithm);
  let block: string[] = [];
  let size = 0;
  const flush = () => {
    if (block.length > 0) hash.update(block.join(''), 'utf8');
    block = [];
    size = 0;
  };
  canonicalize(element, omit, (chunk) => {
    if (chunk.length >= HASH_BLOCK) {
      flush();
      hash.update(chunk, 'utf8');
      return;
    }
    block.push(chunk);
    size += chunk.length;
    if (size >= HASH_BLOCK) flush();
  });
  flush();
  return hash.digest();
}

function canonicalize(element: Element, omit: Node | null, emit: (chunk: string) => void): void {
  new StreamingExclusiveC14n(omit, emit).process(element, {
    defaultNsForPrefix: SignedXml.defaultNsForPrefix,
    inclusiveNamespacesPrefixList: [],
    ancestorNamespaces: [],
  });
}

const ELEMENT_NODE = 1;
const COMMENT_NODE = 8;
const TEXT_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '\r': '&#xD;' };

/**
 * xml-crypto's ExclusiveCanonicalization with its output written piece by piece instead of
 * returned: the original joins the output of every element's children into a new string at every
 * level, so the text of a large attachment was copied once per ancestor. Namespaces, attributes
 * and comments are rendered by the original's own methods; text is escaped as its
 * `encodeSpecialCharactersInText` does. The tests compare the result with xml-crypto's own.
 */
class StreamingExclusiveC14n extends ExclusiveCanonicalization {
  constructor(
    private readonly omit: Node | null,
    private readonly emit: (chunk: string) => void,
  ) {
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
    if (node.nodeType === COMMENT_NODE) {
      this.emit(this.renderComment(node as Comment));
      return '';
    }
    const data = (node as CharacterData).data;
    if (data) {
      this.emit(data.replace(/[&<>\r]/g, (c) => TEXT_ESCAPES[c]));
      return '';
    }
    if (node.nodeType === ELEMENT_NODE) {
      const element = node as Element;
      const ns = this.renderNs(
        element,
        prefixesInScope as string[],
        defaultNs as string,
        defaultNsForPrefix as Record<string, string>,
        inclusiveNamespacesPrefixList,
      ) as { rendered: string; newDefaultNs: string };
      this.emit(`<${element.tagName}${ns.rendered}${this.renderAttrs(element)}>`);
      const children = element.childNodes;
      for (let i = 0; i < children.length; ++i) {
        this.processInner(
          children[i],
          (prefixesInScope as unknown[]).slice(0),
          ns.newDefaultNs,
          defaultNsForPrefix,
          inclusiveNamespacesPrefixList,
        );
      }
      this.emit(`</${element.tagName}>`);
      return '';
    }
    throw new Error(`Unable to exclusive canonicalize node type: ${node.nodeType}`);
  }
}
