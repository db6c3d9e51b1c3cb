import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFake, TEST_SECRET_KEY, type FakeHarness } from './testSupport.ts';

let h: FakeHarness;
beforeEach(async () => {
  h = await startFake();
});
afterEach(() => h.close());

const auth = { authorization: `Bearer ${TEST_SECRET_KEY}` };

describe('the fake answers hostile or odd requests with an error and carries on', () => {
  it('unknown API paths get a Stripe-shaped 404', async () => {
    const res = await fetch(`${h.url}/v1/customers`, { headers: auth });
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ error: { type: 'invalid_request_error', message: 'Unrecognized request URL (GET: /v1/customers).' } });
  });

  it('a body over 1 MiB is refused with 413', async () => {
    const res = await fetch(`${h.url}/v1/payment_intents`, { method: 'POST', headers: auth, body: `description=${'x'.repeat(1_100_000)}` });
    expect(res.status).toBe(413);
    expect((await h.sdk().paymentIntents.list()).data).toEqual([]);
  });

  it('broken JSON on a control endpoint is a 400 and changes nothing', async () => {
    const reader = h.fake.registerReader();
    const res = await fetch(`${h.url}/_fake/readers/${reader.id}/behaviour`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"mode":',
    });
    expect(res.status).toBe(400);
    expect(((await h.sdk().terminal.readers.retrieve(reader.id)) as { status: string }).status).toBe('online');
  });

  it('the phone page escapes item names', async () => {
    const session = await h.sdk().checkout.sessions.create({
      mode: 'payment',
      line_items: [{ price_data: { currency: 'eur', unit_amount: 100, product_data: { name: '<script>alert(1)</script>' } }, quantity: 1 }],
    });
    const html = await (await fetch(session.url as string)).text();
    expect(html).not.toContain('<script>');
    expect(html).toContain('&#60;script&#62;');
  });

  it('a fixed reader id must look like a reader id', () => {
    expect(() => h.fake.registerReader('x', 'tmr_sim_kiosk')).not.toThrow();
    expect(() => h.fake.registerReader('x', 'tmr_sim_kiosk')).toThrow(/unused/);
    expect(() => h.fake.registerReader('x', '../etc')).toThrow(/tmr_/);
  });
});
