/**
 * Euro amounts as an operator types them ("25,50", "25", "0,5 €") → integer cents, exactly (string
 * arithmetic, never floating point). A comma before the cents; no thousands separators (a dot is
 * refused: "1.500" is 1500 € in German and 1.5 € in English). Refused: empty, negative, more than
 * two digits after the comma, anything else, and more than MAX_EURO_CENTS.
 */

import type { Lang } from '../i18n.ts';

/** 10.000,00 € — more is a typo for a village shop's prepaid balance or monthly credit. */
export const MAX_EURO_CENTS = 1_000_000;

export type EuroCentsError = 'empty' | 'format' | 'decimals' | 'negative' | 'too-high';
export type EuroCents = { ok: true; cents: number } | { ok: false; error: EuroCentsError };

export function parseEuroCents(text: string): EuroCents {
  const s = text
    .trim()
    .replace(/^€\s*|\s*€$/g, '')
    .trim();
  if (s === '') return { ok: false, error: 'empty' };
  if (/^[-−]/.test(s)) return { ok: false, error: 'negative' };
  const m = /^([0-9]+)(?:,([0-9]+))?$/.exec(s);
  if (!m) return { ok: false, error: 'format' };
  const whole = m[1]!.replace(/^0+(?=[0-9])/, '');
  const frac = m[2] ?? '';
  if (frac.length > 2) return { ok: false, error: 'decimals' };
  if (whole.length > 9) return { ok: false, error: 'too-high' };
  const cents = Number(whole) * 100 + Number(frac.padEnd(2, '0'));
  if (cents > MAX_EURO_CENTS) return { ok: false, error: 'too-high' };
  return { ok: true, cents };
}

/** Integer cents as "25,50 €" (German) or "€25.50" (English). */
export function euroText(lang: Lang, cents: number): string {
  return new Intl.NumberFormat(lang === 'de' ? 'de-DE' : 'en-GB', { style: 'currency', currency: 'EUR' }).format(cents / 100);
}

/** Integer cents as the operator would type them ("25,50"), to prefill the form. */
export function euroInput(cents: number): string {
  return `${Math.floor(cents / 100)},${String(cents % 100).padStart(2, '0')}`;
}
