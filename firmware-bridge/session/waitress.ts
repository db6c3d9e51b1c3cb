import type { Clock, TimerHandle } from '../platform/clock.ts';

/**
 * Waits for a reply frame (after zigbee-herdsman's Waitress). The matcher is registered
 * BEFORE the request is written, so a reply that arrives within the same tick as the write
 * (in-memory links, fast boards) cannot slip past.
 */
export type WaitOutcome<V> = { kind: 'frame'; value: V } | { kind: 'timeout' } | { kind: 'aborted'; reason: 'link-down' | 'cancelled' };

export interface Waiting<V> {
  readonly promise: Promise<WaitOutcome<V>>;
  /** Withdraw the matcher (e.g. the write failed); resolves the promise as cancelled. */
  cancel(): void;
}

interface Waiter<F> {
  id: number;
  match: (frame: F) => unknown;
  settle: (o: WaitOutcome<unknown>) => void;
}

export class Waitress<F> {
  private readonly waiters: Waiter<F>[] = [];
  private nextId = 1;

  constructor(private readonly clock: Clock) {}

  get pending(): number {
    return this.waiters.length;
  }

  /** `match` returns a value for "this is my reply" and `undefined` for "not mine". */
  waitFor<V>(match: (frame: F) => V | undefined, timeoutMs: number): Waiting<V> {
    const id = this.nextId++;
    let timer: TimerHandle | undefined;
    let settle!: (o: WaitOutcome<unknown>) => void;
    const promise = new Promise<WaitOutcome<V>>((resolve) => {
      let done = false;
      settle = (o) => {
        if (done) return;
        done = true;
        if (timer !== undefined) this.clock.clearTimeout(timer);
        this.remove(id);
        resolve(o as WaitOutcome<V>);
      };
    });
    this.waiters.push({ id, match, settle });
    timer = this.clock.setTimeout(() => settle({ kind: 'timeout' }), timeoutMs);
    return { promise, cancel: () => settle({ kind: 'aborted', reason: 'cancelled' }) };
  }

  /** Offer a received frame; the oldest matching waiter takes it. Returns whether one did. */
  deliver(frame: F): boolean {
    for (const w of this.waiters) {
      let value: unknown;
      try {
        value = w.match(frame);
      } catch {
        value = undefined; // a throwing matcher must not break the receive path
      }
      if (value !== undefined) {
        w.settle({ kind: 'frame', value });
        return true;
      }
    }
    return false;
  }

  abortAll(reason: 'link-down' | 'cancelled'): void {
    for (const w of [...this.waiters]) w.settle({ kind: 'aborted', reason });
  }

  private remove(id: number): void {
    const i = this.waiters.findIndex((w) => w.id === id);
    if (i >= 0) this.waiters.splice(i, 1);
  }
}
