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

export function checkoutKioskApi(checkout: CheckoutService, catalog: Catalog): CheckoutKioskApi {
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
      endReason: v.endReason,
      refusal: lastRefusal.get(s) ?? null,
      receipt: v.receipt,
      remoteAge: v.remoteAge,
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
      case 'pay':
        return a.pay.method === 'account'
          ? s.pay({ method: 'account', cardUid: a.pay.memberCredential?.cardUid ?? '', pin: a.pay.memberCredential?.pin ?? '' })
          : s.pay({ method: 'card' });
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
