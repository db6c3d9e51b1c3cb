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
import { crcModbusAt } from './crc.ts';
import { FC, type FunctionName, type ModbusRequest, type ModbusResponse } from './types.ts';
import { ModbusValidationError, validateRequest } from './validate.ts';

const NAME_BY_FC = new Map<number, FunctionName>((Object.entries(FC) as [FunctionName, number][]).map(([k, v]) => [v, k]));

export function functionName(fc: number): FunctionName | undefined {
  return NAME_BY_FC.get(fc);
}

function finish(body: number[]): Buffer {
  const out = Buffer.alloc(body.length + 2);
  for (let i = 0; i < body.length; i++) out[i] = body[i] as number;
  const crc = crcModbusAt(out, 0, body.length);
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
  const bits = new Array<boolean>(count * 8);
  for (let i = 0; i < bits.length; i++) bits[i] = (((buf[from + (i >> 3)] as number) >> (i & 7)) & 1) === 1;
  return bits;
}

function unpackRegisters(buf: Uint8Array, from: number, byteCount: number): number[] {
  const registers = new Array<number>((byteCount + 1) >> 1);
  for (let i = 0; i < registers.length; i++) registers[i] = rd16(buf, from + 2 * i);
  return registers;
}

const rd16 = (b: Uint8Array, i: number): number => ((b[i] as number) << 8) | (b[i + 1] as number);

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

/** Numeric outcomes of a length probe (a frame length is > 0). */
export const NEED_MORE = -1;
export const INVALID = -2;

/**
 * Response length by function code (exported for the parser's fast path): 8 (FC 05/06/0F/10), 5 (exceptions, FC | 0x80),
 * 1 = 5 + byte count (bits), 2 = 5 + even byte count (registers), 0 = not a reply.
 */
export const RESPONSE_LENGTH: Uint8Array = (() => {
  const t = new Uint8Array(256);
  for (const fc of Object.values(FC)) {
    t[fc] = fc <= 0x02 ? 1 : fc <= 0x04 ? 2 : 8;
    t[fc | 0x80] = 5;
  }
  return t;
})();

/**
 * Total length of the response frame starting at `pos`, judged from its header only:
 * the length, NEED_MORE or INVALID. Runs at every candidate byte while a parser resyncs.
 */
export function responseLengthAt(buf: Uint8Array, pos: number, end: number): number {
  if (end - pos < 2) return NEED_MORE;
  const addr = buf[pos] as number;
  if (addr < 1 || addr > 247) return INVALID;
  const t = RESPONSE_LENGTH[buf[pos + 1] as number] as number;
  if (t === 0) return INVALID;
  if (t > 2) return t;
  if (end - pos < 3) return NEED_MORE;
  const n = buf[pos + 2] as number;
  return n === 0 || n > 250 || (n & (t - 1)) !== 0 ? INVALID : 5 + n;
}

/** Total length of the request frame starting at `pos` (slave side): length, NEED_MORE or INVALID. */
export function requestLengthAt(buf: Uint8Array, pos: number, end: number): number {
  if (end - pos < 2) return NEED_MORE;
  const addr = buf[pos] as number;
  if (addr > 247) return INVALID;
  const fc = buf[pos + 1] as number;
  if (fc === FC.writeMultipleCoils || fc === FC.writeMultipleRegisters) {
    if (end - pos < 7) return NEED_MORE;
    const n = buf[pos + 6] as number;
    if (n === 0 || n > 246) return INVALID;
    return 9 + n;
  }
  return NAME_BY_FC.has(fc) ? 8 : INVALID;
}

export type Decoded<T> = { ok: true; value: T } | { ok: false; error: string };

/** FC 01/02 reply at `pos`: its byte count's bits, LSB first, in an array of their final length. */
function replyBits(buf: Uint8Array, pos: number): boolean[] {
  const n = buf[pos + 2] as number;
  if (n !== 1) return unpackBits(buf, pos + 3, n);
  // one byte of bits (up to 8 coils or inputs) is the usual relay/input board reply
  const b = buf[pos + 3] as number;
  return [(b & 1) !== 0, (b & 2) !== 0, (b & 4) !== 0, (b & 8) !== 0, (b & 16) !== 0, (b & 32) !== 0, (b & 64) !== 0, (b & 128) !== 0];
}

/** FC 03/04 reply at `pos`: its big-endian registers, in an array of their final length. */
function replyRegisters(buf: Uint8Array, pos: number): number[] {
  const n = buf[pos + 2] as number;
  if (n === 4) return [rd16(buf, pos + 3), rd16(buf, pos + 5)];
  return n === 2 ? [rd16(buf, pos + 3)] : unpackRegisters(buf, pos + 3, n);
}

/**
 * Decode a complete, CRC-checked response frame `buf[pos, pos+len)` straight into the reply
 * object (no result wrapper); null when it is not a valid reply (unknown function code, FC 05
 * echo value other than FF00/0000). Never throws. The one response decoder: the stream parser
 * calls it per frame and `decodeResponse` wraps it. Kept small (bytecode) so that V8 inlines it
 * into the parser's loop; the rare long reads go to `unpackBits` / `unpackRegisters`.
 */
export function decodeResponseAt(buf: Uint8Array, pos: number, _len: number): ModbusResponse | null {
  const address = buf[pos] as number;
  const fc = buf[pos + 1] as number;
  if (fc === 0x01 || fc === 0x02) return { kind: fc === 0x01 ? 'readCoils' : 'readDiscreteInputs', address, bits: replyBits(buf, pos) };
  if (fc === 0x03 || fc === 0x04) {
    return { kind: fc === 0x03 ? 'readHoldingRegisters' : 'readInputRegisters', address, registers: replyRegisters(buf, pos) };
  }
  if (fc >= 0x80) return { kind: 'exception', address, functionCode: fc & 0x7f, code: buf[pos + 2] as number };
  const first = rd16(buf, pos + 2);
  const second = rd16(buf, pos + 4);
  if (fc === 0x05) return second === 0xff00 || second === 0 ? { kind: 'writeSingleCoil', address, coil: first, value: second !== 0 } : null;
  if (fc === 0x06) return { kind: 'writeSingleRegister', address, register: first, value: second };
  if (fc === 0x0f || fc === 0x10) return { kind: fc === 0x0f ? 'writeMultipleCoils' : 'writeMultipleRegisters', address, start: first, quantity: second };
  return null;
}

/** Decode a complete, CRC-checked response frame `buf[pos, pos+len)`. Never throws. */
export function decodeResponse(buf: Uint8Array, pos: number, len: number): Decoded<ModbusResponse> {
  const value = decodeResponseAt(buf, pos, len);
  if (value !== null) return { ok: true, value };
  const fc = buf[pos + 1] as number;
  if (fc === FC.writeSingleCoil) return { ok: false, error: `coil echo value 0x${rd16(buf, pos + 4).toString(16)} is not FF00/0000` };
  return { ok: false, error: `unknown function code 0x${fc.toString(16)} (len ${len})` };
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
