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

/** Control characters kept in the data: GS (FNC1), RS, EOT. */
const isKeptControl = (b: number): boolean => b === 0x1d || b === 0x1e || b === 0x04;

/**
 * CR/LF mode decodes the chunk in windows of at least this many bytes (one latin1 string each)
 * and cuts lines out of it; a line string may share its window's storage, so a retained scan
 * keeps at most one window alive.
 */
const WINDOW = 1024;

/** Symbology identifier by its two code characters (`]` + letter + letter/digit). */
const symbologyCache = new Map<number, Symbology>();
function symbologyFor(c1: number, c2: number): Symbology {
  const key = (c1 << 8) | c2;
  let s = symbologyCache.get(key);
  if (s === undefined) {
    s = splitSymbology(String.fromCharCode(0x5d, c1, c2)).symbology as Symbology;
    symbologyCache.set(key, s);
  }
  return { id: s.id, name: s.name, gs1: s.gs1 };
}
const isLetter = (c: number): boolean => (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
const isLetterOrDigit = (c: number): boolean => isLetter(c) || (c >= 0x30 && c <= 0x39);

export class ScannerLineParser implements StreamParser<ScanLine> {
  readonly stats: ParserStats = { droppedBytes: 0, badFrames: 0, frames: 0 };
  private readonly suffix: Uint8Array | null;
  private readonly max: number;
  private readonly symbologyIds: boolean;
  private readonly asciiOnly: boolean;
  /** The line being assembled byte-wise (partial lines across pushes, lines with control bytes). */
  private line: Uint8Array;
  private lineLen = 0;
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
    this.line = new Uint8Array(Math.min(this.max, 256));
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
   * CR/LF mode. The byte-wise rules (`addByte`/`endLine`) define the result; lines of printable
   * ASCII only (the normal case) are found four bytes at a time and cut straight out of a
   * decoded window instead, with the same outcome.
   */
  private pushAuto(chunk: Uint8Array, out: ScanLine[]): void {
    const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length);
    const n = buf.length;
    let p = 0;
    if (this.lineLen > 0 || this.overflow) {
      // finish the line left over from the previous push
      const t = nextTerminator(buf, 0, n);
      for (let j = 0; j < t; j++) this.addByte(buf[j] as number);
      if (t === n) return;
      this.endLine(out);
      p = t + 1;
    }
    const words = new DataView(buf.buffer, buf.byteOffset, n);
    let str = '';
    let wStart = 0;
    let wEnd = 0;
    while (p < n) {
      const j = firstNonPrintable(words, buf, p, n);
      if (j === n) {
        // unterminated tail: keep it byte-wise (bounded by maxLineLength)
        for (let k = p; k < n; k++) this.addByte(buf[k] as number);
        return;
      }
      const b = buf[j] as number;
      if (b === 0x0d || b === 0x0a) {
        if (j - p > this.max) {
          this.stats.droppedBytes += j - p;
          this.stats.badFrames++;
        } else if (j > p) {
          if (j > wEnd) {
            wStart = p;
            wEnd = Math.min(n, p + Math.max(WINDOW, j - p));
            str = buf.toString('latin1', wStart, wEnd);
          }
          this.emitClean(str, p - wStart, j - wStart, out);
        }
        p = j + 1;
        continue;
      }
      // a control or high byte: this line takes the byte-wise rules
      const t = nextTerminator(buf, j, n);
      for (let k = p; k < t; k++) this.addByte(buf[k] as number);
      if (t === n) return;
      this.endLine(out);
      p = t + 1;
    }
  }

  /** A line `str[from, to)` of printable ASCII only (no high bytes, no controls), length <= max. */
  private emitClean(str: string, from: number, to: number, out: ScanLine[]): void {
    if (this.symbologyIds && to - from >= 3 && str.charCodeAt(from) === 0x5d) {
      const c1 = str.charCodeAt(from + 1);
      const c2 = str.charCodeAt(from + 2);
      if (isLetter(c1) && isLetterOrDigit(c2)) {
        if (to - from === 3) {
          this.stats.badFrames++;
          this.stats.droppedBytes += 3;
          return;
        }
        out.push({ data: str.slice(from + 3, to), symbology: symbologyFor(c1, c2) });
        this.stats.frames++;
        return;
      }
    }
    out.push({ data: str.slice(from, to) });
    this.stats.frames++;
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
    if ((b < 0x20 || b === 0x7f) && !isKeptControl(b)) {
      this.stats.droppedBytes++;
      return;
    }
    if (this.overflow) {
      this.stats.droppedBytes++;
      return;
    }
    if (this.lineLen >= this.max) {
      this.overflow = true;
      this.stats.droppedBytes += this.lineLen + 1;
      this.lineLen = 0;
      return;
    }
    if (this.lineLen === this.line.length) {
      const grown = new Uint8Array(Math.min(this.max, this.line.length * 2));
      grown.set(this.line);
      this.line = grown;
    }
    this.line[this.lineLen++] = b;
  }

  private endLine(out: ScanLine[]): void {
    const n = this.lineLen;
    this.lineLen = 0;
    if (this.overflow) {
      this.overflow = false;
      this.stats.badFrames++;
      return;
    }
    if (n === 0) return;
    if (this.asciiOnly) {
      for (let i = 0; i < n; i++) {
        if ((this.line[i] as number) >= 0x80) {
          this.stats.badFrames++;
          this.stats.droppedBytes += n;
          return;
        }
      }
    }
    this.emit(Buffer.from(this.line.buffer, this.line.byteOffset, n).toString('latin1'), out);
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
    this.lineLen = 0;
    this.overflow = false;
    this.matched = 0;
  }
}

/** Index of the first CR or LF in `buf[from, end)`, or `end`. */
function nextTerminator(buf: Uint8Array, from: number, end: number): number {
  for (let i = from; i < end; i++) {
    const b = buf[i] as number;
    if (b === 0x0d || b === 0x0a) return i;
  }
  return end;
}

/**
 * Index of the first byte outside printable ASCII 0x20..0x7E (CR and LF included) in
 * `buf[from, end)`, or `end`. Four bytes per step: a word holds such a byte if one of its bytes
 * is < 0x20 (`(w - 0x20202020) & ~w & 0x80808080`) or > 0x7E (`((w + 0x01010101) | w) &
 * 0x80808080`); both tests never miss one (they may flag a neighbour, which the byte-wise
 * step then settles exactly).
 */
function firstNonPrintable(words: DataView, buf: Uint8Array, from: number, end: number): number {
  let i = from;
  for (; i + 4 <= end; i += 4) {
    const w = words.getUint32(i, true);
    if (((w - 0x20202020) & ~w & 0x80808080) !== 0 || (((w + 0x01010101) | w) & 0x80808080) !== 0) break;
  }
  for (; i < end; i++) {
    if (((buf[i] as number) - 0x20) >>> 0 > 0x5e) return i;
  }
  return end;
}

/** Encode a scan as a scanner would send it (simulators, round-trip tests). */
export function encodeScanLine(line: ScanLine, suffix: Uint8Array = Uint8Array.of(0x0d, 0x0a)): Buffer {
  return Buffer.concat([Buffer.from((line.symbology?.id ?? '') + line.data, 'latin1'), suffix]);
}
