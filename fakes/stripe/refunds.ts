/** Refunds of a captured PaymentIntent (whole remainder or part); `charge.refunded` follows. */
import type { Core } from './core.ts';
import { ApiError, invalidParam, missingParam, noSuch, unexpectedState } from './errors.ts';
import { newId } from './ids.ts';
import { getPaymentIntent } from './paymentIntents.ts';
import { Params } from './params.ts';
import type { Router } from './router.ts';
import type { Charge, Refund } from './store.ts';

export function registerRefundRoutes(router: Router, core: Core): void {
  router.add('POST', '/v1/refunds', (req) => {
    const p = new Params(req.params, ['payment_intent', 'amount', 'reason', 'metadata']);
    const piId = p.string('payment_intent');
    if (!piId) throw missingParam('payment_intent');
    const pi = getPaymentIntent(core, piId);
    if (pi.status !== 'succeeded') throw unexpectedState('payment_intent', pi.id, pi.status, 'refunded');
    const charge = core.store.charges.get(pi.latest_charge as string) as Charge;
    const remaining = charge.amount_captured - charge.amount_refunded;
    if (remaining <= 0) {
      throw new ApiError(400, {
        type: 'invalid_request_error',
        code: 'charge_already_refunded',
        message: `Charge ${charge.id} has already been refunded.`,
      });
    }
    const amount = p.integer('amount', { min: 1 }) ?? remaining;
    if (amount > remaining) {
      throw invalidParam('amount', `Refund amount (${amount}) is greater than unrefunded amount on charge (${remaining}).`, 'amount_too_large');
    }
    const refund: Refund = {
      id: newId('re'),
      object: 'refund',
      amount,
      charge: charge.id,
      payment_intent: pi.id,
      currency: pi.currency,
      status: 'succeeded',
      reason: p.oneOf('reason', ['duplicate', 'fraudulent', 'requested_by_customer'], 'requested_by_customer'),
      metadata: p.metadata(),
      created: core.unixNow(),
    };
    core.store.refunds.set(refund.id, refund);
    charge.amount_refunded += amount;
    charge.refunded = charge.amount_refunded === charge.amount_captured;
    core.emit('charge.refunded', charge, req);
    return { body: structuredClone(refund) };
  });

  router.add('GET', '/v1/refunds/:id', (req) => {
    new Params(req.params, []);
    const refund = core.store.refunds.get(req.path['id'] as string);
    if (!refund) throw noSuch('refund', req.path['id'] as string);
    return { body: structuredClone(refund) };
  });
}
