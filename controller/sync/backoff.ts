/**
 * The sync link's reconnect backoff: jittered, capped exponential ("full jitter" above a floor),
 * so a fleet of points that lost the same broker does not come back in lockstep (REFERENCE S8).
 *
 * One implementation of capped jittered backoff serves the whole point:
 * `firmware-bridge/transport/backoff.ts` (`backoffDelayMs`). This class adds what the sync link
 * needs on top: the attempt counter and a constant floor. "Full jitter above a floor" is that
 * function with a per-attempt jitter of (ceiling - floor) / ceiling: the delay falls anywhere in
 * [floor, ceiling].
 */
import { backoffDelayMs, type BackoffPolicy } from '../../firmware-bridge/transport/backoff.ts';

export interface BackoffOptions {
  /** Lower bound of every delay, ms. */
  floorMs: number;
  /** First ceiling, ms; doubles per failed attempt. */
  baseMs: number;
  /** Hard cap, ms. */
  capMs: number;
}

/**
 * Production default: the first attempt after a loss falls anywhere in [1 s, 60 s], so 1,000
 * points losing the same broker come back at ~17/s instead of all at once (REFERENCE S8); later
 * attempts spread wider, up to 5 min. Offline is normal for a point, so a slower first retry
 * costs little; tests inject tighter values.
 */
export const DEFAULT_BACKOFF: BackoffOptions = { floorMs: 1_000, baseMs: 60_000, capMs: 300_000 };

/** Past this many doublings every ceiling is the cap anyway (and 2^n stays finite). */
const MAX_DOUBLINGS = 30;

export class Backoff {
  private attempt = 0;
  private readonly ceilings: BackoffPolicy;

  constructor(
    private readonly opts: BackoffOptions = DEFAULT_BACKOFF,
    private readonly random: () => number = Math.random,
  ) {
    if (!(opts.floorMs >= 0 && opts.baseMs >= opts.floorMs && opts.capMs >= opts.baseMs)) {
      throw new Error(`backoff: need 0 <= floorMs <= baseMs <= capMs, got ${JSON.stringify(opts)}`);
    }
    this.ceilings = { initialMs: opts.baseMs, factor: 2, maxMs: opts.capMs, jitter: 0 };
  }

  /** Delay before the next attempt; each call counts as one more failure. */
  next(): number {
    const attempt = Math.min(this.attempt, MAX_DOUBLINGS) + 1;
    this.attempt++;
    const ceiling = backoffDelayMs(attempt, this.ceilings, () => 0);
    const jitter = ceiling > 0 ? (ceiling - this.opts.floorMs) / ceiling : 0;
    // backoffDelayMs shaves `jitter * r` off the ceiling; 1 - random() keeps "random 1 = ceiling".
    const r = Math.min(1, Math.max(0, this.random()));
    return Math.max(
      this.opts.floorMs,
      backoffDelayMs(attempt, { ...this.ceilings, jitter }, () => 1 - r),
    );
  }

  attempts(): number {
    return this.attempt;
  }

  /** After a successful connection. */
  reset(): void {
    this.attempt = 0;
  }
}
