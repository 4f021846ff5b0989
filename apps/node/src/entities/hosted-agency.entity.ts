import { Column, Entity, PrimaryColumn } from 'typeorm';

@Entity('hosted_agency')
export class HostedAgencyEntity {
  @PrimaryColumn({ type: 'text' })
  code!: string;

  @Column({ type: 'text' })
  name!: string;

  @Column({ name: 'key_pem', type: 'text' })
  keyPem!: string;

  @Column({ name: 'certificate_pem', type: 'text' })
  certificatePem!: string;

  @Column({ name: 'ca_certificate_pem', type: 'text' })
  caCertificatePem!: string;

  @Column({ type: 'text' })
  state!: string;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
