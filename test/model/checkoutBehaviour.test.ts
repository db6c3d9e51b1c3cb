import { afterEach, describe, expect, it } from 'vitest';
import { demoGtin, demoProducts } from '../../controller/catalog/demoCatalog.ts';
import { refusalText } from '../../controller/machines/checkout/refusals.ts';
import type { Result } from '../../controller/machines/checkout/checkoutSession.ts';
import { ADULT_CARD, CheckoutRig, PIN, READER_TIMEOUT_MS, TIMING, YOUNG_CARD } from './checkoutRig.ts';

let rig: CheckoutRig;
afterEach(async () => rig?.close());

const ok = (r: Result) => {
  if (!r.ok) throw new Error(`refused: ${r.reason} ${r.detail}`);
  return r.view;
};
const MILK = demoGtin('Vollmilch 3,5 %');
const BEER = demoGtin('Pils');
const SCHNAPPS = demoGtin('Korn 32 %');

describe('checkout: scan, pay, prove your age, receipt', () => {
  it('milk and two beers: age by member card + PIN, card payment, one capture, sale with stock movements and a receipt that adds up', async () => {
    rig = await CheckoutRig.create();
    const s = rig.checkout.begin();
    ok(s.scan(MILK));
    ok(s.scan(BEER));
    const v = ok(s.scan(BEER));
    // 129 + 2 × (109 + 8 Pfand) = 363
    expect(v.totalCents).toBe(363);
    expect(ok(s.checkout(363))).toMatchObject({ state: 'ageCheck', requiredAge: 16 });
    expect(ok(await s.ageByMember(ADULT_CARD, PIN))).toMatchObject({ state: 'payment', agePassed: true });
    expect(ok(await s.pay({ method: 'card' })).payment).toMatchObject({ status: 'pending' });
    expect(ok(await s.poll()).state).toBe('payment');
    await rig.tap();
    const done = ok(await s.poll());
    expect(done.state).toBe('done');
    expect(done.receipt).toMatchObject({ totalCents: 363, payment: 'card', deposits: [{ quantity: 2, unitCents: 8, vatRate: 19 }] });
    expect(done.receipt!.vat).toEqual([
      { rate: 19, netCents: 197, vatCents: 37, grossCents: 234 },
      { rate: 7, netCents: 121, vatCents: 8, grossCents: 129 },
    ]);
    expect(rig.stripe.fake.ledger().totals).toMatchObject({ captured: 363, refunded: 0, authorised: 0 });
    expect(rig.events('stock.moved').map((e) => [e['productId'], e['quantity']])).toEqual([
      ['0' + MILK, -1],
      ['0' + BEER, -2],
    ]);
    expect(rig.events('age-check.decided')).toEqual([expect.objectContaining({ saleId: s.saleId, method: 'member-pin', passed: true, memberId: 'm-adult' })]);
    expect(
      rig.ledger
        .eventsOfTypes(
          [
            'sale.cart-fixed',
            'age-check.requested',
            'age-check.decided',
            'payment.started',
            'payment.pending',
            'payment.authorised',
            'payment.captured',
            'sale.committed',
            'stock.moved',
            'sale.fiscal-signed',
            'sale.receipt-issued',
          ],
          1,
          100,
        )
        .map((e) => e.type),
    ).toEqual([
      'sale.cart-fixed',
      'age-check.requested',
      'age-check.decided',
      'payment.started',
      'payment.pending',
      'payment.authorised',
      'payment.captured',
      'sale.committed',
      'stock.moved',
      'stock.moved',
      'sale.fiscal-signed',
      'sale.receipt-issued',
    ]);
  });

  it('bad input is refused with a clear message and nothing is recorded or charged', async () => {
    rig = await CheckoutRig.create();
    const before = rig.ledger.lastSeq();
    const s = rig.checkout.begin();
    const refusals = [
      s.scan('4006381333931'), // valid GTIN, not ours
      s.scan('4001234000012'), // our product with a wrong check digit
      s.scan('(01)0400123400001'), // GS1 with a short GTIN
      s.scan('(01)0' + MILK + '(15)261331'), // month 13
      s.addLoose('9999', 1),
      s.addLoose('1001', 1.5),
      s.checkout(0), // empty cart
    ];
    expect(refusals.map((r) => (r.ok ? 'ok' : r.reason))).toEqual([
      'unknown-product',
      'bad-gtin',
      'malformed-gs1',
      'malformed-gs1',
      'unknown-product',
      'bad-quantity',
      'empty-cart',
    ]);
    ok(s.addLoose('1001', 4)); // 4 bread rolls
    const tampered = s.checkout(1);
    expect(tampered).toMatchObject({ ok: false, reason: 'total-mismatch' });
    expect(refusalText('de', 'total-mismatch')).toMatch(/Betrag stimmt nicht/);
    expect(refusalText('en', 'unknown-product')).toMatch(/do not know this product/);
    expect(s.state()).toBe('cart');
    expect(rig.ledger.lastSeq()).toBe(before);
    expect(rig.stripe.fake.ledger().paymentIntents).toEqual([]);
    expect(ok(s.checkout(180)).state).toBe('payment');
  });

  it('a product past its GS1 best-before date and a product from a blocked fridge are refused', async () => {
    rig = await CheckoutRig.create(); // the clock: 21 Nov 2026
    const s = rig.checkout.begin();
    expect(s.scan('(01)0' + MILK + '(15)261120(10)L7')).toMatchObject({ ok: false, reason: 'expired' });
    expect(ok(s.scan('(01)0' + MILK + '(15)261121(10)L7')).lines).toEqual([expect.objectContaining({ batch: 'L7', quantity: 1 })]);
    rig.blocked.add('molkerei');
    expect(s.scan(MILK)).toMatchObject({ ok: false, reason: 'fridge-blocked' });
    expect(s.checkout(129)).toMatchObject({ ok: false, reason: 'fridge-blocked' }); // the one already in the cart too
    expect(refusalText('de', 'fridge-blocked')).toMatch(/Kühlkette/);
  });

  it('a fridge blocked while the customer pays: the authorisation is voided, no sale, nothing charged', async () => {
    rig = await CheckoutRig.create();
    const s = rig.checkout.begin();
    ok(s.scan(MILK));
    ok(s.checkout(129));
    ok(await s.pay({ method: 'card' }));
    await rig.tap();
    rig.blocked.add('molkerei');
    const v = ok(await s.poll());
    expect(v).toMatchObject({ state: 'aborted', endReason: 'commit-refused' });
    expect(rig.stripe.fake.ledger().paymentIntents).toEqual([expect.objectContaining({ status: 'canceled', amountCaptured: 0 })]);
    expect(rig.events('sale.committed')).toEqual([]);
  });

  it('a capture whose answer was lost, then a fridge block: the capture is found and refunded in full, no sale', async () => {
    rig = await CheckoutRig.create();
    const s = rig.checkout.begin();
    ok(s.scan(MILK));
    ok(s.checkout(129));
    ok(await s.pay({ method: 'card' }));
    await rig.tap();
    const pi = rig.stripe.fake.ledger().paymentIntents[0]!.id;
    // the capture runs and its answer is lost; the SDK's own retry (same key) fails too
    await rig.stripe.control('POST', '/_fake/faults', { mode: 'dropAfterCommit', times: 1, method: 'POST', path: `/v1/payment_intents/${pi}/capture` });
    await rig.stripe.control('POST', '/_fake/faults', { mode: 'status500', times: 3, method: 'POST', path: `/v1/payment_intents/${pi}/capture` });
    expect(ok(await s.poll()).state).toBe('committing'); // captured at Stripe, the point does not know
    rig.blocked.add('molkerei');
    expect(ok(await s.poll())).toMatchObject({ state: 'aborted', endReason: 'commit-refused' });
    expect(rig.stripe.fake.ledger().totals).toMatchObject({ captured: 129, refunded: 129 });
    expect(rig.events('payment.refunded')).toEqual([expect.objectContaining({ saleId: s.saleId, amountCents: 129 })]);
    expect(rig.events('sale.committed')).toEqual([]);
  });

  it('the provider cannot take the capture: the sale waits in committing and finishes on its own retry, without the kiosk', async () => {
    rig = await CheckoutRig.create();
    const s = rig.checkout.begin();
    ok(s.scan(MILK));
    ok(s.checkout(129));
    ok(await s.pay({ method: 'card' }));
    await rig.tap();
    const pi = rig.stripe.fake.ledger().paymentIntents[0]!.id;
    await rig.stripe.control('POST', '/_fake/faults', { mode: 'status500', times: 1, method: 'POST', path: `/v1/payment_intents/${pi}/capture` });
    expect(ok(await s.poll()).state).toBe('committing');
    rig.clock.advance(TIMING.retryMs);
    await s.settled();
    expect(s.view()).toMatchObject({ state: 'done', receipt: { totalCents: 129 } });
    expect(rig.stripe.fake.ledger().totals).toMatchObject({ captured: 129, refunded: 0 });
  });

  it('a cart worth more than a receipt can hold is refused before anything is written', async () => {
    rig = await CheckoutRig.create();
    const s = rig.checkout.begin();
    const before = rig.ledger.lastSeq();
    for (const p of demoProducts()) {
      if (p.plu !== null) ok(s.addLoose(p.plu, 999));
      else for (let i = 0; i < 999; i++) s.scan(p.gtin);
    }
    expect(s.view().totalCents).toBeGreaterThan(9_999_999);
    expect(s.checkout(s.view().totalCents)).toMatchObject({ ok: false, reason: 'cart-full' });
    expect(rig.ledger.lastSeq()).toBe(before);
  });

  it('remote age check: the operator approves once; a replayed or foreign approval is refused', async () => {
    rig = await CheckoutRig.create();
    const a = rig.checkout.begin();
    ok(a.scan(SCHNAPPS));
    ok(a.checkout(899));
    ok(a.ageByRemote());
    const [req] = rig.remoteRequests;
    expect(rig.checkout.remoteAgeDecision({ checkId: req!.checkId, saleId: 'other', approved: true, operator: 'op1' })).toMatchObject({
      reason: 'age-approval-other-sale',
    });
    expect(ok(rig.checkout.remoteAgeDecision({ checkId: req!.checkId, saleId: a.saleId, approved: true, operator: 'op1' })).state).toBe('payment');
    expect(rig.checkout.remoteAgeDecision({ checkId: req!.checkId, saleId: a.saleId, approved: true, operator: 'op1' })).toMatchObject({
      reason: 'age-approval-replayed',
    });
    // the approval of sale a does not carry over to sale b
    const b = rig.checkout.begin();
    ok(b.scan(SCHNAPPS));
    ok(b.checkout(899));
    expect(rig.checkout.remoteAgeDecision({ checkId: req!.checkId, saleId: b.saleId, approved: true, operator: 'op1' })).toMatchObject({ ok: false });
    expect(b.state()).toBe('ageCheck');
    expect(rig.events('age-check.decided')).toEqual([
      expect.objectContaining({ saleId: a.saleId, method: 'remote', passed: true, operator: 'op1', memberId: null }),
    ]);
    // an approval arriving after the time limit is refused
    ok(b.ageByRemote());
    rig.clock.advance(60_000);
    expect(rig.checkout.remoteAgeDecision({ checkId: rig.remoteRequests[1]!.checkId, saleId: b.saleId, approved: true, operator: 'op1' })).toMatchObject({
      reason: 'age-approval-expired',
    });
    expect(rig.events('age-check.decided').at(-1)).toMatchObject({ saleId: b.saleId, passed: false, reason: 'remote-timeout' });
  });

  it('an approval for a check the point lost in a restart is refused, and the interrupted sale is closed', async () => {
    rig = await CheckoutRig.create();
    const s = rig.checkout.begin();
    ok(s.scan(SCHNAPPS));
    ok(s.checkout(899));
    ok(s.ageByRemote());
    const req = rig.remoteRequests[0]!;
    rig.restart();
    expect(await rig.checkout.reconcile()).toMatchObject({ aborted: [s.saleId] });
    expect(rig.checkout.remoteAgeDecision({ checkId: req.checkId, saleId: s.saleId, approved: true, operator: 'op1' })).toMatchObject({
      ok: false,
      reason: 'age-approval-unknown',
    });
    expect(rig.checkout.remoteAgeDecision({ checkId: 42, saleId: s.saleId, approved: 'yes' })).toMatchObject({ ok: false, reason: 'age-approval-unknown' });
    expect(rig.events('age-check.decided')).toEqual([]);
  });

  it('a member who is not age-verified, and three wrong PINs, do not pass; the third ends the sale', async () => {
    rig = await CheckoutRig.create();
    const s = rig.checkout.begin();
    ok(s.scan(BEER));
    ok(s.checkout(117));
    expect(await s.ageByMember(YOUNG_CARD, PIN)).toMatchObject({ ok: false, reason: 'age-not-verified' });
    expect(await s.ageByMember(ADULT_CARD, '0000')).toMatchObject({ ok: false, reason: 'age-wrong-pin' });
    expect(await s.ageByMember(ADULT_CARD, '0001')).toMatchObject({ ok: false, reason: 'age-wrong-pin' });
    expect(s.state()).toBe('ageCheck');
    await s.ageByMember(ADULT_CARD, '0002');
    expect(s.state()).toBe('aborted');
    await s.settled();
    expect(rig.events('sale.aborted')).toEqual([{ saleId: s.saleId, reason: 'age-failed' }]);
    expect(await s.ageByTerminal()).toMatchObject({ ok: false, reason: 'age-method-unavailable' });
  });

  it('member account on invoice: paid offline within the credit limit, refused beyond it', async () => {
    rig = await CheckoutRig.create(); // limit 50,00 €
    const a = rig.checkout.begin();
    ok(a.addLoose('1004', 10)); // 10 × 4,29 = 42,90
    ok(a.checkout(4290));
    ok(await a.pay({ method: 'account', cardUid: ADULT_CARD, pin: PIN }));
    const done = ok(await a.poll());
    expect(done).toMatchObject({ state: 'done', receipt: { payment: 'account', totalCents: 4290 } });
    const b = rig.checkout.begin();
    ok(b.addLoose('1004', 2)); // 8,58 > 7,10 left
    ok(b.checkout(858));
    expect(ok(await b.pay({ method: 'account', cardUid: ADULT_CARD, pin: PIN })).state).toBe('paymentFailed');
    expect(rig.events('payment.failed').at(-1)).toMatchObject({ reason: 'rejected', detail: expect.stringContaining('credit limit: 710 cents available') });
    expect(await b.pay({ method: 'account', cardUid: ADULT_CARD, pin: '9999' })).toMatchObject({ ok: false });
    expect(rig.stripe.fake.ledger().paymentIntents).toEqual([]);
  });

  it('nobody taps within the reader timeout: the payment fails, the retry collects on the same payment', async () => {
    rig = await CheckoutRig.create();
    const s = rig.checkout.begin();
    ok(s.scan(MILK));
    ok(s.checkout(129));
    ok(await s.pay({ method: 'card' }));
    rig.clock.advance(READER_TIMEOUT_MS);
    expect(ok(await s.poll()).state).toBe('paymentFailed');
    expect(rig.events('payment.failed')).toEqual([expect.objectContaining({ reason: 'timeout' })]);
    expect(ok(await s.retry()).state).toBe('payment');
    await rig.tap();
    expect(ok(await s.poll()).state).toBe('done');
    expect(rig.stripe.fake.ledger().paymentIntents).toEqual([expect.objectContaining({ amountCaptured: 129 })]);
  });

  it('an offline reader: the payment fails at once and is canceled; after RETRY a new payment is started', async () => {
    rig = await CheckoutRig.create();
    const s = rig.checkout.begin();
    ok(s.scan(MILK));
    ok(s.checkout(129));
    await rig.stripe.control('POST', `/_fake/readers/${rig.readerId}/behaviour`, { mode: 'offline' });
    expect(ok(await s.pay({ method: 'card' }))).toMatchObject({ state: 'paymentFailed', payment: { status: 'canceled' } });
    expect(rig.events('payment.failed')).toEqual([expect.objectContaining({ reason: 'reader-offline' })]);
    await rig.stripe.control('POST', `/_fake/readers/${rig.readerId}/behaviour`, { mode: 'normal' });
    expect(ok(await s.retry()).state).toBe('payment');
    ok(await s.pay({ method: 'card' }));
    await rig.tap();
    expect(ok(await s.poll()).state).toBe('done');
    expect(rig.stripe.fake.ledger().paymentIntents.map((p) => [p.status, p.amountCaptured])).toEqual([
      ['canceled', 0],
      ['succeeded', 129],
    ]);
  });

  it('a declined card can be retried on the same payment; the customer can abort and nothing is charged', async () => {
    rig = await CheckoutRig.create();
    const s = rig.checkout.begin();
    ok(s.scan(MILK));
    ok(s.checkout(129));
    ok(await s.pay({ method: 'card' }));
    await rig.tap('4000000000000002');
    expect(ok(await s.poll()).state).toBe('paymentFailed');
    expect(ok(await s.retry()).state).toBe('payment');
    expect(ok(await s.abort()).state).toBe('aborted');
    expect(rig.stripe.fake.ledger().paymentIntents).toEqual([expect.objectContaining({ status: 'canceled', amountCaptured: 0 })]);
  });
});
