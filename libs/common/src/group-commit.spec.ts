import { GroupCommit } from './group-commit';

function deferred<T>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

describe('GroupCommit', () => {
  it('writes a lone item at once, and what arrives meanwhile in the next batch', async () => {
    const gate = deferred<void>();
    const batches: number[][] = [];
    const commit = new GroupCommit<number, string>(async (items) => {
      batches.push(items);
      if (batches.length === 1) await gate.promise;
      return items.map((i) => `ok ${i}`);
    }, 10);

    const first = commit.submit(1);
    await new Promise((r) => setImmediate(r));
    const rest = [2, 3, 4].map((i) => commit.submit(i));
    gate.resolve();

    await expect(first).resolves.toBe('ok 1');
    await expect(Promise.all(rest)).resolves.toEqual(['ok 2', 'ok 3', 'ok 4']);
    expect(batches).toEqual([[1], [2, 3, 4]]);
  });

  it('joins what arrives in the same turn, and never exceeds the batch size', async () => {
    const batches: number[][] = [];
    const commit = new GroupCommit<number, number>(async (items) => {
      batches.push(items);
      return items;
    }, 3);
    await Promise.all([1, 2, 3, 4, 5].map((i) => commit.submit(i)));
    expect(batches).toEqual([
      [1, 2, 3],
      [4, 5],
    ]);
  });

  it('fails the whole batch when the write fails, and goes on with the next', async () => {
    let calls = 0;
    const commit = new GroupCommit<number, number>(async (items) => {
      calls += 1;
      if (calls === 1) throw new Error('database is down');
      return items;
    }, 10);
    const failed = [commit.submit(1), commit.submit(2)];
    await expect(Promise.all(failed)).rejects.toThrow('database is down');
    await expect(failed[1]).rejects.toThrow('database is down');
    await expect(commit.submit(3)).resolves.toBe(3);
  });

  it("writes one message's items together with what else waits, answering each in order", async () => {
    const batches: string[][] = [];
    const commit = new GroupCommit<string, string>(async (items) => {
      batches.push(items);
      return items.map((i) => `stored ${i}`);
    }, 10);
    const [alone, message, after] = await Promise.all([
      commit.submit('a'),
      commit.submitAll(['b1', 'b2', 'b3']),
      commit.submit('c'),
    ]);
    expect([alone, after]).toEqual(['stored a', 'stored c']);
    expect(message).toEqual(['stored b1', 'stored b2', 'stored b3']);
    expect(batches).toEqual([['a', 'b1', 'b2', 'b3', 'c']]);
  });

  it('answers a message once all its items are written, even when the batch size cuts it in two', async () => {
    const batches: number[][] = [];
    const commit = new GroupCommit<number, number>(async (items) => {
      batches.push(items);
      return items.map((i) => i * 10);
    }, 2);
    await expect(commit.submitAll([1, 2, 3])).resolves.toEqual([10, 20, 30]);
    expect(batches).toEqual([[1, 2], [3]]);
  });

  it('fails a message when the write of any of its items fails', async () => {
    const commit = new GroupCommit<number, number>(async (items) => {
      if (items.includes(3)) throw new Error('database is down');
      return items;
    }, 2);
    await expect(commit.submitAll([1, 2, 3])).rejects.toThrow('database is down');
  });

  it('refuses a write that answers for the wrong number of items', async () => {
    const commit = new GroupCommit<number, number>(async () => [], 10);
    await expect(commit.submit(1)).rejects.toThrow('0 results for 1 items');
  });
  it('keeps up to `concurrency` writes in flight, each with the batch that was waiting', async () => {
    const gates = [deferred<void>(), deferred<void>()];
    const batches: number[][] = [];
    let inFlight = 0;
    let mostInFlight = 0;
    const commit = new GroupCommit<number, number>(
      async (items) => {
        const gate = gates[batches.length];
        batches.push(items);
        inFlight += 1;
        mostInFlight = Math.max(mostInFlight, inFlight);
        if (gate) await gate.promise;
        inFlight -= 1;
        return items;
      },
      10,
      2,
    );
    const first = commit.submit(1);
    await new Promise((r) => setImmediate(r));
    const second = commit.submit(2);
    await new Promise((r) => setImmediate(r));
    // Both writers are busy: these wait, and go together in the first write to finish.
    const rest = [3, 4, 5].map((i) => commit.submit(i));
    await new Promise((r) => setImmediate(r));
    expect(batches).toEqual([[1], [2]]);
    gates[1].resolve();
    await expect(second).resolves.toBe(2);
    await expect(Promise.all(rest)).resolves.toEqual([3, 4, 5]);
    expect(batches).toEqual([[1], [2], [3, 4, 5]]);
    gates[0].resolve();
    await expect(first).resolves.toBe(1);
    expect(mostInFlight).toBe(2);
  });

  it('refuses a concurrency below one', () => {
    expect(() => new GroupCommit<number, number>(async (items) => items, 10, 0)).toThrow(RangeError);
  });
});
