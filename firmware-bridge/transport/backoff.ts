/**
 * Capped, jittered exponential backoff (shape after SignalK's serial reconnect, with a lower
 * cap: a lock link must be back within 5 s of the cable coming back).
 *
 *   delay(attempt) = min(maxMs, initialMs * factor^(attempt-1)) * (1 - jitter * random())
 *
 * so every delay is <= maxMs and >= (1 - jitter) of the un-jittered value; the jitter spreads
 * reconnects of many points after a shared outage.
 */
export interface BackoffPolicy {
  initialMs: number;
  factor: number;
  maxMs: number;
  /** 0..1: fraction of the delay that may be shaved off at random. */
  jitter: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { initialMs: 250, factor: 2, maxMs: 4000, jitter: 0.25 };

export function validateBackoff(policy: BackoffPolicy): BackoffPolicy {
  const { initialMs, factor, maxMs, jitter } = policy;
  if (!(Number.isFinite(initialMs) && initialMs >= 0)) throw new RangeError(`backoff initialMs must be >= 0, got ${initialMs}`);
  if (!(Number.isFinite(factor) && factor >= 1)) throw new RangeError(`backoff factor must be >= 1, got ${factor}`);
  if (!(Number.isFinite(maxMs) && maxMs >= initialMs)) throw new RangeError(`backoff maxMs must be >= initialMs, got ${maxMs}`);
  if (!(jitter >= 0 && jitter <= 1)) throw new RangeError(`backoff jitter must be within 0..1, got ${jitter}`);
  return policy;
}

/** Delay before reconnect attempt number `attempt` (1-based). `random` returns [0, 1). */
export function backoffDelayMs(attempt: number, policy: BackoffPolicy, random: () => number): number {
  const exp = Math.max(0, attempt - 1);
  const base = Math.min(policy.maxMs, policy.initialMs * Math.pow(policy.factor, exp));
  const r = Math.min(1, Math.max(0, random()));
  return Math.round(base * (1 - policy.jitter * r));
}
