import { Column, Entity, PrimaryColumn } from 'typeorm';

@Entity('trust_cache')
export class TrustCacheEntity {
  @PrimaryColumn({ type: 'text' })
  name!: string;

  @Column({ type: 'text' })
  content!: string;

  @Column({ name: 'fetched_at', type: 'timestamptz' })
  fetchedAt!: Date;
}
