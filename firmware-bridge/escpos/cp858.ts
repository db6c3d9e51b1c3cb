/**
 * IBM code page 858 (PC858: code page 850 with € at 0xD5 in place of the dotless ı), the table
 * ESC t 19 selects on Epson and compatible printers. The upper half below is IBM's mapping
 * as published by Unicode (VENDORS/MICSFT/PC/CP850.TXT with the 0xD5 change of CP858) and
 * generated into CPython's `Lib/encodings/cp858.py`; the lower half is ASCII. German needs
 * ä 0x84, ö 0x94, ü 0x81, Ä 0x8E, Ö 0x99, Ü 0x9A, ß 0xE1, € 0xD5.
 *
 * Encoding is explicit and lossy only in the open: text is NFC-normalised, a few typographic
 * characters get a stated ASCII stand-in (dashes, quotes, ellipsis, special spaces), and every
 * other character the printer cannot print, including control characters (which could smuggle
 * commands into the byte stream), becomes `?` and is reported.
 */

/** Unicode code points of bytes 0x80..0xFF. */
export const CP858_HIGH: readonly number[] = [
  0x00c7,
  0x00fc,
  0x00e9,
  0x00e2,
  0x00e4,
  0x00e0,
  0x00e5,
  0x00e7, // 0x80 Çüéâäàåç
  0x00ea,
  0x00eb,
  0x00e8,
  0x00ef,
  0x00ee,
  0x00ec,
  0x00c4,
  0x00c5, // 0x88 êëèïîìÄÅ
  0x00c9,
  0x00e6,
  0x00c6,
  0x00f4,
  0x00f6,
  0x00f2,
  0x00fb,
  0x00f9, // 0x90 ÉæÆôöòûù
  0x00ff,
  0x00d6,
  0x00dc,
  0x00f8,
  0x00a3,
  0x00d8,
  0x00d7,
  0x0192, // 0x98 ÿÖÜø£Ø×ƒ
  0x00e1,
  0x00ed,
  0x00f3,
  0x00fa,
  0x00f1,
  0x00d1,
  0x00aa,
  0x00ba, // 0xA0 áíóúñÑªº
  0x00bf,
  0x00ae,
  0x00ac,
  0x00bd,
  0x00bc,
  0x00a1,
  0x00ab,
  0x00bb, // 0xA8 ¿®¬½¼¡«»
  0x2591,
  0x2592,
  0x2593,
  0x2502,
  0x2524,
  0x00c1,
  0x00c2,
  0x00c0, // 0xB0 ░▒▓│┤ÁÂÀ
  0x00a9,
  0x2563,
  0x2551,
  0x2557,
  0x255d,
  0x00a2,
  0x00a5,
  0x2510, // 0xB8 ©╣║╗╝¢¥┐
  0x2514,
  0x2534,
  0x252c,
  0x251c,
  0x2500,
  0x253c,
  0x00e3,
  0x00c3, // 0xC0 └┴┬├─┼ãÃ
  0x255a,
  0x2554,
  0x2569,
  0x2566,
  0x2560,
  0x2550,
  0x256c,
  0x00a4, // 0xC8 ╚╔╩╦╠═╬¤
  0x00f0,
  0x00d0,
  0x00ca,
  0x00cb,
  0x00c8,
  0x20ac,
  0x00cd,
  0x00ce, // 0xD0 ðÐÊËÈ€ÍÎ
  0x00cf,
  0x2518,
  0x250c,
  0x2588,
  0x2584,
  0x00a6,
  0x00cc,
  0x2580, // 0xD8 Ï┘┌█▄¦Ì▀
  0x00d3,
  0x00df,
  0x00d4,
  0x00d2,
  0x00f5,
  0x00d5,
  0x00b5,
  0x00fe, // 0xE0 ÓßÔÒõÕµþ
  0x00de,
  0x00da,
  0x00db,
  0x00d9,
  0x00fd,
  0x00dd,
  0x00af,
  0x00b4, // 0xE8 ÞÚÛÙýÝ¯´
  0x00ad,
  0x00b1,
  0x2017,
  0x00be,
  0x00b6,
  0x00a7,
  0x00f7,
  0x00b8, // 0xF0 .±‗¾¶§÷¸
  0x00b0,
  0x00a8,
  0x00b7,
  0x00b9,
  0x00b3,
  0x00b2,
  0x25a0,
  0x00a0, // 0xF8 °¨·¹³²■.
];

/** Stand-ins for characters PC858 lacks but German text often carries. */
export const CP858_STAND_INS: Readonly<Record<string, string>> = {
  '\u2010': '-', // hyphen
  '\u2011': '-', // non-breaking hyphen
  '\u2012': '-', // figure dash
  '\u2013': '-', // en dash
  '\u2014': '-', // em dash
  '\u2212': '-', // minus sign
  '\u201e': '"', // „
  '\u201c': '"', // “
  '\u201d': '"', // ”
  '\u201a': "'", // ‚
  '\u2018': "'", // ‘
  '\u2019': "'", // ’
  '\u2026': '...', // …
  '\u2009': ' ', // thin space
  '\u202f': ' ', // narrow no-break space (Intl puts it into times)
  '\u2007': ' ', // figure space
};

export const REPLACEMENT_BYTE = 0x3f; // '?'

export interface Replacement {
  /** the character as it was given */
  char: string;
  codePoint: number;
  /** index in the NFC-normalised text, in code points */
  index: number;
  reason: 'unmappable' | 'control-character';
}

export interface Cp858Encoded {
  bytes: Buffer;
  replaced: Replacement[];
}

const ENCODE = new Map<number, number>();
for (let i = 0; i < 128; i++) ENCODE.set(CP858_HIGH[i]!, 0x80 + i);

/** One byte for a code point, or undefined when PC858 has no such character. Controls are never mapped. */
export function cp858Byte(codePoint: number): number | undefined {
  if (codePoint >= 0x20 && codePoint < 0x7f) return codePoint;
  return ENCODE.get(codePoint);
}

/** Encode printable text for ESC t 19. Never throws; what could not be printed is in `replaced`. */
export function encodeCp858(text: string): Cp858Encoded {
  const out: number[] = [];
  const replaced: Replacement[] = [];
  let index = 0;
  for (const ch of text.normalize('NFC')) {
    const cp = ch.codePointAt(0)!;
    const direct = cp858Byte(cp);
    if (direct !== undefined) out.push(direct);
    else if (CP858_STAND_INS[ch] !== undefined) for (const c of CP858_STAND_INS[ch]!) out.push(c.charCodeAt(0));
    else {
      out.push(REPLACEMENT_BYTE);
      replaced.push({ char: ch, codePoint: cp, index, reason: cp < 0x20 || (cp >= 0x7f && cp < 0xa0) ? 'control-character' : 'unmappable' });
    }
    index++;
  }
  return { bytes: Buffer.from(out), replaced };
}

/** The character a PC858 byte prints as (bytes below 0x20 and 0x7F are controls: undefined). */
export function cp858Char(byte: number): string | undefined {
  if (byte >= 0x20 && byte < 0x7f) return String.fromCharCode(byte);
  if (byte >= 0x80 && byte <= 0xff) return String.fromCodePoint(CP858_HIGH[byte - 0x80]!);
  return undefined;
}
