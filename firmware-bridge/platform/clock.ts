/**
 * Time as an injected dependency. Every layer may import this file (firmware-bridge is the
 * lowest layer), so one Clock shape serves serial timeouts, debouncing, state machines and
 * the ledger. Production code gets `createSystemClock()` from its composition root; tests get
 * a `ManualClock` and move time explicitly instead of sleeping.
 *
 * The shape is compatible with XState v5's `clock` actor option.
 */
export type TimerHandle = unknown;

export interface Clock {
  /** Wall-clock milliseconds since the epoch. May jump (the Pi has no RTC). */
  now(): number;
  /** Monotonic milliseconds; never goes back. Use for elapsed time and deadlines. */
  monotonic(): number;
  setTimeout(fn: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
}

export function createSystemClock(): Clock {
  return {
    now: () => Date.now(),
    monotonic: () => performance.now(),
    setTimeout: (fn, ms) => setTimeout(fn, ms),
    clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
  };
}

interface PendingTimer {
  id: number;
  at: number;
  fn: () => void;
}

/** A clock for tests: time moves only when `advance` is called; timers fire in order. */
export class ManualClock implements Clock {
  private wall: number;
  private mono = 0;
  private nextId = 1;
  private timers: PendingTimer[] = [];

  constructor(startWallMs = Date.UTC(2026, 10, 21, 10, 0, 0)) {
    this.wall = startWallMs;
  }

  now(): number {
    return this.wall;
  }

  monotonic(): number {
    return this.mono;
  }

  /** Set the wall clock (e.g. simulate a clock jump) without moving monotonic time. */
  setWall(ms: number): void {
    this.wall = ms;
  }

  setTimeout(fn: () => void, ms: number): TimerHandle {
    const id = this.nextId++;
    this.timers.push({ id, at: this.mono + Math.max(0, ms), fn });
    return id;
  }

  clearTimeout(handle: TimerHandle): void {
    this.timers = this.timers.filter((t) => t.id !== handle);
  }

  pendingTimers(): number {
    return this.timers.length;
  }

  /** Move time forward, firing every timer that falls due, in due order. */
  advance(ms: number): void {
    const target = this.mono + ms;
    for (;;) {
      const due = this.timers
        .filter((t) => t.at <= target)
        .sort((a, b) => a.at - b.at || a.id - b.id)[0];
      if (!due) break;
      this.timers = this.timers.filter((t) => t.id !== due.id);
      this.wall += due.at - this.mono;
      this.mono = due.at;
      due.fn();
    }
    this.wall += target - this.mono;
    this.mono = target;
  }
}
