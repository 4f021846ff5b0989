/**
 * A few seconds' memory of rows read on every request (the hosted agency, the API key), so the hot
 * paths do not pay a database round trip for them. Writers in this process invalidate at once; the
 * time limit bounds how long a change made elsewhere (another process, a hand edit) goes unseen.
 * Only found rows are kept, so unknown keys cannot grow it.
 */
export class TtlCache<V> {
  private readonly entries = new Map<string, { value: V; until: number }>();
  /** Bumped by every invalidation: a load that started before one is not kept. */
  private generation = 0;

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries = 1_000,
  ) {}

  async get(key: string, load: () => Promise<V | undefined>): Promise<V | undefined> {
    const hit = this.entries.get(key);
    if (hit && hit.until > Date.now()) return hit.value;
    const generation = this.generation;
    const value = await load();
    if (value !== undefined && generation === this.generation) {
      if (this.entries.size >= this.maxEntries) this.entries.clear();
      this.entries.set(key, { value, until: Date.now() + this.ttlMs });
    }
    return value;
  }

  delete(key: string): void {
    this.generation += 1;
    this.entries.delete(key);
  }

  clear(): void {
    this.generation += 1;
    this.entries.clear();
  }
}
