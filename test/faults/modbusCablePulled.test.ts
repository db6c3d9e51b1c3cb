import { afterEach, describe, expect, it } from 'vitest';
import { RelayBoard } from '../../firmware-bridge/modbus/boards.ts';
import { createModbusRig, drive, type ModbusRig } from './modbusHarness.ts';

let rig: ModbusRig;
afterEach(async () => rig?.stop());

describe('Modbus cable pulled mid-frame, board reset', () => {
  it('cable pulled after 3 reply bytes: link-down reported, no retry into a dead link, works again within 5 s of replug', async () => {
    rig = await createModbusRig();
    const board = new RelayBoard(rig.master, { address: 1, channels: 8 });
    rig.sim.faults.set({ kind: 'cable-pulled', afterBytes: 3, plugBackAfterMs: 1000 });
    const r = await drive(rig.clock, board.read());
    expect(r.ok).toBe(false);
    expect(r.ok ? '' : r.reason).toMatch(/link-down|timeout/);
    expect(rig.pair.host.status.state).not.toBe('connected');
    const t0 = rig.clock.monotonic();
    await drive(
      rig.clock,
      (async () => {
        while (rig.pair.host.status.state !== 'connected') await new Promise((res) => setImmediate(res));
      })(),
      50,
    );
    expect(rig.clock.monotonic() - t0).toBeLessThanOrEqual(5000);
    const again = await drive(rig.clock, board.read());
    expect(again.ok).toBe(true);
  });

  it('board reset: deaf while rebooting, relays off afterwards (the driver reads the truth back)', async () => {
    rig = await createModbusRig();
    const board = new RelayBoard(rig.master, { address: 1, channels: 8 });
    await drive(rig.clock, board.set(1, true));
    rig.sim.faults.set({ kind: 'board-reset', downMs: 500 });
    const during = await drive(rig.clock, board.set(2, true));
    expect(during).toMatchObject({ ok: false, reason: 'timeout' });
    rig.clock.advance(600);
    const after = await drive(rig.clock, board.read());
    expect(after.ok && after.value.slice(0, 2)).toEqual([false, false]);
  });
});
