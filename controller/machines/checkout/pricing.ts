/**
 * The point prices the cart, never the kiosk: unit prices, deposits and VAT come from the
 * catalog, totals are integer cents. A deposit (Pfand) carries the VAT rate of its product.
 */
import { vatLines, type PaymentMethod, type Receipt, type VatLine } from '../../receipts/receipt.ts';
import type { Product } from '../../catalog/catalog.ts';
import type { SalesPayloads } from '../../contract/events/sales.ts';

export type SaleLine = SalesPayloads['sale.cart-fixed']['lines'][number];

export interface CartEntry {
  product: Product;
  quantity: number;
  batch: string | null;
}

export const MAX_LINES = 200;
export const MAX_QUANTITY = 999;

export function saleLines(entries: readonly CartEntry[]): SaleLine[] {
  return entries.map(({ product: p, quantity, batch }) => ({
    productId: p.productId,
    name: p.name,
    quantity,
    unitCents: p.priceCents,
    vatRate: p.vatRate,
    depositCents: p.depositCents,
    ageClass: p.ageClass,
    ...(batch !== null ? { batch } : {}),
  }));
}

export interface Totals {
  totalCents: number;
  vat: VatLine[];
  requiredAge: 0 | 16 | 18;
}

export function totals(lines: readonly SaleLine[]): Totals {
  const vatInput = [
    ...lines.map((l) => ({ quantity: l.quantity, unitCents: l.unitCents, vatRate: l.vatRate })),
    ...lines.filter((l) => l.depositCents > 0).map((l) => ({ quantity: l.quantity, unitCents: l.depositCents, vatRate: l.vatRate })),
  ];
  const totalCents = vatInput.reduce((s, l) => s + l.quantity * l.unitCents, 0);
  const requiredAge = lines.reduce<0 | 16 | 18>((a, l) => (l.ageClass > a ? l.ageClass : a), 0);
  return { totalCents, vat: vatLines(vatInput), requiredAge };
}

/** Berlin calendar date `YYYY-MM-DD` of an epoch ms (best-before dates are local dates). */
export function berlinDate(epochMs: number): string {
  return BERLIN_DATE.format(new Date(epochMs));
}

const BERLIN_DATE = new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Berlin', year: 'numeric', month: '2-digit', day: '2-digit' });

/** The receipt of a committed sale: its recorded lines, deposits per line, VAT per rate. */
export function receiptOf(
  sale: { saleId: string; lines: readonly SaleLine[]; totalCents: number },
  o: { shop: Receipt['shop']; at: number; payment: PaymentMethod; ledgerSeq: number },
): Receipt {
  return {
    shop: o.shop,
    at: o.at,
    items: sale.lines.map((l) => ({ name: l.name, quantity: l.quantity, unitCents: l.unitCents, vatRate: l.vatRate })),
    deposits: sale.lines.filter((l) => l.depositCents > 0).map((l) => ({ quantity: l.quantity, unitCents: l.depositCents, vatRate: l.vatRate })),
    vat: totals(sale.lines).vat,
    totalCents: sale.totalCents,
    payment: o.payment,
    transactionId: sale.saleId.slice(0, 40),
    ledgerSeq: o.ledgerSeq,
  };
}
