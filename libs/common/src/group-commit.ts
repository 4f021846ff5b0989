interface Waiting<T, R> {
  item: T;
  resolve: (result: R) => void;
  reject: (error: unknown) => void;
}

/**
 * Group commit: items that arrive while a write is in flight go together in the next one, so
 * under load one transaction carries many items, and alone an item waits for no timer. With
 * `concurrency` above 1, that many writes may be in flight at once (each a batch of its own):
 * one slow write then holds back only what joined its batch.
 */
export class GroupCommit<T, R> {
  private waiting: Waiting<T, R>[] = [];
  private writers = 0;

  /** `write` answers one result per item, in order. */
  constructor(
    private readonly write: (items: T[]) => Promise<R[]>,
    private readonly maxBatch: number,
    private readonly concurrency = 1,
  ) {
    if (!Number.isInteger(maxBatch) || maxBatch < 1) throw new RangeError('maxBatch must be ≥ 1');
    if (!Number.isInteger(concurrency) || concurrency < 1) {
      throw new RangeError('concurrency must be ≥ 1');
    }
  }

  submit(item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.waiting.push({ item, resolve, reject });
      if (this.writers < this.concurrency) {
        this.writers += 1;
        // setImmediate: the rest of what one socket read delivered joins the first batch.
        setImmediate(() => void this.drain());
      }
    });
  }

  /**
   * Items that stand or fall together (the events of one message): queued in one go, so they share
   * a write with each other and with what else is waiting, unless the batch size cuts them in two.
   * One result per item, in order, once every one is written.
   */
  submitAll(items: readonly T[]): Promise<R[]> {
    return Promise.all(items.map((item) => this.submit(item)));
  }

  private async drain(): Promise<void> {
    try {
      while (this.waiting.length > 0) {
        const batch = this.waiting.splice(0, this.maxBatch);
        try {
          const results = await this.write(batch.map((w) => w.item));
          if (results.length !== batch.length) {
            throw new Error(`group commit: ${results.length} results for ${batch.length} items`);
          }
          batch.forEach((w, i) => w.resolve(results[i]));
        } catch (error) {
          batch.forEach((w) => w.reject(error));
        }
      }
    } finally {
      this.writers -= 1;
    }
  }
}
