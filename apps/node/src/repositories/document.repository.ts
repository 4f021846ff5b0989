import type { AuditRecord } from '@lienthong/audit';
import type { NewDeliveryEvent } from '../domain/delivery-event';
import type { DocumentRecord, NewDocument, StoredAttachment } from '../domain/document';
import type { NewOutboxMessage } from '../domain/outbox';
import type { Tx } from './transactor';

export type InsertResult = 'inserted' | 'duplicate';

export interface DocumentScope {
  /** Only documents of these hosted agencies: the caller's. */
  agencies: readonly string[];
  direction: 'outbound' | 'inbound';
  kind: 'edoc' | 'status';
}

export interface ListOptions {
  limit: number;
  /** Inbox only: include documents already taken. */
  includeTaken?: boolean;
}

/**
 * A document with what belongs to its sending or arrival: stored all together, or (when the
 * document's unique keys find it already stored) not at all.
 */
export interface DocumentWrite {
  document: NewDocument;
  attachments?: StoredAttachment[];
  /** Further documents, e.g. the signed status 01 answering a received document. */
  documents?: NewDocument[];
  outbox?: NewOutboxMessage[];
  events?: NewDeliveryEvent[];
  /** Audit entries of this step, appended to the chain in the same statement (only if stored). */
  audit?: AuditRecord[];
}

/** One of our sent packages, as a received status sees it. */
export type SentPackage = Pick<
  DocumentRecord,
  'uuid' | 'recipients' | 'businessDocType' | 'relatedDocumentUuid'
>;

export abstract class DocumentRepository {
  /**
   * 'duplicate' when the unique keys say it is already there: an inbound message id seen before
   * for that agency (stored, or quarantined), or an outbound DocumentId the agency already sent.
   */
  abstract insert(tx: Tx, document: NewDocument, attachments: StoredAttachment[]): Promise<InsertResult>;
  /**
   * A DocumentWrite as one atomic statement, on its own (one round trip, one commit: the hot
   * paths, submit and inbound, use it) or in `tx`. 'duplicate' as for insert(), nothing stored.
   */
  abstract store(write: DocumentWrite, tx?: Tx): Promise<InsertResult>;
  abstract hasInboundMessage(agencyCode: string, messageId: string): Promise<boolean>;
  /**
   * Every document the agency sent with this DocumentId, oldest first: the original, then the
   * revocations and updates repeating its DocumentId. Statuses find what they answer among them.
   */
  abstract listSentByDocumentId(agencyCode: string, documentId: string): Promise<DocumentRecord[]>;
  /** The same documents, only what a received status needs to find the one it answers. */
  abstract listSentPackages(agencyCode: string, documentId: string): Promise<SentPackage[]>;
  /**
   * The document (new or replacement, not a revocation or update repeating its DocumentId) the
   * agency received from `sender` with this DocumentId; the first one if it came more than once.
   */
  abstract findReceivedOriginal(
    agencyCode: string,
    sender: string,
    documentId: string,
  ): Promise<DocumentRecord | undefined>;
  /** The revocations, updates and replacements linked to one of the agency's documents, oldest first. */
  abstract listRelated(agencyCode: string, uuid: string): Promise<DocumentRecord[]>;
  /** Status packages about one of the agency's documents, in one direction, oldest first. */
  abstract listStatusesAbout(
    agencyCode: string,
    uuid: string,
    direction: 'outbound' | 'inbound',
  ): Promise<DocumentRecord[]>;
  /** undefined both when it does not exist and when it is outside the scope: callers cannot tell. */
  abstract findInScope(uuid: string, scope: DocumentScope): Promise<DocumentRecord | undefined>;
  abstract list(scope: DocumentScope, options: ListOptions): Promise<DocumentRecord[]>;
  /** How many documents list() would return without a limit. */
  abstract count(scope: DocumentScope, options: Omit<ListOptions, 'limit'>): Promise<number>;
  abstract readPackage(uuid: string): Promise<Buffer | undefined>;
  abstract readAttachment(uuid: string, index: number): Promise<StoredAttachment | undefined>;
  /** true the first time only, so the `taken` trace event is emitted once. */
  abstract markTaken(tx: Tx, uuid: string, at: Date): Promise<boolean>;
}
