/** AMQP headers every lienthong message carries, so consumers can route and trace without parsing. */
export const MESSAGE_HEADERS = {
  /** `edoc` or `status`. */
  kind: 'x-lienthong-kind',
  /** Identifier code of the sending agency. */
  from: 'x-lienthong-from',
  /** The sending node's document uuid (the same for every recipient of one document). */
  document: 'x-lienthong-document',
} as const;

export type PackageKind = 'edoc' | 'status';
