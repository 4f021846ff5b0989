import { Injectable } from '@nestjs/common';
import type { ApiCaller } from '../domain/api-key';
import type { DeliveryEvent } from '../domain/delivery-event';
import type { DocumentRecord } from '../domain/document';
import { DeliveryEventRepository } from '../repositories/delivery-event.repository';
import { DocumentRepository, DocumentScope } from '../repositories/document.repository';
import { agenciesInScope, documentNotFound, isUuid } from './caller-scope';

export interface SentDocumentSummary {
  id: string;
  documentId?: string;
  agency: string;
  recipients: string[];
  code?: string;
  subject?: string;
  /** 0 new, 1 revoke, 2 update, 3 replace. */
  businessDocType?: number;
  /** A revocation, update or replacement: the document it is about. */
  originalId?: string;
  createdAt: string;
}

export interface TimelineEntry {
  /** submitted, published, failed, status; the requests: revoke, update, replace, withdraw (13). */
  event: string;
  statusCode?: string;
  detail?: string;
  /**
   * A request: the revocation, update or replacement document it sent (a withdraw: its status 13).
   * A 15/16: the request it answers.
   */
  relatedId?: string;
  at: string;
}

/** Where one recipient's copy stands: the furthest status it sent back, or how far the bus got it. */
export interface RecipientDelivery {
  code: string;
  state: 'pending' | 'published' | 'failed' | 'status';
  lastStatusCode?: string;
  timeline: TimelineEntry[];
}

export interface SentDocumentDetail extends SentDocumentSummary {
  metadata: Record<string, unknown>;
  deliveries: RecipientDelivery[];
  /** Its revocations, updates and replacements, oldest first. */
  related: SentDocumentSummary[];
}

/** A status package an agency sent: who it went to, and which document it is about. */
export interface SentStatusSummary {
  id: string;
  agency: string;
  recipients: string[];
  statusCode: string;
  /** The DocumentId of the document it answers. */
  documentId?: string;
  code?: string;
  /** The received document it answers (our inbox item), when it was stored. */
  aboutId?: string;
  createdAt: string;
}

const DEFAULT_LIMIT = 100;

@Injectable()
export class SentDocumentsService {
  constructor(
    private readonly documents: DocumentRepository,
    private readonly deliveryEvents: DeliveryEventRepository,
  ) {}

  async list(caller: ApiCaller, agency?: string, limit = DEFAULT_LIMIT): Promise<SentDocumentSummary[]> {
    const records = await this.documents.list(scope(agenciesInScope(caller, agency)), { limit });
    return records.map(summary);
  }

  /** The status packages the caller's agencies sent (answers about documents they received), newest first. */
  async listStatuses(caller: ApiCaller, limit = DEFAULT_LIMIT): Promise<SentStatusSummary[]> {
    const records = await this.documents.list(
      { agencies: caller.agencies, direction: 'outbound', kind: 'status' },
      { limit },
    );
    return records.map((r) => ({
      id: r.uuid,
      agency: r.agencyCode,
      recipients: r.recipients,
      statusCode: r.statusCode ?? '',
      ...(r.documentId !== undefined ? { documentId: r.documentId } : {}),
      ...(r.code !== undefined ? { code: r.code } : {}),
      ...(r.responseForUuid !== undefined ? { aboutId: r.responseForUuid } : {}),
      createdAt: r.createdAt.toISOString(),
    }));
  }

  async get(caller: ApiCaller, id: string): Promise<SentDocumentDetail> {
    const record = await this.find(caller, id);
    const [events, related] = await Promise.all([
      this.deliveryEvents.listFor(record.uuid),
      this.documents.listRelated(record.agencyCode, record.uuid),
    ]);
    const recipients = [...record.recipients, ...events.map((e) => e.recipient)];
    return {
      ...summary(record),
      metadata: record.metadata,
      deliveries: [...new Set(recipients)].map((code) =>
        delivery(
          code,
          events.filter((e) => e.recipient === code),
        ),
      ),
      related: related.map(summary),
    };
  }

  async package(caller: ApiCaller, id: string): Promise<Buffer> {
    const record = await this.find(caller, id);
    const bytes = await this.documents.readPackage(record.uuid);
    if (!bytes) throw documentNotFound();
    return bytes;
  }

  private async find(caller: ApiCaller, id: string): Promise<DocumentRecord> {
    const record = isUuid(id) ? await this.documents.findInScope(id, scope(caller.agencies)) : undefined;
    if (!record) throw documentNotFound();
    return record;
  }
}

function scope(agencies: readonly string[]): DocumentScope {
  return { agencies, direction: 'outbound', kind: 'edoc' };
}

function summary(r: DocumentRecord): SentDocumentSummary {
  return {
    id: r.uuid,
    ...(r.documentId !== undefined ? { documentId: r.documentId } : {}),
    agency: r.agencyCode,
    recipients: r.recipients,
    ...(r.code !== undefined ? { code: r.code } : {}),
    ...(r.subject !== undefined ? { subject: r.subject } : {}),
    ...(r.businessDocType !== undefined ? { businessDocType: r.businessDocType } : {}),
    ...(r.relatedDocumentUuid !== undefined ? { originalId: r.relatedDocumentUuid } : {}),
    createdAt: r.createdAt.toISOString(),
  };
}

const STATUS_RANK: Record<string, number> = {
  '01': 1,
  '02': 1,
  '03': 2,
  '04': 3,
  '05': 4,
  '06': 5,
  '13': 6,
  '15': 7,
  '16': 7,
};

function statusRank(statusCode: string | undefined): number {
  return STATUS_RANK[statusCode ?? ''] ?? 0;
}

function delivery(code: string, events: DeliveryEvent[]): RecipientDelivery {
  // The furthest status, not the latest to arrive: 03 and 06 sent back to back may arrive in
  // either order. Equal ranks (01/02, 15/16) go to the later one. The axis ranks its states alike.
  const lastStatus = events
    .filter((e) => e.event === 'status')
    .reduce<DeliveryEvent | undefined>(
      (best, e) => (!best || statusRank(e.statusCode) >= statusRank(best.statusCode) ? e : best),
      undefined,
    );
  const state: RecipientDelivery['state'] = lastStatus
    ? 'status'
    : events.some((e) => e.event === 'failed')
      ? 'failed'
      : events.some((e) => e.event === 'published')
        ? 'published'
        : 'pending';
  return {
    code,
    state,
    ...(lastStatus?.statusCode !== undefined ? { lastStatusCode: lastStatus.statusCode } : {}),
    timeline: events.map((e) => ({
      event: e.event,
      ...(e.statusCode !== undefined ? { statusCode: e.statusCode } : {}),
      ...(e.detail !== undefined ? { detail: e.detail } : {}),
      ...(e.relatedDocumentUuid !== undefined ? { relatedId: e.relatedDocumentUuid } : {}),
      at: e.occurredAt.toISOString(),
    })),
  };
}
