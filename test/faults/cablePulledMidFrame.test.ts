import { afterEach, describe, expect, it } from 'vitest';
import { setupKerong } from './kerongHarness.ts';

/** Failure mode: the cable comes out while the board is answering. */
describe('cable pulled mid-frame', () => {
  let h: Awaited<ReturnType<typeof setupKerong>>;
  afterEach(async () => h?.stop());

  it('open in flight when the cable goes: unknown (not guessed), status reconnecting, back within 5 s of the cable returning, truth read afterwards, never re-sent', async () => {
    h = await setupKerong();
    h.sim.faults.set({ kind: 'cable-pulled', afterBytes: 4 }, { when: (r) => r.command === 'unlock' });
    const res = await h.during(h.board.openLock(10), 3000);
    expect(res).toMatchObject({ result: 'unknown', lock: 10, reason: 'link-down' });
    expect(h.pair.host.status.state).toBe('reconnecting');
    expect(h.board.health.state).toBe('lost');
    // an open while the cable is out fails fast and writes nothing
    expect(await h.board.openLock(11)).toMatchObject({ result: 'not-opened', reason: 'link-down' });

    await h.advance(20_000); // backoff grows to its cap while the cable is out
    expect(h.pair.host.status).toMatchObject({ state: 'reconnecting' });
    const { inMs } = h.pair.host.status as { inMs: number };
    expect(inMs).toBeLessThanOrEqual(4000);

    h.pair.plug();
    let t = 0;
    while (h.pair.host.status.state !== 'connected' && t < 5000) {
      await h.advance(50);
      t += 50;
    }
    expect(h.pair.host.status).toEqual({ state: 'connected' });
    expect(t).toBeLessThanOrEqual(5000);

    // the half reply from before the pull does not poison the next frame
    expect(await h.during(h.board.readLock(10), 2000)).toEqual({ ok: true, value: { lock: 10, latched: false, occupied: false } });
    expect(h.sim.requests('unlock')).toHaveLength(1);
    expect(h.sim.unlockCount(10)).toBe(1);
    expect(h.sim.unlockCount(11)).toBe(0);
    expect(h.board.health).toEqual({ state: 'ok' });

    const states = h.statuses.map((s) => s.state);
    expect(states[0]).toBe('reconnecting'); // initial connect attempt
    expect(states).toContain('connected');
    expect(states.at(-1)).toBe('connected');
  });

  it('cable pulled and replaced quickly: the read-back after the open can already tell the truth', async () => {
    h = await setupKerong();
    h.sim.faults.set({ kind: 'cable-pulled', afterBytes: 7, plugBackAfterMs: 100 }, { when: (r) => r.command === 'unlock' });
    const res = await h.during(h.board.openLock(1), 8000);
    // the first reconnect attempt is due ~250 ms after the pull, within the 300 ms settle
    expect(res).toMatchObject({ result: 'opened', lock: 1, confirmedBy: 'read-back' });
    expect(h.sim.unlockCount(1)).toBe(1);
  });
});
