import { Column, Entity, PrimaryColumn } from 'typeorm';

@Entity('delivery')
export class DeliveryEntity {
  @PrimaryColumn('uuid', { name: 'document_uuid' })
  documentUuid!: string;

  @PrimaryColumn('text')
  recipient!: string;

  /** Identity column: the database numbers rows; pages are cut on it. */
  @Column({ type: 'bigint', insert: false, update: false })
  seq!: string;

  @Column('text')
  sender!: string;

  @Column('text', { name: 'document_id', nullable: true })
  documentId!: string | null;

  @Column('text', { name: 'message_id', nullable: true })
  messageId!: string | null;

  @Column('text')
  kind!: string;

  @Column('text')
  state!: string;

  @Column('text', { name: 'status_code', nullable: true })
  statusCode!: string | null;

  @Column('text', { nullable: true })
  detail!: string | null;

  @Column('timestamptz', { name: 'state_occurred_at' })
  stateOccurredAt!: Date;

  @Column('timestamptz', { name: 'created_at' })
  createdAt!: Date;

  @Column('timestamptz', { name: 'updated_at' })
  updatedAt!: Date;
}
