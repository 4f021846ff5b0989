export type TrustCacheName = 'ca' | 'crl' | 'directory';

/** The last good copy of what the axis publishes, so a restart while the axis is down can still verify. */
export abstract class TrustCacheRepository {
  abstract load(): Promise<Partial<Record<TrustCacheName, string>>>;
  abstract save(name: TrustCacheName, content: string, at: Date): Promise<void>;
}
