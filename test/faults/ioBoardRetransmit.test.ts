import { afterEach, describe, expect, it } from 'vitest';
import { createIoRig, type IoRig, drive } from './ioBoardHarness.ts';

let rig: IoRig;
afterEach(async () => rig?.stop());

describe('I/O board lost replies, bad checksum, board reset', () => {
  it('a lost ACK makes the host retransmit with the same seq; the board does not execute twice', async () => {
    rig = await createIoRig();
    await rig.run(100);
    const before = rig.sim.executed.filter((m) => m.type === 'setRelay').length;
    rig.sim.faults.set({ kind: 'no-reply' }, { when: (f) => f.type === 0x03 });
    const r = await drive(rig.clock, rig.board.setRelay(3, true));
    // that first request was lost before execution; now lose only the reply (bad checksum)
    expect(r).toMatchObject({ ok: true, attempts: 2 });
    rig.sim.faults.set({ kind: 'bad-checksum' }, { when: (f) => f.type === 0x03 });
    const r2 = await drive(rig.clock, rig.board.setRelay(3, false));
    expect(r2).toMatchObject({ ok: true, attempts: 2 });
    const executed = rig.sim.executed.filter((m) => m.type === 'setRelay').length - before;
    expect(executed).toBe(2); // one per command, none for the retransmits
    expect(rig.sim.relays[2]).toBe(false);
  });

  it('board reset: BOOT event, health degraded, relays off; HELLO after reset reports ok again', async () => {
    rig = await createIoRig();
    await rig.run(100);
    await drive(rig.clock, rig.board.setRelay(1, true));
    rig.sim.reset();
    await rig.flush();
    expect(rig.sim.relays).toEqual([false, false, false, false]);
    expect(rig.events).toContainEqual({ type: 'boot', reason: 1 });
    expect(rig.board.health).toBe('degraded');
    const h = await drive(rig.clock, rig.board.hello());
    expect(h.ok).toBe(true);
    expect(rig.board.health).toBe('ok');
  });

  it('an out-of-range relay is refused before sending', async () => {
    rig = await createIoRig();
    const r = await drive(rig.clock, rig.board.setRelay(5, true));
    expect(r).toEqual({ ok: false, reason: 'invalid-argument', detail: 'relay 5 out of range: board has relays 1..4', attempts: 0, written: false });
  });
});
