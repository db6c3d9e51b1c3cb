/**
 * A card outcome by webhook (issue 10: "by polling and by webhook"): the standalone backoffice with
 * the Stripe fake as its Stripe relays the reader payment's `payment_intent.*` webhook to the point
 * over the real broker; the point, nudged by the applied change, asks Stripe at once (the webhook
 * body moves no money) and commits the sale although the kiosk has not polled since paying.
 * Without a webhook the same payment waits for the kiosk's next poll.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStandalone, type Standalone } from '../../backoffice/standalone.ts';
import { systemClock } from '../../backoffice/platform.ts';
import { createFakeStripe, type FakeStripe } from '../../fakes/stripe/fakeStripe.ts';
import { TEST_SECRET_KEY } from '../../fakes/stripe/testSupport.ts';
import { createSystemClock } from '../../firmware-bridge/platform/clock.ts';
import { createSilentLogger } from '../../firmware-bridge/platform/logger.ts';
import { createKioskClient, type KioskClient } from '../../controller/contract/kiosk/index.ts';
import { demoGtin } from '../../controller/catalog/demoCatalog.ts';
import { freePort } from '../support/services.ts';
import { useCleanup, waitFor } from '../support/fixture.ts';
import { startSimulatedPoint, type PointFixture } from './pointFixture.ts';

const SECRET = 'whsec_cardOutcomeByWebhook000';
const SITE = 'karte-dorf';

describe('card outcome by webhook at the point', () => {
  const t = useCleanup();
  let fake: FakeStripe;
  let office: Standalone;
  let f: PointFixture;
  let kiosk: KioskClient;
  let readerId: string;
  let stripePort: number;

  beforeAll(async () => {
    fake = createFakeStripe({ secretKey: TEST_SECRET_KEY, clock: createSystemClock(), logger: createSilentLogger() });
    stripePort = (await fake.listen()).port;
    readerId = fake.registerReader('Kiosk').id;
    const httpPort = await freePort();
    office = await startStandalone({
      dataDir: t.tempDir('dorfpunkt-card-webhook-'),
      brokerPort: 0,
      http: { port: httpPort },
      payments: {
        secretKey: TEST_SECRET_KEY,
        webhookSecrets: [SECRET],
        publicBaseUrl: `http://127.0.0.1:${httpPort}`,
        api: { host: '127.0.0.1', port: stripePort, protocol: 'http' },
      },
      clock: systemClock(),
      logger: createSilentLogger(),
    });
    const password = await office.createSiteCredentials(SITE);
    f = await startSimulatedPoint({
      clock: createSystemClock(),
      siteId: SITE,
      http: { host: '127.0.0.1', port: 0 },
      payments: { secretKey: TEST_SECRET_KEY, readerId, api: { host: '127.0.0.1', port: stripePort, protocol: 'http' } },
      sync: { brokerUrl: office.broker.url, username: SITE, password, keepaliveSec: 5 },
    });
    kiosk = createKioskClient({ baseUrl: f.point.url! });
    await waitFor(() => f.point.sync?.status().connected === true, { what: 'the point connected', timeoutMs: 15_000 });
  }, 60_000);

  afterAll(async () => {
    await f?.close();
    await office?.stop();
    await fake?.close();
  });

  const events = (type: string) => f.point.ledger.eventsOfTypes([type], 0, 1000);
  const committed = (saleId: string) => events('sale.committed').some((e) => e.data['saleId'] === saleId);
  const tap = async (): Promise<void> => {
    const r = await fetch(`http://127.0.0.1:${stripePort}/v1/test_helpers/terminal/readers/${readerId}/present_payment_method`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TEST_SECRET_KEY}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: 'card_present[number]=4242424242424242',
    });
    expect(r.status).toBe(200);
  };
  const authorisedAtStripe = (saleId: string) =>
    fake.ledger().paymentIntents.some((p) => p.metadata['saleId'] === saleId && (p.status === 'requires_capture' || p.status === 'succeeded'));

  /** A basket of 8.28 EUR paid by card: the reader waits; the kiosk does not poll afterwards. */
  async function cardWaiting(): Promise<string> {
    const saleId = (await kiosk.checkout.begin()).sale!.saleId;
    await kiosk.checkout.scan(saleId, { code: demoGtin('Kaffee, ganze Bohne') });
    await kiosk.checkout.scan(saleId, { code: demoGtin('Spülmittel') });
    expect(await kiosk.checkout.confirm(saleId, { totalCents: 828 })).toMatchObject({ ok: true, sale: { state: 'payment' } });
    expect(await kiosk.checkout.pay(saleId, { method: 'card' })).toMatchObject({ ok: true, sale: { state: 'payment', payment: { status: 'pending' } } });
    return saleId;
  }

  it('without a webhook, a tapped card completes the sale only at the kiosk’s next poll', async () => {
    const saleId = await cardWaiting();
    await tap();
    await waitFor(() => authorisedAtStripe(saleId), { what: 'the payment authorised at Stripe' });
    expect(committed(saleId)).toBe(false);
    expect(await kiosk.checkout.sale(saleId)).toMatchObject({ state: 'done', payment: { status: 'captured' } });
    expect(committed(saleId)).toBe(true);
  }, 30_000);

  it('with the relayed webhook, the sale is committed at once without a poll, captured once at Stripe', async () => {
    fake.addWebhookEndpoint(`${office.backoffice.httpUrl}/api/stripe/webhook`, SECRET);
    const saleId = await cardWaiting();
    await tap();
    await waitFor(() => committed(saleId), { what: 'the sale committed by the webhook', timeoutMs: 15_000 });
    expect(events('payment.webhook-applied').some((e) => e.data['saleId'] === saleId)).toBe(true);
    const pis = fake.ledger().paymentIntents.filter((p) => p.metadata['saleId'] === saleId);
    expect(pis).toEqual([expect.objectContaining({ amountCaptured: 828, amountRefunded: 0 })]);
    expect(await kiosk.checkout.sale(saleId)).toMatchObject({ state: 'done', receipt: { payment: 'card' } });
    expect(events('sale.committed').filter((e) => e.data['saleId'] === saleId)).toHaveLength(1);
  }, 30_000);
});
