/**
 * Line framing for serial (and USB-CDC) barcode scanners in "serial mode":
 *
 * ```
 *  [ ]C1 ] [ data bytes, printable ASCII + GS 0x1D ............ ] [ suffix: CR | LF | CRLF | custom ]
 *    ^ optional AIM symbology identifier (stripped, reported)
 * ```
 *
 * `suffix: 'auto'` ends a line at CR or LF (CRLF and LFCR count once: empty lines are skipped).
 * A custom suffix (e.g. TAB, or `ETX`) is matched as a byte sequence. Control characters other
 * than GS (FNC1), RS and EOT are dropped and counted; a line with bytes >= 0x80 is line noise
 * (unless `asciiOnly: false`) and dropped whole; a line longer than `maxLineLength` is
 * discarded up to its terminator (counted as a bad frame). Never throws.
 */
import type { ParserStats, StreamParser } from '../framing/types.ts';
import { splitSymbology, type Symbology } from './symbology.ts';

export interface ScanLine {
  /** The barcode data without symbology identifier and suffix. */
  data: string;
  symbology?: Symbology;
}

export interface ScannerLineOptions {
  suffix?: 'auto' | Uint8Array;
  maxLineLength?: number;
  /** Strip and report a leading `]Xm` symbology identifier. Default true. */
  symbologyIds?: boolean;
  /** Refuse lines with bytes >= 0x80 (line noise; barcodes are ASCII). Default true. */
  asciiOnly?: boolean;
}

const KEEP_CONTROL = new Set([0x1d, 0x1e, 0x04]);

export class ScannerLineParser implements StreamParser<ScanLine> {
  readonly stats: ParserStats = { droppedBytes: 0, badFrames: 0, frames: 0 };
  private readonly suffix: Uint8Array | null;
  private readonly max: number;
  private readonly symbologyIds: boolean;
  private readonly asciiOnly: boolean;
  private line: number[] = [];
  private overflow = false;
  /** Bytes of a custom suffix matched so far. */
  private matched = 0;

  constructor(options: ScannerLineOptions = {}) {
    const suffix = options.suffix ?? 'auto';
    if (suffix !== 'auto' && suffix.length === 0) throw new Error('scanner suffix must not be empty');
    this.suffix = suffix === 'auto' ? null : Uint8Array.from(suffix);
    this.max = options.maxLineLength ?? 256;
    if (!Number.isInteger(this.max) || this.max < 1) throw new Error('maxLineLength must be a positive integer');
    this.symbologyIds = options.symbologyIds ?? true;
    this.asciiOnly = options.asciiOnly ?? true;
  }

  push(chunk: Uint8Array): ScanLine[] {
    const out: ScanLine[] = [];
    if (this.suffix === null) {
      this.pushAuto(chunk, out);
      return out;
    }
    for (let i = 0; i < chunk.length; i++) {
      const b = chunk[i] as number;
      if (!this.matchSuffix(b, out)) this.addByte(b);
    }
    return out;
  }

  /**
   * CR/LF mode fast path: clean runs of printable ASCII between terminators are taken as one
   * slice; only lines with control or high bytes fall back to the byte-wise path.
   */
  private pushAuto(chunk: Uint8Array, out: ScanLine[]): void {
    const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length);
    let segStart = 0;
    let clean = true;
    for (let i = 0; i < chunk.length; i++) {
      const b = chunk[i] as number;
      if (b === 0x0d || b === 0x0a) {
        if (clean && this.line.length === 0 && !this.overflow) {
          if (i > segStart) {
            if (i - segStart > this.max) {
              this.stats.droppedBytes += i - segStart;
              this.stats.badFrames++;
            } else {
              this.emit(buf.toString('latin1', segStart, i), out);
            }
          }
        } else {
          for (let j = segStart; j < i; j++) this.addByte(chunk[j] as number);
          this.endLine(out);
        }
        segStart = i + 1;
        clean = true;
      } else if (b < 0x20 || b >= 0x7f) {
        clean = false;
      }
    }
    // unterminated tail: keep it byte-wise (bounded by maxLineLength)
    for (let j = segStart; j < chunk.length; j++) this.addByte(chunk[j] as number);
  }

  /** Custom suffix matching with fallback for partial matches (suffixes are short). */
  private matchSuffix(b: number, out: ScanLine[]): boolean {
    const s = this.suffix as Uint8Array;
    if (b === s[this.matched]) {
      this.matched++;
      if (this.matched === s.length) {
        this.matched = 0;
        this.endLine(out);
      }
      return true;
    }
    if (this.matched > 0) {
      // The bytes taken as a suffix prefix were data after all.
      const pending = Array.from(s.subarray(0, this.matched));
      this.matched = 0;
      for (const p of pending) this.addByte(p);
      return this.matchSuffix(b, out);
    }
    return false;
  }

  private addByte(b: number): void {
    if (b < 0x20 || b === 0x7f) {
      if (!KEEP_CONTROL.has(b)) {
        this.stats.droppedBytes++;
        return;
      }
    }
    if (this.overflow) {
      this.stats.droppedBytes++;
      return;
    }
    if (this.line.length >= this.max) {
      this.overflow = true;
      this.stats.droppedBytes += this.line.length + 1;
      this.line = [];
      return;
    }
    this.line.push(b);
  }

  private endLine(out: ScanLine[]): void {
    if (this.overflow) {
      this.overflow = false;
      this.stats.badFrames++;
      this.line = [];
      return;
    }
    if (this.line.length === 0) return;
    if (this.asciiOnly && this.line.some((c) => c >= 0x80)) {
      this.stats.badFrames++;
      this.stats.droppedBytes += this.line.length;
      this.line = [];
      return;
    }
    const text = Buffer.from(this.line).toString('latin1');
    this.line = [];
    this.emit(text, out);
  }

  private emit(text: string, out: ScanLine[]): void {
    if (this.symbologyIds) {
      const { symbology, data } = splitSymbology(text);
      if (data.length === 0) {
        this.stats.badFrames++;
        this.stats.droppedBytes += text.length;
        return;
      }
      out.push(symbology ? { data, symbology } : { data });
    } else {
      out.push({ data: text });
    }
    this.stats.frames++;
  }

  reset(): void {
    this.line = [];
    this.overflow = false;
    this.matched = 0;
  }
}

/** Encode a scan as a scanner would send it (simulators, round-trip tests). */
export function encodeScanLine(line: ScanLine, suffix: Uint8Array = Uint8Array.of(0x0d, 0x0a)): Buffer {
  return Buffer.concat([Buffer.from((line.symbology?.id ?? '') + line.data, 'latin1'), suffix]);
}
