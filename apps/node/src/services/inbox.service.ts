import { Injectable, Optional } from '@nestjs/common';
import { AuditLog, UnwiredAuditLog } from '../audit/audit-log';
import { actorOf, statusRecord } from '../audit/audit-records';
import { AppError } from '@lienthong/common';
import type { StaffInfo, StatusCode } from '@lienthong/edxml';
import type { ApiCaller } from '../domain/api-key';
import type { DocumentRecord, StoredAttachment } from '../domain/document';
import { DocumentRepository, DocumentScope } from '../repositories/document.repository';
import { HostedAgencyRepository } from '../repositories/hosted-agency.repository';
import { OutboxRepository } from '../repositories/outbox.repository';
import { Transactor } from '../repositories/transactor';
import { agenciesInScope, documentNotFound, isUuid, notPermitted } from './caller-scope';
import { OutboxSignal } from './outbox-signal';
import { isRequestType } from './package-content';
import { StatusService, StatusTarget } from './status.service';
import { TraceEventFactory } from './trace-event-factory';

export interface InboxItem {
  id: string;
  documentId?: string;
  agency: string;
  sender: string;
  code?: string;
  subject?: string;
  /** 0 new, 1 revoke, 2 update, 3 replace. */
  businessDocType?: number;
  /** A revocation, update or replacement: the received document it is about, when this node has it. */
  originalId?: string;
  receivedAt: string;
  takenAt?: string;
}

/** A status the document's sender sent about it: a 13 asks to give the document back. */
export interface SenderStatus {
  id: string;
  statusCode: string;
  description?: string;
  staffInfo?: StaffInfo;
  receivedAt: string;
}

export interface InboxDocument extends InboxItem {
  packageSha256: string;
  packageSize: number;
  /** From the verified, signed content. */
  metadata: Record<string, unknown>;
  /** The revocations, updates and replacements received for this document, oldest first. */
  related: InboxItem[];
  senderStatuses: SenderStatus[];
}

export interface SentStatus {
  id: string;
  statusCode: string;
  recipient: string;
}

/** Statuses an agency's software may send; 01 and 02 are the node's own, sent on receipt. */
export const BUSINESS_STATUS_CODES = [
  '03',
  '04',
  '05',
  '06',
  '13',
  '15',
  '16',
] as const satisfies readonly StatusCode[];
export type BusinessStatusCode = (typeof BUSINESS_STATUS_CODES)[number];

const DEFAULT_LIMIT = 100;

/** What an agency receives: documents (the inbox proper), and status packages about what it sent. */
export type ReceivedKind = 'edoc' | 'status';

/** Received documents, strictly within the agencies of the caller's key. */
@Injectable()
export class InboxService {
  constructor(
    private readonly documents: DocumentRepository,
    private readonly agencies: HostedAgencyRepository,
    private readonly outbox: OutboxRepository,
    private readonly transactor: Transactor,
    private readonly statuses: StatusService,
    private readonly traces: TraceEventFactory,
    private readonly signal: OutboxSignal,
    @Optional() private readonly audit: AuditLog = new UnwiredAuditLog(),
  ) {}

  async list(
    caller: ApiCaller,
    options: { agency?: string; includeTaken?: boolean; limit?: number; kind?: ReceivedKind } = {},
  ): Promise<InboxItem[]> {
    const records = await this.documents.list(scope(agenciesInScope(caller, options.agency), options.kind), {
      limit: options.limit ?? DEFAULT_LIMIT,
      includeTaken: options.includeTaken ?? false,
    });
    return records.map(item);
  }

  /** How many received items are not taken yet (documents, or status packages). */
  count(caller: ApiCaller, kind: ReceivedKind = 'edoc'): Promise<number> {
    return this.documents.count(scope(caller.agencies, kind), { includeTaken: false });
  }

  async get(caller: ApiCaller, id: string): Promise<InboxDocument> {
    const r = await this.find(caller, id);
    const [related, statuses] = await Promise.all([
      this.documents.listRelated(r.agencyCode, r.uuid),
      this.documents.listStatusesAbout(r.agencyCode, r.uuid, 'inbound'),
    ]);
    return {
      ...item(r),
      packageSha256: r.packageSha256,
      packageSize: r.packageSize,
      metadata: r.metadata,
      related: related.map(item),
      senderStatuses: statuses.map(senderStatus),
    };
  }

  async package(caller: ApiCaller, id: string, kind: ReceivedKind = 'edoc'): Promise<Buffer> {
    const r = await this.find(caller, id, kind);
    const bytes = await this.documents.readPackage(r.uuid);
    if (!bytes) throw documentNotFound();
    return bytes;
  }

  async attachment(caller: ApiCaller, id: string, index: number): Promise<StoredAttachment> {
    const r = await this.find(caller, id);
    const attachment =
      Number.isSafeInteger(index) && index >= 0
        ? await this.documents.readAttachment(r.uuid, index)
        : undefined;
    if (!attachment) throw documentNotFound();
    return attachment;
  }

  /**
   * Idempotent: the first call records the time and emits `taken`; later ones change nothing. A
   * received status package (`kind` status) is only marked: the axis tracks documents, not statuses.
   */
  async markTaken(caller: ApiCaller, id: string, kind: ReceivedKind = 'edoc'): Promise<InboxItem> {
    const r = await this.find(caller, id, kind);
    const now = new Date();
    const first = await this.transactor.run(async (tx) => {
      const changed = await this.documents.markTaken(tx, r.uuid, now);
      if (changed && kind === 'edoc') {
        await this.outbox.enqueue(tx, [
          this.traces.message({
            event: 'taken',
            documentUuid: r.senderDocumentUuid ?? r.uuid,
            ...(r.documentId !== undefined ? { documentId: r.documentId } : {}),
            ...(r.messageId !== undefined ? { messageId: r.messageId } : {}),
            kind: 'edoc',
            sender: r.sender,
            recipient: r.agencyCode,
            occurredAt: now,
          }),
        ]);
      }
      const about = kind === 'edoc' ? r.uuid : r.responseForUuid;
      if (changed) {
        await this.audit.append(
          [
            {
              action: 'document.taken',
              actor: actorOf.apiKey(caller),
              agency: r.agencyCode,
              documentId: about ?? null,
              details: {
                kind,
                ...(kind === 'status' ? { statusUuid: r.uuid, statusCode: r.statusCode ?? null } : {}),
              },
              time: now,
            },
          ],
          tx,
        );
      }
      return changed;
    });
    if (first) this.signal.wake();
    return item(first ? { ...r, takenAt: now } : { ...r, takenAt: r.takenAt ?? now });
  }

  async sendStatus(
    caller: ApiCaller,
    id: string,
    status: { statusCode: BusinessStatusCode; description?: string; staffInfo?: StaffInfo },
  ): Promise<SentStatus> {
    const r = await this.find(caller, id);
    await this.assertApplicable(r, status.statusCode);
    const agency = await this.agencies.findActive(r.agencyCode);
    if (!agency) throw notPermitted(r.agencyCode);
    const prepared = this.statuses.prepare(agency, statusTarget(r), status);
    await this.transactor.run(async (tx) => {
      await this.statuses.enqueue(tx, prepared);
      await this.audit.append(
        [
          statusRecord('status.sent', {
            actor: actorOf.apiKey(caller),
            agency: r.agencyCode,
            aboutUuid: r.uuid,
            statusUuid: prepared.document.uuid,
            statusCode: status.statusCode,
            from: r.agencyCode,
            to: r.sender,
            packageBytes: prepared.document.package,
          }),
        ],
        tx,
      );
    });
    this.signal.wake();
    return { id: prepared.document.uuid, statusCode: status.statusCode, recipient: r.sender };
  }

  /**
   * 13 is the sender's request to take a document back (it travels sender → recipient, as in the
   * SDK's sample), not a recipient's status. 15/16 answer a request: a revocation, update or
   * replacement, or a 13 the sender sent about this document.
   */
  private async assertApplicable(r: DocumentRecord, statusCode: BusinessStatusCode): Promise<void> {
    if (statusCode === '13') {
      throw AppError.invalid(
        'STATUS_NOT_APPLICABLE',
        "13 (withdrawn) is the sender's request to take its document back: the sender sends it with POST /api/v1/documents/sent/:id/withdraw",
      );
    }
    if (statusCode !== '15' && statusCode !== '16') return;
    if (isRequestType(r.businessDocType)) return;
    const statuses = await this.documents.listStatusesAbout(r.agencyCode, r.uuid, 'inbound');
    if (statuses.some((s) => s.statusCode === '13')) return;
    throw AppError.invalid(
      'STATUS_NOT_APPLICABLE',
      `${statusCode} answers a revocation, update or replacement (BussinessDocType 1, 2, 3) or a withdrawal request (13); this document is none of these`,
      { businessDocType: r.businessDocType ?? 0 },
    );
  }

  private async find(caller: ApiCaller, id: string, kind: ReceivedKind = 'edoc'): Promise<DocumentRecord> {
    const record = isUuid(id)
      ? await this.documents.findInScope(id, scope(caller.agencies, kind))
      : undefined;
    if (!record) throw documentNotFound();
    return record;
  }
}

function scope(agencies: readonly string[], kind: ReceivedKind = 'edoc'): DocumentScope {
  return { agencies, direction: 'inbound', kind };
}

function item(r: DocumentRecord): InboxItem {
  return {
    id: r.uuid,
    ...(r.documentId !== undefined ? { documentId: r.documentId } : {}),
    agency: r.agencyCode,
    sender: r.sender,
    ...(r.code !== undefined ? { code: r.code } : {}),
    ...(r.subject !== undefined ? { subject: r.subject } : {}),
    ...(r.businessDocType !== undefined ? { businessDocType: r.businessDocType } : {}),
    ...(r.relatedDocumentUuid !== undefined ? { originalId: r.relatedDocumentUuid } : {}),
    receivedAt: (r.receivedAt ?? r.createdAt).toISOString(),
    ...(r.takenAt ? { takenAt: r.takenAt.toISOString() } : {}),
  };
}

function senderStatus(r: DocumentRecord): SenderStatus {
  const header = (r.metadata.messageHeader ?? {}) as { description?: string; staffInfo?: StaffInfo };
  return {
    id: r.uuid,
    statusCode: r.statusCode ?? '',
    ...(header.description !== undefined ? { description: header.description } : {}),
    ...(header.staffInfo !== undefined ? { staffInfo: header.staffInfo } : {}),
    receivedAt: (r.receivedAt ?? r.createdAt).toISOString(),
  };
}

function statusTarget(r: DocumentRecord): StatusTarget {
  const header = (r.metadata.messageHeader ?? {}) as { promulgationInfo?: { promulgationDate?: string } };
  return {
    sender: r.sender,
    documentId: r.documentId ?? '',
    ...(r.code !== undefined ? { code: r.code } : {}),
    ...(header.promulgationInfo?.promulgationDate
      ? { promulgationDate: header.promulgationInfo.promulgationDate }
      : {}),
    senderDocumentUuid: r.senderDocumentUuid ?? r.uuid,
    inboundUuid: r.uuid,
  };
}
