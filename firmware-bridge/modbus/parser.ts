/**
 * Resyncing Modbus RTU stream parsers.
 *
 * RTU has no start byte; real devices frame by 3.5 character times of silence. Over a byte
 * stream (USB-RS485 adapters, TCP gateways) we frame by content instead: the header of a frame
 * tells its length (fixed per function code, or a byte count), the trailing CRC-16/MODBUS must
 * match. On any failure the parser slides ONE byte and tries again, so a valid frame after
 * garbage is always found. While a candidate is still incomplete, a complete CRC-valid frame
 * further on wins (the candidate was a stray header). Work per push is bounded (<= 256 candidate
 * positions x <= 256 bytes of CRC), the buffer never holds more than one maximal frame, and
 * `push` never throws.
 *
 * Direction matters: `ModbusResponseParser` (master side) reads slave replies,
 * `ModbusRequestParser` (slave side, simulators) reads master requests. A master that knows what
 * it asked for may narrow the response parser with `expect()` so a garbage byte that looks like a
 * long byte count cannot hold a short reply hostage; `idle()` tells the parser a silence gap
 * (>= 3.5 character times) was observed, which ends any partial frame.
 */
import { crc16Modbus } from '../crc/crc16.ts';
import type { ParserStats, StreamParser } from '../framing/types.ts';
import { decodeRequest, decodeResponse, requestFrameLength, type LengthProbe } from './codec.ts';
import { FC, type ModbusRequest, type ModbusResponse, type ReadKind } from './types.ts';

const MAX_FRAME = 256;
/**
 * A chunk that follows a buffered tail is not copied whole: only the tail plus this many of the
 * chunk's bytes are joined, enough that every decision taken at a tail position sees at least
 * one maximal frame ahead, exactly as it would in the fully joined buffer.
 */
const STITCH = 2 * MAX_FRAME;
/** Numeric probe results (the hot loop avoids the string variants of `LengthProbe`). */
const NEED_MORE = -1;
const INVALID = -2;

const toNumeric = (p: LengthProbe): number => (p === 'need-more' ? NEED_MORE : p === 'invalid' ? INVALID : p);

abstract class RtuParser<F> implements StreamParser<F> {
  readonly stats: ParserStats = { droppedBytes: 0, badFrames: 0, frames: 0 };
  /** Own copy of the unfinished tail of the previous push (always < MAX_FRAME bytes). */
  private readonly tail = Buffer.alloc(MAX_FRAME);
  private tailLen = 0;
  /** Tail + the head of the next chunk, joined without copying the whole chunk. */
  private readonly stitch = Buffer.alloc(MAX_FRAME + STITCH);

  /** Frame length at `pos` judged from the header: > 0, NEED_MORE or INVALID. */
  protected abstract probe(buf: Uint8Array, pos: number, end: number): number;
  /** Decode a CRC-valid frame; null = semantically invalid (counted as bad, slide one byte). */
  protected abstract decode(buf: Uint8Array, pos: number, len: number): F | null;
  /**
   * Optional fast path: take consecutive frames from `pos` that the general rules below would
   * accept unchanged (valid header, complete, CRC ok, decodes), appending them to `out`; return
   * the first position it leaves to the general rules. Default: none.
   */
  protected take(_buf: Uint8Array, pos: number, _end: number, _stop: number, _out: F[]): number {
    return pos;
  }

  push(chunk: Uint8Array): F[] {
    const out: F[] = [];
    const n = chunk.length;
    if (n === 0) return out;
    const restLen = this.tailLen;
    if (restLen === 0) {
      this.keep(chunk, this.scan(chunk, 0, n, n, out), n);
      return out;
    }
    const w = this.stitch;
    w.set(this.tail.subarray(0, restLen), 0);
    if (n <= STITCH) {
      w.set(chunk, restLen);
      this.keep(w, this.scan(w, 0, restLen + n, restLen + n, out), restLen + n);
      return out;
    }
    w.set(chunk.subarray(0, STITCH), restLen);
    // Every candidate inside the old tail sees >= STITCH bytes ahead, so it is complete or
    // invalid here just as in the joined buffer; stop once the scan has moved into the chunk.
    const pos = this.scan(w, 0, restLen + STITCH, restLen, out);
    if (pos < restLen) {
      // not reachable by the argument above; stay correct anyway by joining for real
      const joined = Buffer.alloc(restLen - pos + n);
      joined.set(w.subarray(pos, restLen), 0);
      joined.set(chunk, restLen - pos);
      this.keep(joined, this.scan(joined, 0, joined.length, joined.length, out), joined.length);
      return out;
    }
    this.keep(chunk, this.scan(chunk, pos - restLen, n, n, out), n);
    return out;
  }

  /** Frames in `buf[pos, end)` while `pos < stop`; returns where an incomplete frame begins (or >= stop). */
  private scan(buf: Uint8Array, pos: number, end: number, stop: number, out: F[]): number {
    const stats = this.stats;
    let frames = 0;
    while (pos < stop) {
      const before = out.length;
      pos = this.take(buf, pos, end, stop, out);
      frames += out.length - before;
      if (pos >= stop) break;
      const len = this.probe(buf, pos, end);
      if (len === INVALID) {
        pos++;
        stats.droppedBytes++;
        continue;
      }
      if (len === NEED_MORE || end - pos < len) {
        // The candidate here is incomplete. If a complete, CRC-valid frame already sits further
        // on, the candidate was garbage (e.g. a stray "byte count"): skip to that frame.
        const next = this.completeFrameAfter(buf, pos, end);
        if (next < 0) break;
        stats.badFrames++;
        stats.droppedBytes += next - pos;
        pos = next;
        continue;
      }
      if (!crcAt(buf, pos, len)) {
        stats.badFrames++;
        stats.droppedBytes++;
        pos++;
        continue;
      }
      const frame = this.decode(buf, pos, len);
      if (frame === null) {
        stats.badFrames++;
        stats.droppedBytes++;
        pos++;
        continue;
      }
      out.push(frame);
      frames++;
      pos += len;
    }
    stats.frames += frames;
    return pos;
  }

  /** Keep the unfinished tail `buf[pos, end)` (at most MAX_FRAME bytes) as an own copy. */
  private keep(buf: Uint8Array, pos: number, end: number): void {
    if (pos >= end) {
      this.tailLen = 0;
      return;
    }
    const len = Math.min(end - pos, MAX_FRAME);
    this.tail.set(buf.subarray(pos, pos + len), 0);
    this.tailLen = len;
    if (end - pos > MAX_FRAME) this.stats.droppedBytes += end - pos - MAX_FRAME;
  }

  private completeFrameAfter(buf: Uint8Array, pos: number, end: number): number {
    for (let j = pos + 1; j < end; j++) {
      const len = this.probe(buf, j, end);
      if (len > 0 && end - j >= len && crcAt(buf, j, len) && this.decode(buf, j, len) !== null) return j;
    }
    return -1;
  }

  /** A silence gap was seen: whatever is buffered can no longer complete a frame. */
  idle(): void {
    if (this.tailLen > 0) {
      this.stats.droppedBytes += this.tailLen;
      this.stats.badFrames++;
    }
    this.tailLen = 0;
  }

  reset(): void {
    this.tailLen = 0;
  }

  /** Bytes waiting for the rest of a frame (for tests and diagnostics). */
  get buffered(): number {
    return this.tailLen;
  }
}

/**
 * CRC-16/MODBUS, table driven four bytes per step ("slicing by 4"): T[k][v] is the register
 * after byte v followed by k zero bytes (T[0] is the usual table, the one crc/crc16.ts builds),
 * so a step is four lookups that do not depend on each other. Checked against `crc16Modbus`
 * and the catalogue check value at load. A local copy because the check runs at every
 * candidate frame and a call into another module costs more than the few bytes it covers.
 */
const [CRC_T0, CRC_T1, CRC_T2, CRC_T3] = ((): Uint16Array[] => {
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
function crcModbusAt(buf: Uint8Array, start: number, end: number): number {
  let crc = 0xffff;
  let i = start;
  for (; i + 3 < end; i += 4) {
    const x = crc ^ (buf[i] as number) ^ ((buf[i + 1] as number) << 8);
    crc = (CRC_T3[x & 0xff] as number) ^ (CRC_T2[x >>> 8] as number) ^ (CRC_T1[buf[i + 2] as number] as number) ^ (CRC_T0[buf[i + 3] as number] as number);
  }
  for (; i < end; i++) crc = (crc >>> 8) ^ (CRC_T0[(crc ^ (buf[i] as number)) & 0xff] as number);
  return crc;
}

{
  const check = Uint8Array.of(0x31, 0x32, 0x33, 0x34, 0x35, 0x36, 0x37, 0x38, 0x39);
  for (let n = 0; n <= check.length; n++) {
    if (crcModbusAt(check, 0, n) !== crc16Modbus(check, 0, n)) throw new Error('CRC-16/MODBUS table self-check failed');
  }
  if (crcModbusAt(check, 0, check.length) !== 0x4b37) throw new Error('CRC-16/MODBUS check value mismatch');
  if (!crcAt(Uint8Array.of(...check, 0x37, 0x4b), 0, 11)) throw new Error('CRC-16/MODBUS residue mismatch');
}

/**
 * True when the last two bytes of `buf[pos, pos+len)` are its CRC-16/MODBUS, low byte first:
 * with no final XOR, the register over the whole frame including its CRC is then 0.
 */
function crcAt(buf: Uint8Array, pos: number, len: number): boolean {
  return crcModbusAt(buf, pos, pos + len) === 0;
}

/**
 * Response length by function code, as codec.ts `responseFrameLength` judges it: 8 (writes),
 * 5 (exceptions), 1 = 5 + byte count, 2 = 5 + even byte count (registers), 0 = not a reply.
 */
const RESPONSE_LENGTH: Uint8Array = (() => {
  const t = new Uint8Array(256);
  for (const fc of Object.values(FC)) {
    t[fc] = fc <= 0x02 ? 1 : fc <= 0x04 ? 2 : 8;
    t[fc | 0x80] = 5;
  }
  return t;
})();

/**
 * Total length of the response frame at `pos` from its header: `responseFrameLength` of
 * codec.ts with numeric results and a flat function-code table (this runs at every candidate
 * byte while resyncing).
 */
function responseLength(buf: Uint8Array, pos: number, end: number): number {
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

const rd16 = (b: Uint8Array, i: number): number => ((b[i] as number) << 8) | (b[i + 1] as number);

/** FC 01-04 reply with byte count `n`: bits (LSB first) or big-endian registers. */
function decodeReadReply(buf: Uint8Array, pos: number, fc: number, address: number, n: number): ModbusResponse {
  if (fc <= 0x02) {
    const bits: boolean[] = [];
    for (let i = 0; i < n * 8; i++) bits.push((((buf[pos + 3 + (i >> 3)] as number) >> (i & 7)) & 1) === 1);
    return { kind: fc === 0x01 ? 'readCoils' : 'readDiscreteInputs', address, bits };
  }
  const registers: number[] = [];
  for (let i = 0; i < n; i += 2) registers.push(rd16(buf, pos + 3 + i));
  return { kind: fc === 0x03 ? 'readHoldingRegisters' : 'readInputRegisters', address, registers };
}

/**
 * The response fast path (no expectation set): a flat length table, an inlined CRC and one
 * dispatch building the reply, instead of probe, CRC and codec decode each dispatching again.
 * It accepts exactly the frames the general loop accepts at the same position
 * (`responseLength`, complete, CRC ok, `decodeResponse` ok, with the same result; the
 * round-trip property tests hold both to the encoder) and hands every other position back to
 * it, so framing, resync and statistics stay those of the general rules.
 */
function takeResponses(buf: Uint8Array, pos: number, end: number, stop: number, out: ModbusResponse[]): number {
  while (pos < stop) {
    if (end - pos < 5) return pos;
    const address = buf[pos] as number;
    if (address < 1 || address > 247) return pos;
    const fc = buf[pos + 1] as number;
    let len = RESPONSE_LENGTH[fc] as number;
    if (len === 0) return pos;
    if (len <= 2) {
      // byte count; must be even (len 2) for registers
      const n = buf[pos + 2] as number;
      if (n === 0 || n > 250 || (n & (len - 1)) !== 0) return pos;
      len = 5 + n;
    }
    const last = pos + len;
    if (last > end) return pos;
    // CRC over the whole frame including its CRC must leave 0 (see crcAt), inlined here
    let crc = 0xffff;
    let i = pos;
    for (; i + 3 < last; i += 4) {
      const x = crc ^ (buf[i] as number) ^ ((buf[i + 1] as number) << 8);
      crc = (CRC_T3[x & 0xff] as number) ^ (CRC_T2[x >>> 8] as number) ^ (CRC_T1[buf[i + 2] as number] as number) ^ (CRC_T0[buf[i + 3] as number] as number);
    }
    for (; i < last; i++) crc = (crc >>> 8) ^ (CRC_T0[(crc ^ (buf[i] as number)) & 0xff] as number);
    if (crc !== 0) return pos;
    let frame: ModbusResponse;
    switch (fc) {
      case 0x01:
      case 0x02: {
        if (len === 6) {
          // one byte of bits (up to 8 coils or inputs), the usual relay/input board reply
          const b = buf[pos + 3] as number;
          const bits = [(b & 1) !== 0, (b & 2) !== 0, (b & 4) !== 0, (b & 8) !== 0, (b & 16) !== 0, (b & 32) !== 0, (b & 64) !== 0, (b & 128) !== 0];
          frame = { kind: fc === 0x01 ? 'readCoils' : 'readDiscreteInputs', address, bits };
        } else frame = decodeReadReply(buf, pos, fc, address, len - 5);
        break;
      }
      case 0x03:
      case 0x04: {
        const kind = fc === 0x03 ? 'readHoldingRegisters' : 'readInputRegisters';
        if (len === 7) frame = { kind, address, registers: [rd16(buf, pos + 3)] };
        else if (len === 9) frame = { kind, address, registers: [rd16(buf, pos + 3), rd16(buf, pos + 5)] };
        else frame = decodeReadReply(buf, pos, fc, address, len - 5);
        break;
      }
      case 0x05: {
        const v = rd16(buf, pos + 4);
        if (v !== 0xff00 && v !== 0) return pos;
        frame = { kind: 'writeSingleCoil', address, coil: rd16(buf, pos + 2), value: v === 0xff00 };
        break;
      }
      case 0x06:
        frame = { kind: 'writeSingleRegister', address, register: rd16(buf, pos + 2), value: rd16(buf, pos + 4) };
        break;
      case 0x0f:
      case 0x10:
        frame = { kind: fc === 0x0f ? 'writeMultipleCoils' : 'writeMultipleRegisters', address, start: rd16(buf, pos + 2), quantity: rd16(buf, pos + 4) };
        break;
      default:
        frame = { kind: 'exception', address, functionCode: fc & 0x7f, code: buf[pos + 2] as number };
    }
    out.push(frame);
    pos = last;
  }
  return pos;
}

/** What the master is waiting for; narrows framing to replies that can belong to it. */
export interface ResponseExpectation {
  address: number;
  kind: ModbusRequest['kind'];
  /** For reads: the quantity asked for (fixes the byte count). */
  quantity?: number;
}

export function expectationFor(req: ModbusRequest): ResponseExpectation {
  return 'quantity' in req ? { address: req.address, kind: req.kind, quantity: req.quantity } : { address: req.address, kind: req.kind };
}

function expectedByteCount(kind: ReadKind, quantity: number): number {
  return kind === 'readCoils' || kind === 'readDiscreteInputs' ? Math.ceil(quantity / 8) : quantity * 2;
}

export class ModbusResponseParser extends RtuParser<ModbusResponse> {
  private expectation: ResponseExpectation | null = null;

  /** Accept only frames that can answer this request (null = accept any well-formed reply). */
  expect(e: ResponseExpectation | null): void {
    this.expectation = e;
  }

  protected probe(buf: Uint8Array, pos: number, end: number): number {
    const e = this.expectation;
    if (e) {
      if (end - pos < 2) return NEED_MORE;
      const fc = FC[e.kind];
      if (buf[pos] !== e.address) return INVALID;
      const f = buf[pos + 1] as number;
      if (f === (fc | 0x80)) return 5;
      if (f !== fc) return INVALID;
      if (e.quantity !== undefined && fc <= 4) {
        if (end - pos < 3) return NEED_MORE;
        const n = expectedByteCount(e.kind as ReadKind, e.quantity);
        return buf[pos + 2] === n ? 5 + n : INVALID;
      }
    }
    return responseLength(buf, pos, end);
  }

  protected decode(buf: Uint8Array, pos: number, len: number): ModbusResponse | null {
    const r = decodeResponse(buf, pos, len);
    return r.ok ? r.value : null;
  }

  protected override take(buf: Uint8Array, pos: number, end: number, stop: number, out: ModbusResponse[]): number {
    return this.expectation === null ? takeResponses(buf, pos, end, stop, out) : pos;
  }
}

/** A request as a slave sees it: valid, or invalid-but-addressed (answer with an exception). */
export type IncomingRequest =
  | { ok: true; request: ModbusRequest }
  | { ok: false; address: number; functionCode: number; exception: number; error: string };

export class ModbusRequestParser extends RtuParser<IncomingRequest> {
  protected probe(buf: Uint8Array, pos: number, end: number): number {
    return toNumeric(requestFrameLength(buf, pos, end));
  }

  protected decode(buf: Uint8Array, pos: number, len: number): IncomingRequest | null {
    const r = decodeRequest(buf, pos, len);
    if (r.ok) return { ok: true, request: r.value };
    return {
      ok: false,
      address: r.address ?? (buf[pos] as number),
      functionCode: r.functionCode ?? (buf[pos + 1] as number),
      exception: r.exception ?? 3,
      error: r.error,
    };
  }
}
