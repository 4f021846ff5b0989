import { Column, Entity, PrimaryColumn } from 'typeorm';

@Entity('document')
export class DocumentEntity {
  @PrimaryColumn({ type: 'uuid' })
  uuid!: string;

  @Column({ type: 'text' })
  direction!: string;

  @Column({ type: 'text' })
  kind!: string;

  @Column({ name: 'agency_code', type: 'text' })
  agencyCode!: string;

  @Column({ type: 'text' })
  sender!: string;

  @Column({ type: 'text', array: true })
  recipients!: string[];

  @Column({ name: 'document_id', type: 'text', nullable: true })
  documentId!: string | null;

  @Column({ name: 'message_id', type: 'text', nullable: true })
  messageId!: string | null;

  @Column({ name: 'sender_document_uuid', type: 'text', nullable: true })
  senderDocumentUuid!: string | null;

  @Column({ name: 'response_for_uuid', type: 'uuid', nullable: true })
  responseForUuid!: string | null;

  @Column({ name: 'related_document_uuid', type: 'uuid', nullable: true })
  relatedDocumentUuid!: string | null;

  @Column({ name: 'business_doc_type', type: 'smallint', nullable: true })
  businessDocType!: number | null;

  @Column({ name: 'status_code', type: 'text', nullable: true })
  statusCode!: string | null;

  @Column({ type: 'text', nullable: true })
  code!: string | null;

  @Column({ type: 'text', nullable: true })
  subject!: string | null;

  @Column({ type: 'jsonb' })
  metadata!: Record<string, unknown>;

  // Never loaded with the row: listing documents must not pull megabytes of packages.
  @Column({ type: 'bytea', select: false })
  package!: Buffer;

  @Column({ name: 'package_sha256', type: 'text' })
  packageSha256!: string;

  @Column({ name: 'package_size', type: 'integer' })
  packageSize!: number;

  @Column({ name: 'received_at', type: 'timestamptz', nullable: true })
  receivedAt!: Date | null;

  @Column({ name: 'taken_at', type: 'timestamptz', nullable: true })
  takenAt!: Date | null;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
