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
import type { ParserStats, StreamParser } from '../framing/types.ts';
import { decodeRequest, decodeResponseAt, INVALID, NEED_MORE, requestLengthAt, RESPONSE_LENGTH, responseLengthAt } from './codec.ts';
import { crcModbusAt, crcResidueOk } from './crc.ts';
import { FC, type ModbusRequest, type ModbusResponse, type ReadKind } from './types.ts';

const MAX_FRAME = 256;
/**
 * A chunk that follows a buffered tail is not copied whole: only the tail plus this many of the
 * chunk's bytes are joined, enough that every decision taken at a tail position sees at least
 * one maximal frame ahead, exactly as it would in the fully joined buffer.
 */
const STITCH = 2 * MAX_FRAME;
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
      if (!crcResidueOk(buf, pos, len)) {
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
      if (len > 0 && end - j >= len && crcResidueOk(buf, j, len) && this.decode(buf, j, len) !== null) return j;
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
 * The response fast path (no expectation set): consecutive frames the general rules would
 * accept unchanged at the same position (`responseLengthAt`, complete, CRC ok,
 * `decodeResponseAt` not null), without the virtual probe/decode dispatch of the general loop.
 * The header check is `responseLengthAt` spelled out on the same table, as before (with the
 * calls RB6 measured ~0.17-0.19 instead of ~0.18-0.21); decoding is the codec's, not a copy.
 * Every other position goes back to the general loop, so framing, resync and statistics stay
 * those of the general rules (parserBench.test.ts holds the two to the same output).
 */
function takeResponses(buf: Uint8Array, pos: number, end: number, stop: number, out: ModbusResponse[]): number {
  while (pos < stop) {
    if (end - pos < 5) return pos;
    const address = buf[pos] as number;
    if (address < 1 || address > 247) return pos;
    let len = RESPONSE_LENGTH[buf[pos + 1] as number] as number;
    if (len === 0) return pos;
    if (len <= 2) {
      const n = buf[pos + 2] as number;
      if (n === 0 || n > 250 || (n & (len - 1)) !== 0) return pos;
      len = 5 + n;
    }
    if (end - pos < len || crcModbusAt(buf, pos, pos + len) !== 0) return pos;
    const frame = decodeResponseAt(buf, pos, len);
    if (frame === null) return pos;
    out.push(frame);
    pos += len;
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
    return responseLengthAt(buf, pos, end);
  }

  protected decode(buf: Uint8Array, pos: number, len: number): ModbusResponse | null {
    return decodeResponseAt(buf, pos, len);
  }

  protected override take(buf: Uint8Array, pos: number, end: number, stop: number, out: ModbusResponse[]): number {
    return this.expectation === null ? takeResponses(buf, pos, end, stop, out) : pos;
  }
}

/** A request as a slave sees it: valid, or invalid-but-addressed (answer with an exception). */
export type IncomingRequest = { ok: true; request: ModbusRequest } | { ok: false; address: number; functionCode: number; exception: number; error: string };

export class ModbusRequestParser extends RtuParser<IncomingRequest> {
  protected probe(buf: Uint8Array, pos: number, end: number): number {
    return requestLengthAt(buf, pos, end);
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
