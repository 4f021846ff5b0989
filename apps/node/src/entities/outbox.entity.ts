import { Column, Entity, PrimaryColumn } from 'typeorm';

@Entity('outbox')
export class OutboxEntity {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  @Column({ type: 'text' })
  exchange!: string;

  @Column({ name: 'routing_key', type: 'text' })
  routingKey!: string;

  @Column({ type: 'text' })
  kind!: string;

  @Column({ name: 'document_uuid', type: 'uuid', nullable: true })
  documentUuid!: string | null;

  @Column({ type: 'text', nullable: true })
  recipient!: string | null;

  @Column({ type: 'bytea', nullable: true })
  payload!: Buffer | null;

  @Column({ type: 'jsonb' })
  headers!: Record<string, string>;

  @Column({ name: 'trace_context', type: 'jsonb', nullable: true })
  traceContext!: Record<string, unknown> | null;

  @Column({ type: 'text' })
  state!: string;

  @Column({ type: 'integer' })
  attempts!: number;

  @Column({ name: 'last_error', type: 'text', nullable: true })
  lastError!: string | null;

  @Column({ name: 'next_attempt_at', type: 'timestamptz' })
  nextAttemptAt!: Date;

  @Column({ name: 'lease_until', type: 'timestamptz', nullable: true })
  leaseUntil!: Date | null;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'sent_at', type: 'timestamptz', nullable: true })
  sentAt!: Date | null;
}
