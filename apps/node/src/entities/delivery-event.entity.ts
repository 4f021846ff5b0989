import { Column, Entity, PrimaryColumn } from 'typeorm';

@Entity('delivery_event')
export class DeliveryEventEntity {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  @Column({ name: 'document_uuid', type: 'uuid' })
  documentUuid!: string;

  @Column({ type: 'text' })
  recipient!: string;

  @Column({ type: 'text' })
  event!: string;

  @Column({ name: 'status_code', type: 'text', nullable: true })
  statusCode!: string | null;

  @Column({ type: 'text', nullable: true })
  detail!: string | null;

  @Column({ name: 'message_id', type: 'text', nullable: true })
  messageId!: string | null;

  @Column({ name: 'related_document_uuid', type: 'uuid', nullable: true })
  relatedDocumentUuid!: string | null;

  @Column({ name: 'occurred_at', type: 'timestamptz' })
  occurredAt!: Date;
}
