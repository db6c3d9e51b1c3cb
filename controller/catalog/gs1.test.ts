import { describe, expect, it } from 'vitest';
import { parseScan } from './gs1.ts';
import { gtinCheckDigit, parseGtin, withCheckDigit } from './gtin.ts';

describe('GTIN check digits', () => {
  it('accepts real GTINs of every length and normalises to 14 digits', () => {
    expect(parseGtin('4006381333931')).toEqual({ ok: true, gtin14: '04006381333931' });
    expect(parseGtin('96385074')).toEqual({ ok: true, gtin14: '00000096385074' });
    expect(parseGtin('036000291452')).toEqual({ ok: true, gtin14: '00036000291452' });
    expect(withCheckDigit('400638133393')).toBe('4006381333931');
    expect(gtinCheckDigit('0400638133393')).toBe(1);
  });
  it('refuses a mistyped digit and odd lengths', () => {
    expect(parseGtin('4006381333932')).toEqual({ ok: false, problem: 'check-digit' });
    expect(parseGtin('40063813339')).toEqual({ ok: false, problem: 'format' });
    expect(parseGtin('40063813339a1')).toEqual({ ok: false, problem: 'format' });
  });
});

describe('GS1 element strings from the scanner', () => {
  it('reads GTIN, best-before and batch in raw (FNC1 = GS) and bracket form', () => {
    const want = { ok: true, scan: { gtin14: '04006381333931', batch: 'L42', bestBefore: '2026-12-31' } };
    expect(parseScan(']C101040063813339311526123110L42')).toEqual(want);
    expect(parseScan('0104006381333931\u001d10L42\u001d15261231')).toEqual(want);
    expect(parseScan('(01)04006381333931(15)261231(10)L42')).toEqual(want);
  });
  it('day 00 is the last day of the month; the earlier of best-before and expiry counts', () => {
    expect(parseScan('(01)04006381333931(15)260200')).toMatchObject({ scan: { bestBefore: '2026-02-28' } });
    expect(parseScan('(01)04006381333931(15)261231(17)261120')).toMatchObject({ scan: { bestBefore: '2026-11-20' } });
  });
  it.each([
    ['(01)0400638133393', 'AI 01 needs 14 digits'],
    ['(01)04006381333931(15)261331', 'is not a date'],
    ['(01)04006381333931(15)260231', 'is not a date'],
    ['(01)04006381333931(99)XYZ', 'not understood'],
    ['(15)261231', 'no GTIN'],
    ['(01)04006381333931(01)04006381333931', 'twice'],
    ['(01)04006381333931(10)' + 'A'.repeat(21), 'batch'],
    ['(01)04006381333931)(', 'brackets'],
    ['', 'empty'],
  ])('refuses malformed %j (%s)', (input, detail) => {
    const r = parseScan(input);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.detail).toContain(detail);
  });
  it('a GTIN inside AI 01 with a wrong check digit is a bad GTIN', () => {
    expect(parseScan('(01)04006381333932')).toMatchObject({ ok: false, reason: 'bad-gtin' });
  });
  it('never throws on junk', () => {
    for (const junk of [null, 42, {}, '\u001d\u001d', ']C1', '(', '()', 'x'.repeat(1000)]) expect(parseScan(junk).ok).toBe(false);
  });
});
