import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Received items a connector's software reported with updateStatus `fail`, for operators. */
@Entity('vdxp_failure')
export class VdxpFailureEntity {
  @PrimaryColumn({ name: 'document_uuid', type: 'uuid' })
  documentUuid!: string;

  @Column({ name: 'agency_code', type: 'text' })
  agencyCode!: string;

  @Column({ name: 'system_id', type: 'text' })
  systemId!: string;

  @Column({ type: 'text' })
  reason!: string;

  @Column({ name: 'reported_at', type: 'timestamptz' })
  reportedAt!: Date;
}
