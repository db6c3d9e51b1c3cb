/**
 * The backoffice's side of a point's pay-by-phone requests (payments/phoneDispatcher.ts) against
 * the Stripe fake: one Checkout Session per paymentId even when a step repeats after a crash, a
 * request given up before its session existed never gets one, a refund is made once and reported.
 * The requests are put into `p_phone_payments` as the ingest's projection would.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { PhonePayChange } from '../../controller/contract/changes/phonePay.ts';
import { PayByPhone } from '../../backoffice/payments/payByPhone.ts';
import { PhoneDispatcher } from '../../backoffice/payments/phoneDispatcher.ts';
import { createSilentLogger } from '../../firmware-bridge/platform/logger.ts';
import { startPaymentsHarness, type PaymentsHarness } from './paymentsHarness.ts';

describe('pay-by-phone dispatcher on the Stripe fake', () => {
  let h: PaymentsHarness;
  let sent: Array<{ siteId: string; body: PhonePayChange }>;
  let dispatcher: PhoneDispatcher;

  beforeEach(async () => {
    h = await startPaymentsHarness('sqlite');
    sent = [];
    const payByPhone = new PayByPhone({
      db: h.kysely,
      stripe: h.stripe,
      publicBaseUrl: 'https://dorfpunkt.example',
      now: () => h.clock.now(),
      logger: createSilentLogger(),
    });
    dispatcher = new PhoneDispatcher({
      db: h.kysely,
      stripe: h.stripe,
      payByPhone,
      publish: async (siteId, body) => void sent.push({ siteId, body }),
      clock: h.clock,
      logger: createSilentLogger(),
    });
  });
  afterEach(() => h.close());

  async function request(paymentId: string, amount = 828, extra: { cancel_at?: number; refund_at?: number } = {}): Promise<void> {
    await h.kysely
      .insertInto('p_phone_payments')
      .values({
        site_id: 'dorf-1',
        payment_id: paymentId,
        sale_id: `S-${paymentId}`,
        amount,
        lines: JSON.stringify([{ name: 'Kaffee', unitCents: amount, quantity: 1 }]),
        requested_seq: 10,
        requested_at: h.clock.now(),
        cancel_at: extra.cancel_at ?? null,
        refund_at: extra.refund_at ?? null,
        refund_amount: extra.refund_at ? amount : null,
      })
      .execute();
  }
  const state = async (paymentId: string) =>
    (await h.kysely.selectFrom('phone_payments').selectAll().where('payment_id', '=', paymentId).executeTakeFirst())?.state;

  it('makes one Checkout Session per payment and sends its short link; a crash before the step was recorded sends the same link again', async () => {
    await request('p1');
    expect(await dispatcher.runOnce()).toBe(1);
    expect(sent).toHaveLength(1);
    const first = sent[0]!.body as Extract<PhonePayChange, { stage: 'link' }>;
    expect(first).toMatchObject({
      stage: 'link',
      paymentId: 'p1',
      saleId: 'S-p1',
      amountCents: 828,
      shortUrl: expect.stringMatching(/^https:\/\/dorfpunkt\.example\/p\/[a-z2-9]{8}$/),
    });
    const s = await h.stripe.checkout.sessions.retrieve(first.sessionId);
    expect(s.metadata).toEqual({ siteId: 'dorf-1', saleId: 'S-p1' });
    expect(await dispatcher.runOnce()).toBe(0); // nothing left to do

    await h.kysely.deleteFrom('phone_payments').execute(); // as if the process died before recording the step
    expect(await dispatcher.runOnce()).toBe(1);
    expect(sent[1]!.body).toEqual(first);
    expect(await h.kysely.selectFrom('pay_links').selectAll().execute()).toHaveLength(1);
  });

  it('a payment given up before its session was made never gets one; one given up later has its session expired', async () => {
    await request('p1', 828, { cancel_at: h.clock.now() });
    await dispatcher.runOnce();
    expect(sent).toEqual([]);
    expect(await state('p1')).toBe('closed');

    await request('p2');
    await dispatcher.runOnce();
    const { sessionId } = sent[0]!.body as Extract<PhonePayChange, { stage: 'link' }>;
    await h.kysely.updateTable('p_phone_payments').set({ cancel_at: h.clock.now() }).where('payment_id', '=', 'p2').execute();
    await dispatcher.runOnce();
    expect((await h.stripe.checkout.sessions.retrieve(sessionId)).status).toBe('expired');
    expect(await state('p2')).toBe('closed');
    expect(sent).toHaveLength(1);
    expect(h.fake.ledger().totals.captured).toBe(0);
  });

  it('refunds a paid session once when the point asks (or gave up before the payment came), and tells the point', async () => {
    await request('p1');
    await dispatcher.runOnce();
    const { sessionId } = sent[0]!.body as Extract<PhonePayChange, { stage: 'link' }>;
    expect((await h.control('POST', `/_fake/checkout/${sessionId}/pay`)).status).toBe(200);
    await h.kysely.updateTable('p_phone_payments').set({ cancel_at: h.clock.now() }).where('payment_id', '=', 'p1').execute();
    await dispatcher.runOnce();
    await dispatcher.runOnce();
    expect(sent.map((x) => x.body.stage)).toEqual(['link', 'refunded']);
    expect(sent[1]!.body).toMatchObject({ paymentId: 'p1', sessionId, amountCents: 828, refundId: expect.stringMatching(/^re_/), detail: 'paid-after-cancel' });
    expect(h.fake.ledger().totals).toMatchObject({ captured: 828, refunded: 828 });
    expect(await state('p1')).toBe('refunded');
  });

  it('tells the point when Stripe refuses the session (nothing to pay)', async () => {
    await request('p1', 30);
    await dispatcher.runOnce();
    expect(sent.map((x) => x.body)).toEqual([
      { stage: 'refused', paymentId: 'p1', saleId: 'S-p1', sessionId: null, refundId: null, amountCents: null, detail: 'amount-too-small' },
    ]);
    expect(await state('p1')).toBe('refused');
  });
});
