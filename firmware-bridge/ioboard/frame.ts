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
  /** From the parser: a view of this frame's own bytes in a shared arena (use byteOffset/length, not the whole .buffer). */
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
 * CRC-16/CCITT-FALSE, four bytes per step ("slicing by 4"): T[k][v] is the register after byte v
 * followed by k zero bytes, so each step is four lookups that do not depend on each other.
 * T[0] is the usual byte table (the one crc/crc16.ts builds). The parser runs the CRC over the
 * whole raw frame including its trailing CRC (big-endian): with no final XOR that leaves 0 for
 * an intact frame. Checked against `crc16CcittFalse` and the catalogue check value at load.
 */
const CCITT = ((): [Uint16Array, Uint16Array, Uint16Array, Uint16Array] => {
  const t0 = new Uint16Array(256);
  for (let i = 0; i < 256; i++) {
    let c = i << 8;
    for (let k = 0; k < 8; k++) c = c & 0x8000 ? ((c << 1) ^ 0x1021) & 0xffff : (c << 1) & 0xffff;
    t0[i] = c;
  }
  const next = (prev: Uint16Array): Uint16Array => prev.map((c) => ((c << 8) & 0xffff) ^ (t0[c >>> 8] as number));
  const t1 = next(t0);
  const t2 = next(t1);
  return [t0, t1, t2, next(t2)];
})();
const [CT0, CT1, CT2, CT3] = CCITT;

/** CRC-16/CCITT-FALSE register over `buf[start, end)`. */
function crcCcitt(buf: Uint8Array, start: number, end: number): number {
  let crc = 0xffff;
  let i = start;
  for (; i + 3 < end; i += 4) {
    const x = crc ^ (((buf[i] as number) << 8) | (buf[i + 1] as number));
    crc = (CT3[x >>> 8] as number) ^ (CT2[x & 0xff] as number) ^ (CT1[buf[i + 2] as number] as number) ^ (CT0[buf[i + 3] as number] as number);
  }
  for (; i < end; i++) crc = ((crc << 8) & 0xffff) ^ (CT0[((crc >>> 8) ^ (buf[i] as number)) & 0xff] as number);
  return crc;
}

{
  const check = Uint8Array.of(0x31, 0x32, 0x33, 0x34, 0x35, 0x36, 0x37, 0x38, 0x39, 0x29, 0xb1);
  for (let n = 0; n <= 9; n++) {
    if (crcCcitt(check, 0, n) !== crc16CcittFalse(check, 0, n)) throw new Error('CRC-16/CCITT-FALSE table self-check failed');
  }
  if (crcCcitt(check, 0, 9) !== 0x29b1 || crcCcitt(check, 0, 11) !== 0) throw new Error('CRC-16/CCITT-FALSE check value mismatch');
}

/** Payloads are handed out as views into arenas of this size (a frame never straddles two). */
const ARENA_SIZE = 4096;

/**
 * Resyncing parser: splits at 0x00 (COBS guarantees no 0x00 inside a packet), so any garbage
 * costs at most the packet it lands in. Packets longer than MAX_STUFFED are skipped to the next
 * delimiter without buffering them. Never throws.
 *
 * Hot path: each packet is copied (four bytes a step) up to its delimiter into a shared arena,
 * unstuffed in place and CRC-checked there; each payload is a view of its own bytes in the
 * arena (an arena is never written again once handed out; a retained payload keeps at most one
 * arena of ARENA_SIZE bytes alive). Packets split across pushes take the general path, which
 * is the reference behaviour the hot path reproduces.
 */
export class IoFrameParser implements StreamParser<IoFrame> {
  readonly stats: ParserStats = { droppedBytes: 0, badFrames: 0, frames: 0 };
  /** Bytes of a packet split across pushes (never more than MAX_STUFFED). */
  private readonly pending = Buffer.alloc(MAX_STUFFED);
  private pendingLen = 0;
  private skipping = false;
  private arena = new ArrayBuffer(ARENA_SIZE);
  private arenaBytes = new Uint8Array(this.arena);
  private arenaWords = new DataView(this.arena);
  private arenaUsed = 0;

  push(chunk: Uint8Array): IoFrame[] {
    const out: IoFrame[] = [];
    const n = chunk.length;
    let buf: Buffer | null = null;
    let pos = 0;
    while (pos < n) {
      if (this.pendingLen === 0 && !this.skipping) {
        pos = this.takePackets(chunk, pos, n, out);
        if (pos >= n) break;
      }
      buf ??= Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length);
      const z = buf.indexOf(0, pos);
      if (z < 0) {
        this.accumulate(buf, pos, n);
        break;
      }
      if (this.skipping) {
        this.stats.droppedBytes += z - pos + 1;
        this.skipping = false;
      } else if (this.pendingLen === 0) {
        this.packet(buf, pos, z, out);
      } else {
        const total = this.pendingLen + (z - pos);
        this.pendingLen = 0;
        if (total > MAX_STUFFED) this.bad(total);
        else {
          this.pending.set(buf.subarray(pos, z), total - (z - pos));
          this.packet(this.pending, 0, total, out);
        }
      }
      pos = z + 1;
    }
    return out;
  }

  /**
   * Packets from `pos` on whose delimiter lies within reach in this chunk: each decoded,
   * checked and delivered or counted bad exactly as `packet` would.
   * Returns the first position it leaves to the general rules (a packet that is too long or
   * not finished in this chunk), or `n`.
   */
  private takePackets(chunk: Uint8Array, pos: number, n: number, out: IoFrame[]): number {
    const stats = this.stats;
    let arena = this.arena;
    let a = this.arenaBytes;
    let arenaWords = this.arenaWords;
    let used = this.arenaUsed;
    const words = new DataView(chunk.buffer, chunk.byteOffset, chunk.length);
    let frames = 0;
    let start = pos;
    while (start < n) {
      if (used + MAX_STUFFED + 2 > ARENA_SIZE) {
        arena = new ArrayBuffer(ARENA_SIZE);
        a = new Uint8Array(arena);
        arenaWords = new DataView(arena);
        used = 0;
      }
      const limit = n - start > MAX_STUFFED ? start + MAX_STUFFED + 1 : n;
      // copy the stuffed packet up to its delimiter, four bytes at a time while a word holds
      // no 0x00 (`(w - 0x01010101) & ~w & 0x80808080` is 0 exactly then), then byte-wise
      let i = start;
      let o = used;
      for (; i + 4 <= limit; i += 4, o += 4) {
        const w = words.getUint32(i, true);
        if (((w - 0x01010101) & ~w & 0x80808080) !== 0) break;
        arenaWords.setUint32(o, w, true);
      }
      for (; i < limit; i++) {
        const b = chunk[i] as number;
        if (b === 0) break;
        a[o++] = b;
      }
      if (i >= limit) break; // no delimiter within reach: general rules
      const packetLen = i - start;
      start = i + 1;
      if (packetLen === 0) continue; // back-to-back delimiters (a sender may lead with 0x00 to flush noise)
      // undo the stuffing in place: every code byte after the first becomes the 0x00 it stands
      // for; the raw frame is then a[used + 1, o). The last block must end exactly at the
      // delimiter (a 0xFF code, 254 data bytes, never fits a packet this short).
      let c = used;
      let next = c + (a[c] as number);
      while (next < o) {
        c = next;
        next = c + (a[c] as number);
        a[c] = 0;
      }
      const raw = used + 1;
      if (next !== o || packetLen < 6 || a[raw] !== PROTOCOL_VERSION || crcCcitt(a, raw, o) !== 0) {
        stats.badFrames++;
        stats.droppedBytes += packetLen + 1;
        continue;
      }
      const len = o - raw;
      out.push({ seq: a[raw + 1] as number, type: a[raw + 2] as number, payload: new Uint8Array(arena, raw + 3, len - 5) });
      used = o;
      frames++;
    }
    this.arena = arena;
    this.arenaBytes = a;
    this.arenaWords = arenaWords;
    this.arenaUsed = used;
    stats.frames += frames;
    return start;
  }

  /** Make room in the arena for one more decoded frame. */
  private reserve(): void {
    if (this.arenaUsed + MAX_STUFFED + 2 > ARENA_SIZE) {
      this.arena = new ArrayBuffer(ARENA_SIZE);
      this.arenaBytes = new Uint8Array(this.arena);
      this.arenaWords = new DataView(this.arena);
      this.arenaUsed = 0;
    }
  }

  private accumulate(buf: Buffer, from: number, to: number): void {
    if (this.skipping) {
      this.stats.droppedBytes += to - from;
      return;
    }
    if (this.pendingLen + (to - from) > MAX_STUFFED) {
      this.stats.droppedBytes += this.pendingLen + (to - from);
      this.stats.badFrames++;
      this.pendingLen = 0;
      this.skipping = true;
      return;
    }
    this.pending.set(buf.subarray(from, to), this.pendingLen);
    this.pendingLen += to - from;
  }

  /** One packet `buf[start, end)` (without its delimiter), by the general rules. */
  private packet(buf: Uint8Array, start: number, end: number, out: IoFrame[]): void {
    const n = end - start;
    if (n === 0) return; // back-to-back delimiters
    if (n > MAX_STUFFED || n < 6) return this.bad(n);
    this.reserve();
    const base = this.arenaUsed;
    const raw = this.arenaBytes.subarray(base, base + MAX_STUFFED);
    const len = cobsDecodeInto(buf, start, end, raw);
    if (len < 5 || len > MAX_RAW) return this.bad(n);
    const crc = crc16CcittFalse(raw, 0, len - 2);
    if (raw[len - 2] !== crc >>> 8 || raw[len - 1] !== (crc & 0xff) || raw[0] !== PROTOCOL_VERSION) return this.bad(n);
    out.push({ seq: raw[1] as number, type: raw[2] as number, payload: new Uint8Array(this.arena, base + 3, len - 5) });
    this.arenaUsed = base + len;
    this.stats.frames++;
  }

  private bad(n: number): void {
    this.stats.badFrames++;
    this.stats.droppedBytes += n + 1;
  }

  reset(): void {
    this.pendingLen = 0;
    this.skipping = false;
  }
}
