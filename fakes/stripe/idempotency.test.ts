import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFake, type FakeHarness } from './testSupport.ts';

let h: FakeHarness;
beforeEach(async () => {
  h = await startFake();
});
afterEach(() => h.close());

const params = {
  amount: 1290,
  currency: 'eur',
  allowed_payment_method_types: ['card_present'],
  capture_method: 'manual' as const,
  metadata: { saleId: 'S-1' },
};

describe('idempotent requests', () => {
  it('a re-issue after a crash with the same key gets the same intent, and the books hold one', async () => {
    const before = await h.sdk().paymentIntents.create(params, { idempotencyKey: 'pay-L17' });
    // "Crash": a fresh client (new process) re-issues the same call with the key from the ledger.
    const after = await h.sdk().paymentIntents.create(params, { idempotencyKey: 'pay-L17' });
    expect(after.id).toBe(before.id);
    expect(after.lastResponse.headers['idempotent-replayed']).toBe('true');
    expect(h.fake.ledger().paymentIntents).toHaveLength(1);
  });

  it('replays the first answer even when it was a card error, and a capture is not taken twice', async () => {
    const stripe = h.sdk();
    const reader = await stripe.terminal.readers.create({ registration_code: 'simulated-wpe' });
    const pi = await stripe.paymentIntents.create(params, { idempotencyKey: 'pay-L18' });
    await stripe.terminal.readers.processPaymentIntent(reader.id, { payment_intent: pi.id });
    await stripe.testHelpers.terminal.readers.presentPaymentMethod(reader.id);
    const c1 = await stripe.paymentIntents.capture(pi.id, { amount_to_capture: 1000 }, { idempotencyKey: 'cap-L19' });
    const c2 = await stripe.paymentIntents.capture(pi.id, { amount_to_capture: 1000 }, { idempotencyKey: 'cap-L19' });
    expect(c2).toEqual(expect.objectContaining({ id: c1.id, status: 'succeeded', amount_received: 1000 }));
    const r1 = await stripe.refunds.create({ payment_intent: pi.id, amount: 200 }, { idempotencyKey: 'ref-L20' });
    const r2 = await stripe.refunds.create({ payment_intent: pi.id, amount: 200 }, { idempotencyKey: 'ref-L20' });
    expect(r2.id).toBe(r1.id);
    expect(h.fake.ledger().totals).toMatchObject({ captured: 1000, refunded: 200 });
  });

  it('the same key with other parameters is an idempotency_error and creates nothing', async () => {
    await h.sdk().paymentIntents.create(params, { idempotencyKey: 'pay-L21' });
    await expect(h.sdk().paymentIntents.create({ ...params, amount: 1291 }, { idempotencyKey: 'pay-L21' })).rejects.toMatchObject({
      type: 'StripeIdempotencyError',
      statusCode: 400,
    });
    await expect(h.sdk().refunds.create({ payment_intent: 'pi_x' }, { idempotencyKey: 'pay-L21' })).rejects.toMatchObject({
      type: 'StripeIdempotencyError',
    });
    expect(h.fake.ledger().paymentIntents).toHaveLength(1);
  });

  it('parameter order does not make a different request', async () => {
    const a = await h.sdk().paymentIntents.create(params, { idempotencyKey: 'pay-L22' });
    const { amount, ...rest } = params;
    const b = await h.sdk().paymentIntents.create({ ...rest, amount }, { idempotencyKey: 'pay-L22' });
    expect(b.id).toBe(a.id);
  });

  it('a validation error is not stored: the corrected call with the same key runs', async () => {
    await expect(h.sdk().paymentIntents.create({ ...params, amount: 10 }, { idempotencyKey: 'pay-L23' })).rejects.toMatchObject({ code: 'amount_too_small' });
    // A different body under the same key would conflict if the error had been stored.
    const ok = await h.sdk().paymentIntents.create({ ...params, amount: 1010 }, { idempotencyKey: 'pay-L23' });
    expect(ok).toMatchObject({ status: 'requires_payment_method', amount: 1010 });
  });

  it('keys are forgotten after 24 hours', async () => {
    const a = await h.sdk().paymentIntents.create(params, { idempotencyKey: 'pay-L24' });
    h.clock.advance(24 * 3600 * 1000 + 1);
    const b = await h.sdk().paymentIntents.create(params, { idempotencyKey: 'pay-L24' });
    expect(b.id).not.toBe(a.id);
  });
});

describe('injected API faults', () => {
  it('a 500 once: the SDK retries with the same key and the fake holds one intent', async () => {
    await h.control('POST', '/_fake/faults', { mode: 'status500', times: 1, path: '/v1/payment_intents' });
    const pi = await h.sdk({ maxNetworkRetries: 1 }).paymentIntents.create(params, { idempotencyKey: 'pay-L30' });
    expect(pi.status).toBe('requires_payment_method');
    expect(h.fake.ledger().paymentIntents.map((p) => p.id)).toEqual([pi.id]);
    expect(h.logs.filter((l) => l.msg === 'stripe fake: injected 500')).toHaveLength(1);
  });

  it('a 500 with no retries left surfaces as StripeAPIError and nothing was created', async () => {
    h.fake.injectFault({ mode: 'status500' });
    await expect(h.sdk().paymentIntents.create(params)).rejects.toMatchObject({ type: 'StripeAPIError', statusCode: 500 });
    expect(h.fake.ledger().paymentIntents).toHaveLength(0);
  });

  it('the answer lost after the commit: the retry with the same key replays it, one intent', async () => {
    h.fake.injectFault({ mode: 'dropAfterCommit', pathPrefix: '/v1/payment_intents' });
    const pi = await h.sdk({ maxNetworkRetries: 1 }).paymentIntents.create(params, { idempotencyKey: 'pay-L31' });
    expect(h.fake.ledger().paymentIntents.map((p) => p.id)).toEqual([pi.id]);
    expect(pi.lastResponse.headers['idempotent-replayed']).toBe('true');
  });

  it('a hanging request times out in the SDK; the retry with the same key succeeds once', async () => {
    h.fake.injectFault({ mode: 'hang', method: 'POST' });
    const pi = await h.sdk({ maxNetworkRetries: 1, timeout: 200 }).paymentIntents.create(params, { idempotencyKey: 'pay-L32' });
    expect(h.fake.ledger().paymentIntents.map((p) => p.id)).toEqual([pi.id]);
  });

  it('refuses a fault it does not know', async () => {
    expect((await h.control('POST', '/_fake/faults', { mode: 'meteor' })).status).toBe(400);
    expect((await h.control('POST', '/_fake/faults', { mode: 'hang', path: '/etc' })).status).toBe(400);
    expect((await h.sdk().paymentIntents.list()).data).toEqual([]);
  });
});
