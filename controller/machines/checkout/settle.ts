/**
 * The money-moving steps shared by a live sale and reconciliation at start. Ledger first: each
 * step's outcome is written right after the provider answers, and every provider call carries a
 * key derived from the paymentId written before the first call (`pay-<paymentId>:<step>`), so a
 * step repeated after a crash gets the provider's stored answer, never a second movement.
 */
import type { Logger } from '../../../firmware-bridge/platform/logger.ts';
import type { PaymentProvider } from '../../payments/ports.ts';
import type { CrashProbe, FiscalSigner, SalesLedger } from './ports.ts';
import type { PaymentRecord, SaleRecord } from './saleBook.ts';

export interface SettleContext {
  ledger: SalesLedger;
  provider(name: string): PaymentProvider | undefined;
  fiscal: FiscalSigner;
  logger: Logger;
  probe: CrashProbe;
}

export const keyOf = (paymentId: string, step?: string): string => (step ? `pay-${paymentId}:${step}` : `pay-${paymentId}`);

export type SettleResult = { kind: 'done' } | { kind: 'deferred'; detail: string } | { kind: 'refused'; detail: string };

function providerOf(ctx: SettleContext, p: PaymentRecord): PaymentProvider {
  const provider = ctx.provider(p.provider);
  if (!provider) throw new Error(`no payment provider "${p.provider}" for payment ${p.paymentId}`);
  return provider;
}

/** Capture the authorised payment, then book the sale with its stock movements in one transaction. */
export async function captureAndCommit(
  ctx: SettleContext,
  sale: SaleRecord,
  p: PaymentRecord,
  reconciled: boolean,
): Promise<SettleResult | { kind: 'committed'; seq: number }> {
  if (p.ref === null) return { kind: 'refused', detail: 'no payment handle' };
  if (p.status !== 'captured') {
    const r = await providerOf(ctx, p).capture(p.ref, sale.totalCents, keyOf(p.paymentId, 'capture'));
    ctx.probe('captured-call');
    if (r.kind === 'unavailable') return { kind: 'deferred', detail: r.detail };
    if (r.kind === 'failed') return { kind: 'refused', detail: `${r.reason}: ${r.detail}` };
    if (r.amountCents !== sale.totalCents) {
      // Never happens with an honest provider; booking it would make a sale that does not add up.
      ctx.logger.error({ saleId: sale.saleId, captured: r.amountCents, total: sale.totalCents }, 'captured amount differs from the sale total');
    }
    ctx.ledger.append('payment.captured', { saleId: sale.saleId, paymentId: p.paymentId, ref: p.ref, amountCents: r.amountCents });
    p.status = 'captured';
    ctx.probe('captured');
  }
  const events = ctx.ledger.appendMany([
    { type: 'sale.committed', data: { saleId: sale.saleId, paymentId: p.paymentId, totalCents: sale.totalCents, reconciled } },
    ...sale.lines.map((l) => ({
      type: 'stock.moved' as const,
      data: { saleId: sale.saleId, productId: l.productId, quantity: -l.quantity, ...(l.batch !== undefined ? { batch: l.batch } : {}) },
    })),
  ]);
  const seq = events[0]!.seq;
  sale.committed = { paymentId: p.paymentId, seq };
  ctx.probe('committed');
  return { kind: 'committed', seq };
}

/** Give the money back: void an uncaptured payment, refund a captured one. */
export async function voidPayment(ctx: SettleContext, p: PaymentRecord): Promise<SettleResult> {
  const provider = providerOf(ctx, p);
  if (p.ref === null) {
    // Crashed between `payment.started` and the provider's answer: ask again with the same key
    // to learn whether a payment exists (an idempotent replay, never a second payment).
    const again = await provider.start({ saleId: p.saleId, amountCents: p.amountCents, idempotencyKey: keyOf(p.paymentId) });
    if (again.kind === 'failed' && again.reason === 'unavailable') return { kind: 'deferred', detail: again.detail };
    const ref = again.kind === 'pending' ? again.ref : (again.ref ?? null);
    if (ref === null) {
      ctx.ledger.append('payment.canceled', { saleId: p.saleId, paymentId: p.paymentId, ref: null });
      p.status = 'canceled';
      return { kind: 'done' };
    }
    ctx.ledger.append('payment.pending', { saleId: p.saleId, paymentId: p.paymentId, ref });
    p.ref = ref;
  }
  const ref = p.ref;
  if (p.status !== 'captured') {
    const c = await provider.cancel(ref, keyOf(p.paymentId, 'cancel'));
    ctx.probe('voided-call');
    if (c.kind === 'unavailable') return { kind: 'deferred', detail: c.detail };
    if (c.kind === 'canceled') {
      ctx.ledger.append('payment.canceled', { saleId: p.saleId, paymentId: p.paymentId, ref });
      p.status = 'canceled';
      return { kind: 'done' };
    }
    if (c.reason !== 'already-captured') return { kind: 'deferred', detail: c.detail };
    // Captured elsewhere (a capture whose answer was lost): refund it.
    const o = await provider.poll(ref);
    const amount = o.kind === 'approved' ? o.amountCents : p.amountCents;
    ctx.ledger.append('payment.captured', { saleId: p.saleId, paymentId: p.paymentId, ref, amountCents: amount });
    p.status = 'captured';
  }
  const r = await provider.refund(ref, p.amountCents, keyOf(p.paymentId, 'refund'));
  ctx.probe('voided-call');
  if (r.kind !== 'refunded') return { kind: 'deferred', detail: r.detail };
  ctx.ledger.append('payment.refunded', { saleId: p.saleId, paymentId: p.paymentId, ref, refundId: r.refundId, amountCents: r.amountCents });
  p.status = 'refunded';
  return { kind: 'done' };
}

/** The fiscal module's step (a placeholder signer until the TSE issue). */
export async function signSale(ctx: SettleContext, sale: SaleRecord): Promise<void> {
  if (sale.signed || !sale.committed) return;
  const { signature } = await ctx.fiscal.sign({ saleId: sale.saleId, totalCents: sale.totalCents, committedSeq: sale.committed.seq });
  ctx.ledger.append('sale.fiscal-signed', { saleId: sale.saleId, signer: ctx.fiscal.name, signature });
  sale.signed = true;
  ctx.probe('signed');
}
