import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { TrustCacheEntity } from '../../entities/trust-cache.entity';
import { TrustCacheName, TrustCacheRepository } from '../trust-cache.repository';

@Injectable()
export class TypeOrmTrustCacheRepository extends TrustCacheRepository {
  constructor(private readonly dataSource: DataSource) {
    super();
  }

  async load(): Promise<Partial<Record<TrustCacheName, string>>> {
    const rows = await this.dataSource.getRepository(TrustCacheEntity).find();
    return Object.fromEntries(rows.map((r) => [r.name, r.content]));
  }

  async save(name: TrustCacheName, content: string, at: Date): Promise<void> {
    await this.dataSource.getRepository(TrustCacheEntity).upsert({ name, content, fetchedAt: at }, ['name']);
  }
}
