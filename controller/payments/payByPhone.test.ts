/**
 * Pay by phone at the point: the provider on the ledger and the downlink changes that drive it
 * (`payment.phone`, the relayed `payment.webhook`), applied through the real ChangeApplier so a
 * refusal is what the sync client does with it: logged, the version confirmed, nothing recorded.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createRecordingLogger, createSilentLogger, type LogRecord } from '../../firmware-bridge/platform/logger.ts';
import type { PaymentWebhook } from '../contract/changes/payments.ts';
import type { PhonePayChange } from '../contract/changes/phonePay.ts';
import type { Ledger } from '../ledger/ledger.ts';
import { ledgerFixture } from '../ledger/testSupport.ts';
import { ChangeApplier } from '../sync/changeApplier.ts';
import { syncMigrations } from '../sync/migrations.ts';
import { createPayByPhoneProvider, phoneRef } from './payByPhone.ts';
import { ledgerAccountTerms, paymentChangeEvents } from './paymentChanges.ts';

let fx: ReturnType<typeof ledgerFixture>;
afterEach(() => fx?.cleanup());

function rig(online = true) {
  fx = ledgerFixture();
  const ledger = fx.open({ migrations: syncMigrations });
  const logs: LogRecord[] = [];
  const logger = createRecordingLogger(logs);
  let up = online;
  const phone = createPayByPhoneProvider({ ledger, online: () => up, logger: createSilentLogger() });
  const applier = new ChangeApplier(ledger.db, {}, logger, paymentChangeEvents(ledger, createSilentLogger()), ledger);
  let version = 0;
  const apply = (kind: string, body: unknown) => applier.apply({ v: 1, version: ++version, kind, body });
  const count = (type: string) => ledger.eventsOfTypes([type], 1, 1000).length;
  return { ledger, phone, apply, count, logs, setOnline: (v: boolean) => (up = v) };
}

/** What the checkout writes before the provider is asked (the cart, then the payment). */
function sale(ledger: Ledger, paymentId: string, amountCents = 588) {
  const saleId = `S-${paymentId}`;
  ledger.append('sale.cart-fixed', {
    saleId,
    lines: [{ productId: '4001234567892', name: 'Milch', quantity: 2, unitCents: 269, vatRate: 7, depositCents: 25, ageClass: 0 }],
    totalCents: amountCents,
    vat: [],
    requiredAge: 0,
  });
  ledger.append('payment.started', { saleId, paymentId, provider: 'phone', memberId: null, amountCents });
  return { saleId, amountCents, idempotencyKey: `pay-${paymentId}` };
}

const link = (paymentId: string, over: Partial<PhonePayChange> = {}): PhonePayChange =>
  ({
    stage: 'link',
    paymentId,
    saleId: `S-${paymentId}`,
    sessionId: `cs_test_${paymentId}`,
    shortUrl: 'https://dorfpunkt.example/p/abcd2345',
    amountCents: 588,
    expiresAt: 1_900_000_000_000,
    ...over,
  }) as PhonePayChange;

const completed = (paymentId: string, over: Partial<PaymentWebhook> = {}): PaymentWebhook => ({
  eventId: `evt_${paymentId}_done`,
  type: 'checkout.session.completed',
  objectId: `cs_test_${paymentId}`,
  paymentIntentId: `pi_${paymentId}`,
  status: 'complete',
  amountCents: 588,
  saleId: `S-${paymentId}`,
  failureCode: null,
  createdAt: 1_800_000_000_000,
  ...over,
});

describe('pay by phone at the point', () => {
  it('asks the backoffice once for a Checkout Session with the basket, shows the link it sends, and is paid by the relayed webhook', async () => {
    const r = rig();
    const req = sale(r.ledger, 'p1');
    expect(await r.phone.start(req)).toEqual({ kind: 'pending', ref: phoneRef('p1') });
    expect(await r.phone.start(req)).toEqual({ kind: 'pending', ref: phoneRef('p1') }); // after a crash: same request
    const asked = r.ledger.eventsOfTypes(['phone-pay.requested'], 1, 10);
    expect(asked).toHaveLength(1);
    expect(asked[0]!.data).toEqual({ paymentId: 'p1', saleId: 'S-p1', amountCents: 588, lines: [{ name: 'Milch', unitCents: 294, quantity: 2 }] });
    expect(await r.phone.poll(phoneRef('p1'))).toEqual({ kind: 'pending', ref: phoneRef('p1') });
    expect(r.phone.link(phoneRef('p1'))).toBeNull();

    expect(r.apply('payment.phone', link('p1'))).toEqual({ outcome: 'applied', version: 1 });
    expect(r.phone.link(phoneRef('p1'))).toMatchObject({ shortUrl: 'https://dorfpunkt.example/p/abcd2345', amountCents: 588 });
    expect(await r.phone.poll(phoneRef('p1'))).toMatchObject({ kind: 'pending' });

    expect(r.apply('payment.webhook', completed('p1'))).toEqual({ outcome: 'applied', version: 2 });
    expect(await r.phone.poll(phoneRef('p1'))).toEqual({ kind: 'approved', ref: phoneRef('p1'), amountCents: 588, captured: true, card: null });
    expect(await r.phone.capture(phoneRef('p1'), 588, 'pay-p1:capture')).toEqual({ kind: 'captured', ref: phoneRef('p1'), amountCents: 588 });
  });

  it('refuses without the backoffice link or below 0.50 EUR, and asks nothing then', async () => {
    const r = rig(false);
    expect(await r.phone.start(sale(r.ledger, 'p1'))).toMatchObject({ kind: 'failed', detail: expect.stringContaining('uplink-down') });
    r.setOnline(true);
    expect(await r.phone.start(sale(r.ledger, 'p2', 40))).toMatchObject({
      kind: 'failed',
      reason: 'rejected',
      detail: expect.stringContaining('amount-too-small'),
    });
    expect(r.count('phone-pay.requested')).toBe(0);
  });

  it('refuses a replayed, forged or misrouted webhook with a log line, records nothing and charges nothing twice', async () => {
    const r = rig();
    await r.phone.start(sale(r.ledger, 'p1'));
    r.apply('payment.phone', link('p1'));
    expect(r.apply('payment.webhook', completed('p1')).outcome).toBe('applied');
    const before = r.ledger.lastSeq();

    const refusals: Array<[unknown, RegExp]> = [
      [completed('p1'), /replayed: already applied once/], // Stripe delivered it twice / the backoffice relayed it again
      [completed('p1', { eventId: 'evt_forged1', objectId: 'cs_test_someoneelse' }), /was not requested by this point/],
      [completed('p1', { eventId: 'evt_forged2', saleId: 'S-other' }), /was not requested by this point/],
      [completed('p1', { eventId: 'evt_forged3', amountCents: 1 }), /paid 1 cents, the sale asked 588/],
      [completed('p1', { eventId: 'evt_forged4', saleId: null }), /names no sale/],
      [{ ...completed('p1', { eventId: 'evt_forged5' }), card: { last4: '4242' } }, /invalid/],
      ['garbage', /invalid/],
      [{ ...completed('p1', { eventId: 'evt_forged6' }), type: 'payment_intent.succeeded', saleId: 'S-never' }, /unknown at this point/],
    ];
    for (const [body, reason] of refusals) {
      expect(r.apply('payment.webhook', body)).toMatchObject({ outcome: 'rejected', reason: expect.stringMatching(reason) });
    }
    expect(r.ledger.lastSeq()).toBe(before);
    expect(r.count('phone-pay.paid')).toBe(1);
    expect(r.logs.filter((l) => l.msg === 'sync: change rejected')).toHaveLength(refusals.length);
    expect(r.logs.find((l) => l.msg === 'sync: change rejected')?.obj).toMatchObject({
      kind: 'payment.webhook',
      reason: expect.stringContaining('evt_p1_done'),
    });
  });

  it('refuses a link it did not ask for, a second link, and one for another amount', async () => {
    const r = rig();
    await r.phone.start(sale(r.ledger, 'p1'));
    expect(r.apply('payment.phone', link('nope'))).toMatchObject({ outcome: 'rejected', reason: expect.stringContaining('not requested') });
    expect(r.apply('payment.phone', link('p1', { amountCents: 100 }))).toMatchObject({ outcome: 'rejected', reason: expect.stringContaining('100 cents') });
    expect(r.apply('payment.phone', link('p1')).outcome).toBe('applied');
    expect(r.apply('payment.phone', link('p1', { shortUrl: 'https://evil.example/p/zzzz2345' }))).toMatchObject({
      outcome: 'rejected',
      reason: expect.stringContaining('already has'),
    });
    expect(r.phone.link(phoneRef('p1'))?.shortUrl).toBe('https://dorfpunkt.example/p/abcd2345');
  });

  it('gives up by asking the backoffice to expire the session (once); an expired session reads as canceled', async () => {
    const r = rig();
    await r.phone.start(sale(r.ledger, 'p1'));
    r.apply('payment.phone', link('p1'));
    expect(await r.phone.cancel(phoneRef('p1'), 'pay-p1:cancel')).toEqual({ kind: 'canceled', ref: phoneRef('p1') });
    expect(await r.phone.cancel(phoneRef('p1'), 'pay-p1:cancel')).toEqual({ kind: 'canceled', ref: phoneRef('p1') });
    expect(r.count('phone-pay.cancel-requested')).toBe(1);
    expect(
      r.apply('payment.webhook', completed('p1', { eventId: 'evt_exp', type: 'checkout.session.expired', status: 'expired', paymentIntentId: null })).outcome,
    ).toBe('applied');
    expect(await r.phone.poll(phoneRef('p1'))).toEqual({ kind: 'canceled', ref: phoneRef('p1') });
  });

  it('a session paid after the point gave up is recorded, and the refund the backoffice reports closes it', async () => {
    const r = rig();
    await r.phone.start(sale(r.ledger, 'p1'));
    r.apply('payment.phone', link('p1'));
    await r.phone.cancel(phoneRef('p1'), 'pay-p1:cancel');
    expect(r.apply('payment.webhook', completed('p1')).outcome).toBe('applied');
    const refunded: PhonePayChange = {
      stage: 'refunded',
      paymentId: 'p1',
      saleId: 'S-p1',
      sessionId: 'cs_test_p1',
      refundId: 're_1',
      amountCents: 588,
      detail: 'paid-after-cancel',
    };
    expect(r.apply('payment.phone', refunded).outcome).toBe('applied');
    expect(r.apply('payment.phone', refunded).outcome).toBe('rejected');
    expect(r.count('phone-pay.ended')).toBe(1);
  });

  it('refunds a paid session whose sale could not be completed only once the backoffice confirms it', async () => {
    const r = rig();
    await r.phone.start(sale(r.ledger, 'p1'));
    r.apply('payment.phone', link('p1'));
    r.apply('payment.webhook', completed('p1'));
    expect(await r.phone.cancel(phoneRef('p1'), 'pay-p1:cancel')).toMatchObject({ kind: 'failed', reason: 'already-captured' });
    expect(await r.phone.refund(phoneRef('p1'), 588, 'pay-p1:refund')).toMatchObject({ kind: 'unavailable' });
    expect(await r.phone.refund(phoneRef('p1'), 588, 'pay-p1:refund')).toMatchObject({ kind: 'unavailable' });
    expect(r.count('phone-pay.refund-requested')).toBe(1);
    r.apply('payment.phone', {
      stage: 'refunded',
      paymentId: 'p1',
      saleId: 'S-p1',
      sessionId: 'cs_test_p1',
      refundId: 're_9',
      amountCents: 588,
      detail: 'sale-not-completed',
    });
    expect(await r.phone.refund(phoneRef('p1'), 588, 'pay-p1:refund')).toEqual({ kind: 'refunded', ref: phoneRef('p1'), refundId: 're_9', amountCents: 588 });
  });
});

describe('account-terms change', () => {
  it('records the terms per member; the newest counts, `none` closes the account; a bad body is refused whole', () => {
    const r = rig();
    const terms = ledgerAccountTerms(r.ledger);
    expect(r.apply('account-terms', { terms: [{ memberId: 'm1', mode: 'invoice', limitCents: 5000, openCents: 1000, sinceSeq: 0 }] }).outcome).toBe('applied');
    expect(terms('m1')).toEqual({ mode: 'invoice', limitCents: 5000, openCents: 1000, sinceSeq: 0 });
    expect(r.apply('account-terms', { terms: [{ memberId: 'm1', mode: 'prepaid', limitCents: -5, openCents: 0, sinceSeq: 0 }] })).toMatchObject({
      outcome: 'rejected',
      reason: expect.stringContaining('limitCents'),
    });
    expect(terms('m1')?.mode).toBe('invoice');
    r.apply('account-terms', { terms: [{ memberId: 'm1', mode: 'none', limitCents: 0, openCents: 0, sinceSeq: 3 }] });
    expect(terms('m1')).toBeUndefined();
    expect(terms('m2')).toBeUndefined();
  });
});
