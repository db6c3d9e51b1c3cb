/**
 * PIN lockout policy (REFERENCE K1): after 5 wrong PINs the credential is locked for 60 s; every
 * further wrong PIN doubles the lock, capped at 15 min. A correct PIN resets the count.
 *
 * The lock is stored as a wall-clock deadline (AccessState.setPinLockout) so a restart does not
 * reset it. Wall clocks jump on a Pi without RTC, so:
 *  - a stored deadline further away than the maximum lock (clock went back) is treated as
 *    "locked for the maximum from now" and re-stored, so a backwards jump costs at most 15 min;
 *  - the decider also keeps a monotonic deadline in memory, so a forward jump while running
 *    does not end a lock early.
 */
import type { PinLockout } from './ports.ts';

export interface LockoutPolicy {
  freeFailures: number;
  baseLockMs: number;
  maxLockMs: number;
}

export const DEFAULT_LOCKOUT_POLICY: LockoutPolicy = { freeFailures: 5, baseLockMs: 60_000, maxLockMs: 15 * 60_000 };

/** Lock duration after `failures` consecutive wrong PINs (0 = no lock). */
export function lockDurationMs(failures: number, policy: LockoutPolicy = DEFAULT_LOCKOUT_POLICY): number {
  if (failures < policy.freeFailures) return 0;
  const doublings = Math.min(failures - policy.freeFailures, 30);
  return Math.min(policy.baseLockMs * 2 ** doublings, policy.maxLockMs);
}

/** The lockout record after one more wrong PIN at wall time `nowMs`. */
export function afterFailure(prev: PinLockout, nowMs: number, policy: LockoutPolicy = DEFAULT_LOCKOUT_POLICY): PinLockout {
  const failures = Math.max(0, Math.floor(prev.failures)) + 1;
  const lock = lockDurationMs(failures, policy);
  return { failures, lockedUntil: lock > 0 ? nowMs + lock : null };
}

export const NO_LOCKOUT: PinLockout = { failures: 0, lockedUntil: null };
