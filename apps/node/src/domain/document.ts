import type { PackageKind } from '@lienthong/protocol';

export type Direction = 'outbound' | 'inbound';

/** What an attachment is, without its bytes (those live in the attachment table). */
export interface AttachmentInfo {
  index: number;
  contentId: string;
  name: string;
  contentType: string;
  description?: string;
  size: number;
}

/**
 * The signed content as JSON (packageToJson without attachment bytes): what the API shows, read
 * once from the verified content so no later read has to trust the stored bytes again.
 */
export type DocumentMetadata = Record<string, unknown>;

export interface NewDocument {
  uuid: string;
  direction: Direction;
  kind: PackageKind;
  /** The hosted agency: sender of an outbound document, recipient of an inbound one. */
  agencyCode: string;
  sender: string;
  recipients: string[];
  documentId?: string;
  /** Inbound only: the bus message id, unique per agency (de-duplication). */
  messageId?: string;
  /** Inbound only: the sending node's document uuid (header), so trace events correlate at the axis. */
  senderDocumentUuid?: string;
  /** A status package: the document of ours it answers (outbound statuses: the inbound document). */
  responseForUuid?: string;
  /** BussinessDocType: 0 new, 1 revoke, 2 update, 3 replace (absent for statuses). */
  businessDocType?: number;
  /**
   * A revocation, update or replacement: the document it is about. Outbound: our original;
   * inbound: the received original it names (by DocumentId and sender), when this node has it.
   */
  relatedDocumentUuid?: string;
  statusCode?: string;
  code?: string;
  subject?: string;
  metadata: DocumentMetadata;
  /** The signed package exactly as sent or received. */
  package: Buffer;
  receivedAt?: Date;
}

/** A stored document without its package bytes. */
export interface DocumentRecord extends Omit<NewDocument, 'package'> {
  packageSha256: string;
  packageSize: number;
  takenAt?: Date;
  createdAt: Date;
}

export interface StoredAttachment extends AttachmentInfo {
  data: Buffer;
}
