/**
 * Interpret one scanned barcode text: GS1 element string, plain EAN-13 / EAN-8 / UPC-A (check
 * digit validated), or opaque text (member QR codes, locker codes). Never throws.
 */
import { hasValidCheckDigit } from './checkDigit.ts';
import { GS, parseGs1ElementString, type Gs1Data, type Gs1Options } from './elementString.ts';

export type Barcode =
  | { kind: 'gs1'; gs1: Gs1Data; gtin?: string }
  | { kind: 'ean13' | 'ean8' | 'upca'; digits: string; /** as GTIN-14 */ gtin: string }
  | { kind: 'text'; text: string };

export type BarcodeResult = { ok: true; value: Barcode } | { ok: false; error: string };

/** Symbology identifiers that announce GS1 data (FNC1 in first position). */
export const GS1_SYMBOLOGIES = new Set([']C1', ']d2', ']Q3', ']e0', ']J1']);

const PLAIN_KINDS: Record<number, 'ean8' | 'upca' | 'ean13'> = { 8: 'ean8', 12: 'upca', 13: 'ean13' };

export function parseBarcode(text: string, symbology?: string, options: Gs1Options = {}): BarcodeResult {
  if (typeof text !== 'string' || text.length === 0) return { ok: false, error: 'empty barcode' };
  const gs1 =
    (symbology !== undefined && GS1_SYMBOLOGIES.has(symbology)) ||
    text.startsWith(GS) ||
    /^\(0[0-2]\)/.test(text) ||
    (text.includes(GS) && /^[0-9]{2}/.test(text));
  if (gs1) {
    const r = parseGs1ElementString(text, options);
    if (!r.ok) return r;
    return { ok: true, value: r.value.gtin ? { kind: 'gs1', gs1: r.value, gtin: r.value.gtin } : { kind: 'gs1', gs1: r.value } };
  }
  if (/^[0-9]+$/.test(text) && PLAIN_KINDS[text.length]) {
    const kind = PLAIN_KINDS[text.length] as 'ean8' | 'upca' | 'ean13';
    if (!hasValidCheckDigit(text)) return { ok: false, error: `${kind.toUpperCase()} ${text}: wrong check digit` };
    return { ok: true, value: { kind, digits: text, gtin: text.padStart(14, '0') } };
  }
  return { ok: true, value: { kind: 'text', text } };
}
