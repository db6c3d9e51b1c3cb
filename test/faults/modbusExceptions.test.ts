import { afterEach, describe, expect, it } from 'vitest';
import { RelayBoard } from '../../firmware-bridge/modbus/boards.ts';
import { encodeResponse } from '../../firmware-bridge/modbus/codec.ts';
import { crcModbusAt } from '../../firmware-bridge/modbus/crc.ts';
import { ModbusExceptionCode } from '../../firmware-bridge/modbus/types.ts';
import { createModbusRig, drive, type ModbusRig } from './modbusHarness.ts';

let rig: ModbusRig;
afterEach(async () => rig?.stop());

/** A request frame with its CRC (low byte first). */
function frame(...body: number[]): Buffer {
  const b = Buffer.from([...body, 0, 0]);
  const crc = crcModbusAt(b, 0, body.length);
  b[body.length] = crc & 0xff;
  b[body.length + 1] = crc >>> 8;
  return b;
}

const exceptionFrame = (address: number, functionCode: number, code: number) => encodeResponse({ kind: 'exception', address, functionCode, code });

/** Write raw chunks (each followed by `gapMs` of line time), then collect what comes back until `until` holds. */
async function exchange(chunks: Buffer[], until: (got: Buffer) => boolean, gapMs = 0): Promise<Buffer> {
  let got = Buffer.alloc(0);
  const off = rig.pair.host.onData((c) => (got = Buffer.concat([got, c])));
  for (const c of chunks) {
    await rig.pair.host.write(c);
    await new Promise((r) => setImmediate(r));
    if (gapMs) rig.clock.advance(gapMs);
  }
  for (let ms = 0; ms < 500 && !until(got); ms++) {
    await new Promise((r) => setImmediate(r));
    rig.clock.advance(1);
  }
  off();
  return got;
}

describe("Modbus slave answers what it cannot do with the spec's exception (silence-framed, like a real slave)", () => {
  it('FC 07 (not implemented) is answered with exception 1, not silence', async () => {
    rig = await createModbusRig();
    const got = await exchange([frame(0x01, 0x07)], (g) => g.length >= 5);
    expect(got).toEqual(exceptionFrame(1, 0x07, ModbusExceptionCode.illegalFunction));
  });

  it('a zero-quantity FC 10 write is answered with exception 3 and writes nothing', async () => {
    rig = await createModbusRig();
    rig.sim.slave(3).holding[0] = 42;
    const got = await exchange([frame(0x03, 0x10, 0x00, 0x00, 0x00, 0x00, 0x00)], (g) => g.length >= 5);
    expect(got).toEqual(exceptionFrame(3, 0x10, ModbusExceptionCode.illegalDataValue));
    expect(rig.sim.slave(3).holding).toEqual([42, 0, 0, 0]);
  });

  it.each([
    { what: 'FC 0B (comm event counter)', request: frame(0x01, 0x0b), fc: 0x0b, code: 1 },
    { what: 'FC 2B (device identification)', request: frame(0x01, 0x2b, 0x0e, 0x01, 0x00), fc: 0x2b, code: 1 },
    { what: 'FC 0F of zero coils', request: frame(0x01, 0x0f, 0x00, 0x00, 0x00, 0x00, 0x00), fc: 0x0f, code: 3 },
    { what: 'FC 01 of 2001 coils', request: frame(0x01, 0x01, 0x00, 0x00, 0x07, 0xd1), fc: 0x01, code: 3 },
    { what: 'FC 01 of zero coils', request: frame(0x01, 0x01, 0x00, 0x00, 0x00, 0x00), fc: 0x01, code: 3 },
    { what: 'FC 03 of 126 registers', request: frame(0x03, 0x03, 0x00, 0x00, 0x00, 0x7e), fc: 0x03, code: 3 },
    { what: 'FC 10 whose byte count does not match its quantity', request: frame(0x03, 0x10, 0x00, 0x00, 0x00, 0x02, 0x02, 0x00, 0x01), fc: 0x10, code: 3 },
    { what: 'FC 03 with a byte missing', request: frame(0x03, 0x03, 0x00, 0x00, 0x01), fc: 0x03, code: 3 },
    { what: "FC 04 beyond the sensor's registers", request: frame(0x03, 0x04, 0x00, 0x02, 0x00, 0x05), fc: 0x04, code: 2 },
  ])('$what: exception $code', async ({ request, fc, code }) => {
    rig = await createModbusRig();
    const address = request[0]!;
    const got = await exchange([request], (g) => g.length >= 5);
    expect(got).toEqual(exceptionFrame(address, fc, code));
  });

  it('a frame with a bad CRC is dropped without an answer; the next good frame is answered', async () => {
    rig = await createModbusRig();
    const bad = frame(0x01, 0x07);
    bad[bad.length - 1]! ^= 0x01;
    const got = await exchange([bad, frame(0x01, 0x01, 0x00, 0x00, 0x00, 0x08)], (g) => g.length >= 6, 5);
    expect(got).toEqual(encodeResponse({ kind: 'readCoils', address: 1, bits: new Array(8).fill(false) }));
    expect(rig.sim.stats.badFrames).toBe(1);
  });

  it('a request in two chunks within 3.5 character times is one frame; the same halves 5 ms apart are two bad frames', async () => {
    rig = await createModbusRig();
    const req = frame(0x01, 0x01, 0x00, 0x00, 0x00, 0x08);
    const reply = encodeResponse({ kind: 'readCoils', address: 1, bits: new Array(8).fill(false) });
    expect(await exchange([req.subarray(0, 3), req.subarray(3)], (g) => g.length >= 6, 1)).toEqual(reply);
    const got = await exchange([req.subarray(0, 3), req.subarray(3), frame(0x01, 0x07)], (g) => g.length >= 5, 5);
    expect(got).toEqual(exceptionFrame(1, 0x07, 1)); // only the later, whole frame got an answer
    expect(rig.sim.stats.badFrames).toBe(2);
  });
});

describe('the master surfaces slave exceptions as typed errors', () => {
  it('a relay board without FC 0F: switching all relays fails with exception 1 (illegal function), written once, nothing switched', async () => {
    rig = await createModbusRig();
    rig.sim.addSlave({ address: 4, coils: 4, functions: [0x01, 0x05] });
    const board = new RelayBoard(rig.master, { address: 4, channels: 4 });
    const r = await drive(rig.clock, board.setAll([true, true, false, false]));
    expect(r).toMatchObject({ ok: false, reason: 'nak', attempts: 1, written: true, exception: { code: 1, name: 'illegal function' } });
    expect(rig.sim.slave(4).coils).toEqual([false, false, false, false]);
    // FC 05 on the same board still works
    expect(await drive(rig.clock, board.set(1, true))).toMatchObject({ ok: true });
  });

  it("a read above the device's own limit fails with exception 3 (illegal data value), not a timeout", async () => {
    rig = await createModbusRig();
    rig.sim.addSlave({ address: 5, input: 8, limits: { readRegisters: 2 } });
    const r = await drive(rig.clock, rig.master.readRegisters('readInputRegisters', 5, 0, 4));
    expect(r).toMatchObject({ ok: false, reason: 'nak', exception: { code: ModbusExceptionCode.illegalDataValue, name: 'illegal data value' } });
    expect(r.ok ? '' : r.detail).toMatch(/slave 5 exception 3 \(illegal data value\)/);
  });

  it("a read beyond the board's coils fails with exception 2 (illegal data address)", async () => {
    rig = await createModbusRig();
    const r = await drive(rig.clock, rig.master.readBits('readCoils', 1, 6, 4));
    expect(r).toMatchObject({ ok: false, reason: 'nak', exception: { code: 2, name: 'illegal data address' } });
  });

  it('busy (exception 6) carries its code too', async () => {
    rig = await createModbusRig();
    rig.sim.faults.set({ kind: 'busy' }, { times: Infinity });
    const r = await drive(rig.clock, new RelayBoard(rig.master, { address: 1, channels: 8 }).set(1, true));
    expect(r).toMatchObject({ ok: false, reason: 'busy', exception: { code: 6, name: 'slave device busy' } });
  });
});
