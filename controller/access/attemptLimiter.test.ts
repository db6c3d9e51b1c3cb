import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../firmware-bridge/platform/clock.ts';
import { AttemptLimiter, lockDurationMs, NO_LOCK, type LockRecord, type LockStore } from './attemptLimiter.ts';

function memoryStore(): LockStore & { writes: LockRecord[] } {
  const map = new Map<string, LockRecord>();
  const writes: LockRecord[] = [];
  return {
    writes,
    get: (k) => ({ ...(map.get(k) ?? NO_LOCK) }),
    set: (k, r) => {
      map.set(k, { ...r });
      writes.push({ ...r });
    },
  };
}

describe('AttemptLimiter on a clock with fractional milliseconds (property)', () => {
  it('locks exactly when the policy says, never shorter than the lock, and persists whole milliseconds only', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ wait: fc.double({ min: 0, max: 400_000, noNaN: true }), ok: fc.boolean() }), { minLength: 1, maxLength: 40 }),
        fc.double({ min: 0, max: 1e9, noNaN: true }),
        (steps, startMono) => {
          const clock = new ManualClock(Date.UTC(2026, 11, 6, 20, 0, 0) + 0.25, startMono);
          const store = memoryStore();
          const limiter = new AttemptLimiter({ clock, bootId: 'b', trustedNow: () => Math.floor(clock.now()), store });
          // The model: consecutive failures and the monotonic instant the lock began.
          let failures = 0;
          let lockStart: number | undefined;
          let lockMs = 0;
          for (const step of steps) {
            clock.advance(step.wait);
            const status = limiter.status('k');
            const elapsed = lockStart === undefined ? Infinity : clock.monotonic() - lockStart;
            if (elapsed < lockMs) {
              expect(status.locked).toBe(true); // never shorter
            } else if (elapsed >= lockMs + 1) {
              expect(status.locked).toBe(false); // at most one millisecond of rounding longer
            }
            if (status.locked) continue;
            if (step.ok) {
              limiter.succeeded('k');
              failures = 0;
              lockStart = undefined;
              lockMs = 0;
            } else {
              const rec = limiter.failed('k');
              failures += 1;
              expect(rec.failures).toBe(failures);
              expect(rec.lockMs).toBe(lockDurationMs(failures));
              if (rec.lockMs > 0) {
                lockStart = clock.monotonic();
                lockMs = rec.lockMs;
              }
            }
          }
          for (const w of store.writes) {
            for (const v of [w.failures, w.lockMs, w.lockedUntil ?? 0, w.monoUntil ?? 0]) expect(Number.isSafeInteger(v)).toBe(true);
          }
        },
      ),
      { seed: 20261206, numRuns: 300 },
    );
  });

  it('a wall clock jump of a year either way does not change a running lock', () => {
    const clock = new ManualClock();
    const store = memoryStore();
    const limiter = new AttemptLimiter({ clock, bootId: 'b', trustedNow: () => clock.now(), store });
    for (let i = 0; i < 5; i++) limiter.failed('k');
    clock.setWall(clock.now() + 365 * 86_400_000);
    expect(limiter.status('k')).toMatchObject({ locked: true, retryAfterMs: 60_000 });
    clock.setWall(clock.now() - 2 * 365 * 86_400_000);
    clock.advance(59_999);
    expect(limiter.status('k')).toMatchObject({ locked: true, retryAfterMs: 1 });
    clock.advance(1);
    expect(limiter.status('k')).toMatchObject({ locked: false, failures: 5 });
  });
});
