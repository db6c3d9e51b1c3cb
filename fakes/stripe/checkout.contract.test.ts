import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFake, type FakeHarness } from './testSupport.ts';

let h: FakeHarness;
beforeEach(async () => {
  h = await startFake();
});
afterEach(() => h.close());

const nowS = () => Math.floor(h.clock.now() / 1000);

function basket(expiresInS = 30 * 60) {
  return {
    mode: 'payment' as const,
    line_items: [
      { price_data: { currency: 'eur', unit_amount: 199, product_data: { name: 'Milch 1 l' } }, quantity: 2 },
      { price_data: { currency: 'eur', unit_amount: 349, product_data: { name: 'Brot' } }, quantity: 1 },
    ],
    success_url: 'http://127.0.0.1:8080/paid',
    expires_at: nowS() + expiresInS,
    metadata: { saleId: 'S-9' },
    client_reference_id: 'S-9',
  };
}

describe('Checkout Sessions (pay by phone) through the official SDK', () => {
  it('creates an open, unpaid session with the basket total and a page URL', async () => {
    const session = await h.sdk().checkout.sessions.create(basket());
    expect(session).toMatchObject({ status: 'open', payment_status: 'unpaid', amount_total: 747, client_reference_id: 'S-9' });
    expect(session.url).toBe(`${h.url}/_fake/checkout/${session.id}`);
    const page = await fetch(session.url as string);
    expect(await page.text()).toContain('7,47 €');
  });

  it('refuses an expiry under 30 minutes or over 24 hours', async () => {
    await expect(h.sdk().checkout.sessions.create(basket(29 * 60))).rejects.toMatchObject({ param: 'expires_at' });
    await expect(h.sdk().checkout.sessions.create(basket(25 * 3600))).rejects.toMatchObject({ param: 'expires_at' });
  });

  it('the phone pays: session complete and paid, one succeeded payment in the books', async () => {
    const stripe = h.sdk();
    const session = await stripe.checkout.sessions.create(basket());
    const paid = await h.control('POST', `/_fake/checkout/${session.id}/pay`, {});
    expect(paid.status).toBe(200);
    const after = await stripe.checkout.sessions.retrieve(session.id);
    expect(after).toMatchObject({ status: 'complete', payment_status: 'paid' });
    expect(await stripe.paymentIntents.retrieve(after.payment_intent as string)).toMatchObject({ status: 'succeeded', amount_received: 747 });
    expect(h.fake.ledger().totals.captured).toBe(747);
    const twice = await h.control('POST', `/_fake/checkout/${session.id}/pay`, {});
    expect(twice.status).toBe(400);
    expect(h.fake.ledger().totals.captured).toBe(747);
  });

  it('a declined phone payment leaves the session open', async () => {
    const session = await h.sdk().checkout.sessions.create(basket());
    const res = await h.control('POST', `/_fake/checkout/${session.id}/pay`, { number: '4000000000009995' });
    expect(res).toMatchObject({ status: 402, body: { error: { type: 'card_error', decline_code: 'insufficient_funds' } } });
    expect((await h.sdk().checkout.sessions.retrieve(session.id)).status).toBe('open');
  });

  it('expire ends an open session; it can no longer be paid', async () => {
    const stripe = h.sdk();
    const session = await stripe.checkout.sessions.create(basket());
    expect(await stripe.checkout.sessions.expire(session.id)).toMatchObject({ status: 'expired', url: null });
    expect((await h.control('POST', `/_fake/checkout/${session.id}/pay`, {})).status).toBe(400);
    await expect(stripe.checkout.sessions.expire(session.id)).rejects.toMatchObject({ statusCode: 400 });
  });

  it('a session expires by itself at expires_at', async () => {
    const stripe = h.sdk();
    const session = await stripe.checkout.sessions.create(basket(45 * 60));
    h.clock.advance(45 * 60 * 1000 - 1);
    expect((await stripe.checkout.sessions.retrieve(session.id)).status).toBe('open');
    h.clock.advance(1);
    expect((await stripe.checkout.sessions.retrieve(session.id)).status).toBe('expired');
    const events = await stripe.events.list({ type: 'checkout.session.expired' });
    expect(events.data.map((e) => (e.data.object as { id: string }).id)).toEqual([session.id]);
  });

  it('refuses a basket without line items or with an item missing its name', async () => {
    const stripe = h.sdk();
    await expect(stripe.checkout.sessions.create({ ...basket(), line_items: [] })).rejects.toMatchObject({ code: 'parameter_missing' });
    const noName = basket();
    (noName.line_items[0]!.price_data.product_data as { name?: string }).name = undefined;
    await expect(stripe.checkout.sessions.create(noName)).rejects.toMatchObject({ code: 'parameter_missing' });
  });
});
