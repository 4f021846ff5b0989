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
  businessDocType?: number;
  createdAt: string;
}

export interface TimelineEntry {
  event: string;
  statusCode?: string;
  detail?: string;
  at: string;
}

/** Where one recipient's copy stands: its last status code, or how far the bus got it. */
export interface RecipientDelivery {
  code: string;
  state: 'pending' | 'published' | 'failed' | 'status';
  lastStatusCode?: string;
  timeline: TimelineEntry[];
}

export interface SentDocumentDetail extends SentDocumentSummary {
  metadata: Record<string, unknown>;
  deliveries: RecipientDelivery[];
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

  async get(caller: ApiCaller, id: string): Promise<SentDocumentDetail> {
    const record = await this.find(caller, id);
    const events = await this.deliveryEvents.listFor(record.uuid);
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
    createdAt: r.createdAt.toISOString(),
  };
}

function delivery(code: string, events: DeliveryEvent[]): RecipientDelivery {
  const statuses = events.filter((e) => e.event === 'status');
  const lastStatus = statuses[statuses.length - 1];
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
      at: e.occurredAt.toISOString(),
    })),
  };
}
