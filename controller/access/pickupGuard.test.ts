import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../firmware-bridge/platform/clock.ts';
import { NO_GUARD_STATE, PICKUP_ALARM_KEY, PointPickupGuard, type PickupGuardState } from './pickupGuard.ts';

function harness(start?: { clock?: ManualClock; bootId?: string; saved?: PickupGuardState }) {
  const clock = start?.clock ?? new ManualClock();
  let saved: PickupGuardState = start?.saved ?? { ...NO_GUARD_STATE };
  const alarms: string[] = [];
  const guard = new PointPickupGuard({
    clock,
    bootId: start?.bootId ?? 'boot-a',
    trustedNow: () => Math.floor(clock.now()),
    load: () => saved,
    save: (s) => (saved = structuredClone(s)),
    alarms: { raise: (k) => alarms.push(`raise ${k}`), clear: (k) => alarms.push(`clear ${k}`) },
  });
  return { clock, guard, alarms, saved: () => saved };
}

/** Guesses as fast as the guard allows, waiting out each refusal; returns the accepted guesses. */
function guess(h: ReturnType<typeof harness>, n: number): { accepted: number; refusals: number } {
  let accepted = 0;
  let refusals = 0;
  while (accepted < n) {
    const gate = h.guard.check();
    if (!gate.allowed) {
      refusals++;
      h.clock.advance(gate.retryAfterMs + 0.3);
      continue;
    }
    h.guard.failed();
    accepted++;
  }
  return { accepted, refusals };
}

describe('pickup-code guard (5 in a row lock 60 s doubling to 15 min, ≤ 100 per hour, alarm at 10 per hour)', () => {
  it('1,000 wrong codes: the fifth locks for 60 s, then 120, 240, 480, 900 s; never more than 100 failures in any hour; the alarm fires at the tenth', () => {
    const h = harness();
    const stampsAt: number[] = [];
    const locks: number[] = [];
    for (let i = 0; i < 1000; i++) {
      for (;;) {
        const gate = h.guard.check();
        if (gate.allowed) break;
        if (locks.length < 6) locks.push(gate.retryAfterMs);
        h.clock.advance(gate.retryAfterMs + 0.3);
      }
      h.guard.failed();
      stampsAt.push(h.clock.monotonic());
      if (i === 8) expect(h.alarms).toEqual([]);
      if (i === 9) expect(h.alarms).toEqual([`raise ${PICKUP_ALARM_KEY}`]);
    }
    // deadlines round up to the next whole millisecond: never shorter, at most 1 ms longer
    [60_000, 120_000, 240_000, 480_000, 900_000].forEach((ms, i) => expect(locks[i]! - ms).toBeGreaterThanOrEqual(0));
    [60_000, 120_000, 240_000, 480_000, 900_000].forEach((ms, i) => expect(locks[i]! - ms).toBeLessThanOrEqual(1));
    for (let i = 100; i < stampsAt.length; i++) expect(stampsAt[i]! - stampsAt[i - 100]!).toBeGreaterThanOrEqual(3_600_000);
  });

  it('the right code works after the lockout ends and resets the consecutive count', () => {
    const h = harness();
    guess(h, 5);
    const gate = h.guard.check();
    expect(gate).toMatchObject({ allowed: false, retryAfterMs: 60_000 });
    h.clock.advance(60_000);
    expect(h.guard.check()).toEqual({ allowed: true });
    h.guard.succeeded();
    guess(h, 4);
    expect(h.guard.check()).toEqual({ allowed: true });
  });

  it('counters survive a restart and a wall-clock jump of a year either way', () => {
    const first = harness();
    guess(first, 5); // locked 60 s
    first.clock.advance(10_000);
    for (const jump of [365 * 86_400_000, -365 * 86_400_000]) {
      const clock = new ManualClock(first.clock.now() + jump, first.clock.monotonic()); // same boot, wall clock jumped
      const again = harness({ clock, saved: first.saved() });
      expect(again.guard.check()).toMatchObject({ allowed: false, retryAfterMs: 50_000 });
      expect(again.guard.failuresThisHour()).toBe(5);
    }
  });

  it('after a reboot the hour still counts the failures before it, aged only by the time since boot', () => {
    const saved: PickupGuardState = { ...NO_GUARD_STATE, failures: 0, hourBootId: 'boot-a', stamps: [0, 1000, 2000, 3000, 4000, 5000, 6000, 7000, 8000, 9000] };
    // Up 5 s after the boot: every failure is at most (9 s + 5 s) old as far as anyone can know.
    expect(harness({ clock: new ManualClock(Date.UTC(2027, 0, 1), 5_000), bootId: 'boot-b', saved }).guard.failuresThisHour()).toBe(10);
    // Up 3,595 s after the boot: only those within 5 s of the last one can still be inside the hour.
    expect(harness({ clock: new ManualClock(Date.UTC(2027, 0, 1), 3_595_000), bootId: 'boot-b', saved }).guard.failuresThisHour()).toBe(5);
  });

  it('persists only whole milliseconds on a fractional clock', () => {
    const h = harness();
    h.clock.advance(0.37);
    guess(h, 12);
    const s = h.saved();
    for (const v of [...s.stamps, s.monoUntil ?? 0, s.lockedUntil ?? 0, s.lockMs]) expect(Number.isInteger(v)).toBe(true);
  });
});
