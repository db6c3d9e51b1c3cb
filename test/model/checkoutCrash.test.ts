import { afterEach, describe, expect, it } from 'vitest';
import { demoGtin } from '../../controller/catalog/demoCatalog.ts';
import type { CrashStep } from '../../controller/machines/checkout/ports.ts';
import type { CheckoutSession } from '../../controller/machines/checkout/checkoutSession.ts';
import { audit, CheckoutRig } from './checkoutRig.ts';

/**
 * The controller is killed at each step of a sale (abandoned as `kill -9` would leave it) and a
 * new one starts on the same ledger file: reconciliation ends the sale exactly once — completed
 * or its payment voided/refunded, never both, never neither — counted on the Stripe fake's books.
 */
let rig: CheckoutRig;
afterEach(async () => rig?.close());

const MILK = demoGtin('Vollmilch 3,5 %');

async function crashing(fn: () => Promise<unknown>): Promise<void> {
  await expect(fn()).rejects.toThrow(/crash at/);
}

async function saleUntilPaid(s: CheckoutSession, tap: boolean): Promise<void> {
  s.scan(MILK);
  s.checkout(129);
  await s.pay({ method: 'card' });
  if (tap) await rig.tap();
  await s.poll();
}

type Expect = 'committed' | 'voided';
const cases: Array<[CrashStep, boolean, Expect]> = [
  ['payment-started', false, 'voided'], // key written, provider never asked
  ['provider-started', false, 'voided'], // payment exists at Stripe, the ledger does not know its id
  ['provider-started', true, 'voided'], // ... and the customer tapped: the authorisation is voided, nothing charged
  ['payment-pending', false, 'voided'],
  ['payment-pending', true, 'committed'], // approved at Stripe, unknown to the point: captured and committed
  ['authorised', true, 'committed'],
  ['captured-call', true, 'committed'], // captured at Stripe, not yet in the ledger
  ['captured', true, 'committed'],
  ['committed', true, 'committed'], // only the fiscal step is left
  ['signed', true, 'committed'],
];

describe('crash between payment and sale commit, reconciled on restart exactly once', () => {
  it.each(cases)('killed at %s (tapped: %s) → %s', async (step, tap, want) => {
    rig = await CheckoutRig.create();
    const s = rig.checkout.begin();
    rig.crashAt = step;
    const run = async () => {
      s.scan(MILK);
      s.checkout(129);
      await s.pay({ method: 'card' });
      if (tap) await rig.tap();
      await s.poll();
    };
    await crashing(run);
    // killed inside pay(): the reader still waits, and the customer taps it
    if (tap && (step === 'provider-started' || step === 'payment-pending')) await rig.tap();
    rig.restart();
    const first = await rig.checkout.reconcile();
    expect(first.deferred).toEqual([]);
    // a second restart and reconciliation changes nothing
    rig.restart();
    const again = await rig.checkout.reconcile();
    expect(again).toMatchObject({ committed: [], aborted: [], voided: [] });
    const a = await audit(rig);
    expect(a).toMatchObject({ doubleCharges: [], salesWithoutPayment: [], paymentsWithoutSale: [], openAtProvider: [] });
    const books = rig.stripe.fake.ledger();
    if (want === 'committed') {
      expect(a.committed).toBe(1);
      expect(books.totals).toMatchObject({ captured: 129, refunded: 0 });
      expect(rig.events('sale.fiscal-signed')).toHaveLength(1);
      expect(rig.events('stock.moved')).toHaveLength(1);
    } else {
      expect(a.committed).toBe(0);
      expect(books.totals.captured - books.totals.refunded).toBe(0);
      expect(rig.events('sale.aborted')).toEqual([{ saleId: s.saleId, reason: 'interrupted' }]);
    }
  });

  it.each<CrashStep>(['abort-recorded', 'voided-call'])(
    'customer aborts after tapping, killed at %s: the authorisation is voided once, no sale',
    async (step) => {
      rig = await CheckoutRig.create();
      const s = rig.checkout.begin();
      s.scan(MILK);
      s.checkout(129);
      await s.pay({ method: 'card' });
      await rig.tap();
      rig.crashAt = step;
      await crashing(() => s.abort());
      rig.restart();
      await rig.checkout.reconcile();
      const a = await audit(rig);
      expect(a).toMatchObject({ committed: 0, doubleCharges: [], salesWithoutPayment: [], paymentsWithoutSale: [], openAtProvider: [] });
      expect(rig.events('payment.canceled')).toHaveLength(1);
    },
  );

  it('killed again during reconciliation (after the capture, before it is written): the next start finishes it with the same keys', async () => {
    rig = await CheckoutRig.create();
    const s = rig.checkout.begin();
    rig.crashAt = 'authorised';
    await crashing(() => saleUntilPaid(s, true));
    rig.restart();
    rig.crashAt = 'captured-call';
    await expect(rig.checkout.reconcile()).rejects.toThrow(/crash at captured-call/);
    rig.restart();
    expect(await rig.checkout.reconcile()).toMatchObject({ committed: [s.saleId], deferred: [] });
    expect(rig.stripe.fake.ledger().totals).toMatchObject({ captured: 129, refunded: 0 });
    expect(await audit(rig)).toMatchObject({ committed: 1, doubleCharges: [], salesWithoutPayment: [], paymentsWithoutSale: [] });
  });

  it('the provider unreachable at start: the sale is deferred, not guessed, and finished on the next run', async () => {
    rig = await CheckoutRig.create();
    const s = rig.checkout.begin();
    rig.crashAt = 'authorised';
    await crashing(() => saleUntilPaid(s, true));
    rig.restart();
    await rig.stripe.control('POST', '/_fake/faults', { mode: 'status500', times: 1 });
    const first = await rig.checkout.reconcile();
    expect(first.deferred).toEqual([expect.objectContaining({ saleId: s.saleId })]);
    expect(rig.events('sale.committed')).toEqual([]);
    expect(await rig.checkout.reconcile()).toMatchObject({ committed: [s.saleId] });
    expect(await audit(rig)).toMatchObject({ committed: 1, doubleCharges: [], salesWithoutPayment: [], paymentsWithoutSale: [] });
  });
});
