import { Column, Entity, PrimaryColumn } from 'typeorm';

@Entity('crl')
export class CrlEntity {
  /** bigint: pg hands it over as a string. */
  @PrimaryColumn('bigint')
  number!: string;

  @Column('text')
  pem!: string;

  @Column('timestamptz', { name: 'this_update' })
  thisUpdate!: Date;

  @Column('timestamptz', { name: 'next_update' })
  nextUpdate!: Date;
}
