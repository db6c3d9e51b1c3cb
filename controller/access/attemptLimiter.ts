/**
 * Consecutive-failure lockout that holds on a real clock, across a `kill -9` and across a
 * wall-clock jump (DESIGN principle 7, REFERENCE K1). Used for PINs (per credential) and pickup
 * codes (per point).
 *
 * Policy: after `freeFailures` consecutive failures the key is locked for `baseLockMs`; every
 * further failure doubles the lock, capped at `maxLockMs`. A success resets the count.
 *
 * Time: the lock runs on monotonic time only — the wall clock is never consulted, so setting it
 * forward or back changes nothing. Every persisted value is a whole millisecond (the system clock's
 * monotonic time is fractional; deadlines round up, so rounding never shortens a lock).
 * A record holds the boot it was measured in (controller/platform/bootId.ts):
 *  - same boot (a crash and restart): the monotonic deadline is exact;
 *  - another boot (a power cut, a reboot): how long the point was off is unknown. Monotonic time
 *    counts from boot, so at least `now.mono` has passed since the lock began: the lock is re-armed
 *    to end `lockMs` after this boot began (the latest it could possibly end) and that re-armed
 *    deadline is persisted. A reboot never shortens a lock; at worst it repeats part of one.
 * `lockedUntil` is the trusted wall time the lock ends, for display only.
 */
import type { Clock } from '../../firmware-bridge/platform/clock.ts';

export interface LockoutPolicy {
  freeFailures: number;
  baseLockMs: number;
  maxLockMs: number;
}

export const DEFAULT_LOCKOUT_POLICY: LockoutPolicy = { freeFailures: 5, baseLockMs: 60_000, maxLockMs: 15 * 60_000 };

export interface LockRecord {
  /** Consecutive failures since the last success. */
  failures: number;
  /** Trusted wall time (epoch ms, whole) when the current lock ends; null = no lock. Display only. */
  lockedUntil: number | null;
  /** Full length of the current lock in whole ms (0 = none). */
  lockMs: number;
  /** Boot in which `monoUntil` was measured; null = no lock. */
  bootId: string | null;
  /** Monotonic deadline of the lock in that boot (whole ms, rounded up); null = no lock. */
  monoUntil: number | null;
}

export const NO_LOCK: LockRecord = { failures: 0, lockedUntil: null, lockMs: 0, bootId: null, monoUntil: null };

/** Lock duration after `failures` consecutive failures (0 = no lock). */
export function lockDurationMs(failures: number, policy: LockoutPolicy = DEFAULT_LOCKOUT_POLICY): number {
  if (failures < policy.freeFailures) return 0;
  const doublings = Math.min(failures - policy.freeFailures, 30);
  return Math.min(policy.baseLockMs * 2 ** doublings, policy.maxLockMs);
}

/** Where "now" is, for lock arithmetic. */
export interface LockNow {
  /** Monotonic ms (may be fractional). */
  mono: number;
  bootId: string;
  /** Trusted wall time in whole ms. */
  wall: number;
}

/** The record after one more failure. */
export function afterFailure(prev: LockRecord, now: LockNow, policy: LockoutPolicy = DEFAULT_LOCKOUT_POLICY): LockRecord {
  const failures = Math.max(0, Math.floor(prev.failures)) + 1;
  const lockMs = lockDurationMs(failures, policy);
  if (lockMs === 0) return { ...NO_LOCK, failures };
  return { failures, lockMs, lockedUntil: Math.floor(now.wall) + lockMs, bootId: now.bootId, monoUntil: Math.ceil(now.mono + lockMs) };
}

/**
 * How long `rec` still locks at `now`, and — when the record comes from another boot — the
 * re-armed record to persist.
 */
export function remainingLock(rec: LockRecord, now: LockNow): { remainingMs: number; rearmed?: LockRecord } {
  if (rec.monoUntil === null || rec.lockMs <= 0) return { remainingMs: 0 };
  if (rec.bootId === now.bootId) return { remainingMs: Math.max(0, Math.ceil(rec.monoUntil - now.mono)) };
  const monoUntil = Math.ceil(rec.lockMs);
  const remainingMs = Math.max(0, Math.ceil(monoUntil - now.mono));
  const rearmed: LockRecord = { ...rec, bootId: now.bootId, monoUntil, lockedUntil: Math.floor(now.wall) + remainingMs };
  return { remainingMs, rearmed };
}

/** Persistence of lock records (ledger events in production, a map in tests). */
export interface LockStore {
  get(key: string): LockRecord;
  set(key: string, rec: LockRecord): void;
}

export interface AttemptLimiterDeps {
  clock: Clock;
  bootId: string;
  /** Trusted wall time (whole ms), e.g. TrustedTime.now. */
  trustedNow: () => number;
  store: LockStore;
  policy?: LockoutPolicy;
}

export type LimitStatus = { locked: false; failures: number } | { locked: true; failures: number; retryAfterMs: number };

export class AttemptLimiter {
  readonly policy: LockoutPolicy;

  constructor(private readonly deps: AttemptLimiterDeps) {
    this.policy = deps.policy ?? DEFAULT_LOCKOUT_POLICY;
  }

  status(key: string): LimitStatus {
    const rec = this.deps.store.get(key);
    const { remainingMs, rearmed } = remainingLock(rec, this.now());
    if (rearmed) this.deps.store.set(key, rearmed);
    return remainingMs > 0 ? { locked: true, failures: rec.failures, retryAfterMs: remainingMs } : { locked: false, failures: rec.failures };
  }

  /** Records a failure; returns the new record (its `lockMs` > 0 when this failure locked). */
  failed(key: string): LockRecord {
    const next = afterFailure(this.deps.store.get(key), this.now(), this.policy);
    this.deps.store.set(key, next);
    return next;
  }

  succeeded(key: string): void {
    const rec = this.deps.store.get(key);
    if (rec.failures !== 0 || rec.monoUntil !== null) this.deps.store.set(key, { ...NO_LOCK });
  }

  private now(): LockNow {
    return { mono: this.deps.clock.monotonic(), bootId: this.deps.bootId, wall: Math.floor(this.deps.trustedNow()) };
  }
}
