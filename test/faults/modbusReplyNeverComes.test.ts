import { afterEach, describe, expect, it } from 'vitest';
import { RelayBoard } from '../../firmware-bridge/modbus/boards.ts';
import { createModbusRig, drive, type ModbusRig } from './modbusHarness.ts';

let rig: ModbusRig;
afterEach(async () => rig?.stop());

describe('Modbus reply never comes', () => {
  it('a read times out per attempt, is retried, and then reports timeout', async () => {
    rig = await createModbusRig();
    rig.sim.faults.set({ kind: 'no-reply' }, { times: Infinity });
    const r = await drive(rig.clock, new RelayBoard(rig.master, { address: 1, channels: 8 }).read());
    expect(r).toMatchObject({ ok: false, reason: 'timeout', attempts: 3 });
  });

  it('a silent relay write is reported as timeout with written=true and is never repeated', async () => {
    rig = await createModbusRig();
    rig.sim.faults.set({ kind: 'no-reply' });
    const r = await drive(rig.clock, new RelayBoard(rig.master, { address: 1, channels: 8 }).set(1, true));
    expect(r).toMatchObject({ ok: false, reason: 'timeout', attempts: 1, written: true });
    expect(rig.sim.slave(1).log).toHaveLength(1);
  });

  it('a late reply to a timed-out read does not confuse the next request', async () => {
    rig = await createModbusRig();
    rig.sim.slave(1).coils[0] = true;
    rig.sim.faults.set({ kind: 'late-reply', delayMs: 450 });
    const board = new RelayBoard(rig.master, { address: 1, channels: 8 });
    const first = await drive(rig.clock, board.read());
    expect(first.ok).toBe(true); // retried and answered
    const w = await drive(rig.clock, board.set(2, true));
    expect(w).toMatchObject({ ok: true });
    expect(rig.sim.slave(1).coils.slice(0, 2)).toEqual([true, true]);
  });
});
