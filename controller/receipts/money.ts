/**
 * Money on receipts: integer cents in, German text out (`1,29 €`, `1.234,50 €`, `-0,25 €`).
 * Integer arithmetic only; a non-integer or unsafe amount is a programming error and throws.
 */

function assertCents(cents: number): void {
  if (!Number.isSafeInteger(cents)) throw new RangeError(`amount must be whole cents (a safe integer), got ${String(cents)}`);
}

/** `1,29 €` — thousands grouped with `.`, decimal comma, a (normal) space before €. */
export function formatEuro(cents: number): string {
  assertCents(cents);
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(cents);
  const euros = Math.trunc(abs / 100);
  const rest = abs % 100;
  const grouped = String(euros).replace(/\B(?=(\d{3})+(?!\d))/g, '.');
  return `${sign}${grouped},${String(rest).padStart(2, '0')} €`;
}

/**
 * The VAT contained in a gross amount at `ratePct` percent, rounded half away from zero to
 * the cent: gross × rate / (100 + rate). (German practice: VAT per rate from the gross sum.)
 */
export function vatFromGross(grossCents: number, ratePct: number): number {
  assertCents(grossCents);
  if (!Number.isInteger(ratePct) || ratePct < 0 || ratePct > 100) throw new RangeError(`VAT rate must be an integer percent 0..100, got ${ratePct}`);
  const d = 100 + ratePct;
  const n = Math.abs(grossCents) * ratePct;
  const q = Math.floor((2 * n + d) / (2 * d));
  return grossCents < 0 ? -q : q;
}
