export interface XmlLimits {
  /** Largest accepted document, in bytes of UTF-8. */
  maxBytes: number;
  /** Deepest accepted element nesting. */
  maxDepth: number;
  /** Most attributes accepted on one element (guards quadratic attribute checks). */
  maxAttributesPerElement: number;
}

/**
 * Generous enough for a package carrying large scanned attachments, small enough that one request
 * cannot exhaust a node. Deployments tune these through configuration.
 */
export const DEFAULT_XML_LIMITS: Readonly<XmlLimits> = Object.freeze({
  maxBytes: 64 * 1024 * 1024,
  maxDepth: 48,
  maxAttributesPerElement: 64,
});
