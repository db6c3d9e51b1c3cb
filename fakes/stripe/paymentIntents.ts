/**
 * PaymentIntents: create, retrieve, list, capture (whole or partial), cancel; and the two things
 * a reader or a phone does to one (`authorize`, `decline`). An authorisation that is not
 * captured lapses after `holdMs` (card-present: about two days) and the intent is canceled.
 */
import type { Core } from './core.ts';
import { invalidParam, noSuch, unexpectedState } from './errors.ts';
import { newId } from './ids.ts';
import { Params } from './params.ts';
import type { Router } from './router.ts';
import type { CardPresentDetails, Charge, PaymentIntent } from './store.ts';
import type { RequestContext } from './router.ts';

export const MIN_AMOUNT_EUR_CENTS = 50;
const MAX_AMOUNT = 99_999_999;

export function getPaymentIntent(core: Core, id: string): PaymentIntent {
  const pi = core.store.paymentIntents.get(id);
  if (!pi) throw noSuch('payment_intent', id);
  return pi;
}

export function createPaymentIntent(
  core: Core,
  p: Omit<
    PaymentIntent,
    | 'id'
    | 'object'
    | 'amount_capturable'
    | 'amount_received'
    | 'status'
    | 'latest_charge'
    | 'last_payment_error'
    | 'created'
    | 'canceled_at'
    | 'cancellation_reason'
    | 'livemode'
  >,
): PaymentIntent {
  const pi: PaymentIntent = {
    id: newId('pi'),
    object: 'payment_intent',
    amount_capturable: 0,
    amount_received: 0,
    status: 'requires_payment_method',
    latest_charge: null,
    last_payment_error: null,
    created: core.unixNow(),
    canceled_at: null,
    cancellation_reason: null,
    livemode: false,
    ...p,
  };
  core.store.paymentIntents.set(pi.id, pi);
  return pi;
}

export interface AuthorizeOptions {
  card: CardPresentDetails;
  methodType: 'card_present' | 'card';
  holdMs: number;
  req: RequestContext | null;
}

/** A card was accepted: one charge; manual capture holds the amount, automatic takes it. */
export function authorize(core: Core, pi: PaymentIntent, o: AuthorizeOptions): Charge {
  const manual = pi.capture_method === 'manual';
  const charge: Charge = {
    id: newId('ch'),
    object: 'charge',
    amount: pi.amount,
    amount_captured: manual ? 0 : pi.amount,
    amount_refunded: 0,
    captured: !manual,
    refunded: false,
    currency: pi.currency,
    payment_intent: pi.id,
    status: 'succeeded',
    created: core.unixNow(),
    metadata: { ...pi.metadata },
    payment_method_details: o.methodType === 'card_present' ? { type: 'card_present', card_present: { ...o.card } } : { type: 'card', card: { ...o.card } },
    livemode: false,
  };
  core.store.charges.set(charge.id, charge);
  pi.latest_charge = charge.id;
  pi.last_payment_error = null;
  if (manual) {
    pi.status = 'requires_capture';
    pi.amount_capturable = pi.amount;
    core.emit('payment_intent.amount_capturable_updated', pi, o.req);
    const piId = pi.id;
    core.schedule(() => lapseAuthorization(core, piId), o.holdMs);
  } else {
    pi.status = 'succeeded';
    pi.amount_received = pi.amount;
    core.emit('payment_intent.succeeded', pi, o.req);
  }
  return charge;
}

function lapseAuthorization(core: Core, id: string): void {
  const pi = core.store.paymentIntents.get(id);
  if (!pi || pi.status !== 'requires_capture') return;
  cancelIntent(core, pi, 'automatic', null);
  core.logger.info({ paymentIntent: id }, 'stripe fake: uncaptured authorisation lapsed');
}

export function decline(core: Core, pi: PaymentIntent, error: { code: string; decline_code?: string; message: string }, req: RequestContext | null): void {
  pi.status = 'requires_payment_method';
  pi.last_payment_error = { type: 'card_error', ...error };
  core.emit('payment_intent.payment_failed', pi, req);
}

function cancelIntent(core: Core, pi: PaymentIntent, reason: string | null, req: RequestContext | null): void {
  pi.status = 'canceled';
  pi.amount_capturable = 0;
  pi.canceled_at = core.unixNow();
  pi.cancellation_reason = reason;
  // A reader still waiting to collect for this intent stops waiting.
  for (const reader of core.store.readers.values()) {
    if (reader.action?.status === 'in_progress' && reader.action.process_payment_intent.payment_intent === pi.id) {
      reader.action = null;
    }
  }
  core.emit('payment_intent.canceled', pi, req);
}

export function renderPaymentIntent(core: Core, pi: PaymentIntent, expand: string[]): Record<string, unknown> {
  const out = structuredClone(pi) as unknown as Record<string, unknown>;
  if (expand.includes('latest_charge') && pi.latest_charge) {
    out['latest_charge'] = structuredClone(core.store.charges.get(pi.latest_charge) ?? null);
  }
  return out;
}

export function registerPaymentIntentRoutes(router: Router, core: Core): void {
  router.add('POST', '/v1/payment_intents', (req) => {
    // API 2026-09-30 (stripe-node 23) renamed `payment_method_types` to `allowed_payment_method_types`; both are read.
    const p = new Params(req.params, [
      'amount',
      'currency',
      'allowed_payment_method_types',
      'payment_method_types',
      'capture_method',
      'metadata',
      'description',
    ]);
    const amount = p.requiredInteger('amount', { max: MAX_AMOUNT });
    if (amount < MIN_AMOUNT_EUR_CENTS) {
      throw invalidParam('amount', 'Amount must be at least €0.50 eur', 'amount_too_small');
    }
    const currency = p.requiredString('currency').toLowerCase();
    if (currency !== 'eur') throw invalidParam('currency', `The fake only supports eur, not ${currency}.`);
    if (p.has('allowed_payment_method_types') && p.has('payment_method_types')) {
      throw invalidParam('payment_method_types', 'Pass allowed_payment_method_types or payment_method_types, not both.', 'parameters_exclusive');
    }
    const types = p.stringList('allowed_payment_method_types') ?? p.stringList('payment_method_types') ?? ['card'];
    for (const t of types) {
      if (t !== 'card_present' && t !== 'card') throw invalidParam('payment_method_types', `Unsupported payment method type: ${t}`);
    }
    const pi = createPaymentIntent(core, {
      amount,
      currency,
      capture_method: p.oneOf('capture_method', ['manual', 'automatic'], 'automatic'),
      allowed_payment_method_types: types,
      payment_method_types: types,
      metadata: p.metadata(),
      description: p.string('description', { max: 1000 }) ?? null,
    });
    core.emit('payment_intent.created', pi, req);
    return { body: renderPaymentIntent(core, pi, p.expand()) };
  });

  router.add('GET', '/v1/payment_intents', (req) => {
    const p = new Params(req.params, ['limit', 'starting_after']);
    const limit = p.integer('limit', { min: 1, max: 100 }) ?? 10;
    const all = [...core.store.paymentIntents.values()].reverse();
    const after = p.string('starting_after');
    const start = after ? all.findIndex((x) => x.id === after) + 1 : 0;
    const page = all.slice(start, start + limit);
    return {
      body: {
        object: 'list',
        url: '/v1/payment_intents',
        has_more: start + limit < all.length,
        data: page.map((pi) => renderPaymentIntent(core, pi, p.expand())),
      },
    };
  });

  router.add('GET', '/v1/payment_intents/:id', (req) => {
    const p = new Params(req.params, []);
    return { body: renderPaymentIntent(core, getPaymentIntent(core, req.path['id'] as string), p.expand()) };
  });

  router.add('POST', '/v1/payment_intents/:id/capture', (req) => {
    const p = new Params(req.params, ['amount_to_capture', 'metadata']);
    const pi = getPaymentIntent(core, req.path['id'] as string);
    if (pi.status !== 'requires_capture') throw unexpectedState('payment_intent', pi.id, pi.status, 'captured');
    const amount = p.integer('amount_to_capture', { min: 1 }) ?? pi.amount_capturable;
    if (amount > pi.amount_capturable) {
      throw invalidParam('amount_to_capture', `amount_to_capture must be at most ${pi.amount_capturable}.`, 'amount_too_large');
    }
    const charge = core.store.charges.get(pi.latest_charge as string) as Charge;
    charge.captured = true;
    charge.amount_captured = amount;
    pi.status = 'succeeded';
    pi.amount_received = amount;
    pi.amount_capturable = 0;
    Object.assign(pi.metadata, p.metadata());
    core.emit('payment_intent.succeeded', pi, req);
    return { body: renderPaymentIntent(core, pi, p.expand()) };
  });

  router.add('POST', '/v1/payment_intents/:id/cancel', (req) => {
    const p = new Params(req.params, ['cancellation_reason']);
    const pi = getPaymentIntent(core, req.path['id'] as string);
    if (pi.status === 'succeeded' || pi.status === 'canceled') {
      throw unexpectedState('payment_intent', pi.id, pi.status, 'canceled');
    }
    const reason = p.oneOf('cancellation_reason', ['duplicate', 'fraudulent', 'requested_by_customer', 'abandoned'], 'requested_by_customer');
    cancelIntent(core, pi, reason, req);
    return { body: renderPaymentIntent(core, pi, p.expand()) };
  });
}
