import { Injectable } from '@nestjs/common';
import { DataSource, IsNull } from 'typeorm';
import type { ApiKey } from '../../domain/api-key';
import { ApiKeyEntity } from '../../entities/api-key.entity';
import { ApiKeyMapper } from '../../mappers/api-key.mapper';
import { ApiKeyRepository } from '../api-key.repository';

@Injectable()
export class TypeOrmApiKeyRepository extends ApiKeyRepository {
  constructor(private readonly dataSource: DataSource) {
    super();
  }

  private get repo() {
    return this.dataSource.getRepository(ApiKeyEntity);
  }

  async insert(key: ApiKey, keyHash: string): Promise<void> {
    await this.repo.insert(ApiKeyMapper.toEntity(key, keyHash));
  }

  async findEnabledByHash(keyHash: string): Promise<ApiKey | undefined> {
    const e = await this.repo.findOneBy({ keyHash, disabledAt: IsNull() });
    return e ? ApiKeyMapper.toDomain(e) : undefined;
  }

  async list(): Promise<ApiKey[]> {
    const rows = await this.repo.find({ order: { createdAt: 'ASC' } });
    return rows.map((e) => ApiKeyMapper.toDomain(e));
  }

  async disable(id: string, at: Date): Promise<ApiKey | undefined> {
    await this.repo.update({ id, disabledAt: IsNull() }, { disabledAt: at });
    const e = await this.repo.findOneBy({ id });
    return e ? ApiKeyMapper.toDomain(e) : undefined;
  }
}
