/**
 * Jittered, capped exponential reconnect backoff ("full jitter" above a floor), so a fleet of
 * points that lost the same broker does not come back in lockstep (REFERENCE S8).
 */
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

export class Backoff {
  private attempt = 0;

  constructor(
    private readonly opts: BackoffOptions = DEFAULT_BACKOFF,
    private readonly random: () => number = Math.random,
  ) {
    if (!(opts.floorMs >= 0 && opts.baseMs >= opts.floorMs && opts.capMs >= opts.baseMs)) {
      throw new Error(`backoff: need 0 <= floorMs <= baseMs <= capMs, got ${JSON.stringify(opts)}`);
    }
  }

  /** Delay before the next attempt; each call counts as one more failure. */
  next(): number {
    const ceiling = Math.min(this.opts.capMs, this.opts.baseMs * 2 ** Math.min(this.attempt, 30));
    this.attempt++;
    const r = Math.min(1, Math.max(0, this.random()));
    return Math.round(this.opts.floorMs + r * (ceiling - this.opts.floorMs));
  }

  attempts(): number {
    return this.attempt;
  }

  /** After a successful connection. */
  reset(): void {
    this.attempt = 0;
  }
}
