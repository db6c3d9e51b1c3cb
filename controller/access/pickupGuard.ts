/**
 * The brute-force guard of pickup codes (issue 9, REFERENCE K1), one per point:
 *  - 5 consecutive wrong codes lock the keypad for 60 s, doubling to 15 min (AttemptLimiter);
 *  - at most 100 failures per hour per point: the 101st within an hour is refused until the
 *    oldest failure is an hour old;
 *  - an alarm at 10 failures within an hour (cleared when the hour has fewer again).
 * Failures are kept as monotonic stamps with the boot id and persisted with every change as one
 * `pickup.guard` ledger event, so the counters survive a restart and ignore wall-clock jumps:
 * on the same boot the stamps are exact; after a reboot they are aged by the lower bound
 * "at least the time since boot has passed" (like the replay window), never made younger.
 */
import type { Clock } from '../../firmware-bridge/platform/clock.ts';
import { AttemptLimiter, NO_LOCK, type LockoutPolicy, type LockRecord } from './attemptLimiter.ts';

export interface PickupGuardPolicy {
  lockout: LockoutPolicy;
  maxFailuresPerHour: number;
  alarmFailuresPerHour: number;
  windowMs: number;
}

export const DEFAULT_PICKUP_POLICY: PickupGuardPolicy = {
  lockout: { freeFailures: 5, baseLockMs: 60_000, maxLockMs: 15 * 60_000 },
  maxFailuresPerHour: 100,
  alarmFailuresPerHour: 10,
  windowMs: 3_600_000,
};

/** What is persisted (the `pickup.guard` event's payload). */
export interface PickupGuardState extends LockRecord {
  /** Boot of the stamps. */
  hourBootId: string | null;
  /** Monotonic whole-ms stamps of the failures of the last hour, oldest first. */
  stamps: number[];
}

export const NO_GUARD_STATE: PickupGuardState = { ...NO_LOCK, hourBootId: null, stamps: [] };

export interface PickupGuardAlarms {
  raise(key: string, alarm: { source: 'access'; kind: string; severity: 'warning' | 'critical'; reason: string }): void;
  clear(key: string, reason: string): void;
}

export interface PickupGuardDeps {
  clock: Clock;
  bootId: string;
  trustedNow: () => number;
  /** The last persisted state (from the ledger), and how to persist a new one. */
  load: () => PickupGuardState;
  save: (state: PickupGuardState) => void;
  alarms?: PickupGuardAlarms;
  policy?: PickupGuardPolicy;
}

const KEY = 'pickup';
export const PICKUP_ALARM_KEY = 'access:pickup-guessing';

export class PointPickupGuard {
  private state: PickupGuardState;
  private readonly limiter: AttemptLimiter;
  private readonly policy: PickupGuardPolicy;
  private alarmed = false;

  constructor(private readonly deps: PickupGuardDeps) {
    this.policy = deps.policy ?? DEFAULT_PICKUP_POLICY;
    this.state = rebase(deps.load(), deps.bootId, deps.clock.monotonic(), this.policy.windowMs);
    this.limiter = new AttemptLimiter({
      clock: deps.clock,
      bootId: deps.bootId,
      trustedNow: deps.trustedNow,
      policy: this.policy.lockout,
      store: {
        get: () => ({
          failures: this.state.failures,
          lockedUntil: this.state.lockedUntil,
          lockMs: this.state.lockMs,
          bootId: this.state.bootId,
          monoUntil: this.state.monoUntil,
        }),
        set: (_key, rec) => this.persist({ ...this.state, ...rec }),
      },
    });
  }

  check(): { allowed: true } | { allowed: false; retryAfterMs: number } {
    const lock = this.limiter.status(KEY);
    const hourly = this.hourlyWaitMs();
    const wait = Math.max(lock.locked ? lock.retryAfterMs : 0, hourly);
    return wait > 0 ? { allowed: false, retryAfterMs: wait } : { allowed: true };
  }

  failed(): void {
    const now = Math.floor(this.deps.clock.monotonic());
    this.state = { ...this.state, hourBootId: this.deps.bootId, stamps: [...this.recentStamps(), now].slice(-this.policy.maxFailuresPerHour) };
    this.limiter.failed(KEY); // persists the state with the stamps
    this.updateAlarm();
  }

  succeeded(): void {
    this.limiter.succeeded(KEY);
  }

  /** Failures within the last hour. */
  failuresThisHour(): number {
    return this.recentStamps().length;
  }

  private hourlyWaitMs(): number {
    const stamps = this.recentStamps();
    if (stamps.length < this.policy.maxFailuresPerHour) return 0;
    const oldest = stamps[stamps.length - this.policy.maxFailuresPerHour]!;
    return Math.max(1, Math.ceil(oldest + this.policy.windowMs - this.deps.clock.monotonic()));
  }

  private recentStamps(): number[] {
    const from = this.deps.clock.monotonic() - this.policy.windowMs;
    return this.state.stamps.filter((s) => s > from);
  }

  private updateAlarm(): void {
    const n = this.failuresThisHour();
    if (!this.alarmed && n >= this.policy.alarmFailuresPerHour) {
      this.alarmed = true;
      this.deps.alarms?.raise(PICKUP_ALARM_KEY, {
        source: 'access',
        kind: 'pickup-guessing',
        severity: 'critical',
        reason: `${n} wrong pickup codes within an hour`,
      });
    } else if (this.alarmed && n < this.policy.alarmFailuresPerHour) {
      this.alarmed = false;
      this.deps.alarms?.clear(PICKUP_ALARM_KEY, 'fewer wrong pickup codes within the last hour');
    }
  }

  private persist(next: PickupGuardState): void {
    this.state = next;
    this.deps.save(next);
  }
}

/**
 * Stamps of another boot are moved onto this boot's timeline: their age is at least
 * (that boot's newest stamp − stamp) + now.mono (time since boot), so they become
 * `stamp − newest` (≤ 0) on this timeline: never younger than they can be.
 */
export function rebase(state: PickupGuardState, bootId: string, monoNow: number, windowMs: number): PickupGuardState {
  if (state.hourBootId === null || state.hourBootId === bootId || state.stamps.length === 0) return state;
  const newest = Math.max(...state.stamps);
  const stamps = state.stamps.map((s) => s - newest).filter((s) => s > monoNow - windowMs);
  return { ...state, hourBootId: bootId, stamps };
}
