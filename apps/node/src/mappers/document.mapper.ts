import type { PackageKind } from '@lienthong/protocol';
import type { Direction, DocumentRecord, NewDocument, StoredAttachment } from '../domain/document';
import { AttachmentEntity } from '../entities/attachment.entity';
import { DocumentEntity } from '../entities/document.entity';
import { packageSha256 } from '../domain/package-digest';

const opt = <T>(value: T | null): T | undefined => (value === null ? undefined : value);

/** A document row as plain SQL returns it (snake_case, without the package). */
export interface DocumentRow {
  uuid: string;
  direction: string;
  kind: string;
  agency_code: string;
  sender: string;
  recipients: string[];
  document_id: string | null;
  message_id: string | null;
  sender_document_uuid: string | null;
  response_for_uuid: string | null;
  related_document_uuid: string | null;
  business_doc_type: number | null;
  status_code: string | null;
  code: string | null;
  subject: string | null;
  metadata: Record<string, unknown>;
  package_sha256: string;
  package_size: number;
  received_at: Date | null;
  taken_at: Date | null;
  created_at: Date;
}

export const DocumentMapper = {
  toRecord(e: DocumentEntity): DocumentRecord {
    return {
      uuid: e.uuid,
      direction: e.direction as Direction,
      kind: e.kind as PackageKind,
      agencyCode: e.agencyCode,
      sender: e.sender,
      recipients: e.recipients,
      documentId: opt(e.documentId),
      messageId: opt(e.messageId),
      senderDocumentUuid: opt(e.senderDocumentUuid),
      responseForUuid: opt(e.responseForUuid),
      businessDocType: opt(e.businessDocType),
      relatedDocumentUuid: opt(e.relatedDocumentUuid),
      statusCode: opt(e.statusCode),
      code: opt(e.code),
      subject: opt(e.subject),
      metadata: e.metadata,
      packageSha256: e.packageSha256,
      packageSize: e.packageSize,
      receivedAt: opt(e.receivedAt),
      takenAt: opt(e.takenAt),
      createdAt: e.createdAt,
    };
  },

  rowToRecord(r: DocumentRow): DocumentRecord {
    return {
      uuid: r.uuid,
      direction: r.direction as Direction,
      kind: r.kind as PackageKind,
      agencyCode: r.agency_code,
      sender: r.sender,
      recipients: r.recipients,
      documentId: opt(r.document_id),
      messageId: opt(r.message_id),
      senderDocumentUuid: opt(r.sender_document_uuid),
      responseForUuid: opt(r.response_for_uuid),
      businessDocType: opt(r.business_doc_type),
      relatedDocumentUuid: opt(r.related_document_uuid),
      statusCode: opt(r.status_code),
      code: opt(r.code),
      subject: opt(r.subject),
      metadata: r.metadata,
      packageSha256: r.package_sha256,
      packageSize: r.package_size,
      receivedAt: opt(r.received_at),
      takenAt: opt(r.taken_at),
      createdAt: r.created_at,
    };
  },

  toEntity(d: NewDocument, createdAt: Date): DocumentEntity {
    return Object.assign(new DocumentEntity(), {
      uuid: d.uuid,
      direction: d.direction,
      kind: d.kind,
      agencyCode: d.agencyCode,
      sender: d.sender,
      recipients: d.recipients,
      documentId: d.documentId ?? null,
      messageId: d.messageId ?? null,
      senderDocumentUuid: d.senderDocumentUuid ?? null,
      responseForUuid: d.responseForUuid ?? null,
      businessDocType: d.businessDocType ?? null,
      relatedDocumentUuid: d.relatedDocumentUuid ?? null,
      statusCode: d.statusCode ?? null,
      code: d.code ?? null,
      subject: d.subject ?? null,
      metadata: d.metadata,
      package: d.package,
      packageSha256: packageSha256(d.package),
      packageSize: d.package.length,
      receivedAt: d.receivedAt ?? null,
      takenAt: null,
      createdAt,
    });
  },

  attachmentToEntity(documentUuid: string, a: StoredAttachment): AttachmentEntity {
    return Object.assign(new AttachmentEntity(), {
      documentUuid,
      index: a.index,
      contentId: a.contentId,
      name: a.name,
      contentType: a.contentType,
      description: a.description ?? null,
      size: a.size,
      data: a.data,
    });
  },

  attachmentToDomain(e: AttachmentEntity): StoredAttachment {
    return {
      index: e.index,
      contentId: e.contentId,
      name: e.name,
      contentType: e.contentType,
      ...(e.description !== null ? { description: e.description } : {}),
      size: e.size,
      data: e.data,
    };
  },
};
