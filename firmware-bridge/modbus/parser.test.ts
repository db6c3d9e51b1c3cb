import { describe, expect, it } from 'vitest';
import { encodeRequest, encodeResponse } from './codec.ts';
import { ModbusRequestParser, ModbusResponseParser, expectationFor } from './parser.ts';

const hex = (s: string): Buffer => Buffer.from(s.replace(/\s+/g, ''), 'hex');

describe('ModbusResponseParser', () => {
  it('delivers a reply fed one byte at a time', () => {
    const p = new ModbusResponseParser();
    const bytes = hex('03 03 04 00 E6 02 0D F8 A1');
    const out = [...bytes].flatMap((b) => p.push(Uint8Array.of(b)));
    expect(out).toEqual([{ kind: 'readHoldingRegisters', address: 3, registers: [230, 525] }]);
  });

  it('skips garbage before a frame and counts it', () => {
    const p = new ModbusResponseParser();
    const out = p.push(Buffer.concat([hex('00 FF 00 F8 FE'), hex('01 85 06 C2 92')]));
    expect(out).toEqual([{ kind: 'exception', address: 1, functionCode: 5, code: 6 }]);
    expect(p.stats.droppedBytes).toBe(5);
    expect(p.stats.frames).toBe(1);
  });

  it('a frame with a bad CRC is dropped and the next good one is found', () => {
    const p = new ModbusResponseParser();
    const out = p.push(hex('01 05 00 00 FF 00 8C 3B  01 05 00 00 FF 00 8C 3A'));
    expect(out).toHaveLength(1);
    expect(p.stats.badFrames).toBeGreaterThanOrEqual(1);
  });

  it('a garbage "byte count" does not hold a later complete reply hostage', () => {
    const garbage = hex('01 03 F0');
    const reply = encodeResponse({ kind: 'writeSingleCoil', address: 1, coil: 0, value: true });
    const loose = new ModbusResponseParser();
    expect(loose.push(Buffer.concat([garbage, reply]))).toHaveLength(1);
    expect(loose.push(garbage)).toEqual([]);
    expect(loose.buffered).toBe(3);
    loose.idle();
    expect(loose.buffered).toBe(0);

    const strict = new ModbusResponseParser();
    strict.expect(expectationFor({ kind: 'writeSingleCoil', address: 1, coil: 0, value: true }));
    expect(strict.push(Buffer.concat([garbage, reply]))).toHaveLength(1);
  });

  it('an expectation ignores replies from another address', () => {
    const p = new ModbusResponseParser();
    p.expect({ address: 2, kind: 'readCoils', quantity: 8 });
    expect(p.push(hex('01 01 01 05 91 8B'))).toEqual([]);
  });
});

describe('ModbusRequestParser', () => {
  it('decodes a write-multiple request split at every position', () => {
    const bytes = encodeRequest({ kind: 'writeMultipleRegisters', address: 9, start: 4, values: [1, 2, 3] });
    for (let cut = 0; cut <= bytes.length; cut++) {
      const p = new ModbusRequestParser();
      const out = [...p.push(bytes.subarray(0, cut)), ...p.push(bytes.subarray(cut))];
      expect(out).toEqual([{ ok: true, request: { kind: 'writeMultipleRegisters', address: 9, start: 4, values: [1, 2, 3] } }]);
    }
  });

  it('a CRC-valid but illegal request is surfaced so the slave can answer exception 3', () => {
    // FC05 with value 0x1234 (neither FF00 nor 0000)
    const p = new ModbusRequestParser();
    const body = hex('01 05 00 00 12 34');
    const frame = Buffer.concat([body, Buffer.alloc(2)]);
    const c = crc(body);
    frame[6] = c & 0xff;
    frame[7] = c >>> 8;
    const out = p.push(frame);
    expect(out).toEqual([expect.objectContaining({ ok: false, address: 1, functionCode: 5, exception: 3 })]);
  });
});

function crc(b: Uint8Array): number {
  let c = 0xffff;
  for (const x of b) {
    c ^= x;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0xa001 : c >>> 1;
  }
  return c;
}
