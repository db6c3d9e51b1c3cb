/**
 * `p_sales`: per site and sale what the receipt page needs (issue 10) — the lines and VAT the point
 * fixed (`sale.cart-fixed`), how it was paid (`payment.started`, then `sale.receipt-issued`), whether
 * it was committed (with the seq and time printed on the receipt) or aborted, and the receipt link's
 * token, shop name and address (`sale.receipt-issued`).
 */
import type { EventPayload as P } from '../../controller/contract/events/index.ts';
import type { Db, ProjectedEvent, Projectors } from './types.ts';

/** A provider name as the receipt's payment method (the point's own names: stripe-terminal, member-account, pay-by-phone). */
export function paymentMethodOf(provider: string): 'card' | 'phone' | 'account' {
  if (/account/.test(provider)) return 'account';
  if (/phone|checkout/.test(provider)) return 'phone';
  return 'card';
}

async function update(db: Db, e: ProjectedEvent, saleId: string, set: Record<string, string | number | null>): Promise<void> {
  await db
    .updateTable('p_sales')
    .set({ ...set, seq: e.seq })
    .where('site_id', '=', e.siteId)
    .where('sale_id', '=', saleId)
    .execute();
}

export const saleProjectors: Projectors = {
  'sale.cart-fixed': async (db, e) => {
    const d = e.data as P<'sale.cart-fixed'>;
    const row = {
      site_id: e.siteId,
      sale_id: d.saleId,
      status: 'open',
      lines: JSON.stringify(d.lines),
      vat: JSON.stringify(d.vat),
      total_cents: d.totalCents,
      fixed_at: e.at,
      payment: null,
      committed_seq: null,
      committed_at: null,
      receipt_token: null,
      shop: null,
      receipt_at: null,
      seq: e.seq,
    };
    await db
      .insertInto('p_sales')
      .values(row)
      .onConflict((oc) => oc.columns(['site_id', 'sale_id']).doNothing())
      .execute();
  },
  'payment.started': (db, e) => {
    const d = e.data as P<'payment.started'>;
    return update(db, e, d.saleId, { payment: paymentMethodOf(d.provider) });
  },
  'sale.committed': (db, e) => update(db, e, (e.data as P<'sale.committed'>).saleId, { status: 'committed', committed_seq: e.seq, committed_at: e.at }),
  'sale.aborted': async (db, e) => {
    const d = e.data as P<'sale.aborted'>;
    await db
      .updateTable('p_sales')
      .set({ status: 'aborted', seq: e.seq })
      .where('site_id', '=', e.siteId)
      .where('sale_id', '=', d.saleId)
      .where('status', '!=', 'committed')
      .execute();
  },
  'sale.receipt-issued': (db, e) => {
    const d = e.data as P<'sale.receipt-issued'>;
    return update(db, e, d.saleId, {
      receipt_token: d.receiptToken ?? null,
      shop: d.shop ? JSON.stringify(d.shop) : null,
      receipt_at: e.at,
      ...(d.payment ? { payment: d.payment } : {}),
      ...(d.ledgerSeq !== undefined ? { committed_seq: d.ledgerSeq } : {}),
    });
  },
};
