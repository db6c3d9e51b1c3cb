import { describe, expect, it } from 'vitest';
import { crc16CcittFalse, crc16Modbus } from './crc16.ts';

const ascii = (s: string): Buffer => Buffer.from(s, 'ascii');
const hex = (s: string): Buffer => Buffer.from(s.replace(/\s+/g, ''), 'hex');

describe('CRC-16/MODBUS golden vectors', () => {
  it('check value of "123456789" is 0x4B37 (crc catalogue)', () => {
    expect(crc16Modbus(ascii('123456789'))).toBe(0x4b37);
  });
  it('relay board frames from the field carry the CRC low byte first', () => {
    // FF 05 00 00 FF 00 | 99 E4  and  01 05 00 00 FF 00 | 8C 3A
    expect(crc16Modbus(hex('FF 05 00 00 FF 00'))).toBe(0xe499);
    expect(crc16Modbus(hex('01 05 00 00 FF 00'))).toBe(0x3a8c);
  });
  it('Modbus over Serial Line spec example: read 3 holding registers at 0x006B of slave 0x11', () => {
    // 11 03 00 6B 00 03 -> CRC 0x8776, on the wire 76 87
    expect(crc16Modbus(hex('11 03 00 6B 00 03'))).toBe(0x8776);
  });
  it('a frame including its own CRC (low byte first) yields residue 0', () => {
    expect(crc16Modbus(hex('01 05 00 00 FF 00 8C 3A'))).toBe(0);
  });
  it('empty input gives the init value', () => {
    expect(crc16Modbus(new Uint8Array(0))).toBe(0xffff);
  });
  it('honours start/end offsets', () => {
    const b = hex('AA 01 05 00 00 FF 00 BB');
    expect(crc16Modbus(b, 1, 7)).toBe(0x3a8c);
  });
});

describe('CRC-16/CCITT-FALSE golden vectors', () => {
  it('check value of "123456789" is 0x29B1 (crc catalogue)', () => {
    expect(crc16CcittFalse(ascii('123456789'))).toBe(0x29b1);
  });
  it('single byte 0x00 gives 0xE1F0', () => {
    expect(crc16CcittFalse(hex('00'))).toBe(0xe1f0);
  });
  it('a frame including its own CRC (high byte first) yields residue 0', () => {
    const data = ascii('123456789');
    const framed = Buffer.concat([data, Buffer.from([0x29, 0xb1])]);
    expect(crc16CcittFalse(framed)).toBe(0);
  });
});
