import { afterEach, describe, expect, it } from 'vitest';
import { setupKerong } from './kerongHarness.ts';

/** Failure mode: the reply arrives, but after the driver's timeout. */
describe('late reply', () => {
  let h: Awaited<ReturnType<typeof setupKerong>>;
  afterEach(async () => h?.stop());

  it('an unlock reply landing after the timeout but before the read-back confirms the open (late-reply); unlock sent once', async () => {
    h = await setupKerong();
    h.sim.faults.set({ kind: 'late-reply', delayMs: 1150 }, { when: (r) => r.command === 'unlock' });
    const res = await h.during(h.board.openLock(9), 5000);
    expect(res).toMatchObject({ result: 'opened', lock: 9, confirmedBy: 'late-reply' });
    expect(h.sim.requests('unlock')).toHaveLength(1);
    expect(h.sim.requests('readLock')).toHaveLength(0);
    expect(h.sim.unlockCount(9)).toBe(1);
  });

  it('a very late unlock reply is not mistaken for the read-back reply; the read-back tells the truth', async () => {
    h = await setupKerong();
    h.sim.faults.set({ kind: 'late-reply', delayMs: 3000 }, { when: (r) => r.command === 'unlock' });
    const res = await h.during(h.board.openLock(2), 5000);
    expect(res).toMatchObject({ result: 'opened', lock: 2, confirmedBy: 'read-back' });
    expect(h.sim.requests('unlock')).toHaveLength(1);
    // the stale unlock reply arrives later and must not disturb the next command
    await h.advance(2000);
    h.sim.closeDoor(2);
    expect(await h.during(h.board.readLock(2), 2000)).toEqual({ ok: true, value: { lock: 2, latched: true, occupied: false } });
    expect(h.sim.unlockCount(2)).toBe(1);
  });

  it('a late read reply: the read is retried and answers correctly', async () => {
    h = await setupKerong();
    h.sim.setOccupied(6, true);
    h.sim.faults.set({ kind: 'late-reply', delayMs: 350 }, { when: (r) => r.command === 'readLock' });
    expect(await h.during(h.board.readLock(6), 3000)).toEqual({ ok: true, value: { lock: 6, latched: true, occupied: true } });
  });
});
