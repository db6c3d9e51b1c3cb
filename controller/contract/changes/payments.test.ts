import { describe, expect, it } from 'vitest';
import { checker } from '../check.ts';
import { PaymentWebhookBody, type PaymentWebhook } from './payments.ts';

const ok: PaymentWebhook = {
  eventId: 'evt_1',
  type: 'checkout.session.completed',
  objectId: 'cs_test_1',
  paymentIntentId: 'pi_1',
  status: 'complete',
  amountCents: 588,
  saleId: 'sale-7',
  failureCode: null,
  createdAt: 1_803_891_600_000,
};

describe('payment.webhook change body', () => {
  const c = checker(PaymentWebhookBody);

  it('accepts a relayed payment outcome', () => {
    expect(c.check(ok)).toBe(true);
  });

  it('refuses card data, event types that are not relayed, fractional or negative cents', () => {
    expect(c.check({ ...ok, card: { last4: '4242' } })).toBe(false);
    expect(c.check({ ...ok, type: 'charge.refunded' })).toBe(false);
    expect(c.check({ ...ok, amountCents: 5.5 })).toBe(false);
    expect(c.check({ ...ok, amountCents: -1 })).toBe(false);
    expect(c.check({ ...ok, eventId: 'evt 1; drop' })).toBe(false);
    expect(c.problems({ ...ok, type: 'charge.refunded' }).join()).toMatch(/type/);
  });
});
