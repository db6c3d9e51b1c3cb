/**
 * The composition root's payment wiring, end to end: the standalone backoffice (embedded broker,
 * SQLite) configured with the Stripe fake as its Stripe; the fake posts a webhook over HTTP and the
 * point, connected to the broker with its own credentials, receives the `payment.webhook` change on
 * `down/changes`, and gets it again after reconnecting until it confirms it.
 */
import { describe, expect, it } from 'vitest';
import { startStandalone } from '../../backoffice/standalone.ts';
import { systemClock } from '../../backoffice/platform.ts';
import { createFakeStripe } from '../../fakes/stripe/fakeStripe.ts';
import { TEST_SECRET_KEY } from '../../fakes/stripe/testSupport.ts';
import { createSystemClock } from '../../firmware-bridge/platform/clock.ts';
import { createSilentLogger } from '../../firmware-bridge/platform/logger.ts';
import Stripe from 'stripe';
import { TestSite } from './support.ts';
import { useCleanup, waitFor } from '../support/fixture.ts';

const SECRET = 'whsec_endToEndBackoffice0000';

describe('payments wired into the standalone backoffice', () => {
  const t = useCleanup();

  it('relays a Stripe webhook to the point over the broker as a payment.webhook change', async () => {
    const fake = createFakeStripe({ secretKey: TEST_SECRET_KEY, clock: createSystemClock(), logger: createSilentLogger() });
    const { port } = await fake.listen();
    t.defer(() => fake.close());
    const sa = await startStandalone({
      dataDir: t.tempDir('dorfpunkt-pay-'),
      brokerPort: 0,
      http: { port: 0 },
      payments: {
        secretKey: TEST_SECRET_KEY,
        webhookSecrets: [SECRET],
        publicBaseUrl: 'https://dorfpunkt.example',
        api: { host: '127.0.0.1', port, protocol: 'http' },
      },
      clock: systemClock(),
      logger: createSilentLogger(),
    });
    t.defer(() => sa.stop());
    fake.addWebhookEndpoint(`${sa.backoffice.httpUrl}/api/stripe/webhook`, SECRET);
    const point = new TestSite('pay-site', sa.broker.url, await sa.createSiteCredentials('pay-site'));
    await point.connect();
    t.defer(() => point.end());

    const stripe = new Stripe(TEST_SECRET_KEY, { host: '127.0.0.1', port, protocol: 'http', telemetry: false, maxNetworkRetries: 0 });
    const pi = await stripe.paymentIntents.create({
      amount: 2350,
      currency: 'eur',
      allowed_payment_method_types: ['card_present'],
      capture_method: 'manual',
      metadata: { siteId: 'pay-site', saleId: 'sale-e2e' },
    });
    const changes = () =>
      point.down
        .filter((m) => m.topic === 'dorfpunkt/v1/pay-site/down/changes')
        .map(
          (m) =>
            JSON.parse(m.payload) as { version: number; kind: string; body: { paymentIntentId: string; amountCents: number; saleId: string; type: string } },
        );
    await waitFor(() => changes().length > 0, { what: 'payment.webhook change at the point' });
    const [c] = changes();
    expect(c).toMatchObject({
      version: 1,
      kind: 'payment.webhook',
      body: { type: 'payment_intent.created', paymentIntentId: pi.id, amountCents: 2350, saleId: 'sale-e2e' },
    });

    // Not confirmed by the point: the backoffice resends it (here: at once, as after a new birth).
    await sa.backoffice.downlink.resendUnapplied('pay-site');
    await waitFor(() => changes().length > 1, { what: 'the unapplied change resent' });
    expect(changes()[1]).toEqual(c);
  });
});
