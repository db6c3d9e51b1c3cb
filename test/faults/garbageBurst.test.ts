import { afterEach, describe, expect, it } from 'vitest';
import { createSeededRandom } from '../../hardware/sim/serial/common/faults.ts';
import { setupKerong } from './kerongHarness.ts';

/** Failure mode: noise on the line (power glitch, bus contention) before or instead of frames. */
describe('garbage burst', () => {
  let h: Awaited<ReturnType<typeof setupKerong>>;
  afterEach(async () => h?.stop());

  it('garbage full of STX bytes and frame look-alikes before the reply: the parser resyncs and the reply is used', async () => {
    h = await setupKerong();
    // STX, plausible ADDR/CMD, a broken "status reply" and a stray busy-looking prefix
    const garbage = Uint8Array.from([0x02, 0x02, 0x00, 0x31, 0xff, 0x02, 0x00, 0x30, 0x01, 0x02, 0x03, 0x04, 0x03, 0x99, 0x02, 0x00]);
    h.sim.faults.set({ kind: 'garbage-burst', bytes: garbage }, { when: (r) => r.command === 'unlock' });
    const res = await h.during(h.board.openLock(4), 3000);
    expect(res).toMatchObject({ result: 'opened', lock: 4, confirmedBy: 'reply' });
    expect(h.session.parserStats.droppedBytes).toBeGreaterThanOrEqual(garbage.length);
    expect(h.sim.unlockCount(4)).toBe(1);
  });

  it('D6: 300 reads with ~10 % corrupted replies and bursts: zero spurious opens, every read ok or a typed failure', async () => {
    h = await setupKerong();
    const rnd = createSeededRandom(42);
    let ok = 0;
    for (let i = 0; i < 300; i++) {
      const r = rnd();
      if (r < 0.05) h.sim.faults.set({ kind: 'garbage-burst', length: 1 + Math.floor(rnd() * 40) });
      else if (r < 0.1) h.sim.faults.set({ kind: 'bad-checksum' });
      const lock = 1 + Math.floor(rnd() * 16);
      const res = await h.during(h.board.readLock(lock), 3000);
      if (res.ok) {
        ok++;
        expect(res.value).toEqual({ lock, latched: true, occupied: false });
      } else expect(['timeout', 'busy', 'bad-reply']).toContain(res.reason);
      h.sim.faults.clear();
    }
    expect(ok).toBe(300); // reads are retried, so all succeed
    for (let l = 1; l <= 16; l++) expect(h.sim.unlockCount(l)).toBe(0);
    expect(h.sim.requests('unlock')).toHaveLength(0);
  });
});
