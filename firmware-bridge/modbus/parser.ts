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
import {
  crcOk,
  decodeRequest,
  decodeResponse,
  requestFrameLength,
  responseFrameLength,
  type LengthProbe,
} from './codec.ts';
import { FC, type ModbusRequest, type ModbusResponse, type ReadKind } from './types.ts';

const MAX_FRAME = 256;

abstract class RtuParser<F> implements StreamParser<F> {
  readonly stats: ParserStats = { droppedBytes: 0, badFrames: 0, frames: 0 };
  private rest: Buffer = Buffer.alloc(0);

  protected abstract probe(buf: Uint8Array, pos: number, end: number): LengthProbe;
  /** Decode a CRC-valid frame; null = semantically invalid (counted as bad, slide one byte). */
  protected abstract decode(buf: Uint8Array, pos: number, len: number): F | null;

  push(chunk: Uint8Array): F[] {
    const out: F[] = [];
    if (chunk.length === 0) return out;
    const buf = this.rest.length === 0 ? chunk : Buffer.concat([this.rest, chunk]);
    const end = buf.length;
    let pos = 0;
    while (pos < end) {
      const len = this.probe(buf, pos, end);
      if (len === 'invalid') {
        pos++;
        this.stats.droppedBytes++;
        continue;
      }
      if (len === 'need-more' || end - pos < len) {
        // The candidate here is incomplete. If a complete, CRC-valid frame already sits further
        // on, the candidate was garbage (e.g. a stray "byte count"): skip to that frame.
        const next = this.completeFrameAfter(buf, pos, end);
        if (next < 0) break;
        this.stats.badFrames++;
        this.stats.droppedBytes += next - pos;
        pos = next;
        continue;
      }
      if (!crcOk(buf, pos, len)) {
        this.stats.badFrames++;
        this.stats.droppedBytes++;
        pos++;
        continue;
      }
      const frame = this.decode(buf, pos, len);
      if (frame === null) {
        this.stats.badFrames++;
        this.stats.droppedBytes++;
        pos++;
        continue;
      }
      out.push(frame);
      this.stats.frames++;
      pos += len;
    }
    // Keep the unfinished tail (always < MAX_FRAME bytes) as an own copy.
    this.rest = pos >= end ? Buffer.alloc(0) : Buffer.from(buf.subarray(pos, Math.min(end, pos + MAX_FRAME)));
    if (end - pos > MAX_FRAME) {
      this.stats.droppedBytes += end - pos - MAX_FRAME;
    }
    return out;
  }

  private completeFrameAfter(buf: Uint8Array, pos: number, end: number): number {
    for (let j = pos + 1; j < end; j++) {
      const len = this.probe(buf, j, end);
      if (typeof len === 'number' && end - j >= len && crcOk(buf, j, len) && this.decode(buf, j, len) !== null) return j;
    }
    return -1;
  }

  /** A silence gap was seen: whatever is buffered can no longer complete a frame. */
  idle(): void {
    if (this.rest.length > 0) {
      this.stats.droppedBytes += this.rest.length;
      this.stats.badFrames++;
    }
    this.rest = Buffer.alloc(0);
  }

  reset(): void {
    this.rest = Buffer.alloc(0);
  }

  /** Bytes waiting for the rest of a frame (for tests and diagnostics). */
  get buffered(): number {
    return this.rest.length;
  }
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

  protected probe(buf: Uint8Array, pos: number, end: number): LengthProbe {
    const e = this.expectation;
    if (e) {
      if (end - pos < 2) return 'need-more';
      const fc = FC[e.kind];
      if (buf[pos] !== e.address) return 'invalid';
      const f = buf[pos + 1] as number;
      if (f === (fc | 0x80)) return 5;
      if (f !== fc) return 'invalid';
      if (e.quantity !== undefined && fc <= 4) {
        if (end - pos < 3) return 'need-more';
        const n = expectedByteCount(e.kind as ReadKind, e.quantity);
        return buf[pos + 2] === n ? 5 + n : 'invalid';
      }
    }
    return responseFrameLength(buf, pos, end);
  }

  protected decode(buf: Uint8Array, pos: number, len: number): ModbusResponse | null {
    const r = decodeResponse(buf, pos, len);
    return r.ok ? r.value : null;
  }
}

/** A request as a slave sees it: valid, or invalid-but-addressed (answer with an exception). */
export type IncomingRequest =
  | { ok: true; request: ModbusRequest }
  | { ok: false; address: number; functionCode: number; exception: number; error: string };

export class ModbusRequestParser extends RtuParser<IncomingRequest> {
  protected probe(buf: Uint8Array, pos: number, end: number): LengthProbe {
    return requestFrameLength(buf, pos, end);
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
