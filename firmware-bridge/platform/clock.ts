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
  /**
   * Monotonic milliseconds; never goes back; may be fractional. Use for elapsed time and
   * deadlines. The system clock counts from the machine's boot (CLOCK_MONOTONIC), so two
   * processes of the same boot (a crash and restart, not a reboot) share one timeline: a
   * deadline persisted with its boot id stays exact across a `kill -9` (see bootId.ts in
   * controller/platform).
   */
  monotonic(): number;
  setTimeout(fn: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
}

export function createSystemClock(): Clock {
  return {
    now: () => Date.now(),
    // process.hrtime is CLOCK_MONOTONIC on Linux: milliseconds since boot, shared by every
    // process of this boot (performance.now() would restart at 0 in each process).
    monotonic: () => Number(process.hrtime.bigint()) / 1e6,
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

  /**
   * `startMonoMs` lets a test model a restart on the same boot: a new clock whose monotonic
   * time continues where the previous process's stopped (plus the downtime).
   */
  constructor(startWallMs = Date.UTC(2026, 10, 21, 10, 0, 0), startMonoMs = 0) {
    this.wall = startWallMs;
    this.mono = startMonoMs;
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
      const due = this.timers.filter((t) => t.at <= target).sort((a, b) => a.at - b.at || a.id - b.id)[0];
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
