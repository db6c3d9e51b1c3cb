import { afterEach, describe, expect, it } from 'vitest';
import { demoProducts } from '../../controller/catalog/demoCatalog.ts';
import type { CrashStep } from '../../controller/machines/checkout/ports.ts';
import { ADULT_CARD, audit, auditAccounts, CheckoutRig, PIN } from './checkoutRig.ts';

/**
 * Many checkouts against the real Stripe fake and Terminal provider, each of which may be killed
 * at a random step (and its reconciliation killed again): afterwards, counted on the fake's own
 * books, 0 double charges, 0 committed sales without their payment, 0 payments without a sale
 * or a refund, and nothing left authorised or waiting at Stripe.
 */
const COUNT = process.env['CI'] ? 1000 : 200;
const STEPS: CrashStep[] = [
  'payment-started',
  'provider-started',
  'payment-pending',
  'authorised',
  'captured-call',
  'captured',
  'committed',
  'signed',
  'abort-recorded',
  'voided-call',
];

/** A small seeded PRNG (mulberry32) so a failing run can be replayed with its seed. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

let rig: CheckoutRig;
afterEach(async () => rig?.close());

describe(`${COUNT} checkouts with random crashes`, () => {
  it('0 double charges, 0 sales without payment, 0 payments without a sale or a refund', { timeout: 120_000 }, async () => {
    const seed = Number(process.env['CHECKOUT_SEED'] ?? Date.now() % 1_000_000);
    const rnd = prng(seed);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
    rig = await CheckoutRig.create();
    rig.terms.set('m-adult', { mode: 'invoice', limitCents: 100_000_000, openCents: 0, sinceSeq: 0 });
    const products = demoProducts().filter((p) => p.gtin !== null);
    let crashes = 0;
    const outcomes = { done: 0, aborted: 0, other: 0 };

    const crashed = async (): Promise<void> => {
      crashes += 1;
      rig.restart();
      // sometimes the reconciliation itself is killed too
      if (rnd() < 0.2) {
        rig.crashAt = pick(STEPS);
        try {
          await rig.checkout.reconcile();
        } catch (err) {
          if ((err as Error).name !== 'SimulatedCrash') throw err;
          rig.restart();
        }
        rig.crashAt = null;
      }
      const r = await rig.checkout.reconcile();
      expect(r.deferred, `seed ${seed}`).toEqual([]);
    };

    for (let i = 0; i < COUNT; i++) {
      rig.crashAt = rnd() < 0.4 ? pick(STEPS) : null;
      const s = rig.checkout.begin();
      try {
        const n = 1 + Math.floor(rnd() * 3);
        for (let k = 0; k < n; k++) {
          const p = pick(products);
          s.scan(p.gtin!.length === 13 && rnd() < 0.3 ? `(01)0${p.gtin}(10)B${i}` : p.gtin);
        }
        const view = s.view();
        s.checkout(view.totalCents);
        if (s.state() === 'ageCheck') await s.ageByMember(ADULT_CARD, PIN);
        const byAccount = rnd() < 0.2;
        await s.pay(byAccount ? { method: 'account', cardUid: ADULT_CARD, pin: PIN } : { method: 'card' });
        const r = rnd();
        if (byAccount) {
          // nothing to tap: the account answers at once
        } else if (r < 0.7) await rig.tap();
        else if (r < 0.8) await rig.tap('4000000000000002');
        if (rnd() < 0.1) await s.abort();
        await s.poll();
        if (s.state() === 'paymentFailed' && rnd() < 0.5) {
          await s.retry();
          await rig.tap();
          await s.poll();
        }
        if (s.state() !== 'done' && s.state() !== 'aborted') await s.abort();
        const st = s.state();
        if (st === 'done') outcomes.done += 1;
        else if (st === 'aborted') outcomes.aborted += 1;
        else outcomes.other += 1;
      } catch (err) {
        if ((err as Error).name !== 'SimulatedCrash') throw err;
        await crashed();
      }
      rig.crashAt = null;
    }
    rig.restart();
    await rig.checkout.reconcile();
    const a = await audit(rig);
    expect({
      seed,
      ...a,
      doubleCharges: a.doubleCharges.length,
      salesWithoutPayment: a.salesWithoutPayment.length,
      paymentsWithoutSale: a.paymentsWithoutSale.length,
      openAtProvider: a.openAtProvider.length,
    }).toMatchObject({
      doubleCharges: 0,
      salesWithoutPayment: 0,
      paymentsWithoutSale: 0,
      openAtProvider: 0,
    });
    expect(auditAccounts(rig)).toEqual({ doubleCharges: [], salesWithoutPayment: [], paymentsWithoutSale: [], openAtProvider: [] });
    // the run exercised what it claims: crashes happened, and sales ended both ways
    expect(crashes).toBeGreaterThan(COUNT / 10);
    expect(a.committed).toBeGreaterThan(COUNT / 4);
    expect(a.sales - a.committed).toBeGreaterThan(COUNT / 20);
    expect(outcomes.other).toBe(0);
    const books = rig.stripe.fake.ledger();
    const committedTotal = rig.events('sale.committed').reduce((s, e) => s + (e['totalCents'] as number), 0);
    const accountNet =
      rig.events('account.captured').reduce((s, e) => s + (e['amountCents'] as number), 0) -
      rig.events('account.refunded').reduce((s, e) => s + (e['amountCents'] as number), 0);
    expect(books.totals.captured - books.totals.refunded + accountNet).toBe(committedTotal);
    expect(accountNet).toBeGreaterThan(0);
  });
});
