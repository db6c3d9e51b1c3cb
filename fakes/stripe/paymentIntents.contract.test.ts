import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFake, type FakeHarness } from './testSupport.ts';

let h: FakeHarness;
beforeEach(async () => {
  h = await startFake();
});
afterEach(() => h.close());

const cardPresent = { amount: 1290, currency: 'eur', allowed_payment_method_types: ['card_present'], capture_method: 'manual' as const };

async function authorised(amount = 1290) {
  const stripe = h.sdk();
  const reader = await stripe.terminal.readers.create({ registration_code: 'simulated-wpe' });
  const pi = await stripe.paymentIntents.create({ ...cardPresent, amount, metadata: { saleId: 'S-1' } });
  await stripe.terminal.readers.processPaymentIntent(reader.id, { payment_intent: pi.id });
  await stripe.testHelpers.terminal.readers.presentPaymentMethod(reader.id, { card_present: { number: '4242424242424242' } });
  return { stripe, pi, reader };
}

describe('PaymentIntents through the official SDK', () => {
  it('creates a card-present intent that waits for a payment method, with its metadata', async () => {
    const stripe = h.sdk();
    const pi = await stripe.paymentIntents.create({ ...cardPresent, metadata: { saleId: 'S-42' } });
    expect(pi.id).toMatch(/^pi_/);
    expect(pi).toMatchObject({ amount: 1290, currency: 'eur', status: 'requires_payment_method', capture_method: 'manual' });
    expect(pi.metadata).toEqual({ saleId: 'S-42' });
    expect(pi.payment_method_types).toEqual(['card_present']);
    const again = await stripe.paymentIntents.retrieve(pi.id);
    expect(again).toEqual(pi);
  });

  it('lists the newest intents first, limited', async () => {
    const stripe = h.sdk();
    const a = await stripe.paymentIntents.create(cardPresent);
    const b = await stripe.paymentIntents.create(cardPresent);
    const c = await stripe.paymentIntents.create(cardPresent);
    const page = await stripe.paymentIntents.list({ limit: 2 });
    expect(page.data.map((p) => p.id)).toEqual([c.id, b.id]);
    expect(page.has_more).toBe(true);
    const next = await stripe.paymentIntents.list({ limit: 2, starting_after: b.id });
    expect(next.data.map((p) => p.id)).toEqual([a.id]);
  });

  it('captures part of an authorisation and the books show the captured amount', async () => {
    const { stripe, pi } = await authorised(2000);
    const captured = await stripe.paymentIntents.capture(pi.id, { amount_to_capture: 1500 });
    expect(captured).toMatchObject({ status: 'succeeded', amount_received: 1500, amount_capturable: 0 });
    expect(h.fake.ledger().paymentIntents).toEqual([expect.objectContaining({ id: pi.id, amountCaptured: 1500, amountRefunded: 0 })]);
  });

  it('refuses to capture more than was authorised, and leaves the authorisation', async () => {
    const { stripe, pi } = await authorised(1000);
    await expect(stripe.paymentIntents.capture(pi.id, { amount_to_capture: 1001 })).rejects.toMatchObject({
      type: 'StripeInvalidRequestError',
      code: 'amount_too_large',
      param: 'amount_to_capture',
    });
    expect((await stripe.paymentIntents.retrieve(pi.id)).status).toBe('requires_capture');
  });

  it('cancels an authorisation (nothing captured), and a canceled intent cannot be captured', async () => {
    const { stripe, pi } = await authorised();
    const canceled = await stripe.paymentIntents.cancel(pi.id);
    expect(canceled).toMatchObject({ status: 'canceled', cancellation_reason: 'requested_by_customer' });
    await expect(stripe.paymentIntents.capture(pi.id)).rejects.toMatchObject({ code: 'payment_intent_unexpected_state' });
    expect(h.fake.ledger().totals).toEqual({ captured: 0, refunded: 0, authorised: 0 });
  });

  it('lets an uncaptured authorisation lapse after two days (canceled, automatic)', async () => {
    const { stripe, pi } = await authorised();
    h.clock.advance(2 * 24 * 3600 * 1000);
    expect(await stripe.paymentIntents.retrieve(pi.id)).toMatchObject({ status: 'canceled', cancellation_reason: 'automatic' });
  });

  it('expands the latest charge with brand and last4 only', async () => {
    const { stripe, pi } = await authorised();
    const full = await stripe.paymentIntents.retrieve(pi.id, { expand: ['latest_charge'] });
    const charge = full.latest_charge as { payment_method_details: { card_present: unknown } };
    expect(charge.payment_method_details.card_present).toEqual({ brand: 'visa', last4: '4242' });
  });

  it('answers bad parameters with Stripe-shaped errors naming the parameter', async () => {
    const stripe = h.sdk();
    await expect(stripe.paymentIntents.create({ ...cardPresent, amount: 20 })).rejects.toMatchObject({
      type: 'StripeInvalidRequestError',
      code: 'amount_too_small',
      param: 'amount',
      statusCode: 400,
    });
    await expect(stripe.paymentIntents.create({ ...cardPresent, amount: 12.5 } as never)).rejects.toMatchObject({ param: 'amount' });
    await expect(stripe.paymentIntents.create({ ...cardPresent, surprise: 'x' } as never)).rejects.toMatchObject({
      code: 'parameter_unknown',
      param: 'surprise',
    });
    await expect(stripe.paymentIntents.retrieve('pi_nope')).rejects.toMatchObject({ statusCode: 404, code: 'resource_missing' });
    expect(h.fake.ledger().paymentIntents).toEqual([]);
  });

  it('refuses a wrong secret key with 401 and creates nothing', async () => {
    await expect(h.sdk({ key: 'sk_test_wrong' }).paymentIntents.create(cardPresent)).rejects.toMatchObject({
      type: 'StripeAuthenticationError',
      statusCode: 401,
    });
    const res = await fetch(`${h.url}/v1/payment_intents`, { method: 'POST', body: 'amount=100&currency=eur' });
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ error: { type: 'invalid_request_error' } });
    expect(h.fake.ledger().paymentIntents).toEqual([]);
  });

  it('answers a malformed form body with a 400, not a crash', async () => {
    const res = await fetch(`${h.url}/v1/payment_intents`, {
      method: 'POST',
      headers: { authorization: 'Bearer sk_test_dorfpunktFake0000000000', 'content-type': 'application/x-www-form-urlencoded' },
      body: 'amount=100&metadata[a]=1&metadata[a][b]=2',
    });
    expect(res.status).toBe(400);
    expect((await res.json()).error.message).toMatch(/Conflicting parameter/);
    expect((await h.sdk().paymentIntents.list()).data).toEqual([]);
  });
});

describe('Refunds', () => {
  it('refunds part, then the rest, then refuses a third refund', async () => {
    const { stripe, pi } = await authorised(1000);
    await stripe.paymentIntents.capture(pi.id);
    const first = await stripe.refunds.create({ payment_intent: pi.id, amount: 300 });
    expect(first).toMatchObject({ amount: 300, status: 'succeeded', payment_intent: pi.id });
    expect(await stripe.refunds.retrieve(first.id)).toEqual(first);
    const rest = await stripe.refunds.create({ payment_intent: pi.id });
    expect(rest.amount).toBe(700);
    await expect(stripe.refunds.create({ payment_intent: pi.id, amount: 1 })).rejects.toMatchObject({ code: 'charge_already_refunded' });
    expect(h.fake.ledger().totals).toMatchObject({ captured: 1000, refunded: 1000 });
  });

  it('refuses to refund more than was captured, or an uncaptured intent', async () => {
    const { stripe, pi } = await authorised(1000);
    await expect(stripe.refunds.create({ payment_intent: pi.id })).rejects.toMatchObject({ code: 'payment_intent_unexpected_state' });
    await stripe.paymentIntents.capture(pi.id, { amount_to_capture: 600 });
    await expect(stripe.refunds.create({ payment_intent: pi.id, amount: 601 })).rejects.toMatchObject({ code: 'amount_too_large', param: 'amount' });
    expect(h.fake.ledger().totals.refunded).toBe(0);
  });
});
