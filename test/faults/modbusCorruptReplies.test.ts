import { afterEach, describe, expect, it } from 'vitest';
import { InputBoard, RelayBoard, TempHumiditySensor } from '../../firmware-bridge/modbus/boards.ts';
import { setTempHumidity } from '../../hardware/sim/serial/modbus/modbusBusSim.ts';
import { createModbusRig, drive, type ModbusRig } from './modbusHarness.ts';

let rig: ModbusRig;
afterEach(async () => rig?.stop());

describe('Modbus garbage burst, split frames, bad checksum', () => {
  it('garbage before a reply is skipped and counted; the reply is used', async () => {
    rig = await createModbusRig();
    rig.sim.slave(2).discreteInputs[3] = true;
    rig.sim.faults.set({ kind: 'garbage-burst', bytes: Uint8Array.from([0x02, 0x02, 0xf0, 0x00, 0xff, 0x13]) });
    const r = await drive(rig.clock, new InputBoard(rig.master, { address: 2, channels: 16 }).read());
    expect(r.ok && r.value[3]).toBe(true);
    expect(r.ok && r.attempts).toBe(1);
    expect(rig.master.stats.droppedBytes).toBeGreaterThanOrEqual(6);
  });

  it('a reply split into 1-byte pieces is reassembled', async () => {
    rig = await createModbusRig();
    setTempHumidity(rig.sim.slave(3), -18.5, 80);
    rig.sim.faults.set({ kind: 'split-frames', chunkSizes: [1], gapMs: 1 });
    const r = await drive(rig.clock, new TempHumiditySensor(rig.master, { address: 3 }).read(), 1);
    expect(r).toMatchObject({ ok: true, value: { temperatureC: -18.5, humidityPct: 80 } });
  });

  it('a reply with a bad CRC is dropped: the read is retried, a write reports timeout (not success)', async () => {
    rig = await createModbusRig();
    rig.sim.faults.set({ kind: 'bad-checksum' });
    const board = new RelayBoard(rig.master, { address: 1, channels: 8 });
    const read = await drive(rig.clock, board.read());
    expect(read).toMatchObject({ ok: true, attempts: 2 });
    rig.sim.faults.set({ kind: 'bad-checksum' });
    const write = await drive(rig.clock, board.set(1, true));
    expect(write).toMatchObject({ ok: false, reason: 'timeout', written: true });
    expect(rig.master.stats.badFrames).toBeGreaterThanOrEqual(2);
  });
});
