/**
 * What a receipt printer makes of an ESC/POS byte stream, as events: printed lines with their
 * attributes, QR codes (the data stored with GS ( k fn 180, printed by fn 181), feeds, cuts.
 * Bytes arrive in any split; an incomplete command waits for its remaining bytes. Unknown
 * commands are skipped and counted, like a printer that ignores what it does not support.
 * Never throws, whatever the bytes (property-tested).
 *
 * Real-time commands (DLE EOT n) are NOT answered here: a printer answers them as the bytes
 * arrive, even inside other commands' data (Epson: "If print data includes a character
 * string matching this command, the printer performs this command"); see `RealtimeScanner`.
 */
import { CP858_HIGH } from '../../../../firmware-bridge/escpos/cp858.ts';

export type Align = 'left' | 'center' | 'right';

export interface Span {
  text: string;
  bold: boolean;
  /** magnification 1..8 */
  width: number;
  height: number;
}

export interface PrintedLine {
  /** the characters of the line (spans joined) */
  text: string;
  align: Align;
  /** every visible character bold */
  bold: boolean;
  /** largest magnification on the line */
  width: number;
  height: number;
  spans: Span[];
}

export type PrintEvent =
  | { type: 'line'; line: PrintedLine }
  | { type: 'qr'; data: string; model: number; moduleSize: number; errorCorrection: 'L' | 'M' | 'Q' | 'H' }
  | { type: 'feed'; lines: number }
  | { type: 'cut'; partial: boolean; feedUnits: number }
  | { type: 'init' };

export interface InterpreterStats {
  /** commands skipped because this interpreter does not know them */
  unknownCommands: number;
  /** control bytes outside any command, ignored */
  strayControls: number;
  /** ESC a while the line already had characters (ignored, as the spec says) */
  ignoredAlign: number;
}

const ESC = 0x1b;
const GS = 0x1d;
const DLE = 0x10;
const FS = 0x1c;
const LF = 0x0a;

/** ESC x: number of parameter bytes after x, for the commands a receipt may contain. */
const ESC_PARAMS: Record<number, number> = {
  0x20: 1, // ESC SP n right-side spacing
  0x21: 1, // ESC ! n print mode
  0x24: 2, // ESC $ nL nH absolute position
  0x2d: 1, // ESC - n underline
  0x32: 0, // ESC 2 default line spacing
  0x33: 1, // ESC 3 n line spacing
  0x3d: 1, // ESC = n peripheral
  0x40: 0, // ESC @ initialise
  0x45: 1, // ESC E n bold
  0x47: 1, // ESC G n double strike
  0x4a: 1, // ESC J n feed dots
  0x4d: 1, // ESC M n font
  0x52: 1, // ESC R n international set
  0x56: 1, // ESC V n rotation
  0x5c: 2, // ESC \ relative position
  0x61: 1, // ESC a n justification
  0x64: 1, // ESC d n print and feed lines
  0x70: 3, // ESC p m t1 t2 drawer kick
  0x74: 1, // ESC t n code table
  0x7b: 1, // ESC { n upside down
};

/** GS x with fixed parameter counts (GS ( x and GS V are handled separately). */
const GS_PARAMS: Record<number, number> = {
  0x21: 1, // GS ! n size
  0x42: 1, // GS B n reverse
  0x48: 1, // GS H n HRI position
  0x4c: 2, // GS L left margin
  0x57: 2, // GS W print area width
  0x61: 1, // GS a n ASB
  0x62: 1, // GS b n smoothing
  0x66: 1, // GS f n HRI font
  0x68: 1, // GS h n barcode height
  0x72: 1, // GS r n transmit status (not simulated: no reply)
  0x77: 1, // GS w n barcode width
  0x49: 1, // GS I n transmit printer id (not simulated)
};

const EC_NAMES: Record<number, 'L' | 'M' | 'Q' | 'H'> = { 48: 'L', 49: 'M', 50: 'Q', 51: 'H' };

/** Upper byte half as printed for the code tables the simulator knows; others show U+FFFD. */
function decodeByte(codePage: number, byte: number): string {
  if (byte >= 0x20 && byte < 0x7f) return String.fromCharCode(byte);
  if (byte < 0x80) return '\ufffd';
  if (codePage === 19) return String.fromCodePoint(CP858_HIGH[byte - 0x80]!);
  if (codePage === 2) return byte === 0xd5 ? '\u0131' : String.fromCodePoint(CP858_HIGH[byte - 0x80]!); // PC850
  return '\ufffd';
}

interface Mode {
  bold: boolean;
  width: number;
  height: number;
  align: Align;
  codePage: number;
}

const initialMode = (): Mode => ({ bold: false, width: 1, height: 1, align: 'left', codePage: 0 });

export class EscPosInterpreter {
  readonly stats: InterpreterStats = { unknownCommands: 0, strayControls: 0, ignoredAlign: 0 };
  private buf: number[] = [];
  private mode: Mode = initialMode();
  private spans: Span[] = [];
  private columnsUsed = 0;
  private qr = { model: 2, moduleSize: 3, ec: 48, data: null as Uint8Array | null };

  /** `columns`: characters per line at normal width (42 on 80 mm paper with font A 12×24 at 512 dots). */
  constructor(private readonly columns = 42) {}

  /** Feed bytes; returns what got printed by them. */
  push(chunk: Uint8Array): PrintEvent[] {
    const out: PrintEvent[] = [];
    for (const b of chunk) this.buf.push(b & 0xff);
    let at = 0;
    while (at < this.buf.length) {
      const used = this.step(at, out);
      if (used === 0) break; // incomplete command: wait for more bytes
      at += used;
    }
    this.buf = this.buf.slice(at);
    return out;
  }

  /** Forget a half-received command (cable pulled). The printer's modes stay. */
  reset(): void {
    this.buf = [];
  }

  /** Bytes of an incomplete command still waiting. */
  get pendingBytes(): number {
    return this.buf.length;
  }

  /** Interpret at `at`; returns bytes consumed, 0 when more bytes are needed. */
  private step(at: number, out: PrintEvent[]): number {
    const b = this.buf;
    const avail = b.length - at;
    const c = b[at]!;
    if (c >= 0x20 && c !== 0x7f) {
      this.putChar(decodeByte(this.mode.codePage, c), out);
      return 1;
    }
    if (c === LF) {
      this.flushLine(out, true);
      return 1;
    }
    if (c === ESC) return avail < 2 ? 0 : this.esc(at, out);
    if (c === GS) return avail < 2 ? 0 : this.gs(at, out);
    if (c === DLE) {
      if (avail < 2) return 0;
      const k = b[at + 1]!;
      if (k === 0x04 || k === 0x05) return avail < 3 ? 0 : 3; // DLE EOT n / DLE ENQ n: real-time, answered elsewhere
      if (k === 0x14) return avail < 5 ? 0 : 5; // DLE DC4 fn m t
      this.stats.strayControls++;
      return 1;
    }
    if (c === FS) {
      // FS . / FS & / FS C: Kanji mode switches; skip with their parameters where known
      if (avail < 2) return 0;
      const k = b[at + 1]!;
      if (k === 0x2e || k === 0x26) return 2;
      this.stats.unknownCommands++;
      return 2;
    }
    if (c !== 0x0d) this.stats.strayControls++; // CR: auto line feed disabled, ignored
    return 1;
  }

  private esc(at: number, out: PrintEvent[]): number {
    const b = this.buf;
    const x = b[at + 1]!;
    const n = ESC_PARAMS[x];
    if (n === undefined) {
      this.stats.unknownCommands++;
      return 2;
    }
    if (b.length - at < 2 + n) return 0;
    const p = b[at + 2] ?? 0;
    switch (x) {
      case 0x40:
        this.mode = initialMode();
        this.spans = [];
        this.columnsUsed = 0;
        this.qr = { model: 2, moduleSize: 3, ec: 48, data: null };
        out.push({ type: 'init' });
        break;
      case 0x74:
        this.mode.codePage = p;
        break;
      case 0x61: {
        const a = p % 48; // 0,1,2 or '0','1','2'
        if (a > 2) break;
        if (this.spans.length > 0) this.stats.ignoredAlign++;
        else this.mode.align = (['left', 'center', 'right'] as const)[a]!;
        break;
      }
      case 0x45:
        this.mode.bold = (p & 1) === 1;
        break;
      case 0x21:
        this.mode.bold = (p & 0x08) !== 0;
        this.mode.height = p & 0x10 ? 2 : 1;
        this.mode.width = p & 0x20 ? 2 : 1;
        break;
      case 0x64:
        this.flushLine(out, false);
        if (p > 0) out.push({ type: 'feed', lines: p });
        break;
    }
    return 2 + n;
  }

  private gs(at: number, out: PrintEvent[]): number {
    const b = this.buf;
    const avail = b.length - at;
    const x = b[at + 1]!;
    if (x === 0x28) {
      // GS ( x pL pH data: length-prefixed
      if (avail < 5) return 0;
      const len = b[at + 3]! + b[at + 4]! * 256;
      if (avail < 5 + len) return 0;
      if (b[at + 2] === 0x6b) this.qrFunction(b.slice(at + 5, at + 5 + len), out);
      return 5 + len;
    }
    if (x === 0x56) {
      if (avail < 3) return 0;
      const m = b[at + 2]!;
      if (m === 0 || m === 48 || m === 1 || m === 49) {
        this.cut(m === 1 || m === 49, 0, out);
        return 3;
      }
      if ([65, 66, 97, 98, 103, 104].includes(m)) {
        if (avail < 4) return 0;
        this.cut(m % 2 === 0, b[at + 3]!, out);
        return 4;
      }
      this.stats.unknownCommands++;
      return 3;
    }
    const n = GS_PARAMS[x];
    if (n === undefined) {
      this.stats.unknownCommands++;
      return 2;
    }
    if (avail < 2 + n) return 0;
    if (x === 0x21) {
      const p = b[at + 2]!;
      this.mode.width = ((p >> 4) & 0x07) + 1;
      this.mode.height = (p & 0x07) + 1;
    }
    return 2 + n;
  }

  /** GS ( k body: cn fn params (cn 49 = QR code). */
  private qrFunction(body: number[], out: PrintEvent[]): void {
    const [cn, fn] = body;
    if (cn !== 0x31 || fn === undefined) {
      this.stats.unknownCommands++;
      return;
    }
    switch (fn) {
      case 0x41:
        if (body[2] !== undefined && body[2] >= 49 && body[2] <= 51) this.qr.model = body[2] - 48;
        return;
      case 0x43:
        if (body[2] !== undefined && body[2] >= 1 && body[2] <= 16) this.qr.moduleSize = body[2];
        return;
      case 0x45:
        if (body[2] !== undefined && EC_NAMES[body[2]]) this.qr.ec = body[2];
        return;
      case 0x50:
        // m = 48, then the data; an empty store clears nothing (Epson: k ≥ 1)
        if (body.length > 3 && body[2] === 0x30) this.qr.data = Uint8Array.from(body.slice(3));
        return;
      case 0x51:
        if (this.qr.data) {
          this.flushLine(out, false);
          out.push({
            type: 'qr',
            data: new TextDecoder('utf-8', { fatal: false }).decode(this.qr.data),
            model: this.qr.model,
            moduleSize: this.qr.moduleSize,
            errorCorrection: EC_NAMES[this.qr.ec] ?? 'L',
          });
        }
        return;
      default:
        return; // fn 82 (size info) and others: nothing printed
    }
  }

  private cut(partial: boolean, feedUnits: number, out: PrintEvent[]): void {
    this.flushLine(out, false);
    out.push({ type: 'cut', partial, feedUnits });
  }

  private putChar(ch: string, out: PrintEvent[]): void {
    const w = this.mode.width;
    if (this.columnsUsed + w > this.columns) this.flushLine(out, true); // the printer wraps
    const last = this.spans[this.spans.length - 1];
    if (last && last.bold === this.mode.bold && last.width === this.mode.width && last.height === this.mode.height) last.text += ch;
    else this.spans.push({ text: ch, bold: this.mode.bold, width: this.mode.width, height: this.mode.height });
    this.columnsUsed += w;
  }

  /** Print the line buffer; `always` = LF prints an empty line too. */
  private flushLine(out: PrintEvent[], always: boolean): void {
    if (this.spans.length === 0 && !always) return;
    const spans = this.spans;
    const visible = spans.filter((s) => s.text.trim() !== '');
    out.push({
      type: 'line',
      line: {
        text: spans.map((s) => s.text).join(''),
        align: this.mode.align,
        bold: visible.length > 0 && visible.every((s) => s.bold),
        width: Math.max(1, ...spans.map((s) => s.width)),
        height: Math.max(1, ...spans.map((s) => s.height)),
        spans,
      },
    });
    this.spans = [];
    this.columnsUsed = 0;
  }
}

/**
 * Finds DLE EOT n (n = 1..4) in the raw byte stream as it arrives, across chunk splits, the
 * way a printer's receive routine does before the bytes reach the print buffer.
 */
export class RealtimeScanner {
  private prev: number[] = [];

  push(chunk: Uint8Array): Array<1 | 2 | 3 | 4> {
    const out: Array<1 | 2 | 3 | 4> = [];
    const b = [...this.prev, ...chunk];
    let i = 0;
    for (; i + 2 < b.length; i++) {
      if (b[i] === DLE && b[i + 1] === 0x04 && b[i + 2]! >= 1 && b[i + 2]! <= 4) {
        out.push(b[i + 2] as 1 | 2 | 3 | 4);
        i += 2;
      }
    }
    this.prev = b.slice(i); // at most the last two bytes: the start of a sequence split across chunks
    return out;
  }

  reset(): void {
    this.prev = [];
  }
}
