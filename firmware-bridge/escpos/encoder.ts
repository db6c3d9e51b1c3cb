/**
 * Builds one print job as ESC/POS bytes. Text goes through PC858 (`cp858.ts`): what the
 * printer cannot print becomes `?` and is listed in `replaced`, so a product name with an
 * emoji prints legibly and the caller can log it, and a name with control bytes can never
 * inject a command. Arguments out of range throw `EscPosRangeError` (refused, not clamped).
 */
import { CODE_PAGE_PC858, cmd, LF, type Alignment, type QrErrorCorrection } from './commands.ts';
import { encodeCp858, type Replacement } from './cp858.ts';

export interface EscPosJob {
  bytes: Buffer;
  /** characters replaced by `?`, with the line (0-based, counted by `line()` calls) they were on */
  replaced: Array<Replacement & { line: number }>;
}

export interface QrOptions {
  /** module size in dots 1..16 (default 4) */
  moduleSize?: number;
  /** default M */
  errorCorrection?: QrErrorCorrection;
}

export class EscPosEncoder {
  private readonly parts: number[][] = [];
  private readonly replaced: EscPosJob['replaced'] = [];
  private lines = 0;

  /** ESC @ then ESC t 19: ESC @ resets the code page to PC437, so the table is chosen after it. */
  initialize(): this {
    this.parts.push(cmd.initialize(), cmd.codePage(CODE_PAGE_PC858));
    return this;
  }

  align(a: Alignment): this {
    this.parts.push(cmd.align(a));
    return this;
  }

  bold(on: boolean): this {
    this.parts.push(cmd.bold(on));
    return this;
  }

  /** Character magnification 1..8 per axis (1, 1 = normal; 2, 2 = double). */
  size(width: number, height: number): this {
    this.parts.push(cmd.size(width, height));
    return this;
  }

  /** Text without a line end (PC858, replacements recorded). */
  text(s: string): this {
    const enc = encodeCp858(s);
    for (const r of enc.replaced) this.replaced.push({ ...r, line: this.lines });
    this.parts.push([...enc.bytes]);
    return this;
  }

  /** Text and LF (print the line). */
  line(s = ''): this {
    this.text(s);
    this.parts.push([LF]);
    this.lines++;
    return this;
  }

  feed(lines: number): this {
    this.parts.push(cmd.feed(lines));
    return this;
  }

  /** QR code model 2: model, module size, error correction, store data (UTF-8), print. */
  qr(data: string, opts: QrOptions = {}): this {
    const bytes = new TextEncoder().encode(data);
    this.parts.push(
      cmd.qrModel2(),
      cmd.qrModuleSize(opts.moduleSize ?? 4),
      cmd.qrErrorCorrection(opts.errorCorrection ?? 'M'),
      cmd.qrStore(bytes),
      cmd.qrPrint(),
    );
    return this;
  }

  /** GS V 66 n: feed to the cutter (+ n units) and cut partially. */
  cut(feedUnits = 0): this {
    this.parts.push(cmd.partialCut(feedUnits));
    return this;
  }

  build(): EscPosJob {
    return { bytes: Buffer.from(this.parts.flat()), replaced: [...this.replaced] };
  }
}
