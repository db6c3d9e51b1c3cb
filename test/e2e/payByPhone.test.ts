/**
 * Pay by phone end to end, everything real but the customer's phone: the standalone backoffice
 * (embedded broker, SQLite) with the Stripe fake as its Stripe, a simulated point connected to
 * the broker through a fault proxy (to cut its uplink), the kiosk's HTTP client. The point asks
 * for a Checkout Session over MQTT (an uplink event), gets the short link back as a downlink
 * change, the "phone" follows the link to the fake's page and pays, the signed webhook reaches the
 * backoffice, which relays it to the point, which completes the sale. Counted against the fake's
 * own books: never a payment without a sale or a refund.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startStandalone, type Standalone } from '../../backoffice/standalone.ts';
import { systemClock } from '../../backoffice/platform.ts';
import { createFakeStripe, type FakeStripe } from '../../fakes/stripe/fakeStripe.ts';
import { TEST_SECRET_KEY } from '../../fakes/stripe/testSupport.ts';
import { createSystemClock } from '../../firmware-bridge/platform/clock.ts';
import { createSilentLogger } from '../../firmware-bridge/platform/logger.ts';
import { createKioskClient, type KioskClient } from '../../controller/contract/kiosk/index.ts';
import { demoGtin } from '../../controller/catalog/demoCatalog.ts';
import { FaultProxy } from '../support/faultProxy.ts';
import { freePort } from '../support/services.ts';
import { useCleanup, waitFor } from '../support/fixture.ts';
import { startSimulatedPoint, type PointFixture } from './pointFixture.ts';
import { authedInject, signIn } from '../backoffice/authFixture.ts';

const SECRET = 'whsec_payByPhoneEndToEnd0000';
const SITE = 'phone-dorf';

describe('pay by phone through the backoffice over the real broker', () => {
  const t = useCleanup();
  let fake: FakeStripe;
  let office: Standalone;
  let proxy: FaultProxy;
  let f: PointFixture;
  let kiosk: KioskClient;

  beforeEach(async () => {
    fake = createFakeStripe({ secretKey: TEST_SECRET_KEY, clock: createSystemClock(), logger: createSilentLogger() });
    const { port } = await fake.listen();
    t.defer(() => fake.close());
    const httpPort = await freePort();
    office = await startStandalone({
      dataDir: t.tempDir('dorfpunkt-phone-'),
      brokerPort: 0,
      http: { port: httpPort },
      payments: {
        secretKey: TEST_SECRET_KEY,
        webhookSecrets: [SECRET],
        publicBaseUrl: `http://127.0.0.1:${httpPort}`,
        api: { host: '127.0.0.1', port, protocol: 'http' },
      },
      clock: systemClock(),
      logger: createSilentLogger(),
    });
    t.defer(() => office.stop());
    fake.addWebhookEndpoint(`${office.backoffice.httpUrl}/api/stripe/webhook`, SECRET);
    const password = await office.createSiteCredentials(SITE);
    proxy = await FaultProxy.start({ targetPort: Number(new URL(office.broker.url).port) });
    t.defer(() => proxy.stop());
    f = await startSimulatedPoint({
      clock: createSystemClock(),
      siteId: SITE,
      http: { host: '127.0.0.1', port: 0 },
      sync: { brokerUrl: `mqtt://127.0.0.1:${proxy.port}`, username: SITE, password, keepaliveSec: 5, backoff: { floorMs: 100, baseMs: 1_000, capMs: 2_000 } },
    });
    t.defer(() => f.close());
    kiosk = createKioskClient({ baseUrl: f.point.url! });
    await waitFor(() => f.point.sync?.status().connected === true, { what: 'the point connected', timeoutMs: 15_000 });
  }, 60_000);

  const events = (type: string) => f.point.ledger.eventsOfTypes([type], 0, 1000);

  async function basket(): Promise<string> {
    const saleId = (await kiosk.checkout.begin()).sale!.saleId;
    await kiosk.checkout.scan(saleId, { code: demoGtin('Kaffee, ganze Bohne') });
    await kiosk.checkout.scan(saleId, { code: demoGtin('Spülmittel') });
    expect(await kiosk.checkout.confirm(saleId, { totalCents: 828 })).toMatchObject({ ok: true, sale: { state: 'payment' } });
    return saleId;
  }

  async function linkOf(saleId: string): Promise<string> {
    let url: string | undefined;
    await waitFor(
      async () => {
        url = (await kiosk.checkout.sale(saleId)).phoneLink?.shortUrl;
        return url !== undefined;
      },
      { what: 'the short link at the kiosk', timeoutMs: 15_000 },
    );
    return url!;
  }

  /** The phone: follow the short link to the payment page and press "pay". */
  async function payOnPhone(shortUrl: string): Promise<void> {
    const res = await fetch(shortUrl, { redirect: 'manual' });
    expect(res.status).toBe(302);
    const page = res.headers.get('location')!;
    expect(page).toMatch(/\/_fake\/checkout\/cs_test_/);
    expect((await fetch(page)).status).toBe(200);
    const paid = await fetch(`${page}/pay`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'number=4242424242424242',
    });
    expect(paid.status).toBe(200);
  }

  it('sells by phone: QR link from the backoffice, paid on the phone, the relayed webhook completes the sale once', async () => {
    const saleId = await basket();
    expect(await kiosk.checkout.pay(saleId, { method: 'phone' })).toMatchObject({ ok: true, sale: { state: 'payment', payment: { provider: 'phone' } } });
    const shortUrl = await linkOf(saleId);
    expect(shortUrl).toMatch(new RegExp(`^${office.backoffice.httpUrl}/p/[a-z2-9]{8}$`));
    expect((await kiosk.checkout.sale(saleId)).phoneLink?.qrSvg).toMatch(/^<svg /);

    await payOnPhone(shortUrl);
    await waitFor(async () => (await kiosk.checkout.sale(saleId)).state === 'done', { what: 'the sale done', timeoutMs: 15_000 });
    const done = await kiosk.checkout.sale(saleId);
    expect(done.receipt).toMatchObject({ payment: 'phone', totalCents: 828 });
    expect(events('sale.committed')).toHaveLength(1);
    expect(events('phone-pay.paid')).toHaveLength(1);

    const books = fake.ledger();
    expect(books.paymentIntents).toHaveLength(1);
    expect(books.totals).toMatchObject({ captured: 828, refunded: 0 });
    expect(books.paymentIntents[0]!.metadata).toMatchObject({ siteId: SITE, saleId });
    // the backoffice made one session for the payment, and its link ended with the payment
    const links = await office.backoffice.db.selectFrom('pay_links').selectAll().execute();
    expect(links).toHaveLength(1);
    await waitFor(async () => (await fetch(shortUrl, { redirect: 'manual' })).status === 410, { what: 'the link ended' });
  }, 60_000);

  it('a customer who pays on the phone after the kiosk gave up (uplink down meanwhile) is refunded once; no sale', async () => {
    const saleId = await basket();
    await kiosk.checkout.pay(saleId, { method: 'phone' });
    const shortUrl = await linkOf(saleId);

    // the point's uplink goes down; the customer walks away from the kiosk
    proxy.refuse(true);
    proxy.resetAll();
    await waitFor(() => f.point.sync?.status().connected === false, { what: 'the uplink down' });
    expect(await kiosk.checkout.abort(saleId)).toMatchObject({ ok: true });
    await waitFor(async () => (await kiosk.checkout.sale(saleId)).state === 'aborted', { what: 'the sale aborted' });
    expect(events('phone-pay.cancel-requested')).toHaveLength(1);

    // … but pays on the phone before the backoffice heard of it
    await payOnPhone(shortUrl);
    expect(fake.ledger().totals.captured).toBe(828);

    proxy.refuse(false);
    await waitFor(() => events('phone-pay.ended').some((e) => e.data['stage'] === 'refunded'), { what: 'the refund reported to the point', timeoutMs: 30_000 });
    const books = fake.ledger();
    expect(books.totals).toMatchObject({ captured: 828, refunded: 828 });
    expect(events('sale.committed')).toHaveLength(0);
    expect(events('phone-pay.paid')).toHaveLength(1); // the relayed completion, recorded, no sale
    const rows = await office.backoffice.db.selectFrom('phone_payments').selectAll().execute();
    expect(rows).toMatchObject([{ site_id: SITE, state: 'refunded' }]);
  }, 60_000);

  it('a member pays on account with the uplink down, bounded by the credit limit the backoffice set', async () => {
    const op = authedInject(office.backoffice.api, await signIn(office.backoffice.db, 'operator', Date.now()));
    // the demo member Anna, known to the backoffice for this point
    const member = await op({ url: '/api/members', method: 'POST', payload: { name: 'Anna Konto', role: 'member', sites: [SITE] } });
    expect(member.statusCode).toBe(200);
    const memberId = (member.json() as { id: string }).id;
    const card = await op({ url: `/api/members/${memberId}/credentials`, method: 'POST', payload: { kind: 'card', cardUid: '04A1B2C3D4E5F6', pin: '4711' } });
    expect(card.statusCode).toBe(200);
    const set = await op({ url: `/api/members/${memberId}/account`, method: 'PUT', payload: { mode: 'invoice', limitCents: 1000 } });
    expect(set.statusCode).toBe(200);
    expect(set.json()).toMatchObject({ memberId, mode: 'invoice', limitCents: 1000, sites: [SITE] });
    await waitFor(() => events('account.terms-set').some((e) => e.data['memberId'] === memberId), { what: 'the terms at the point', timeoutMs: 15_000 });

    proxy.refuse(true);
    proxy.resetAll();
    await waitFor(() => f.point.sync?.status().connected === false, { what: 'the uplink down' });
    const credential = { cardUid: '04A1B2C3D4E5F6', pin: '4711' };
    const saleId = await basket(); // 8.28 EUR
    expect(await kiosk.checkout.pay(saleId, { method: 'account', memberCredential: credential })).toMatchObject({ ok: true });
    await waitFor(async () => (await kiosk.checkout.sale(saleId)).state === 'done', { what: 'the sale on account' });
    expect((await kiosk.checkout.sale(saleId)).receipt).toMatchObject({ payment: 'account' });
    // a second basket would exceed the limit: refused, nothing booked
    const again = await basket();
    await kiosk.checkout.pay(again, { method: 'account', memberCredential: credential });
    await waitFor(async () => (await kiosk.checkout.sale(again)).state === 'paymentFailed', { what: 'the second refused' });
    expect(events('account.captured')).toHaveLength(1);
    expect(events('account.captured')[0]!.data['amountCents']).toBe(828);
  }, 60_000);
});
