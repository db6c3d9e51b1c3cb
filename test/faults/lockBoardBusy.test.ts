import { afterEach, describe, expect, it } from 'vitest';
import { setupKerong } from './kerongHarness.ts';

/** Failure mode: the board answers "busy" (or sticks busy and says nothing). */
describe('lock board busy', () => {
  let h: Awaited<ReturnType<typeof setupKerong>>;
  afterEach(async () => h?.stop());

  it('an open answered with busy is reported not-opened (busy) and is not repeated', async () => {
    h = await setupKerong();
    h.sim.faults.set({ kind: 'busy' }, { when: (r) => r.command === 'unlock' });
    const res = await h.during(h.board.openLock(3), 5000);
    expect(res).toMatchObject({ result: 'not-opened', lock: 3, reason: 'busy' });
    expect(h.sim.requests('unlock')).toHaveLength(1);
    expect(h.sim.unlockCount(3)).toBe(0);
    expect(h.sim.isLatched(3)).toBe(true);
  });

  it('a read answered with busy is retried and succeeds once the board is free', async () => {
    h = await setupKerong();
    h.sim.faults.set({ kind: 'busy' }, { times: 2, when: (r) => r.command === 'readLock' });
    const res = await h.during(h.board.readLock(5), 5000);
    expect(res).toEqual({ ok: true, value: { lock: 5, latched: true, occupied: false } });
    expect(h.sim.requests('readLock')).toHaveLength(3);
  });

  it('a board stuck busy and silent: the open ends unknown-or-not-opened, never opened twice, board marked lost after repeated failures', async () => {
    h = await setupKerong();
    h.sim.faults.set({ kind: 'busy', silent: true }, { times: Infinity });
    const res = await h.during(h.board.openLock(2), 10_000);
    // the read-back also got no answer: we cannot know, and say so
    expect(res).toMatchObject({ result: 'unknown', lock: 2, reason: 'timeout' });
    expect(h.sim.requests('unlock')).toHaveLength(1);
    expect(h.sim.unlockCount(2)).toBe(0);
    expect(h.board.health).toMatchObject({ state: 'degraded' });
    await h.during(h.board.readAll(), 5000);
    await h.during(h.board.readAll(), 5000);
    expect(h.board.health).toMatchObject({ state: 'lost' });
    expect(h.pair.host.status).toEqual({ state: 'connected' }); // the link is fine; the board is not
    h.sim.faults.clear();
    expect(await h.during(h.board.readAll(), 5000)).toMatchObject({ ok: true });
    expect(h.board.health).toEqual({ state: 'ok' });
  });
});
