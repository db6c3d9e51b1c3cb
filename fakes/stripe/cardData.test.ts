import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { luhnValid } from './cards.ts';
import { startFake, startWebhookReceiver, type FakeHarness, type WebhookReceiver } from './testSupport.ts';

let h: FakeHarness;
let rx: WebhookReceiver;
beforeEach(async () => {
  rx = await startWebhookReceiver();
  h = await startFake({ webhookEndpoints: [{ url: rx.url, secret: 'whsec_cardDataTest0000' }] });
});
afterEach(async () => {
  await h.close();
  await rx.close();
});

/**
 * Standalone 13–19 digit numbers that pass Luhn: a card number stands alone (a JSON string or
 * number), not inside a hex/base64 id or hash or after a decimal point, where one in ten random
 * digit runs would pass Luhn by chance.
 */
function cardLikeNumbers(text: string): string[] {
  return [...text.matchAll(/(?<![\w.])\d{13,19}(?![\w.])/g)].map((m) => m[0]).filter(luhnValid);
}

describe('no full card number is kept', () => {
  it('after approvals, declines, errors and phone payments, neither state, logs nor webhooks hold a card number', async () => {
    const stripe = h.sdk();
    const reader = await stripe.terminal.readers.create({ registration_code: 'simulated-wpe' });
    const cards = ['4242424242424242', '4000000000000002', '4000000000009995', '4000000000000069', '5555555555554444'];
    for (const [i, number] of cards.entries()) {
      const pi = await stripe.paymentIntents.create(
        { amount: 100 + i, currency: 'eur', allowed_payment_method_types: ['card_present'], capture_method: 'manual' },
        { idempotencyKey: `pay-${i}` },
      );
      await stripe.terminal.readers.processPaymentIntent(reader.id, { payment_intent: pi.id }, { idempotencyKey: `proc-${i}` });
      await stripe.testHelpers.terminal.readers.presentPaymentMethod(reader.id, { card_present: { number } }, { idempotencyKey: `tap-${i}` });
      if ((await stripe.paymentIntents.retrieve(pi.id)).status === 'requires_payment_method') await stripe.paymentIntents.cancel(pi.id);
    }
    const session = await stripe.checkout.sessions.create({
      mode: 'payment',
      line_items: [{ price_data: { currency: 'eur', unit_amount: 250, product_data: { name: 'Eier' } }, quantity: 1 }],
      expires_at: Math.floor(h.clock.now() / 1000) + 3600,
    });
    await h.control('POST', `/_fake/checkout/${session.id}/pay`, { number: '4000000000009995' });
    await h.control('POST', `/_fake/checkout/${session.id}/pay`, { number: '5555555555554444' });
    const total = h.fake.core.store.events.length;
    await rx.waitFor(total);

    const state = JSON.stringify(h.fake.snapshot());
    expect(state).toContain('"last4":"4444"');
    expect(cardLikeNumbers(state)).toEqual([]);
    expect(cardLikeNumbers(JSON.stringify(h.logs))).toEqual([]);
    expect(cardLikeNumbers(rx.received.map((r) => r.body).join('\n'))).toEqual([]);
    expect(
      h.fake
        .ledger()
        .paymentIntents.filter((p) => p.card)
        .map((p) => p.card),
    ).toEqual([
      { brand: 'visa', last4: '4242' },
      { brand: 'mastercard', last4: '4444' },
      { brand: 'mastercard', last4: '4444' },
    ]);
  });

  it('the scan itself finds a card number where one is', () => {
    expect(cardLikeNumbers('{"n":"4242424242424242","ts":1732183200000}')).toEqual(['4242424242424242']);
    expect(cardLikeNumbers('{"n":4242424242424242}')).toEqual(['4242424242424242']);
    // a Luhn-valid digit run inside a hash or after a decimal point is not a card number
    expect(cardLikeNumbers('{"h":"ab4242424242424242cd","x":0.4242424242424242}')).toEqual([]);
  });
});
