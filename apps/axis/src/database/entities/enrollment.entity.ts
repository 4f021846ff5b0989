import { Column, Entity, PrimaryColumn } from 'typeorm';

@Entity('enrollment')
export class EnrollmentEntity {
  @PrimaryColumn('uuid')
  id!: string;

  @Column('text', { name: 'agency_code' })
  agencyCode!: string;

  /** SHA-256 (hex) of the token. */
  @Column('text', { name: 'token_hash' })
  tokenHash!: string;

  @Column('timestamptz', { name: 'created_at' })
  createdAt!: Date;

  @Column('timestamptz', { name: 'expires_at' })
  expiresAt!: Date;

  @Column('timestamptz', { name: 'used_at', nullable: true })
  usedAt!: Date | null;

  @Column('text', { name: 'used_by_node', nullable: true })
  usedByNode!: string | null;

  @Column('text', { name: 'certificate_serial', nullable: true })
  certificateSerial!: string | null;
}
