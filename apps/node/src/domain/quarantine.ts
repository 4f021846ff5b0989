/** A received message that failed parsing or verification, kept (never dropped) for operators. */
export interface NewQuarantineEntry {
  id: string;
  agencyCode: string;
  messageId: string;
  /** The `x-lienthong-from` header: unverified, only a hint. */
  senderHint?: string;
  reasonCode: string;
  reason: string;
  package: Buffer;
}
