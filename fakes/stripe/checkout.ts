/**
 * Checkout Sessions for pay-by-phone: one session per basket with price_data line items and an
 * `expires_at` 30 min – 24 h ahead (the session expires by itself then, on the injected clock).
 * `pay` is what the customer's phone does on the hosted page: an automatic-capture card payment.
 */
import { DEFAULT_TEST_CARD, inspectCard } from './cards.ts';
import type { Core } from './core.ts';
import { ApiError, invalidParam, missingParam, noSuch, unexpectedState } from './errors.ts';
import type { FormValue } from './form.ts';
import { newId } from './ids.ts';
import { authorize, createPaymentIntent, MIN_AMOUNT_EUR_CENTS } from './paymentIntents.ts';
import { Params } from './params.ts';
import type { RequestContext, Router } from './router.ts';
import type { CheckoutSession, LineItem } from './store.ts';

const MIN_EXPIRY_S = 30 * 60;
const MAX_EXPIRY_S = 24 * 60 * 60;

export function getSession(core: Core, id: string): CheckoutSession {
  const s = core.store.checkoutSessions.get(id);
  if (!s) throw noSuch('checkout.session', id);
  return s;
}

function lineItem(value: FormValue, i: number): LineItem {
  const at = `line_items[${i}]`;
  if (typeof value !== 'object' || Array.isArray(value)) throw invalidParam(at, 'Invalid line item.');
  const p = new Params(value, ['price_data', 'quantity']);
  const quantity = p.requiredInteger('quantity', { min: 1, max: 999 });
  const priceData = p.object('price_data');
  if (!priceData) throw missingParam(`${at}[price_data]`);
  const pd = new Params(priceData, ['currency', 'unit_amount', 'product_data']);
  if (pd.requiredString('currency').toLowerCase() !== 'eur') throw invalidParam(`${at}[price_data][currency]`, 'Only eur.');
  const unitAmount = pd.requiredInteger('unit_amount', { min: 0, max: 99_999_999 });
  const productData = pd.object('product_data');
  const name = productData?.['name'];
  if (typeof name !== 'string' || name === '') throw missingParam(`${at}[price_data][product_data][name]`);
  return { name, unitAmount, quantity };
}

function expire(core: Core, session: CheckoutSession, req: RequestContext | null): void {
  session.status = 'expired';
  session.url = null;
  core.emit('checkout.session.expired', session, req);
}

/** What the phone does: pay the open session with a card (default the 4242 test card). */
export function payCheckoutSession(core: Core, id: string, cardNumber = DEFAULT_TEST_CARD): CheckoutSession {
  const session = getSession(core, id);
  if (session.status !== 'open') throw unexpectedState('checkout_session', id, session.status, 'paid');
  const card = inspectCard(cardNumber);
  if (!card) throw invalidParam('number', 'Your card number is incorrect.', 'incorrect_number');
  if (card.outcome.kind !== 'approved') {
    const code = card.outcome.kind === 'declined' ? 'card_declined' : card.outcome.code;
    throw new ApiError(402, {
      type: 'card_error',
      code,
      ...(card.outcome.kind === 'declined' ? { decline_code: card.outcome.declineCode } : {}),
      message: card.outcome.message,
    });
  }
  const pi = createPaymentIntent(core, {
    amount: session.amount_total,
    currency: session.currency,
    capture_method: 'automatic',
    allowed_payment_method_types: ['card'],
    payment_method_types: ['card'],
    metadata: { ...session.metadata },
    description: null,
  });
  authorize(core, pi, { card: { brand: card.brand, last4: card.last4 }, methodType: 'card', holdMs: core.holdMs, req: null });
  session.status = 'complete';
  session.payment_status = 'paid';
  session.payment_intent = pi.id;
  core.emit('checkout.session.completed', session, null);
  return session;
}

export function registerCheckoutRoutes(router: Router, core: Core): void {
  router.add('POST', '/v1/checkout/sessions', (req) => {
    const p = new Params(req.params, [
      'mode',
      'line_items',
      'success_url',
      'cancel_url',
      'expires_at',
      'metadata',
      'client_reference_id',
      'payment_method_types',
      'allowed_payment_method_types',
      'locale',
    ]);
    p.oneOf('mode', ['payment']);
    const items = (p.list('line_items') ?? []).map(lineItem);
    if (items.length === 0) throw missingParam('line_items');
    const amount = items.reduce((sum, li) => sum + li.unitAmount * li.quantity, 0);
    if (amount < MIN_AMOUNT_EUR_CENTS) throw invalidParam('line_items', 'The total must be at least €0.50.', 'amount_too_small');
    const now = core.unixNow();
    const expiresAt = p.integer('expires_at') ?? now + MAX_EXPIRY_S;
    if (expiresAt < now + MIN_EXPIRY_S || expiresAt > now + MAX_EXPIRY_S) {
      throw invalidParam('expires_at', 'expires_at must be between 30 minutes and 24 hours from now.');
    }
    const id = newId('cs_test', 58);
    const session: CheckoutSession = {
      id,
      object: 'checkout.session',
      mode: 'payment',
      amount_total: amount,
      currency: 'eur',
      client_reference_id: p.string('client_reference_id', { max: 200 }) ?? null,
      metadata: p.metadata(),
      status: 'open',
      payment_status: 'unpaid',
      payment_intent: null,
      success_url: p.string('success_url', { max: 2048 }) ?? null,
      cancel_url: p.string('cancel_url', { max: 2048 }) ?? null,
      url: `${core.publicUrl()}/_fake/checkout/${id}`,
      expires_at: expiresAt,
      created: now,
      livemode: false,
    };
    core.store.checkoutSessions.set(id, session);
    core.store.lineItems.set(id, items);
    core.schedule(
      () => {
        const s = core.store.checkoutSessions.get(id);
        if (s?.status === 'open') expire(core, s, null);
      },
      expiresAt * 1000 - core.clock.now(),
    );
    return { body: structuredClone(session) };
  });

  router.add('GET', '/v1/checkout/sessions/:id', (req) => {
    new Params(req.params, []);
    return { body: structuredClone(getSession(core, req.path['id'] as string)) };
  });

  router.add('POST', '/v1/checkout/sessions/:id/expire', (req) => {
    new Params(req.params, []);
    const session = getSession(core, req.path['id'] as string);
    if (session.status !== 'open') throw unexpectedState('checkout_session', session.id, session.status, 'expired');
    expire(core, session, req);
    return { body: structuredClone(session) };
  });
}
