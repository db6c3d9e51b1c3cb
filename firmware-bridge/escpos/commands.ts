/**
 * ESC/POS commands used for receipts, as byte builders. Every sequence is quoted from Epson's
 * ESC/POS Command Reference (download4.epson.biz/sec_pubs/pos/reference_en/escpos/…) and
 * cross-checked against independent implementations and printer manuals; the golden tests in
 * commands.test.ts quote those sources, never this file.
 *
 *   ESC @            1B 40                       initialize printer (code page back to PC437!)
 *   ESC t n          1B 74 n                     character code table; n = 19 → PC858 (Euro)
 *   ESC a n          1B 61 n                     justification 0 left, 1 centre, 2 right
 *   ESC E n          1B 45 n                     emphasized (bold) off / on (LSB of n)
 *   GS ! n           1D 21 n                     character size: bits 4-6 width-1, bits 0-2 height-1
 *   ESC d n          1B 64 n                     print and feed n lines
 *   GS V 66 n        1D 56 42 n                  feed to cutting position + n units, partial cut
 *   GS ( k …         1D 28 6B pL pH cn fn …      QR code (cn = 49 = '1'):
 *      fn 65 (165)   1D 28 6B 04 00 31 41 n1 00  select model, n1 = 50 → model 2
 *      fn 67 (167)   1D 28 6B 03 00 31 43 n      module size n dots (1..16)
 *      fn 69 (169)   1D 28 6B 03 00 31 45 n      error correction 48 L, 49 M, 50 Q, 51 H
 *      fn 80 (180)   1D 28 6B pL pH 31 50 30 d…  store data; pL + pH·256 = k + 3
 *      fn 81 (181)   1D 28 6B 03 00 31 51 30     print the stored symbol
 *   DLE EOT n        10 04 n                     real-time status, n = 1..4 (one byte back)
 */

export const ESC = 0x1b;
export const GS = 0x1d;
export const DLE = 0x10;
export const EOT = 0x04;
export const LF = 0x0a;

/** ESC t n value of PC858 (Multilingual + Euro) on Epson and compatibles. */
export const CODE_PAGE_PC858 = 19;

export type Alignment = 'left' | 'center' | 'right';
export const ALIGNMENT_CODE: Record<Alignment, number> = { left: 0, center: 1, right: 2 };

export type QrErrorCorrection = 'L' | 'M' | 'Q' | 'H';
export const QR_EC_CODE: Record<QrErrorCorrection, number> = { L: 48, M: 49, Q: 50, H: 51 };

/** Real-time status kinds for DLE EOT n. */
export const STATUS_KIND = { printer: 1, offlineCause: 2, errorCause: 3, paperSensor: 4 } as const;
export type StatusKind = (typeof STATUS_KIND)[keyof typeof STATUS_KIND];

export const ESCPOS_LIMITS = {
  /** GS ! magnification 1..8 per axis */
  maxMagnification: 8,
  /** GS ( k fn 167 module size */
  minQrModule: 1,
  maxQrModule: 16,
  /**
   * Bytes a model-2 QR symbol holds at error correction M in byte mode (version 40). Epson's
   * store command accepts up to 7089, but a symbol at level M cannot hold more than this.
   */
  maxQrBytesAtM: 2331,
  maxFeedLines: 255,
} as const;

/** A command argument out of the printer's range: refused, never clamped. */
export class EscPosRangeError extends RangeError {
  override readonly name = 'EscPosRangeError';
  readonly reason = 'invalid-argument' as const;
}

function byteArg(name: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new EscPosRangeError(`ESC/POS ${name} must be an integer ${min}..${max}, got ${String(value)}`);
  }
  return value;
}

export const cmd = {
  initialize: (): number[] => [ESC, 0x40],
  codePage: (n: number): number[] => [ESC, 0x74, byteArg('code page', n, 0, 255)],
  align: (a: Alignment): number[] => [ESC, 0x61, ALIGNMENT_CODE[a]],
  bold: (on: boolean): number[] => [ESC, 0x45, on ? 1 : 0],
  /** GS ! n with width and height magnification 1..8 each. */
  size: (width: number, height: number): number[] => {
    const w = byteArg('character width', width, 1, ESCPOS_LIMITS.maxMagnification);
    const h = byteArg('character height', height, 1, ESCPOS_LIMITS.maxMagnification);
    return [GS, 0x21, ((w - 1) << 4) | (h - 1)];
  },
  feed: (lines: number): number[] => [ESC, 0x64, byteArg('feed lines', lines, 0, ESCPOS_LIMITS.maxFeedLines)],
  /** GS V 66 n: feed to the cutter plus n motion units, then a partial cut (one point left). */
  partialCut: (feedUnits = 0): number[] => [GS, 0x56, 66, byteArg('cut feed', feedUnits, 0, 255)],
  qrModel2: (): number[] => [GS, 0x28, 0x6b, 0x04, 0x00, 0x31, 0x41, 50, 0],
  qrModuleSize: (dots: number): number[] => [
    GS,
    0x28,
    0x6b,
    0x03,
    0x00,
    0x31,
    0x43,
    byteArg('QR module size', dots, ESCPOS_LIMITS.minQrModule, ESCPOS_LIMITS.maxQrModule),
  ],
  qrErrorCorrection: (level: QrErrorCorrection): number[] => [GS, 0x28, 0x6b, 0x03, 0x00, 0x31, 0x45, QR_EC_CODE[level]],
  qrStore: (data: Uint8Array): number[] => {
    if (data.length < 1 || data.length > ESCPOS_LIMITS.maxQrBytesAtM) {
      throw new EscPosRangeError(`ESC/POS QR data must be 1..${ESCPOS_LIMITS.maxQrBytesAtM} bytes, got ${data.length}`);
    }
    const len = data.length + 3;
    return [GS, 0x28, 0x6b, len & 0xff, len >> 8, 0x31, 0x50, 0x30, ...data];
  },
  qrPrint: (): number[] => [GS, 0x28, 0x6b, 0x03, 0x00, 0x31, 0x51, 0x30],
  statusQuery: (kind: StatusKind): number[] => [DLE, EOT, byteArg('status kind', kind, 1, 4)],
};
