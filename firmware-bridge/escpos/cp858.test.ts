/**
 * Code page 858 against sources other than our table: CPython `Lib/encodings/cp858.py`
 * (generated from IBM/Unicode CP850 with € at 0xD5), the Transact/Ithaca programmer's guides
 * ("CP 850 … the 0D5H character is to be the Euro character") and de.wikipedia "Codepage 850".
 */
import { describe, expect, it } from 'vitest';
import { CP858_HIGH, cp858Char, encodeCp858 } from './cp858.ts';

describe('PC858 mapping', () => {
  it('maps the German letters and € to the bytes of the published table', () => {
    const golden: Array<[string, number]> = [
      ['ä', 0x84],
      ['ö', 0x94],
      ['ü', 0x81],
      ['Ä', 0x8e],
      ['Ö', 0x99],
      ['Ü', 0x9a],
      ['ß', 0xe1],
      ['€', 0xd5],
      ['é', 0x82],
      ['§', 0xf5],
      ['°', 0xf8],
    ];
    for (const [ch, byte] of golden) {
      expect([...encodeCp858(ch).bytes], ch).toEqual([byte]);
      expect(cp858Char(byte), ch).toBe(ch);
    }
  });

  it('holds 128 distinct code points in the upper half (a bijection, so decoding gives back the text)', () => {
    expect(CP858_HIGH).toHaveLength(128);
    expect(new Set(CP858_HIGH).size).toBe(128);
    expect(CP858_HIGH.includes(0x0131)).toBe(false); // CP850's dotless ı gave way to €
  });

  it('normalises decomposed umlauts (a + combining diaeresis) before mapping', () => {
    const r = encodeCp858('Mu\u0308sli');
    expect([...r.bytes]).toEqual([0x4d, 0x81, 0x73, 0x6c, 0x69]);
    expect(r.replaced).toEqual([]);
  });

  it('uses stated stand-ins for typographic dashes and quotes, silently', () => {
    const r = encodeCp858('„Bio“ – 1…2');
    expect(r.bytes.toString('latin1')).toBe('"Bio" - 1...2');
    expect(r.replaced).toEqual([]);
  });

  it('replaces what PC858 lacks with ? and reports character, code point and position', () => {
    const r = encodeCp858('Łódź ✓');
    expect(r.bytes.toString('latin1')).toBe('?\xa2d? ?');
    expect(r.replaced.map((x) => [x.char, x.index, x.reason])).toEqual([
      ['Ł', 0, 'unmappable'],
      ['ź', 3, 'unmappable'],
      ['✓', 5, 'unmappable'],
    ]);
  });
});
