import { afterEach, describe, expect, it } from 'vitest';
import { setupKerong } from './kerongHarness.ts';

/** Failure mode: a reply arrives in pieces (USB-serial latency timer, TCP gateways). */
describe('split frames', () => {
  let h: Awaited<ReturnType<typeof setupKerong>>;
  afterEach(async () => h?.stop());

  it('a reply byte by byte, 20 ms apart, is reassembled', async () => {
    h = await setupKerong();
    h.sim.setOccupied(11, true);
    h.sim.faults.set({ kind: 'split-frames', chunkSizes: [1], gapMs: 20 });
    expect(await h.during(h.board.readLock(11), 3000)).toEqual({ ok: true, value: { lock: 11, latched: true, occupied: true } });
    expect(h.sim.requests('readLock')).toHaveLength(1);
  });

  it('an unlock reply split 2+3+4 confirms the open once', async () => {
    h = await setupKerong();
    h.sim.faults.set({ kind: 'split-frames', chunkSizes: [2, 3, 4], gapMs: 50 }, { when: (r) => r.command === 'unlock' });
    expect(await h.during(h.board.openLock(16), 3000)).toMatchObject({ result: 'opened', lock: 16, confirmedBy: 'reply' });
    expect(h.sim.unlockCount(16)).toBe(1);
  });

  it('a reply whose pieces straddle the timeout is treated as late, never as a second answer', async () => {
    h = await setupKerong();
    h.sim.faults.set({ kind: 'split-frames', chunkSizes: [4, 5], gapMs: 1200 }, { when: (r) => r.command === 'unlock' });
    const res = await h.during(h.board.openLock(5), 5000);
    expect(res).toMatchObject({ result: 'opened', lock: 5 });
    expect(['late-reply', 'read-back']).toContain((res as { confirmedBy: string }).confirmedBy);
    expect(h.sim.requests('unlock')).toHaveLength(1);
  });
});
