import { afterEach, describe, expect, it } from 'vitest';
import { setupKerong } from './kerongHarness.ts';

/** Failure mode: the board reboots (brown-out) on receiving a command. */
describe('board reset', () => {
  let h: Awaited<ReturnType<typeof setupKerong>>;
  afterEach(async () => h?.stop());

  it('short reboot swallowing the unlock: read-back finds the lock latched -> not-opened, no second unlock', async () => {
    h = await setupKerong();
    h.sim.faults.set({ kind: 'board-reset', downMs: 500, bootNoise: Uint8Array.from([0x00, 0xff, 0x02, 0x7f]) }, { when: (r) => r.command === 'unlock' });
    const res = await h.during(h.board.openLock(8), 5000);
    expect(res).toMatchObject({ result: 'not-opened', lock: 8, reason: 'still-latched' });
    expect(h.sim.requests('unlock')).toHaveLength(1);
    expect(h.sim.unlockCount(8)).toBe(0);
    // a new, deliberate open by the caller works
    expect(await h.during(h.board.openLock(8), 3000)).toMatchObject({ result: 'opened', confirmedBy: 'reply' });
    expect(h.sim.unlockCount(8)).toBe(1);
  });

  it('long reboot: the open is unknown, the board is marked lost, and it recovers when the board is back', async () => {
    h = await setupKerong();
    h.sim.faults.set({ kind: 'board-reset', downMs: 8000 }, { when: (r) => r.command === 'unlock' });
    const res = await h.during(h.board.openLock(3), 5000);
    expect(res).toMatchObject({ result: 'unknown', lock: 3 });
    await h.during(h.board.readAll(), 3000);
    await h.during(h.board.readAll(), 3000);
    expect(h.board.health.state).toBe('lost');
    await h.advance(3000);
    expect(await h.during(h.board.readAll(), 3000)).toMatchObject({ ok: true });
    expect(h.board.health).toEqual({ state: 'ok' });
    expect(h.sim.unlockCount(3)).toBe(0);
    expect(h.sim.requests('unlock')).toHaveLength(1);
  });
});
