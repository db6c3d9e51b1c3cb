import { describe, expect, it } from 'vitest';
import { demoReceipt } from './demoReceipt.ts';
import { formatBerlin, layoutReceipt, receiptText, wrapText } from './layout.ts';
import { formatEuro, vatFromGross } from './money.ts';
import { ReceiptError, receiptProblems, vatLines } from './receipt.ts';

describe('money on receipts', () => {
  it('formats cents the German way with integer arithmetic', () => {
    expect(formatEuro(129)).toBe('1,29 €');
    expect(formatEuro(5)).toBe('0,05 €');
    expect(formatEuro(0)).toBe('0,00 €');
    expect(formatEuro(-25)).toBe('-0,25 €');
    expect(formatEuro(123456)).toBe('1.234,56 €');
    expect(formatEuro(9_999_999)).toBe('99.999,99 €');
    expect(formatEuro(100_000_000_00)).toBe('100.000.000,00 €');
  });

  it('refuses an amount that is not whole cents instead of printing a rounded float', () => {
    expect(() => formatEuro(1.5)).toThrow(/whole cents/);
    expect(() => formatEuro(Number.NaN)).toThrow(RangeError);
    expect(() => formatEuro(2 ** 60)).toThrow(RangeError);
  });

  it('takes the VAT out of a gross amount, rounding half away from zero', () => {
    expect(vatFromGross(119, 19)).toBe(19);
    expect(vatFromGross(107, 7)).toBe(7);
    expect(vatFromGross(378, 7)).toBe(25); // 24.73
    expect(vatFromGross(228, 19)).toBe(36); // 36.40
    expect(vatFromGross(-50, 19)).toBe(-8); // deposit returned: 7.98
    expect(vatFromGross(0, 19)).toBe(0);
    expect(vatFromGross(100_000_000, 19)).toBe(15_966_387); // 15966386.55
    expect(() => vatFromGross(1.5, 19)).toThrow(RangeError);
  });
});

describe('receipt layout', () => {
  it('dates the receipt in Berlin time: 20:40 UTC on 6 Dec is 21:40 (CET), 20:40 UTC on 6 Jul is 22:40 (CEST)', () => {
    expect(formatBerlin(Date.UTC(2026, 11, 6, 20, 40, 59))).toBe('06.12.2026 21:40');
    expect(formatBerlin(Date.UTC(2026, 6, 6, 20, 40))).toBe('06.07.2026 22:40');
    expect(formatBerlin(Date.UTC(2026, 11, 31, 23, 5))).toBe('01.01.2027 00:05');
  });

  it('renders the German receipt for the screen, 42 columns wide', () => {
    const text = receiptText(layoutReceipt(demoReceipt()));
    expect(text).toEqual([
      ' Dorfladen Hemeringen',
      '              Hauptstraße 1',
      '         31840 Hessisch Oldendorf',
      '',
      '06.12.2026 21:40',
      '------------------------------------------',
      'Vollmilch 3,8 % 1 l               1,29 € B',
      'Apfelschorle 0,5 l',
      '  2 x 0,89 €                      1,78 € A',
      'Bio-Äpfel 1 kg                    2,49 € B',
      'Pfand',
      '  2 x 0,25 €                      0,50 € A',
      '------------------------------------------',
      'Summe                               6,06 €',
      'Zahlart: Karte',
      '------------------------------------------',
      '             Netto       MwSt.      Brutto',
      'A 19 %      1,92 €      0,36 €      2,28 €',
      'B  7 %      3,53 €      0,25 €      3,78 €',
      '------------------------------------------',
      'Beleg-Nr.: T-2026-000123',
      'Journal-Nr.: 4711',
      '[QR] V0;hemeringen-1;Kassenbeleg-V1;Beleg^2.28_3.78_0.00_0.00_0.00^6.06:Unbar;123;456;2026-12-06T20:39:58.000Z;2026-12-06T20:40:12.000Z',
      '',
      '      Vielen Dank für Ihren Einkauf!',
    ]);
    for (const l of text) if (!l.startsWith('[QR]')) expect([...l].length).toBeLessThanOrEqual(42);
  });

  it('marks the shop name bold and double size and the total bold and double height', () => {
    const doc = layoutReceipt(demoReceipt());
    expect(doc.lines[0]).toEqual({ kind: 'text', text: 'Dorfladen Hemeringen', align: 'center', bold: true, width: 2, height: 2 });
    expect(doc.lines.find((l) => l.kind === 'text' && l.text.startsWith('Summe'))).toMatchObject({ bold: true, width: 1, height: 2 });
  });

  it('speaks English when asked, with the same numbers', () => {
    const text = receiptText(layoutReceipt(demoReceipt({ payment: 'account' }), { lang: 'en' }));
    expect(text).toContain('Total                               6,06 €');
    expect(text).toContain('Payment: Member account');
    expect(text).toContain('Deposit');
  });

  it('wraps a long product name above its amount instead of overflowing the paper', () => {
    const r = demoReceipt({
      items: [{ name: 'Hessisch Oldendorfer Landmetzgerei Bauernbratwurst grob', quantity: 1, unitCents: 349, vatRate: 7 }],
      deposits: [],
    });
    r.vat = vatLines(r.items);
    r.totalCents = 349;
    const text = receiptText(layoutReceipt(r));
    const i = text.indexOf('Hessisch Oldendorfer Landmetzgerei');
    expect(text.slice(i, i + 2)).toEqual(['Hessisch Oldendorfer Landmetzgerei', 'Bauernbratwurst grob              3,49 € B']);
    expect(wrapText('Supercalifragilisticexpialidocious', 10)).toEqual(['Supercalif', 'ragilistic', 'expialidoc', 'ious']);
  });

  it('refuses a receipt whose total or VAT lines do not add up, naming each problem', () => {
    const r = demoReceipt({ totalCents: 607 });
    r.vat = [{ rate: 19, netCents: 192, vatCents: 36, grossCents: 229 }];
    expect(() => layoutReceipt(r)).toThrow(ReceiptError);
    expect(receiptProblems(r)).toEqual([
      'totalCents: 607 is not the sum of the items and deposits (606)',
      'vat[0]: net 192 + VAT 36 is not gross 229',
      'vat[0].grossCents: 229 is not the sum of the 19 % lines (228)',
      'vat: the 7 % lines have no VAT line',
    ]);
  });

  it('refuses malformed input (float cents, unknown payment, extra fields) without throwing', () => {
    expect(receiptProblems({ ...demoReceipt(), totalCents: 6.06 })[0]).toMatch(/^totalCents: /);
    expect(receiptProblems({ ...demoReceipt(), payment: 'bitcoin' })[0]).toMatch(/^payment: /);
    expect(receiptProblems({ ...demoReceipt(), tip: 100 })).toEqual(['(root): unknown property "tip"']);
    expect(receiptProblems(null).length).toBeGreaterThan(0);
    expect(receiptProblems({ ...demoReceipt(), deposits: [{ quantity: 0, unitCents: 25, vatRate: 19 }] })).toContain('deposits[0].quantity: must not be 0');
  });
});
