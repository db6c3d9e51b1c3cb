/**
 * One task at a time per key (a board address, or a whole half-duplex bus when several
 * boards share it), tasks of different keys run concurrently. FIFO per key; a failing task
 * does not stall the ones behind it.
 */
export class KeyedQueue {
  private readonly tails = new Map<string, { tail: Promise<unknown>; depth: number }>();

  depth(key: string): number {
    return this.tails.get(key)?.depth ?? 0;
  }

  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const entry = this.tails.get(key) ?? { tail: Promise.resolve(), depth: 0 };
    entry.depth++;
    const result = entry.tail.then(task, task);
    const tail = result.then(
      () => undefined,
      () => undefined,
    );
    entry.tail = tail;
    this.tails.set(key, entry);
    void tail.then(() => {
      entry.depth--;
      if (entry.depth === 0 && this.tails.get(key) === entry) this.tails.delete(key);
    });
    return result;
  }
}
