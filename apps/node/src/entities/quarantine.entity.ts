import { Column, Entity, PrimaryColumn } from 'typeorm';

@Entity('quarantine')
export class QuarantineEntity {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  @Column({ name: 'agency_code', type: 'text' })
  agencyCode!: string;

  @Column({ name: 'message_id', type: 'text' })
  messageId!: string;

  @Column({ name: 'sender_hint', type: 'text', nullable: true })
  senderHint!: string | null;

  @Column({ name: 'reason_code', type: 'text' })
  reasonCode!: string;

  @Column({ type: 'text' })
  reason!: string;

  @Column({ type: 'bytea' })
  package!: Buffer;

  @Column({ name: 'received_at', type: 'timestamptz' })
  receivedAt!: Date;
}
