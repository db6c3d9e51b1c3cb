import { afterEach, describe, expect, it } from 'vitest';
import { RelayBoard, TempHumiditySensor } from '../../firmware-bridge/modbus/boards.ts';
import { setTempHumidity } from '../../hardware/sim/serial/modbus/modbusBusSim.ts';
import { createModbusRig, drive, type ModbusRig } from './modbusHarness.ts';

let rig: ModbusRig;
afterEach(async () => rig?.stop());

describe('Modbus slave answers exception 6 (busy)', () => {
  it('a read is retried and succeeds once the slave is free', async () => {
    rig = await createModbusRig();
    setTempHumidity(rig.sim.slave(3), 4.5, 61.2);
    rig.sim.faults.set({ kind: 'busy' }, { when: (c) => c.address === 3 });
    const sensor = new TempHumiditySensor(rig.master, { address: 3 });
    const r = await drive(rig.clock, sensor.read());
    expect(r).toEqual({ ok: true, attempts: 2, value: { temperatureC: 4.5, humidityPct: 61.2 } });
  });

  it('a relay write is NOT repeated: busy is reported, the coil was written zero times', async () => {
    rig = await createModbusRig();
    rig.sim.faults.set({ kind: 'busy' }, { times: Infinity });
    const relays = new RelayBoard(rig.master, { address: 1, channels: 8 });
    const r = await drive(rig.clock, relays.set(3, true));
    expect(r).toMatchObject({ ok: false, reason: 'busy', attempts: 1, written: true });
    expect(r.ok ? '' : r.detail).toMatch(/exception 6 \(slave device busy\)/);
    expect(rig.sim.slave(1).log).toHaveLength(1);
    expect(rig.sim.slave(1).coils[2]).toBe(false);
  });

  it('a read that stays busy fails after the configured attempts with reason busy', async () => {
    rig = await createModbusRig();
    rig.sim.faults.set({ kind: 'busy' }, { times: Infinity });
    const relays = new RelayBoard(rig.master, { address: 1, channels: 8 });
    const r = await drive(rig.clock, relays.read());
    expect(r).toMatchObject({ ok: false, reason: 'busy', attempts: 3 });
    expect(rig.sim.slave(1).log).toHaveLength(3);
  });
});
