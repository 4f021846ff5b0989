import type { ApiKey } from '../domain/api-key';
import { ApiKeyEntity } from '../entities/api-key.entity';

export const ApiKeyMapper = {
  toDomain(e: ApiKeyEntity): ApiKey {
    return {
      id: e.id,
      name: e.name,
      agencies: e.agencies,
      ...(e.disabledAt ? { disabledAt: e.disabledAt } : {}),
      createdAt: e.createdAt,
    };
  },

  toEntity(key: ApiKey, keyHash: string): ApiKeyEntity {
    return Object.assign(new ApiKeyEntity(), {
      id: key.id,
      name: key.name,
      keyHash,
      agencies: key.agencies,
      disabledAt: key.disabledAt ?? null,
      createdAt: key.createdAt,
    });
  },
};
