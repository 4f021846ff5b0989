import { Injectable } from '@nestjs/common';
import { DataSource, IsNull } from 'typeorm';
import type { ApiKey } from '../../domain/api-key';
import { ApiKeyEntity } from '../../entities/api-key.entity';
import { ApiKeyMapper } from '../../mappers/api-key.mapper';
import { ApiKeyRepository } from '../api-key.repository';
import { TtlCache } from './ttl-cache';

@Injectable()
export class TypeOrmApiKeyRepository extends ApiKeyRepository {
  // Looked up on every API request; disable() clears it, so a disabled key stops working at once here.
  private readonly enabled = new TtlCache<ApiKey>(5_000);

  constructor(private readonly dataSource: DataSource) {
    super();
  }

  private get repo() {
    return this.dataSource.getRepository(ApiKeyEntity);
  }

  async insert(key: ApiKey, keyHash: string): Promise<void> {
    await this.repo.insert(ApiKeyMapper.toEntity(key, keyHash));
  }

  findEnabledByHash(keyHash: string): Promise<ApiKey | undefined> {
    return this.enabled.get(keyHash, async () => {
      const e = await this.repo.findOneBy({ keyHash, disabledAt: IsNull() });
      return e ? ApiKeyMapper.toDomain(e) : undefined;
    });
  }

  async list(): Promise<ApiKey[]> {
    const rows = await this.repo.find({ order: { createdAt: 'ASC' } });
    return rows.map((e) => ApiKeyMapper.toDomain(e));
  }

  async disable(id: string, at: Date): Promise<ApiKey | undefined> {
    await this.repo.update({ id, disabledAt: IsNull() }, { disabledAt: at });
    this.enabled.clear();
    const e = await this.repo.findOneBy({ id });
    return e ? ApiKeyMapper.toDomain(e) : undefined;
  }
}
