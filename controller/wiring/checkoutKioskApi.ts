/**
 * The checkout as the kiosk's HTTP routes see it (`PointApi.checkout`): sales by id, each action
 * mapped onto the session's methods, and the sale's view with VAT per rate and the last refusal.
 * The session prices and decides; this only adapts shapes.
 */
import type { Catalog } from '../catalog/catalog.ts';
import type { CheckoutService } from '../machines/checkout/checkoutService.ts';
import type { CheckoutSession, Result } from '../machines/checkout/checkoutSession.ts';
import { totals } from '../machines/checkout/pricing.ts';
import type { CheckoutAction, CheckoutKioskApi, CheckoutOutcome, SaleView } from '../http/pointApi.ts';
import { phoneRef, type PhoneProvider } from '../payments/payByPhone.ts';
import { qrSvg } from '../payments/qrSvg.ts';

export function checkoutKioskApi(checkout: CheckoutService, catalog: Catalog, phone?: Pick<PhoneProvider, 'name' | 'link'>): CheckoutKioskApi {
  const qrCache = new Map<string, string>();
  const phoneLink = (payment: { paymentId: string; provider: string } | null, state: string): SaleView['phoneLink'] => {
    if (!phone || !payment || payment.provider !== phone.name || state !== 'payment') return null;
    const l = phone.link(phoneRef(payment.paymentId));
    if (!l) return null;
    let svg = qrCache.get(l.shortUrl);
    if (svg === undefined) {
      svg = qrSvg(l.shortUrl);
      if (qrCache.size > 20) qrCache.clear();
      qrCache.set(l.shortUrl, svg);
    }
    return { shortUrl: l.shortUrl, qrSvg: svg, expiresAt: l.expiresAt };
  };
  /** The last refusal per sale, shown by `GET /api/checkout/:id` until an action is accepted. */
  const lastRefusal = new WeakMap<CheckoutSession, { reason: string }>();

  const view = (s: CheckoutSession): SaleView => {
    const v = s.view();
    return {
      saleId: v.saleId,
      state: v.state,
      lines: v.lines.map((l) => ({
        productId: l.productId,
        name: l.name,
        quantity: l.quantity,
        unitCents: l.unitCents,
        depositCents: l.depositCents,
        vatRate: l.vatRate,
        ageClass: l.ageClass,
        lineCents: l.quantity * (l.unitCents + l.depositCents),
        ...(l.batch !== undefined ? { batch: l.batch } : {}),
      })),
      totalCents: v.totalCents,
      vat: totals(v.lines).vat,
      requiredAge: v.requiredAge,
      agePassed: v.agePassed,
      payment: v.payment,
      phoneLink: phoneLink(v.payment, v.state),
      endReason: v.endReason,
      refusal: lastRefusal.get(s) ?? null,
      receipt: v.receipt,
      remoteAge: v.remoteAge,
      ...(v.receiptToken !== null ? { receiptToken: v.receiptToken } : {}),
    };
  };

  const outcome = (s: CheckoutSession, r: Result): CheckoutOutcome => {
    if (!r.ok) {
      lastRefusal.set(s, { reason: r.reason });
      return { ok: false, reason: r.reason };
    }
    lastRefusal.delete(s);
    return { ok: true, sale: view(s) };
  };

  const run = async (s: CheckoutSession, a: CheckoutAction): Promise<Result> => {
    switch (a.kind) {
      case 'scan':
        return s.scan(a.code);
      case 'loose':
        return s.addLoose(a.plu, a.qty);
      case 'confirm':
        return s.checkout(a.totalCents);
      case 'age':
        if (a.age.method === 'remote') return s.ageByRemote();
        if (a.age.method === 'terminal') return s.ageByTerminal();
        return s.ageByMember(a.age.memberCredential?.cardUid ?? '', a.age.memberCredential?.pin ?? '');
      case 'pay': {
        if (s.state() === 'paymentFailed') {
          // after a failed payment: back to the choice (a declined card is collected again on the same payment)
          const r = await s.retry();
          if (!r.ok || r.view.payment?.status === 'pending') return r;
        }
        if (a.pay.method === 'account')
          return s.pay({ method: 'account', cardUid: a.pay.memberCredential?.cardUid ?? '', pin: a.pay.memberCredential?.pin ?? '' });
        return s.pay({ method: a.pay.method });
      }
      case 'abort':
        return s.abort();
    }
  };

  return {
    begin: () => view(checkout.begin()),
    async act(saleId, action) {
      const s = checkout.session(saleId);
      if (!s) return undefined;
      return outcome(s, await run(s, action));
    },
    async sale(saleId) {
      const s = checkout.session(saleId);
      if (!s) return undefined;
      // refused only as `not-now` (a step in flight): then the sale as it stands
      await s.poll();
      return view(s);
    },
    loose: () =>
      catalog.loose().map((p) => ({
        plu: p.plu ?? '',
        name: p.name,
        unit: p.unit,
        priceCents: p.priceCents,
        vatRate: p.vatRate,
        group: p.group,
        picture: p.picture ?? null,
      })),
  };
}
