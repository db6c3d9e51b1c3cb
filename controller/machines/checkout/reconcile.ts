/**
 * Reconciliation at start: every sale the ledger left unfinished (the process died somewhere
 * between `sale.cart-fixed` and `sale.committed` / `sale.aborted`) ends exactly once:
 *
 * - sale open, its payment approved at the provider (authorised or captured) → captured and
 *   committed (`reconciled: true`): the customer paid for these goods and has them;
 * - sale open, no approved payment → `sale.aborted` (reason `interrupted`) first, then every
 *   payment voided (a late tap cannot take money any more);
 * - sale aborted with a payment still open → voided, or refunded if it was captured;
 * - sale committed but not signed → signed (the fiscal step).
 *
 * Every provider call uses the keys of `settle.ts`, so reconciliation interrupted by another
 * crash repeats with the same keys and the provider answers as before. A provider that cannot be
 * reached leaves the sale `deferred` for the next run, never guessed.
 */
import { SaleBook, isOpen, type PaymentRecord, type SaleRecord } from './saleBook.ts';
import { captureAndCommit, signSale, voidPayment, type SettleContext } from './settle.ts';

/** The `deferred` detail of a sale whose payment may still be completed (see `reconcile`). */
export const AWAITING_PAYMENT = 'awaiting-payment';

export interface ReconcileReport {
  committed: string[];
  aborted: string[];
  voided: string[];
  signed: string[];
  deferred: Array<{ saleId: string; detail: string }>;
}

/**
 * `awaiting(p)`: a payment still pending that the customer may complete away from the point (pay
 * by phone within its time limit). Its sale is `deferred` (detail `awaiting-payment`), not
 * aborted: the outcome arrives with the backoffice's change, or the limit passes.
 */
export async function reconcile(
  ctx: SettleContext,
  book: SaleBook,
  skip: ReadonlySet<string> = new Set(),
  awaiting: (p: PaymentRecord) => boolean = () => false,
): Promise<ReconcileReport> {
  const report: ReconcileReport = { committed: [], aborted: [], voided: [], signed: [], deferred: [] };
  for (const sale of book.sales.values()) {
    if (skip.has(sale.saleId)) continue;
    try {
      await reconcileSale(ctx, sale, report, awaiting);
    } catch (err) {
      report.deferred.push({ saleId: sale.saleId, detail: (err as Error).message });
      ctx.logger.error({ saleId: sale.saleId, err }, 'reconciliation of a sale failed');
      if ((err as { name?: string }).name === 'SimulatedCrash') throw err;
    }
  }
  if (report.committed.length + report.aborted.length + report.voided.length + report.deferred.length > 0) {
    ctx.logger.info({ ...report }, 'sales reconciled');
  }
  return report;
}

async function reconcileSale(ctx: SettleContext, sale: SaleRecord, report: ReconcileReport, awaiting: (p: PaymentRecord) => boolean): Promise<void> {
  if (!sale.committed && sale.aborted === null) {
    const approved = await findApproved(ctx, sale, awaiting);
    if (approved === 'deferred' || approved === 'awaiting') {
      report.deferred.push({ saleId: sale.saleId, detail: approved === 'awaiting' ? AWAITING_PAYMENT : 'payment provider unavailable' });
      return;
    }
    if (approved) {
      const r = await captureAndCommit(ctx, sale, approved, true);
      if (r.kind === 'committed') report.committed.push(sale.saleId);
      else if (r.kind === 'deferred') {
        report.deferred.push({ saleId: sale.saleId, detail: r.detail });
        return;
      } else {
        ctx.ledger.append('sale.aborted', { saleId: sale.saleId, reason: 'capture-failed' });
        sale.aborted = 'capture-failed';
        report.aborted.push(sale.saleId);
      }
    } else {
      ctx.ledger.append('sale.aborted', { saleId: sale.saleId, reason: 'interrupted' });
      sale.aborted = 'interrupted';
      ctx.probe('abort-recorded');
      report.aborted.push(sale.saleId);
    }
  }
  for (const p of sale.payments) {
    if (!isOpen(p, sale)) continue;
    const r = await voidPayment(ctx, p);
    if (r.kind === 'done') report.voided.push(p.paymentId);
    else report.deferred.push({ saleId: sale.saleId, detail: r.detail });
  }
  if (sale.committed && !sale.signed) {
    await signSale(ctx, sale);
    report.signed.push(sale.saleId);
  }
}

/** The sale's payment the provider approved, if any (asking the provider for every open one). */
async function findApproved(ctx: SettleContext, sale: SaleRecord, awaiting: (p: PaymentRecord) => boolean) {
  let waiting = false;
  for (const p of sale.payments) {
    if (p.status === 'canceled' || p.status === 'refunded') continue;
    if (p.status === 'captured') return p;
    const provider = ctx.provider(p.provider);
    if (!provider) continue;
    if (p.ref === null) continue; // never reached the provider's books as far as we know: voided below
    const o = await provider.poll(p.ref);
    if (o.kind === 'unavailable') return 'deferred' as const;
    if (o.kind === 'pending' && awaiting(p)) waiting = true;
    if (o.kind === 'approved') {
      if (p.status !== 'authorised') {
        ctx.ledger.append('payment.authorised', { saleId: sale.saleId, paymentId: p.paymentId, ref: p.ref, amountCents: o.amountCents, card: o.card });
        p.status = 'authorised';
      }
      if (o.captured) {
        ctx.ledger.append('payment.captured', { saleId: sale.saleId, paymentId: p.paymentId, ref: p.ref, amountCents: o.amountCents });
        p.status = 'captured';
      }
      return p;
    }
  }
  return waiting ? ('awaiting' as const) : null;
}
