import { afterEach, describe, expect, it } from 'vitest';
import { setupKerong } from './kerongHarness.ts';

/** Failure mode: the request goes out, no reply ever comes back. */
describe('reply never comes', () => {
  let h: Awaited<ReturnType<typeof setupKerong>>;
  afterEach(async () => h?.stop());

  it('board acted but its reply was lost: the open is confirmed by read-back, and the unlock is sent exactly once', async () => {
    h = await setupKerong();
    h.sim.faults.set({ kind: 'no-reply' }, { when: (r) => r.command === 'unlock' });
    const res = await h.during(h.board.openLock(7), 5000);
    expect(res).toMatchObject({ result: 'opened', lock: 7, confirmedBy: 'read-back', state: { latched: false } });
    expect(h.sim.requests('unlock')).toHaveLength(1);
    expect(h.sim.unlockCount(7)).toBe(1);
  });

  it('board never acted: the open is reported not-opened (still latched), no second unlock, no spurious open', async () => {
    h = await setupKerong();
    h.sim.faults.set({ kind: 'no-reply', execute: false }, { when: (r) => r.command === 'unlock' });
    const res = await h.during(h.board.openLock(7), 5000);
    expect(res).toMatchObject({ result: 'not-opened', lock: 7, reason: 'still-latched' });
    expect(h.sim.requests('unlock')).toHaveLength(1);
    expect(h.sim.unlockCount(7)).toBe(0);
    for (let l = 1; l <= 16; l++) expect(h.sim.isLatched(l)).toBe(true);
  });

  it('nothing answers at all: the open is unknown (never guessed), reads fail with timeout after bounded retries', async () => {
    h = await setupKerong();
    h.sim.faults.set({ kind: 'no-reply', execute: false }, { times: Infinity });
    const open = await h.during(h.board.openLock(1), 10_000);
    expect(open).toMatchObject({ result: 'unknown', lock: 1, reason: 'timeout' });
    const read = await h.during(h.board.readAll(), 10_000);
    expect(read).toMatchObject({ ok: false, reason: 'timeout' });
    expect(h.sim.requests('readAll')).toHaveLength(3);
    expect(h.sim.requests('unlock')).toHaveLength(1);
    expect(h.board.health.state).toBe('lost');
    expect(h.pair.host.status).toEqual({ state: 'connected' });
  });

  it('one lost read reply is retried transparently', async () => {
    h = await setupKerong();
    h.sim.faults.set({ kind: 'no-reply' }, { when: (r) => r.command === 'readLock' });
    expect(await h.during(h.board.readLock(4), 5000)).toEqual({ ok: true, value: { lock: 4, latched: true, occupied: false } });
    expect(h.sim.requests('readLock')).toHaveLength(2);
    expect(h.board.health).toEqual({ state: 'ok' });
  });
});
