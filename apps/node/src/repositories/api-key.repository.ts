import type { ApiKey } from '../domain/api-key';

export abstract class ApiKeyRepository {
  abstract insert(key: ApiKey, keyHash: string): Promise<void>;
  /** Only keys not disabled. */
  abstract findEnabledByHash(keyHash: string): Promise<ApiKey | undefined>;
  abstract list(): Promise<ApiKey[]>;
  /** Idempotent; undefined when there is no such key. */
  abstract disable(id: string, at: Date): Promise<ApiKey | undefined>;
}
