/**
 * `p_phone_payments`: the pay-by-phone requests of each point (`phone-pay.requested`, then maybe
 * `…cancel-requested`, `…refund-requested`), built exactly once in the ingest transaction. The
 * dispatcher (payments/phoneDispatcher.ts) acts on them: create the Checkout Session, expire it,
 * refund it. Times are the point's (`e.at`), so a rebuild gives the same rows.
 */
import type { EventPayload as P } from '../../controller/contract/events/index.ts';
import type { Projectors } from './types.ts';

export const phonePaymentProjectors: Projectors = {
  'phone-pay.requested': async (db, e) => {
    const d = e.data as P<'phone-pay.requested'>;
    await db
      .insertInto('p_phone_payments')
      .values({
        site_id: e.siteId,
        payment_id: d.paymentId,
        sale_id: d.saleId,
        amount: d.amountCents,
        lines: JSON.stringify(d.lines),
        requested_seq: e.seq,
        requested_at: e.at,
        cancel_at: null,
        refund_at: null,
        refund_amount: null,
      })
      .onConflict((oc) => oc.columns(['site_id', 'payment_id']).doNothing())
      .execute();
  },
  'phone-pay.cancel-requested': async (db, e) => {
    const d = e.data as P<'phone-pay.cancel-requested'>;
    await db.updateTable('p_phone_payments').set({ cancel_at: e.at }).where('site_id', '=', e.siteId).where('payment_id', '=', d.paymentId).execute();
  },
  'phone-pay.refund-requested': async (db, e) => {
    const d = e.data as P<'phone-pay.refund-requested'>;
    await db
      .updateTable('p_phone_payments')
      .set({ refund_at: e.at, refund_amount: d.amountCents })
      .where('site_id', '=', e.siteId)
      .where('payment_id', '=', d.paymentId)
      .execute();
  },
};
