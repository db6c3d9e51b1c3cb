import { describe, expect, it } from 'vitest';
import { replaySeedFrom, type ReplayEventView } from './replaySeed.ts';

const grant = (credentialId: string, bootId: string, mono: number): ReplayEventView => ({
  type: 'access.decision',
  data: { kind: 'token', granted: true, reason: 'granted', credentialId, replay: { bootId, mono } },
});
const notUsed = (credentialId: string): ReplayEventView => ({ type: 'entry.granted-not-used', data: { credentialId, grantId: 1, outcome: 'expired' } });

describe('replay window rebuilt from the ledger at start', () => {
  it('same boot (a crash and restart): a grant 20 s ago blocks for the remaining 40 s', () => {
    expect(replaySeedFrom([grant('c1', 'A', 80_000)], { bootId: 'A', mono: 100_000 }, 60_000)).toEqual([{ credentialId: 'c1', remainingMs: 40_000 }]);
  });

  it('forgets grants older than the window and stops reading there', () => {
    const events = [grant('c2', 'A', 90_000), grant('c1', 'A', 30_000), grant('c3', 'A', 99_000)];
    // newest first: c3 is out of order on purpose only for c2/c1; the scan stops at the first stale one.
    expect(replaySeedFrom([events[2]!, events[0]!, events[1]!], { bootId: 'A', mono: 100_000 }, 60_000)).toEqual([
      { credentialId: 'c3', remainingMs: 59_000 },
      { credentialId: 'c2', remainingMs: 50_000 },
    ]);
  });

  it('a grant the door reported unused does not block', () => {
    expect(replaySeedFrom([notUsed('c1'), grant('c1', 'A', 95_000)], { bootId: 'A', mono: 100_000 }, 60_000)).toEqual([]);
  });

  it('a newer grant after an unused one blocks again', () => {
    expect(replaySeedFrom([grant('c1', 'A', 98_000), notUsed('c1'), grant('c1', 'A', 95_000)], { bootId: 'A', mono: 100_000 }, 60_000)).toEqual([
      { credentialId: 'c1', remainingMs: 58_000 },
    ]);
  });

  it("after a reboot a grant is aged by the previous boot's own record plus the time since this boot", () => {
    // Previous boot: c2 granted at 500 s, c1 at 490 s (10 s before c2). This boot has been up 5 s.
    const seeds = replaySeedFrom([grant('c2', 'OLD', 500_000), grant('c1', 'OLD', 490_000)], { bootId: 'NEW', mono: 5_000 }, 60_000);
    expect(seeds).toEqual([
      { credentialId: 'c2', remainingMs: 55_000 },
      { credentialId: 'c1', remainingMs: 45_000 },
    ]);
  });

  it('a boot that has run longer than the window forgets the previous boot entirely', () => {
    expect(replaySeedFrom([grant('c1', 'OLD', 500_000)], { bootId: 'NEW', mono: 61_000 }, 60_000)).toEqual([]);
  });

  it('ignores decisions of older software without a replay stamp and denials', () => {
    const old: ReplayEventView = { type: 'access.decision', data: { granted: true, credentialId: 'c1' } };
    const denied: ReplayEventView = { type: 'access.decision', data: { granted: false, credentialId: 'c2', replay: { bootId: 'A', mono: 99_000 } } };
    expect(replaySeedFrom([denied, old], { bootId: 'A', mono: 100_000 }, 60_000)).toEqual([]);
  });
});
