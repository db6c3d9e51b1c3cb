/**
 * CRC-16/MODBUS for the RTU hot paths, table driven four bytes per step ("slicing by 4"):
 * T[k][v] is the register after byte v followed by k zero bytes (T[0] is the usual 256-entry
 * table, the one crc/crc16.ts builds), so a step is four lookups that do not depend on each
 * other. Checked against `crc16Modbus` and the catalogue check value (0x4B37) at load.
 */
import { crc16Modbus } from '../crc/crc16.ts';

const [T0, T1, T2, T3] = ((): Uint16Array[] => {
  const t0 = new Uint16Array(256);
  for (let i = 0; i < 256; i++) {
    let c = i;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0xa001 : c >>> 1;
    t0[i] = c;
  }
  const next = (prev: Uint16Array): Uint16Array => prev.map((c) => (c >>> 8) ^ (t0[c & 0xff] as number));
  const t1 = next(t0);
  const t2 = next(t1);
  return [t0, t1, t2, next(t2)];
})() as [Uint16Array, Uint16Array, Uint16Array, Uint16Array];

/** CRC-16/MODBUS over `buf[start, end)`. */
export function crcModbusAt(buf: Uint8Array, start: number, end: number): number {
  let crc = 0xffff;
  let i = start;
  for (; i + 3 < end; i += 4) {
    const x = crc ^ (buf[i] as number) ^ ((buf[i + 1] as number) << 8);
    crc = (T3[x & 0xff] as number) ^ (T2[x >>> 8] as number) ^ (T1[buf[i + 2] as number] as number) ^ (T0[buf[i + 3] as number] as number);
  }
  for (; i < end; i++) crc = (crc >>> 8) ^ (T0[(crc ^ (buf[i] as number)) & 0xff] as number);
  return crc;
}

/**
 * True when the last two bytes of `buf[pos, pos+len)` are its CRC-16/MODBUS, low byte first:
 * with no final XOR, the register over the whole frame including its CRC is then 0 (residue).
 */
export function crcResidueOk(buf: Uint8Array, pos: number, len: number): boolean {
  return crcModbusAt(buf, pos, pos + len) === 0;
}

{
  const check = Uint8Array.of(0x31, 0x32, 0x33, 0x34, 0x35, 0x36, 0x37, 0x38, 0x39);
  for (let n = 0; n <= check.length; n++) {
    if (crcModbusAt(check, 0, n) !== crc16Modbus(check, 0, n)) throw new Error('CRC-16/MODBUS table self-check failed');
  }
  if (crcModbusAt(check, 0, check.length) !== 0x4b37) throw new Error('CRC-16/MODBUS check value mismatch');
  if (!crcResidueOk(Uint8Array.of(...check, 0x37, 0x4b), 0, 11)) throw new Error('CRC-16/MODBUS residue mismatch');
}
