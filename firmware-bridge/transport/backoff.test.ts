import { describe, expect, it } from 'vitest';
import { backoffDelayMs, DEFAULT_BACKOFF, validateBackoff } from './backoff.ts';

describe('capped jittered backoff', () => {
  it('grows exponentially and never exceeds the cap, whatever the random source says', () => {
    const p = { initialMs: 100, factor: 2, maxMs: 1000, jitter: 0 };
    expect([1, 2, 3, 4, 5, 10, 100].map((a) => backoffDelayMs(a, p, () => 0))).toEqual([100, 200, 400, 800, 1000, 1000, 1000]);
    for (const r of [0, 0.5, 0.999999, 1, 7, -3]) {
      for (let a = 1; a < 40; a++) expect(backoffDelayMs(a, DEFAULT_BACKOFF, () => r)).toBeLessThanOrEqual(DEFAULT_BACKOFF.maxMs);
    }
  });

  it('jitter shaves at most the jitter fraction off', () => {
    const p = { initialMs: 1000, factor: 1, maxMs: 1000, jitter: 0.25 };
    expect(backoffDelayMs(1, p, () => 0)).toBe(1000);
    expect(backoffDelayMs(1, p, () => 0.999999)).toBe(750);
  });

  it('default cap keeps a reconnect within 5 s of the cable coming back', () => {
    expect(DEFAULT_BACKOFF.maxMs).toBeLessThan(5000);
  });

  it('rejects nonsense policies with a clear error', () => {
    expect(() => validateBackoff({ initialMs: -1, factor: 2, maxMs: 10, jitter: 0 })).toThrow(/initialMs/);
    expect(() => validateBackoff({ initialMs: 10, factor: 0.5, maxMs: 10, jitter: 0 })).toThrow(/factor/);
    expect(() => validateBackoff({ initialMs: 10, factor: 2, maxMs: 5, jitter: 0 })).toThrow(/maxMs/);
    expect(() => validateBackoff({ initialMs: 10, factor: 2, maxMs: 50, jitter: 2 })).toThrow(/jitter/);
  });
});
