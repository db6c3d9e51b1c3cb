/** GS1 golden vectors worked by hand from the AI table (check digits computed mod 10, weights 3/1). */
import { describe, expect, it } from 'vitest';
import { gs1CheckDigit, hasValidCheckDigit, isExpired, parseBarcode, parseGs1Date, parseGs1ElementString } from './index.ts';

const GS = '\x1d';

describe('GS1 check digits', () => {
  it.each([
    ['0950110153000', 3],
    ['400638133393', 1],
    ['9638507', 4],
    ['03600029145', 2],
  ])('%s -> %i', (body, check) => {
    expect(gs1CheckDigit(body)).toBe(check);
    expect(hasValidCheckDigit(body + String(check))).toBe(true);
    expect(hasValidCheckDigit(body + String((check + 1) % 10))).toBe(false);
  });
});

describe('GS1 dates', () => {
  it('day 00 means the last day of the month, leap years included', () => {
    expect(parseGs1Date('280200')).toEqual({ ymd: '2028-02-29', dayUnspecified: true });
    expect(parseGs1Date('270200')).toEqual({ ymd: '2027-02-28', dayUnspecified: true });
    expect(parseGs1Date('261100')).toEqual({ ymd: '2026-11-30', dayUnspecified: true });
  });
  it('rejects impossible dates with a clear reason', () => {
    expect(parseGs1Date('261301')).toMatch(/month 13/);
    expect(parseGs1Date('270230')).toMatch(/day 30, month 2 has 28 days/);
    expect(parseGs1Date('26110')).toMatch(/not 6 digits/);
  });
  it('uses the GS1 sliding century window when given a reference year', () => {
    expect(parseGs1Date('990101', 2026)).toEqual({ ymd: '1999-01-01', dayUnspecified: false });
    expect(parseGs1Date('700101', 2026)).toEqual({ ymd: '2070-01-01', dayUnspecified: false });
  });
});

describe('GS1 element strings', () => {
  it('GTIN + expiry + batch (variable, last) ', () => {
    const r = parseGs1ElementString('0109501101530003172603311' + '0AB-12');
    expect(r).toEqual({
      ok: true,
      value: expect.objectContaining({
        gtin: '09501101530003',
        expiry: { ymd: '2026-03-31', dayUnspecified: false },
        batch: 'AB-12',
      }),
    });
  });

  it('FNC1 (GS) ends a variable field; net weight 3103 has 3 decimals; best before with day 00', () => {
    const r = parseGs1ElementString(`${GS}0104006381333931` + `10LOT7${GS}` + '3103001250' + '15261100' + `21SN1`);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.batch).toBe('LOT7');
    expect(r.value.netWeight).toEqual({ raw: 1250, decimals: 3, kg: 1.25 });
    expect(r.value.bestBefore).toEqual({ ymd: '2026-11-30', dayUnspecified: true });
    expect(r.value.serial).toBe('SN1');
    expect(r.value.elements.map((e) => e.ai)).toEqual(['01', '10', '3103', '15', '21']);
  });

  it('production, pack and sell-by dates (11, 13, 16)', () => {
    const r = parseGs1ElementString('112601021326010316260110');
    expect(r.ok && [r.value.productionDate?.ymd, r.value.packDate?.ymd, r.value.sellBy?.ymd]).toEqual(['2026-01-02', '2026-01-03', '2026-01-10']);
  });

  it('accepts the bracketed human-readable form', () => {
    const r = parseGs1ElementString('(01)09501101530003(17)260331(10)A1');
    expect(r.ok && r.value.gtin).toBe('09501101530003');
  });

  it.each([
    ['0109501101530004', /AI \(01\) GTIN 09501101530004: wrong check digit/],
    ['01095011015300', /AI \(01\) GTIN: length 12, must be 14/],
    ['0109501101530003179913', /AI \(17\).*length 4, must be 6/],
    ['0109501101530003172613', /length 4/],
    ['17261301', /AI \(17\) USE BY \/ EXPIRY: date "261301" has month 13/],
    ['10' + 'X'.repeat(21), /AI \(10\) BATCH\/LOT: length 21, must be 1\.\.20/],
    ['10ab cd', /outside the GS1 character set/],
    ['9912345', /unknown or unsupported application identifier at position 0/],
    ['3103001A50', /must be digits only/],
    ['0109501101530003' + '0109501101530003', /AI \(01\) appears twice/],
    ['', /empty GS1 element string/],
  ])('%j is refused: %s', (input, msg) => {
    const r = parseGs1ElementString(input);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatch(msg);
  });
});

describe('plain retail barcodes', () => {
  it('EAN-13, EAN-8 and UPC-A with check digit, reported as GTIN-14', () => {
    expect(parseBarcode('4006381333931')).toEqual({ ok: true, value: { kind: 'ean13', digits: '4006381333931', gtin: '04006381333931' } });
    expect(parseBarcode('96385074')).toEqual({ ok: true, value: { kind: 'ean8', digits: '96385074', gtin: '00000096385074' } });
    expect(parseBarcode('036000291452')).toEqual({ ok: true, value: { kind: 'upca', digits: '036000291452', gtin: '00036000291452' } });
  });
  it('a wrong EAN-13 check digit is a clear error', () => {
    expect(parseBarcode('4006381333932')).toEqual({ ok: false, error: 'EAN13 4006381333932: wrong check digit' });
  });
  it('GS1 symbology identifiers select the element string parser', () => {
    const r = parseBarcode('0109501101530003', ']C1');
    expect(r.ok && r.value.kind).toBe('gs1');
  });
  it('other text passes through as opaque text', () => {
    expect(parseBarcode('DP-MEMBER:abc')).toEqual({ ok: true, value: { kind: 'text', text: 'DP-MEMBER:abc' } });
  });
});

describe('isExpired', () => {
  const label = (s: string) => {
    const r = parseGs1ElementString(s);
    if (!r.ok) throw new Error(r.error);
    return r.value;
  };
  it('goods are sellable on the expiry date and refused the day after', () => {
    const g = label('0109501101530003' + '17261121');
    expect(isExpired(g, '2026-11-21')).toBe(false);
    expect(isExpired(g, '2026-11-22')).toBe(true);
  });
  it('day 00 expiry lasts until the end of the month', () => {
    const g = label('0109501101530003' + '17260200');
    expect(isExpired(g, '2026-02-28')).toBe(false);
    expect(isExpired(g, '2026-03-01')).toBe(true);
  });
  it('best-before counts unless switched off', () => {
    const g = label('15261001');
    expect(isExpired(g, '2026-11-21')).toBe(true);
    expect(isExpired(g, '2026-11-21', { includeBestBefore: false })).toBe(false);
  });
  it('works on a parsed barcode and is false when no date is encoded', () => {
    const b = parseBarcode('4006381333931');
    expect(b.ok && isExpired(b.value, '2030-01-01')).toBe(false);
  });
  it('a malformed today is treated as expired (fail safe)', () => {
    expect(isExpired(label('17991231'), '21.11.2026')).toBe(true);
  });
});
