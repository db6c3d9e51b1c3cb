/**
 * Recently granted credentials (REFERENCE D8: reuse within 60 s is denied). Monotonic time,
 * bounded size; oldest entries are dropped first. At start it is seeded from the ledger
 * (replaySeed.ts), so a crash or power cut does not forget a grant.
 */

/** A grant from before this start that still blocks its credential for `remainingMs`. */
export interface ReplaySeed {
  credentialId: string;
  remainingMs: number;
}

export class ReplayWindow {
  private readonly seen = new Map<string, number>();

  constructor(
    readonly windowMs = 60_000,
    private readonly maxEntries = 10_000,
  ) {}

  /** Milliseconds until `credentialId` may be used again (0 = now). */
  remainingMs(credentialId: string, monoNow: number): number {
    this.prune(monoNow);
    const at = this.seen.get(credentialId);
    return at === undefined ? 0 : Math.max(0, at + this.windowMs - monoNow);
  }

  /** Adds grants remembered from before this start (any order). */
  seed(seeds: readonly ReplaySeed[], monoNow: number): void {
    const live = seeds.filter((s) => s.remainingMs > 0).sort((a, b) => a.remainingMs - b.remainingMs);
    for (const s of live) this.record(s.credentialId, monoNow - (this.windowMs - Math.min(s.remainingMs, this.windowMs)));
  }

  record(credentialId: string, monoNow: number): void {
    this.seen.delete(credentialId);
    this.seen.set(credentialId, monoNow);
    while (this.seen.size > this.maxEntries) {
      const oldest = this.seen.keys().next().value;
      if (oldest === undefined) break;
      this.seen.delete(oldest);
    }
  }

  forget(credentialId: string): void {
    this.seen.delete(credentialId);
  }

  get size(): number {
    return this.seen.size;
  }

  private prune(monoNow: number): void {
    for (const [id, at] of this.seen) {
      if (at + this.windowMs > monoNow) break;
      this.seen.delete(id);
    }
  }
}
