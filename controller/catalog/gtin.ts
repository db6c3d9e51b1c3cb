/**
 * GTIN check digits (GS1 General Specifications §7.9: weights 3,1,3,… from the right, the
 * check digit makes the sum a multiple of 10). GTIN-8, -12, -13 and -14 are all normalised to
 * 14 digits (left-padded with zeros) so one product has one key whatever the barcode.
 */

export function gtinCheckDigit(body: string): number {
  let sum = 0;
  for (let i = 0; i < body.length; i++) {
    const digit = body.charCodeAt(body.length - 1 - i) - 48;
    sum += digit * (i % 2 === 0 ? 3 : 1);
  }
  return (10 - (sum % 10)) % 10;
}

/** Appends the check digit to a body of 7, 11, 12 or 13 digits. */
export function withCheckDigit(body: string): string {
  if (!/^[0-9]{7}$|^[0-9]{11,13}$/.test(body)) throw new Error(`not a GTIN body: ${body}`);
  return body + String(gtinCheckDigit(body));
}

export type GtinResult = { ok: true; gtin14: string } | { ok: false; problem: 'format' | 'check-digit' };

/** Validates a GTIN-8/12/13/14 and returns it as 14 digits. */
export function parseGtin(code: string): GtinResult {
  if (!/^[0-9]{8}$|^[0-9]{12,14}$/.test(code)) return { ok: false, problem: 'format' };
  const body = code.slice(0, -1);
  if (gtinCheckDigit(body) !== code.charCodeAt(code.length - 1) - 48) return { ok: false, problem: 'check-digit' };
  return { ok: true, gtin14: code.padStart(14, '0') };
}
