import { Column, Entity, PrimaryColumn } from 'typeorm';

@Entity('trace_event')
export class TraceEventEntity {
  @PrimaryColumn('text', { name: 'event_id' })
  eventId!: string;

  @Column('uuid', { name: 'document_uuid' })
  documentUuid!: string;

  @Column('text', { name: 'document_id', nullable: true })
  documentId!: string | null;

  @Column('text', { name: 'message_id', nullable: true })
  messageId!: string | null;

  @Column('text')
  kind!: string;

  @Column('text')
  sender!: string;

  @Column('text')
  recipient!: string;

  @Column('text')
  event!: string;

  @Column('text', { name: 'status_code', nullable: true })
  statusCode!: string | null;

  @Column('text', { nullable: true })
  detail!: string | null;

  @Column('text', { name: 'node_id' })
  nodeId!: string;

  @Column('timestamptz', { name: 'occurred_at' })
  occurredAt!: Date;

  @Column('timestamptz', { name: 'received_at' })
  receivedAt!: Date;
}
