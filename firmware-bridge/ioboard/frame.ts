/**
 * dorfpunkt I/O board frame (spec: firmware-bridge/PROTOCOL.md):
 *
 * ```
 *  raw frame (before stuffing):
 *  +---------+-------+-------+------------------+--------+--------+
 *  | version | seq   | type  | payload 0..64 B  | CRC hi | CRC lo |
 *  | 0x01    | 0-255 | u8    |                  |  CRC-16/CCITT-FALSE over version..payload
 *  +---------+-------+-------+------------------+--------+--------+
 *  on the wire:  COBS(raw frame) | 0x00
 * ```
 */
import { crc16CcittFalse } from '../crc/crc16.ts';
import type { FrameEncoder, ParserStats, StreamParser } from '../framing/types.ts';
import { cobsDecodeInto, cobsEncode } from './cobs.ts';

export const PROTOCOL_VERSION = 1;
export const MAX_PAYLOAD = 64;
/** Longest raw frame, and the longest stuffed packet without its delimiter. */
export const MAX_RAW = 3 + MAX_PAYLOAD + 2;
export const MAX_STUFFED = MAX_RAW + 1;

export interface IoFrame {
  seq: number;
  type: number;
  payload: Uint8Array;
}

export class IoFrameError extends Error {
  override readonly name = 'IoFrameError';
}

export function encodeIoFrame(f: IoFrame): Buffer {
  if (!Number.isInteger(f.seq) || f.seq < 0 || f.seq > 255) throw new IoFrameError(`seq ${f.seq} out of range 0..255`);
  if (!Number.isInteger(f.type) || f.type < 0 || f.type > 255) throw new IoFrameError(`type ${f.type} out of range 0..255`);
  if (f.payload.length > MAX_PAYLOAD) throw new IoFrameError(`payload ${f.payload.length} bytes exceeds ${MAX_PAYLOAD}`);
  const raw = Buffer.alloc(3 + f.payload.length + 2);
  raw[0] = PROTOCOL_VERSION;
  raw[1] = f.seq;
  raw[2] = f.type;
  raw.set(f.payload, 3);
  const crc = crc16CcittFalse(raw, 0, raw.length - 2);
  raw[raw.length - 2] = crc >>> 8;
  raw[raw.length - 1] = crc & 0xff;
  const stuffed = cobsEncode(raw);
  const out = Buffer.alloc(stuffed.length + 1);
  stuffed.copy(out, 0);
  return out; // last byte already 0x00
}

export const ioFrameEncoder: FrameEncoder<IoFrame> = { encode: encodeIoFrame };

/**
 * Resyncing parser: splits at 0x00 (COBS guarantees no 0x00 inside a packet), so any garbage
 * costs at most the packet it lands in. Packets longer than MAX_STUFFED are skipped to the next
 * delimiter without buffering them. Never throws.
 */
export class IoFrameParser implements StreamParser<IoFrame> {
  readonly stats: ParserStats = { droppedBytes: 0, badFrames: 0, frames: 0 };
  /** Reused COBS decode target: no allocation per frame except the payload copy. */
  private readonly scratch = new Uint8Array(MAX_STUFFED);
  private pending: Buffer = Buffer.alloc(0);
  private skipping = false;

  push(chunk: Uint8Array): IoFrame[] {
    const out: IoFrame[] = [];
    const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length);
    let pos = 0;
    while (pos < buf.length) {
      const z = buf.indexOf(0, pos);
      if (z < 0) {
        this.accumulate(buf, pos, buf.length);
        break;
      }
      if (this.skipping) {
        this.stats.droppedBytes += z - pos + 1;
        this.skipping = false;
      } else if (this.pending.length === 0) {
        this.packet(buf, pos, z, out);
      } else {
        const joined = Buffer.concat([this.pending, buf.subarray(pos, z)]);
        this.pending = Buffer.alloc(0);
        this.packet(joined, 0, joined.length, out);
      }
      pos = z + 1;
    }
    return out;
  }

  private accumulate(buf: Buffer, from: number, to: number): void {
    if (this.skipping) {
      this.stats.droppedBytes += to - from;
      return;
    }
    if (this.pending.length + (to - from) > MAX_STUFFED) {
      this.stats.droppedBytes += this.pending.length + (to - from);
      this.stats.badFrames++;
      this.pending = Buffer.alloc(0);
      this.skipping = true;
      return;
    }
    this.pending = Buffer.concat([this.pending, buf.subarray(from, to)]);
  }

  private packet(buf: Buffer, start: number, end: number, out: IoFrame[]): void {
    const n = end - start;
    if (n === 0) return; // back-to-back delimiters (a sender may lead with 0x00 to flush noise)
    if (n > MAX_STUFFED || n < 6) return this.bad(n);
    const raw = this.scratch;
    const len = cobsDecodeInto(buf, start, end, raw);
    if (len < 5 || len > MAX_RAW) return this.bad(n);
    const crc = crc16CcittFalse(raw, 0, len - 2);
    if (raw[len - 2] !== crc >>> 8 || raw[len - 1] !== (crc & 0xff) || raw[0] !== PROTOCOL_VERSION) return this.bad(n);
    out.push({ seq: raw[1] as number, type: raw[2] as number, payload: raw.slice(3, len - 2) });
    this.stats.frames++;
  }

  private bad(n: number): void {
    this.stats.badFrames++;
    this.stats.droppedBytes += n + 1;
  }

  reset(): void {
    this.pending = Buffer.alloc(0);
    this.skipping = false;
  }
}
