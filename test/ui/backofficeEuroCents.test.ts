/** The member account form's euro amounts ("25,50") → exact integer cents; a bad amount is named, never guessed. */
import { describe, expect, it } from 'vitest';
import { euroInput, euroText, MAX_EURO_CENTS, parseEuroCents } from '../../backoffice/web/src/members/euroCents.ts';

describe('euro amount → integer cents', () => {
  it('converts what an operator types exactly, without floating-point drift', () => {
    const cases: [string, number][] = [
      ['25,50', 2550],
      ['25,5', 2550],
      ['25', 2500],
      ['0,01', 1],
      ['0,29', 29], // 0.29 * 100 is 28.999… in floating point
      ['1,10', 110],
      ['19,99', 1999],
      ['007,05', 705],
      ['0', 0],
      ['  12,30 € ', 1230],
      ['€ 4,20', 420],
      ['10000,00', MAX_EURO_CENTS],
    ];
    for (const [text, cents] of cases) expect(parseEuroCents(text), text).toEqual({ ok: true, cents });
  });

  it('refuses an empty, negative, over-precise, malformed or absurdly high amount with its reason', () => {
    const cases: [string, string][] = [
      ['', 'empty'],
      ['   ', 'empty'],
      ['€', 'empty'],
      ['-5', 'negative'],
      ['−5,00', 'negative'],
      ['25,505', 'decimals'],
      ['25,500', 'decimals'],
      ['25,', 'format'],
      [',50', 'format'],
      ['25.50', 'format'],
      ['1.500,00', 'format'],
      ['1e3', 'format'],
      ['zwölf', 'format'],
      ['25,5a', 'format'],
      ['10000,01', 'too-high'],
      ['99999999999999999999', 'too-high'],
    ];
    for (const [text, error] of cases) expect(parseEuroCents(text), text).toEqual({ ok: false, error });
  });

  it('writes cents back as the operator types them and as a price in either language', () => {
    expect([euroInput(2550), euroInput(5), euroInput(0), euroInput(100_000)]).toEqual(['25,50', '0,05', '0,00', '1000,00']);
    for (const c of [0, 1, 29, 2550, MAX_EURO_CENTS]) expect(parseEuroCents(euroInput(c))).toEqual({ ok: true, cents: c });
    expect(euroText('de', 2550).replace(/\s/g, ' ')).toBe('25,50 €');
    expect(euroText('en', 2550)).toBe('€25.50');
  });
});
