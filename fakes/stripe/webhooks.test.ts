import Stripe from 'stripe';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFake, startWebhookReceiver, type FakeHarness, type WebhookReceiver } from './testSupport.ts';

const SECRET = 'whsec_dorfpunktTestSecret0001';
let h: FakeHarness;
let rx: WebhookReceiver;
const verifier = new Stripe('sk_test_unused');

beforeEach(async () => {
  rx = await startWebhookReceiver();
  h = await startFake({ webhookEndpoints: [{ url: rx.url, secret: SECRET }], webhookRetryDelaysMs: [60_000, 300_000] });
});
afterEach(async () => {
  await h.close();
  await rx.close();
});

const receivedAt = () => h.clock.now();
const types = () => rx.received.map((r) => (JSON.parse(r.body) as { type: string }).type);

async function tapOnReader(number = '4242424242424242') {
  const stripe = h.sdk();
  const reader = await stripe.terminal.readers.create({ registration_code: 'simulated-wpe' });
  const pi = await stripe.paymentIntents.create({ amount: 500, currency: 'eur', allowed_payment_method_types: ['card_present'], capture_method: 'manual' });
  await stripe.terminal.readers.processPaymentIntent(reader.id, { payment_intent: pi.id });
  await stripe.testHelpers.terminal.readers.presentPaymentMethod(reader.id, { card_present: { number } });
  return { stripe, reader, pi };
}

describe('webhook delivery', () => {
  it('signs each delivery so the SDK verifier (constructEvent) accepts it', async () => {
    const { pi } = await tapOnReader();
    // payment_intent.created, amount_capturable_updated, terminal.reader.action_succeeded
    const got = await rx.waitFor(3);
    expect(types()).toEqual(expect.arrayContaining(['payment_intent.amount_capturable_updated', 'terminal.reader.action_succeeded']));
    for (const r of got) {
      expect(r.signature).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
      const event = verifier.webhooks.constructEvent(r.body, r.signature, SECRET, 300, undefined, receivedAt());
      expect(event.id).toMatch(/^evt_/);
    }
    const succeeded = got.find((r) => r.body.includes('"terminal.reader.action_succeeded"'))!;
    const event = verifier.webhooks.constructEvent(succeeded.body, succeeded.signature, SECRET, 300, undefined, receivedAt());
    expect((event.data.object as Stripe.Terminal.Reader).action?.process_payment_intent?.payment_intent).toBe(pi.id);
    expect(await h.sdk().events.retrieve(event.id)).toEqual(JSON.parse(succeeded.body));
  });

  it('a tampered body, a wrong secret or an old timestamp fails verification', async () => {
    await tapOnReader();
    const [r] = await rx.waitFor(1);
    const tampered = r!.body.replace('"amount": 500', '"amount": 5');
    expect(tampered).not.toBe(r!.body);
    expect(() => verifier.webhooks.constructEvent(tampered, r!.signature, SECRET, 300, undefined, receivedAt())).toThrow(
      Stripe.errors.StripeSignatureVerificationError,
    );
    expect(() => verifier.webhooks.constructEvent(r!.body, r!.signature, 'whsec_someoneElse000000', 300, undefined, receivedAt())).toThrow();
    expect(() => verifier.webhooks.constructEvent(r!.body, r!.signature, SECRET, 300, undefined, receivedAt() + 301_000)).toThrow(/timestamp/i);
  });

  it('sends action_failed with the decline code for a declined card', async () => {
    await tapOnReader('4000000000009995');
    await rx.waitFor(3);
    const failed = rx.received.map((r) => JSON.parse(r.body)).find((e) => e.type === 'terminal.reader.action_failed');
    expect(failed.data.object.action).toMatchObject({ status: 'failed', failure_code: 'card_declined', api_error: { decline_code: 'insufficient_funds' } });
  });

  it('retries a delivery the receiver refused, after the backoff on the clock, with the same event id', async () => {
    rx.answers.push(500);
    await h.sdk().paymentIntents.create({ amount: 500, currency: 'eur', allowed_payment_method_types: ['card_present'], capture_method: 'manual' });
    const [first] = await rx.waitFor(1);
    await waitUntil(
      () => h.fake.snapshot()['deliveries'] as unknown[],
      (d) => d.length === 1,
    );
    h.clock.advance(59_999);
    expect(h.clock.pendingTimers()).toBe(1); // the retry is still due, not yet sent
    h.clock.advance(1);
    const [, second] = await rx.waitFor(2);
    expect(JSON.parse(second!.body).id).toBe(JSON.parse(first!.body).id);
    const deliveries = (await h.control('GET', '/_fake/deliveries')).body;
    expect(deliveries.map((d: { attempt: number; status: number }) => [d.attempt, d.status])).toEqual([
      [1, 500],
      [2, 200],
    ]);
  });

  it('gives up after the last retry delay (bounded)', async () => {
    rx.answers.push(500, 503, 500, 500);
    await h.sdk().paymentIntents.create({ amount: 500, currency: 'eur', allowed_payment_method_types: ['card_present'], capture_method: 'manual' });
    await rx.waitFor(1);
    await waitUntil(
      () => h.clock.pendingTimers(),
      (n) => n === 1,
    );
    h.clock.advance(60_000);
    await rx.waitFor(2);
    await waitUntil(
      () => h.clock.pendingTimers(),
      (n) => n === 1,
    );
    h.clock.advance(300_000);
    await rx.waitFor(3);
    await waitUntil(
      () => (h.fake.snapshot()['deliveries'] as unknown[]).length,
      (n) => n === 3,
    );
    expect(h.clock.pendingTimers()).toBe(0);
    expect(h.logs.some((l) => l.msg === 'stripe fake: webhook delivery gave up')).toBe(true);
  });

  it("redelivers an event on request: the same id arrives twice (dedupe is the receiver's job)", async () => {
    await h.sdk().paymentIntents.create({ amount: 500, currency: 'eur', allowed_payment_method_types: ['card_present'], capture_method: 'manual' });
    const [first] = await rx.waitFor(1);
    const id = JSON.parse(first!.body).id as string;
    const res = await h.control('POST', `/_fake/events/${id}/redeliver`);
    expect(res.status).toBe(200);
    const [, again] = await rx.waitFor(2);
    expect(JSON.parse(again!.body).id).toBe(id);
    expect((await h.control('POST', '/_fake/events/evt_missing/redeliver')).status).toBe(404);
  });

  it('registers endpoints through the API with a generated whsec_ secret', async () => {
    const other = await startWebhookReceiver();
    try {
      const ep = await h.sdk().webhookEndpoints.create({ url: other.url, enabled_events: ['charge.refunded'] });
      expect(ep.secret).toMatch(/^whsec_/);
      const { stripe, pi } = await tapOnReader();
      await stripe.paymentIntents.capture(pi.id);
      await stripe.refunds.create({ payment_intent: pi.id, amount: 100 });
      const [r] = await other.waitFor(1);
      const event = verifier.webhooks.constructEvent(r!.body, r!.signature, ep.secret as string, 300, undefined, receivedAt());
      expect(event.type).toBe('charge.refunded');
      expect((event.data.object as Stripe.Charge).amount_refunded).toBe(100);
    } finally {
      await other.close();
    }
  });

  it('lists events newest first, filtered by type', async () => {
    const { stripe } = await tapOnReader();
    const all = await stripe.events.list({ limit: 100 });
    expect(all.data[0]!.type).toBe('terminal.reader.action_succeeded');
    const only = await stripe.events.list({ type: 'payment_intent.created' });
    expect(only.data).toHaveLength(1);
  });
});

async function waitUntil<T>(read: () => T, ok: (v: T) => boolean): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (ok(read())) return;
    await new Promise((r) => setImmediate(r));
    await new Promise((r) => setTimeout(r, 5));
  }
  throw new Error('condition not reached');
}
