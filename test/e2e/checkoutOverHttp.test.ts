import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock } from '../../firmware-bridge/platform/clock.ts';
import { createSilentLogger } from '../../firmware-bridge/platform/logger.ts';
import { buildSimulatedPoint } from '../../controller/sim/simulatedPointBuilder.ts';
import { startFake, TEST_SECRET_KEY, type FakeHarness } from '../../fakes/stripe/testSupport.ts';
import { createKioskClient, type KioskClient } from '../../controller/contract/kiosk/index.ts';
import { demoGtin } from '../../controller/catalog/demoCatalog.ts';
import { withCheckDigit } from '../../controller/catalog/gtin.ts';
import { startSimulatedPoint, type PointFixture } from './pointFixture.ts';

/**
 * A customer buys at the kiosk of a simulated point over real HTTP, paying by card on a
 * Stripe Terminal reader served by the local Stripe fake (the official SDK talks to it).
 */
describe('checkout over the kiosk HTTP API, card payments on the Stripe fake', () => {
  let stripe: FakeHarness;
  let readerId: string;
  let f: PointFixture;
  let kiosk: KioskClient;

  beforeEach(async () => {
    stripe = await startFake();
    readerId = stripe.fake.registerReader('Kiosk').id;
    f = await startSimulatedPoint({
      http: { host: '127.0.0.1', port: 0 },
      payments: { secretKey: TEST_SECRET_KEY, readerId, api: { host: '127.0.0.1', port: stripe.port, protocol: 'http' } },
    });
    kiosk = createKioskClient({ baseUrl: f.point.url! });
  });
  afterEach(async () => {
    await f.close();
    await stripe.close();
  });

  const tap = (number = '4242424242424242') => stripe.sdk().testHelpers.terminal.readers.presentPaymentMethod(readerId, { card_present: { number } });
  const eventsOf = (type: string) => f.point.ledger.eventsOfTypes([type], 0, 1000);

  async function cartOfTwo(): Promise<string> {
    const begun = await kiosk.checkout.begin();
    const saleId = begun.sale!.saleId;
    expect(await kiosk.checkout.scan(saleId, { code: demoGtin('Kaffee, ganze Bohne') })).toMatchObject({ ok: true });
    expect(await kiosk.checkout.scan(saleId, { code: demoGtin('Spülmittel') })).toMatchObject({ ok: true });
    return saleId;
  }

  it('sells two products by card: priced by the point with VAT per rate, captured once for the same cents, committed with its stock moves', async () => {
    const saleId = await cartOfTwo();
    const cart = await kiosk.checkout.sale(saleId);
    expect(cart).toMatchObject({ state: 'cart', totalCents: 699 + 129 });
    expect(cart.vat).toEqual([
      { rate: 19, netCents: 108, vatCents: 21, grossCents: 129 },
      { rate: 7, netCents: 653, vatCents: 46, grossCents: 699 },
    ]);

    expect(await kiosk.checkout.confirm(saleId, { totalCents: 828 })).toMatchObject({ ok: true, sale: { state: 'payment' } });
    const paying = await kiosk.checkout.pay(saleId, { method: 'card' });
    expect(paying).toMatchObject({ ok: true, sale: { state: 'payment', payment: { status: 'pending' } } });
    // the reader waits for the card: polling changes nothing yet
    expect(await kiosk.checkout.sale(saleId)).toMatchObject({ state: 'payment' });

    await tap();
    const done = await kiosk.checkout.sale(saleId);
    expect(done).toMatchObject({ state: 'done', totalCents: 828, payment: { status: 'captured' }, refusal: null });
    expect(done.receipt).toMatchObject({ payment: 'card' });

    expect(eventsOf('sale.committed').map((e) => e.data)).toEqual([expect.objectContaining({ saleId, totalCents: 828, reconciled: false })]);
    expect(eventsOf('stock.moved').map((e) => e.data)).toEqual([
      expect.objectContaining({ saleId, productId: demoGtin('Kaffee, ganze Bohne').padStart(14, '0'), quantity: -1 }),
      expect.objectContaining({ saleId, productId: demoGtin('Spülmittel').padStart(14, '0'), quantity: -1 }),
    ]);
    const books = (await stripe.control('GET', '/_fake/ledger')).body as {
      paymentIntents: Array<{ status: string; amountCaptured: number }>;
      totals: { captured: number };
    };
    expect(books.paymentIntents).toEqual([expect.objectContaining({ status: 'succeeded', amountCaptured: 828 })]);
    expect(books.totals.captured).toBe(828);
  });

  it('sells beer only after the age check: a wrong PIN is refused, an age-verified member card passes, then the card pays incl. Pfand', async () => {
    const saleId = (await kiosk.checkout.begin()).sale!.saleId;
    await kiosk.checkout.scan(saleId, { code: demoGtin('Pils') });
    expect(await kiosk.checkout.confirm(saleId, { totalCents: 109 + 8 })).toMatchObject({ ok: true, sale: { state: 'ageCheck', requiredAge: 16 } });
    expect(await kiosk.checkout.pay(saleId, { method: 'card' })).toMatchObject({ ok: false, reason: 'not-now' });
    expect(await kiosk.checkout.age(saleId, { method: 'member', memberCredential: { cardUid: '04:A2:19:7C', pin: '0000' } })).toEqual({
      ok: false,
      reason: 'age-wrong-pin',
      message: 'Falsche PIN.',
    });
    expect(await kiosk.checkout.age(saleId, { method: 'member', memberCredential: { cardUid: '04:A2:19:7C', pin: '4711' } })).toMatchObject({
      ok: true,
      sale: { state: 'payment', agePassed: true },
    });
    await kiosk.checkout.pay(saleId, { method: 'card' });
    await tap();
    expect(await kiosk.checkout.sale(saleId)).toMatchObject({ state: 'done', totalCents: 117 });
    expect(eventsOf('age-check.decided').map((e) => e.data)).toEqual([
      expect.objectContaining({ saleId, method: 'member-pin', passed: true, memberId: 'm-dieter' }),
    ]);
    expect((await stripe.control('GET', '/_fake/ledger')).body).toMatchObject({ totals: { captured: 117 } });
  });

  it("refuses a kiosk total that is not the point's: nothing is fixed, nothing is charged", async () => {
    const saleId = await cartOfTwo();
    const refused = await kiosk.checkout.confirm(saleId, { totalCents: 1 });
    expect(refused).toEqual({ ok: false, reason: 'total-mismatch', message: 'Der angezeigte Betrag stimmt nicht. Bitte den Einkauf neu beginnen.' });
    expect(await kiosk.checkout.pay(saleId, { method: 'card' })).toMatchObject({ ok: false, reason: 'not-now' });
    expect(await kiosk.checkout.sale(saleId)).toMatchObject({ state: 'cart', refusal: { reason: 'not-now' } });
    expect(eventsOf('sale.cart-fixed')).toEqual([]);
    expect(eventsOf('payment.started')).toEqual([]);
    expect((await stripe.control('GET', '/_fake/ledger')).body).toMatchObject({ paymentIntents: [], totals: { captured: 0, authorised: 0 } });
  });

  it('refuses an unknown barcode with the German message and keeps the cart as it was', async () => {
    const saleId = await cartOfTwo();
    const refused = await kiosk.checkout.scan(saleId, { code: withCheckDigit('400123409999') });
    expect(refused).toEqual({ ok: false, reason: 'unknown-product', message: 'Dieses Produkt kennen wir nicht. Bitte legen Sie es zurück.' });
    const sale = await kiosk.checkout.sale(saleId);
    expect(sale.lines.map((l) => l.name)).toEqual(['Kaffee, ganze Bohne', 'Spülmittel']);
    expect(sale.refusal).toEqual({ reason: 'unknown-product', message: 'Dieses Produkt kennen wir nicht. Bitte legen Sie es zurück.' });
  });

  it('answers a sale the point does not hold with 404 unknown-sale, and lists the loose goods for the picture grid', async () => {
    await expect(kiosk.checkout.scan('no-such-sale', { code: demoGtin('Spülmittel') })).rejects.toMatchObject({ status: 404, code: 'unknown-sale' });
    const grid = await kiosk.checkout.looseCatalog();
    expect(grid.products).toContainEqual(expect.objectContaining({ plu: '1001', name: 'Brötchen', priceCents: 45, picture: 'broetchen' }));
  });

  it('an aborted sale with a payment waiting at the reader is voided: nothing stays authorised', async () => {
    const saleId = await cartOfTwo();
    await kiosk.checkout.confirm(saleId, { totalCents: 828 });
    await kiosk.checkout.pay(saleId, { method: 'card' });
    expect(await kiosk.checkout.abort(saleId)).toMatchObject({ ok: true, sale: { state: 'aborted', endReason: 'customer' } });
    expect(eventsOf('sale.aborted').map((e) => e.data)).toEqual([expect.objectContaining({ saleId, reason: 'customer' })]);
    expect((await stripe.control('GET', '/_fake/ledger')).body).toMatchObject({
      paymentIntents: [expect.objectContaining({ status: 'canceled' })],
      totals: { captured: 0, authorised: 0 },
    });
  });
});

describe('checkout over the kiosk HTTP API without a payment terminal', () => {
  it('a card payment fails as not set up, charges nothing and the sale waits for another try', async () => {
    const f = await startSimulatedPoint({ http: { host: '127.0.0.1', port: 0 } });
    try {
      const kiosk = createKioskClient({ baseUrl: f.point.url! });
      const saleId = (await kiosk.checkout.begin()).sale!.saleId;
      await kiosk.checkout.loose(saleId, { plu: '1001', qty: 3 });
      expect(await kiosk.checkout.confirm(saleId, { totalCents: 135 })).toMatchObject({ ok: true });
      expect(await kiosk.checkout.pay(saleId, { method: 'card' })).toMatchObject({
        ok: true,
        sale: { state: 'paymentFailed', payment: { status: 'canceled' } },
      });
      expect(f.point.ledger.eventsOfTypes(['payment.failed'], 0, 10).map((e) => e.data)).toEqual([
        expect.objectContaining({ reason: 'unavailable', detail: 'Kartenzahlung nicht eingerichtet' }),
      ]);
      expect(f.point.ledger.eventsOfTypes(['sale.committed'], 0, 10)).toEqual([]);
    } finally {
      await f.close();
    }
  });
});

describe('checkout reconciliation when the point starts', () => {
  it('a sale paid at the reader while the controller went down is captured and committed at the next start, once', async () => {
    const stripe = await startFake();
    const readerId = stripe.fake.registerReader('Kiosk').id;
    const dataDir = mkdtempSync(join(tmpdir(), 'dorfpunkt-e2e-'));
    const clock = new ManualClock(Date.UTC(2026, 10, 18, 9, 0, 0));
    const start = () =>
      buildSimulatedPoint({
        siteId: 'test-dorf',
        dataDir,
        clock,
        logger: createSilentLogger(),
        http: { host: '127.0.0.1', port: 0 },
        payments: { secretKey: TEST_SECRET_KEY, readerId, api: { host: '127.0.0.1', port: stripe.port, protocol: 'http' } },
      });
    try {
      const first = await start();
      const kiosk = createKioskClient({ baseUrl: first.point.url! });
      const saleId = (await kiosk.checkout.begin()).sale!.saleId;
      await kiosk.checkout.scan(saleId, { code: demoGtin('Kaffee, ganze Bohne') });
      await kiosk.checkout.confirm(saleId, { totalCents: 699 });
      await kiosk.checkout.pay(saleId, { method: 'card' });
      await stripe.sdk().testHelpers.terminal.readers.presentPaymentMethod(readerId, { card_present: { number: '4242424242424242' } });
      await first.stop(); // before the kiosk polled: the point never saw the approval
      expect((await stripe.control('GET', '/_fake/ledger')).body).toMatchObject({ totals: { captured: 0, authorised: 699 } });

      const second = await start();
      try {
        const committed = second.point.ledger.eventsOfTypes(['sale.committed'], 0, 10).map((e) => e.data);
        expect(committed).toEqual([expect.objectContaining({ saleId, totalCents: 699, reconciled: true })]);
        expect(second.point.ledger.eventsOfTypes(['stock.moved'], 0, 10)).toHaveLength(1);
        expect((await stripe.control('GET', '/_fake/ledger')).body).toMatchObject({
          paymentIntents: [expect.objectContaining({ amountCaptured: 699 })],
          totals: { captured: 699, authorised: 0 },
        });
      } finally {
        await second.stop();
      }
      // a third start finds nothing left to do: still one sale, one capture
      const third = await start();
      try {
        expect(third.point.ledger.eventsOfTypes(['sale.committed'], 0, 10)).toHaveLength(1);
      } finally {
        await third.stop();
      }
      expect((await stripe.control('GET', '/_fake/ledger')).body).toMatchObject({ totals: { captured: 699 } });
    } finally {
      await stripe.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
