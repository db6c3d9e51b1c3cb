/**
 * Golden byte vectors for the Modbus RTU codec. Frames laid out by hand from the Modbus
 * Application Protocol v1.1b3 PDU tables; CRCs computed with an independent bitwise
 * CRC-16/MODBUS (poly 0xA001 reflected, init 0xFFFF) outside this code base.
 */
import { describe, expect, it } from 'vitest';
import { decodeRequest, decodeResponse, encodeRequest, encodeResponse } from './codec.ts';
import type { ModbusRequest, ModbusResponse } from './types.ts';

const hex = (s: string): Buffer => Buffer.from(s.replace(/\s+/g, ''), 'hex');
const show = (b: Buffer): string =>
  b
    .toString('hex')
    .toUpperCase()
    .replace(/(..)(?!$)/g, '$1 ');

const requests: [string, ModbusRequest][] = [
  ['FF 05 00 00 FF 00 99 E4', { kind: 'writeSingleCoil', address: 0xff, coil: 0, value: true }],
  ['01 05 00 00 FF 00 8C 3A', { kind: 'writeSingleCoil', address: 1, coil: 0, value: true }],
  ['01 05 00 02 00 00 6C 0A', { kind: 'writeSingleCoil', address: 1, coil: 2, value: false }],
  ['01 01 00 00 00 08 3D CC', { kind: 'readCoils', address: 1, start: 0, quantity: 8 }],
  ['01 02 00 00 00 10 79 C6', { kind: 'readDiscreteInputs', address: 1, start: 0, quantity: 16 }],
  ['03 03 00 00 00 02 C5 E9', { kind: 'readHoldingRegisters', address: 3, start: 0, quantity: 2 }],
  ['03 04 00 01 00 02 21 E9', { kind: 'readInputRegisters', address: 3, start: 1, quantity: 2 }],
  ['01 06 00 01 01 00 D9 9A', { kind: 'writeSingleRegister', address: 1, register: 1, value: 0x0100 }],
  [
    '01 0F 00 00 00 0A 02 0D 01 20 68',
    {
      kind: 'writeMultipleCoils',
      address: 1,
      start: 0,
      values: [true, false, true, true, false, false, false, false, true, false],
    },
  ],
  ['01 10 00 10 00 02 04 00 0A 01 02 52 F0', { kind: 'writeMultipleRegisters', address: 1, start: 0x10, values: [10, 258] }],
];

const responses: [string, ModbusResponse][] = [
  ['01 01 01 05 91 8B', { kind: 'readCoils', address: 1, bits: [true, false, true, false, false, false, false, false] }],
  ['02 02 02 81 00 9D E8', { kind: 'readDiscreteInputs', address: 2, bits: [true, ...Array(6).fill(false), true, ...Array(8).fill(false)] }],
  ['03 03 04 00 E6 02 0D F8 A1', { kind: 'readHoldingRegisters', address: 3, registers: [230, 525] }],
  ['03 04 04 01 02 FF 9C 39 E1', { kind: 'readInputRegisters', address: 3, registers: [258, 0xff9c] }],
  ['01 05 00 00 FF 00 8C 3A', { kind: 'writeSingleCoil', address: 1, coil: 0, value: true }],
  ['01 06 00 01 01 00 D9 9A', { kind: 'writeSingleRegister', address: 1, register: 1, value: 0x0100 }],
  ['01 0F 00 00 00 0A D5 CC', { kind: 'writeMultipleCoils', address: 1, start: 0, quantity: 10 }],
  ['01 10 00 10 00 02 40 0D', { kind: 'writeMultipleRegisters', address: 1, start: 0x10, quantity: 2 }],
  ['01 85 06 C2 92', { kind: 'exception', address: 1, functionCode: 5, code: 6 }],
  ['01 83 02 C0 F1', { kind: 'exception', address: 1, functionCode: 3, code: 2 }],
];

describe('Modbus RTU request golden vectors', () => {
  for (const [wire, req] of requests.filter(([, r]) => r.address <= 247)) {
    it(`${req.kind} encodes to ${wire} and decodes back`, () => {
      const bytes = encodeRequest(req);
      expect(show(bytes)).toBe(wire);
      const d = decodeRequest(bytes, 0, bytes.length);
      expect(d).toEqual({ ok: true, value: req });
    });
  }
  it('the field frame FF 05 00 00 FF 00 99 E4 (address 255) is refused: Modbus slave ids are 1..247', () => {
    const [, req] = requests[0]!;
    expect(() => encodeRequest(req)).toThrow(/address 255 out of range: must be an integer 1\.\.247/);
  });
});

describe('Modbus RTU response golden vectors', () => {
  for (const [wire, res] of responses) {
    it(`${res.kind} ${wire}`, () => {
      expect(show(encodeResponse(res))).toBe(wire);
      const b = hex(wire);
      expect(decodeResponse(b, 0, b.length)).toEqual({ ok: true, value: res });
    });
  }
});

describe('Modbus request validation rejects, never clamps', () => {
  const cases: [ModbusRequest, RegExp][] = [
    [{ kind: 'readCoils', address: 248, start: 0, quantity: 1 }, /address 248 out of range/],
    [{ kind: 'readCoils', address: 0, start: 0, quantity: 1 }, /broadcast .* only allowed for writes/],
    [{ kind: 'readCoils', address: 1, start: 0, quantity: 2001 }, /quantity 2001 out of range: must be 1\.\.2000/],
    [{ kind: 'readHoldingRegisters', address: 1, start: 0, quantity: 126 }, /quantity 126 out of range: must be 1\.\.125/],
    [{ kind: 'readInputRegisters', address: 1, start: 0, quantity: 0 }, /quantity 0 out of range/],
    [{ kind: 'readInputRegisters', address: 1, start: 65535, quantity: 2 }, /runs past address 65535/],
    [{ kind: 'writeSingleRegister', address: 1, register: 0, value: 70000 }, /value 70000 out of range/],
    [{ kind: 'writeMultipleRegisters', address: 1, start: 0, values: new Array(124).fill(0) }, /quantity 124 out of range: must be 1\.\.123/],
    [{ kind: 'writeMultipleCoils', address: 1, start: 0, values: [] }, /quantity 0 out of range: must be 1\.\.1968/],
    [{ kind: 'writeSingleCoil', address: 1.5, coil: 0, value: true }, /address 1.5 out of range/],
  ];
  for (const [req, msg] of cases) {
    it(`${JSON.stringify(req).slice(0, 80)} -> ${msg.source}`, () => {
      expect(() => encodeRequest(req)).toThrow(msg);
    });
  }
  it('broadcast writes (address 0) are allowed', () => {
    expect(show(encodeRequest({ kind: 'writeSingleCoil', address: 0, coil: 0, value: false })).slice(0, 17)).toBe('00 05 00 00 00 00');
  });
});
