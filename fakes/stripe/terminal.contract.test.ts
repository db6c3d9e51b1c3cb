import type Stripe from 'stripe';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFake, type FakeHarness } from './testSupport.ts';

let h: FakeHarness;
beforeEach(async () => {
  h = await startFake();
});
afterEach(() => h.close());

async function onReader(capture_method: 'manual' | 'automatic' = 'manual') {
  const stripe = h.sdk();
  const reader = await stripe.terminal.readers.create({ registration_code: 'simulated-wpe', label: 'Kiosk' });
  const pi = await stripe.paymentIntents.create({
    amount: 850,
    currency: 'eur',
    allowed_payment_method_types: ['card_present'],
    capture_method,
    metadata: { saleId: 'S-7' },
  });
  const processing = await stripe.terminal.readers.processPaymentIntent(reader.id, { payment_intent: pi.id });
  return { stripe, reader, pi, processing };
}

describe('Terminal readers (server-driven) through the official SDK', () => {
  it('registers a simulated WisePOS E reader, online with no action', async () => {
    const reader = await h.sdk().terminal.readers.create({ registration_code: 'simulated-wpe' });
    expect(reader).toMatchObject({ object: 'terminal.reader', device_type: 'simulated_wisepos_e', status: 'online', action: null });
    expect(await h.sdk().terminal.readers.retrieve(reader.id)).toEqual(reader);
    await expect(h.sdk().terminal.readers.create({ registration_code: 'banana' })).rejects.toMatchObject({ param: 'registration_code' });
  });

  it('processing puts an in-progress action naming the intent on the reader', async () => {
    const { processing, pi } = await onReader();
    expect(processing.action).toMatchObject({
      type: 'process_payment_intent',
      status: 'in_progress',
      process_payment_intent: { payment_intent: pi.id },
    });
  });

  it('a 4242 tap authorises a manual-capture intent: requires_capture, action succeeded', async () => {
    const { stripe, reader, pi } = await onReader();
    const after = await stripe.testHelpers.terminal.readers.presentPaymentMethod(reader.id, { card_present: { number: '4242424242424242' } });
    expect(after.action).toMatchObject({ status: 'succeeded', failure_code: null });
    expect(await stripe.paymentIntents.retrieve(pi.id)).toMatchObject({ status: 'requires_capture', amount_capturable: 850 });
    expect(h.fake.ledger().paymentIntents[0]).toMatchObject({ card: { brand: 'visa', last4: '4242' }, amountCaptured: 0 });
  });

  it('a tap on an automatic-capture intent takes the money at once', async () => {
    const { stripe, reader, pi } = await onReader('automatic');
    await stripe.testHelpers.terminal.readers.presentPaymentMethod(reader.id);
    expect(await stripe.paymentIntents.retrieve(pi.id)).toMatchObject({ status: 'succeeded', amount_received: 850 });
  });

  it.each([
    ['4000000000000002', 'generic_decline'],
    ['4000000000009995', 'insufficient_funds'],
  ])('card %s is declined (%s): action failed, intent back to requires_payment_method', async (number, declineCode) => {
    const { stripe, reader, pi } = await onReader();
    const after = await stripe.testHelpers.terminal.readers.presentPaymentMethod(reader.id, { card_present: { number } });
    expect(after.action).toMatchObject({
      status: 'failed',
      failure_code: 'card_declined',
      api_error: { type: 'card_error', code: 'card_declined', decline_code: declineCode },
    });
    const again = await stripe.paymentIntents.retrieve(pi.id);
    expect(again).toMatchObject({ status: 'requires_payment_method', last_payment_error: { code: 'card_declined', decline_code: declineCode } });
    expect(h.fake.ledger().totals).toEqual({ captured: 0, refunded: 0, authorised: 0 });
    // The same intent can be collected again after the decline.
    await stripe.terminal.readers.processPaymentIntent(reader.id, { payment_intent: pi.id });
    await stripe.testHelpers.terminal.readers.presentPaymentMethod(reader.id);
    expect((await stripe.paymentIntents.retrieve(pi.id)).status).toBe('requires_capture');
  });

  it('a busy reader refuses a second intent', async () => {
    const { stripe, reader } = await onReader();
    const other = await stripe.paymentIntents.create({
      amount: 100,
      currency: 'eur',
      allowed_payment_method_types: ['card_present'],
      capture_method: 'manual',
    });
    await expect(stripe.terminal.readers.processPaymentIntent(reader.id, { payment_intent: other.id })).rejects.toMatchObject({
      code: 'terminal_reader_busy',
    });
  });

  it('cancel_action clears the action; the intent still waits for a payment method', async () => {
    const { stripe, reader, pi } = await onReader();
    const after = await stripe.terminal.readers.cancelAction(reader.id);
    expect(after).toMatchObject({ action: null });
    expect((await stripe.paymentIntents.retrieve(pi.id)).status).toBe('requires_payment_method');
    await expect(stripe.terminal.readers.cancelAction(reader.id)).rejects.toMatchObject({ code: 'terminal_reader_busy' });
  });

  it('an unresponsive reader accepts the intent but never reports the tap', async () => {
    const { stripe, reader, pi } = await onReader();
    const res = await h.control('POST', `/_fake/readers/${reader.id}/behaviour`, { mode: 'unresponsive' });
    expect(res.status).toBe(200);
    const after = await stripe.testHelpers.terminal.readers.presentPaymentMethod(reader.id);
    expect(after.action?.status).toBe('in_progress');
    expect((await stripe.paymentIntents.retrieve(pi.id)).status).toBe('requires_payment_method');
  });

  it('an offline reader refuses work with terminal_reader_offline; a timing-out one with terminal_reader_timeout', async () => {
    const stripe = h.sdk();
    const reader = await stripe.terminal.readers.create({ registration_code: 'simulated-wpe' });
    const pi = await stripe.paymentIntents.create({ amount: 100, currency: 'eur', allowed_payment_method_types: ['card_present'], capture_method: 'manual' });
    await h.control('POST', `/_fake/readers/${reader.id}/behaviour`, { mode: 'offline' });
    expect(((await stripe.terminal.readers.retrieve(reader.id)) as Stripe.Terminal.Reader).status).toBe('offline');
    await expect(stripe.terminal.readers.processPaymentIntent(reader.id, { payment_intent: pi.id })).rejects.toMatchObject({ code: 'terminal_reader_offline' });
    await h.control('POST', `/_fake/readers/${reader.id}/behaviour`, { mode: 'timeout' });
    await expect(stripe.terminal.readers.processPaymentIntent(reader.id, { payment_intent: pi.id })).rejects.toMatchObject({ code: 'terminal_reader_timeout' });
    const bad = await h.control('POST', `/_fake/readers/${reader.id}/behaviour`, { mode: 'asleep' });
    expect(bad.status).toBe(400);
  });

  it('refuses a number that is not a card number without storing it', async () => {
    const { stripe, reader } = await onReader();
    await expect(stripe.testHelpers.terminal.readers.presentPaymentMethod(reader.id, { card_present: { number: '4242424242424241' } })).rejects.toMatchObject({
      code: 'incorrect_number',
    });
    expect(JSON.stringify(h.fake.snapshot())).not.toContain('4242424242424241');
  });
});
