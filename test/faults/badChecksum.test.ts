import { afterEach, describe, expect, it } from 'vitest';
import { setupKerong } from './kerongHarness.ts';

/** Failure mode: a reply with a wrong checksum (bit error on the wire). */
describe('bad checksum', () => {
  let h: Awaited<ReturnType<typeof setupKerong>>;
  afterEach(async () => h?.stop());

  it('a corrupted read reply is dropped and counted, and the read retried', async () => {
    h = await setupKerong();
    h.sim.faults.set({ kind: 'bad-checksum' }, { when: (r) => r.command === 'readAll' });
    const res = await h.during(h.board.readAll(), 3000);
    expect(res).toMatchObject({ ok: true });
    expect(h.session.parserStats.badFrames).toBe(1);
    expect(h.sim.requests('readAll')).toHaveLength(2);
  });

  it('a corrupted unlock reply is never trusted: the open is verified by read-back and not repeated', async () => {
    h = await setupKerong();
    h.sim.faults.set({ kind: 'bad-checksum' }, { when: (r) => r.command === 'unlock' });
    const res = await h.during(h.board.openLock(12), 5000);
    expect(res).toMatchObject({ result: 'opened', lock: 12, confirmedBy: 'read-back' });
    expect(h.sim.requests('unlock')).toHaveLength(1);
    expect(h.sim.unlockCount(12)).toBe(1);
  });
});
