/**
 * Modbus RTU codec: typed requests/responses ⇄ complete RTU frames.
 *
 * Request layouts (after `address | function`, before `CRC lo | CRC hi`):
 *
 * ```
 *  FC 01/02/03/04  read        : start hi | start lo | qty hi | qty lo                 (8 bytes total)
 *  FC 05 write single coil     : coil hi  | coil lo  | FF|00  | 00      (FF00 = on)   (8 bytes total)
 *  FC 06 write single register : reg hi   | reg lo   | val hi | val lo                 (8 bytes total)
 *  FC 0F write multiple coils  : start(2) | qty(2)   | byteCount N | N bytes of bits   (9 + N)
 *  FC 10 write multiple regs   : start(2) | qty(2)   | byteCount N=2*qty | N bytes     (9 + N)
 * ```
 *
 * Response layouts:
 *
 * ```
 *  FC 01/02        : byteCount N | N bytes of bits, LSB = first coil                 (5 + N)
 *  FC 03/04        : byteCount N=2*qty | registers big-endian                        (5 + N)
 *  FC 05/06        : echo of the request                                             (8 bytes)
 *  FC 0F/10        : start(2) | qty(2)                                               (8 bytes)
 *  exception       : address | FC|0x80 | exception code | CRC lo | CRC hi           (5 bytes)
 * ```
 *
 * Example (golden): relay 1 of slave 1 on = `01 05 00 00 FF 00 8C 3A`.
 */
import { crc16Modbus } from '../crc/crc16.ts';
import { FC, type FunctionName, type ModbusRequest, type ModbusResponse } from './types.ts';
import { ModbusValidationError, validateRequest } from './validate.ts';

const NAME_BY_FC = new Map<number, FunctionName>(
  (Object.entries(FC) as [FunctionName, number][]).map(([k, v]) => [v, k]),
);

export function functionName(fc: number): FunctionName | undefined {
  return NAME_BY_FC.get(fc);
}

function finish(body: number[]): Buffer {
  const out = Buffer.alloc(body.length + 2);
  for (let i = 0; i < body.length; i++) out[i] = body[i] as number;
  const crc = crc16Modbus(out, 0, body.length);
  out[body.length] = crc & 0xff;
  out[body.length + 1] = crc >>> 8;
  return out;
}

const u16 = (v: number): [number, number] => [(v >>> 8) & 0xff, v & 0xff];

function packBits(bits: boolean[]): number[] {
  const bytes = new Array<number>(Math.ceil(bits.length / 8)).fill(0);
  bits.forEach((b, i) => {
    if (b) bytes[i >> 3] = (bytes[i >> 3] as number) | (1 << (i & 7));
  });
  return bytes;
}

function unpackBits(buf: Uint8Array, from: number, count: number): boolean[] {
  const bits: boolean[] = [];
  for (let i = 0; i < count * 8; i++) bits.push((((buf[from + (i >> 3)] as number) >> (i & 7)) & 1) === 1);
  return bits;
}

const rd16 = (b: Uint8Array, i: number): number => (((b[i] as number) << 8) | (b[i + 1] as number)) >>> 0;

/** Encode a request; throws ModbusValidationError naming the bad field. */
export function encodeRequest(req: ModbusRequest): Buffer {
  const err = validateRequest(req);
  if (err) throw new ModbusValidationError(err);
  const fc = FC[req.kind];
  switch (req.kind) {
    case 'readCoils':
    case 'readDiscreteInputs':
    case 'readHoldingRegisters':
    case 'readInputRegisters':
      return finish([req.address, fc, ...u16(req.start), ...u16(req.quantity)]);
    case 'writeSingleCoil':
      return finish([req.address, fc, ...u16(req.coil), req.value ? 0xff : 0x00, 0x00]);
    case 'writeSingleRegister':
      return finish([req.address, fc, ...u16(req.register), ...u16(req.value)]);
    case 'writeMultipleCoils': {
      const bytes = packBits(req.values);
      return finish([req.address, fc, ...u16(req.start), ...u16(req.values.length), bytes.length, ...bytes]);
    }
    case 'writeMultipleRegisters': {
      const bytes = req.values.flatMap(u16);
      return finish([req.address, fc, ...u16(req.start), ...u16(req.values.length), bytes.length, ...bytes]);
    }
  }
}

/** Encode a response (slave side, simulators). Throws on values that cannot be represented. */
export function encodeResponse(res: ModbusResponse): Buffer {
  if (!Number.isInteger(res.address) || res.address < 1 || res.address > 247) {
    throw new ModbusValidationError(`response address ${res.address} out of range 1..247`);
  }
  switch (res.kind) {
    case 'exception':
      return finish([res.address, (res.functionCode | 0x80) & 0xff, res.code & 0xff]);
    case 'readCoils':
    case 'readDiscreteInputs': {
      const bytes = packBits(res.bits);
      if (bytes.length > 250) throw new ModbusValidationError('too many bits for one response');
      return finish([res.address, FC[res.kind], bytes.length, ...bytes]);
    }
    case 'readHoldingRegisters':
    case 'readInputRegisters': {
      if (res.registers.length > 125) throw new ModbusValidationError('too many registers for one response');
      const bytes = res.registers.flatMap((r) => u16(r & 0xffff));
      return finish([res.address, FC[res.kind], bytes.length, ...bytes]);
    }
    case 'writeSingleCoil':
      return finish([res.address, FC[res.kind], ...u16(res.coil), res.value ? 0xff : 0, 0]);
    case 'writeSingleRegister':
      return finish([res.address, FC[res.kind], ...u16(res.register), ...u16(res.value)]);
    case 'writeMultipleCoils':
    case 'writeMultipleRegisters':
      return finish([res.address, FC[res.kind], ...u16(res.start), ...u16(res.quantity)]);
  }
}

/** Outcome of a length probe at a buffer position. */
export type LengthProbe = number | 'need-more' | 'invalid';

/** Total length of the response frame starting at `pos`, judged from its header only. */
export function responseFrameLength(buf: Uint8Array, pos: number, end: number): LengthProbe {
  if (end - pos < 2) return 'need-more';
  const addr = buf[pos] as number;
  if (addr < 1 || addr > 247) return 'invalid';
  const fc = buf[pos + 1] as number;
  if (fc & 0x80) return NAME_BY_FC.has(fc & 0x7f) ? 5 : 'invalid';
  if (fc >= 1 && fc <= 4) {
    if (end - pos < 3) return 'need-more';
    const n = buf[pos + 2] as number;
    if (n === 0 || n > 250 || (fc >= 3 && n % 2 === 1)) return 'invalid';
    return 5 + n;
  }
  return NAME_BY_FC.has(fc) ? 8 : 'invalid';
}

/** Total length of the request frame starting at `pos` (slave side). */
export function requestFrameLength(buf: Uint8Array, pos: number, end: number): LengthProbe {
  if (end - pos < 2) return 'need-more';
  const addr = buf[pos] as number;
  if (addr > 247) return 'invalid';
  const fc = buf[pos + 1] as number;
  if (fc === FC.writeMultipleCoils || fc === FC.writeMultipleRegisters) {
    if (end - pos < 7) return 'need-more';
    const n = buf[pos + 6] as number;
    if (n === 0 || n > 246) return 'invalid';
    return 9 + n;
  }
  return NAME_BY_FC.has(fc) ? 8 : 'invalid';
}

/** True when the last two bytes of `frame[pos, pos+len)` are its CRC-16/MODBUS, low byte first. */
export function crcOk(buf: Uint8Array, pos: number, len: number): boolean {
  const crc = crc16Modbus(buf, pos, pos + len - 2);
  return (buf[pos + len - 2] as number) === (crc & 0xff) && (buf[pos + len - 1] as number) === crc >>> 8;
}

export type Decoded<T> = { ok: true; value: T } | { ok: false; error: string };

/** Decode a complete, CRC-checked response frame `buf[pos, pos+len)`. Never throws. */
export function decodeResponse(buf: Uint8Array, pos: number, len: number): Decoded<ModbusResponse> {
  const address = buf[pos] as number;
  const fc = buf[pos + 1] as number;
  if (fc & 0x80) {
    return { ok: true, value: { kind: 'exception', address, functionCode: fc & 0x7f, code: buf[pos + 2] as number } };
  }
  const kind = NAME_BY_FC.get(fc);
  switch (kind) {
    case 'readCoils':
    case 'readDiscreteInputs':
      return { ok: true, value: { kind, address, bits: unpackBits(buf, pos + 3, buf[pos + 2] as number) } };
    case 'readHoldingRegisters':
    case 'readInputRegisters': {
      const registers: number[] = [];
      const n = buf[pos + 2] as number;
      for (let i = 0; i < n; i += 2) registers.push(rd16(buf, pos + 3 + i));
      return { ok: true, value: { kind, address, registers } };
    }
    case 'writeSingleCoil': {
      const v = rd16(buf, pos + 4);
      if (v !== 0xff00 && v !== 0) return { ok: false, error: `coil echo value 0x${v.toString(16)} is not FF00/0000` };
      return { ok: true, value: { kind, address, coil: rd16(buf, pos + 2), value: v === 0xff00 } };
    }
    case 'writeSingleRegister':
      return { ok: true, value: { kind, address, register: rd16(buf, pos + 2), value: rd16(buf, pos + 4) } };
    case 'writeMultipleCoils':
    case 'writeMultipleRegisters':
      return { ok: true, value: { kind, address, start: rd16(buf, pos + 2), quantity: rd16(buf, pos + 4) } };
    default:
      return { ok: false, error: `unknown function code 0x${fc.toString(16)} (len ${len})` };
  }
}

/**
 * Decode a complete, CRC-checked request frame (slave side). Semantically invalid requests
 * (e.g. quantity 0, FC05 value not FF00/0000) come back as `{ ok: false, exception }` so a
 * slave can answer with exception 3 (illegal data value).
 */
export function decodeRequest(
  buf: Uint8Array,
  pos: number,
  len: number,
): Decoded<ModbusRequest> & { exception?: number; address?: number; functionCode?: number } {
  const address = buf[pos] as number;
  const fc = buf[pos + 1] as number;
  const kind = NAME_BY_FC.get(fc);
  const bad = (error: string, exception = 3) => ({ ok: false as const, error, exception, address, functionCode: fc });
  if (!kind) return bad(`unknown function code 0x${fc.toString(16)}`, 1);
  let req: ModbusRequest;
  switch (kind) {
    case 'readCoils':
    case 'readDiscreteInputs':
    case 'readHoldingRegisters':
    case 'readInputRegisters':
      req = { kind, address, start: rd16(buf, pos + 2), quantity: rd16(buf, pos + 4) };
      break;
    case 'writeSingleCoil': {
      const v = rd16(buf, pos + 4);
      if (v !== 0xff00 && v !== 0) return bad(`coil value 0x${v.toString(16)} is not FF00/0000`);
      req = { kind, address, coil: rd16(buf, pos + 2), value: v === 0xff00 };
      break;
    }
    case 'writeSingleRegister':
      req = { kind, address, register: rd16(buf, pos + 2), value: rd16(buf, pos + 4) };
      break;
    case 'writeMultipleCoils': {
      const qty = rd16(buf, pos + 4);
      const n = buf[pos + 6] as number;
      if (n !== Math.ceil(qty / 8) || len !== 9 + n) return bad(`byte count ${n} does not match ${qty} coils`);
      req = { kind, address, start: rd16(buf, pos + 2), values: unpackBits(buf, pos + 7, n).slice(0, qty) };
      break;
    }
    case 'writeMultipleRegisters': {
      const qty = rd16(buf, pos + 4);
      const n = buf[pos + 6] as number;
      if (n !== qty * 2 || len !== 9 + n) return bad(`byte count ${n} does not match ${qty} registers`);
      const values: number[] = [];
      for (let i = 0; i < n; i += 2) values.push(rd16(buf, pos + 7 + i));
      req = { kind, address, start: rd16(buf, pos + 2), values };
      break;
    }
  }
  const err = validateRequest(req);
  if (err) return bad(err, err.includes('quantity') || err.includes('value') ? 3 : 2);
  return { ok: true, value: req };
}
