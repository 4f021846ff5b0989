import { Column, Entity, PrimaryColumn } from 'typeorm';

@Entity('agency')
export class AgencyEntity {
  @PrimaryColumn('text')
  code!: string;

  @Column('text')
  name!: string;

  @Column('text', { name: 'parent_code', nullable: true })
  parentCode!: string | null;

  @Column('text', { name: 'node_id', nullable: true })
  nodeId!: string | null;

  @Column('text')
  state!: 'active' | 'suspended';

  @Column('text', { name: 'certificate_serial', nullable: true })
  certificateSerial!: string | null;

  @Column('timestamptz', { name: 'created_at' })
  createdAt!: Date;

  @Column('timestamptz', { name: 'updated_at' })
  updatedAt!: Date;
}
