/**
 * The backoffice's payment routes against the real Stripe fake (fakes/stripe) on free ports: one
 * ManualClock for both (signatures are made and checked on it), the real Fastify app listening on
 * 127.0.0.1 (Stripe's deliveries arrive over HTTP, raw bytes and all), the real Downlink storing
 * changes, with its MQTT publishing recorded. SQLite, or PostgreSQL in a fresh schema.
 */
import Stripe from 'stripe';
import type { Kysely } from 'kysely';
import { buildApi, type App } from '../../backoffice/http/api.ts';
import { AuditLog } from '../../backoffice/accounts/audit.ts';
import type { DB } from '../../backoffice/db/schema.ts';
import { Downlink } from '../../backoffice/downlink/downlink.ts';
import { PayByPhone } from '../../backoffice/payments/payByPhone.ts';
import { StripeWebhookReceiver } from '../../backoffice/payments/webhooks.ts';
import { decode } from '../../controller/contract/sync/index.ts';
import type { PaymentWebhook } from '../../controller/contract/changes/payments.ts';
import { createFakeStripe, type FakeStripe } from '../../fakes/stripe/fakeStripe.ts';
import { TEST_SECRET_KEY } from '../../fakes/stripe/testSupport.ts';
import { ManualClock } from '../../firmware-bridge/platform/clock.ts';
import { createRecordingLogger, createSilentLogger, type LogRecord } from '../../firmware-bridge/platform/logger.ts';
import { openTestDb, type TestDb } from '../support/testDb.ts';
import { waitFor } from '../support/waitFor.ts';
import { TEST_SCRYPT } from './authFixture.ts';
import { ZERO_STATS } from './authHarness.ts';
import { DEFAULT_SESSION_LIMITS } from '../../backoffice/accounts/sessions.ts';
import { DEFAULT_THROTTLE } from '../../backoffice/accounts/throttle.ts';

export const WEBHOOK_SECRET = 'whsec_dorfpunktBackofficeTest000';

export interface Published {
  topic: string;
  version: number;
  kind: string;
  body: unknown;
}

export interface PaymentsHarness {
  db: TestDb;
  kysely: Kysely<DB>;
  clock: ManualClock;
  fake: FakeStripe;
  fakeUrl: string;
  stripe: Stripe;
  app: App;
  /** The backoffice's listening address. */
  base: string;
  webhookUrl: string;
  published: Published[];
  logs: LogRecord[];
  /** `payment.webhook` bodies published for a site (MQTT `down/changes`). */
  relayed(siteId: string): PaymentWebhook[];
  /** Wait until the fake has delivered `count` attempts of this event with a 2xx answer. */
  deliveredOk(eventId: string, count: number): Promise<void>;
  control(method: 'GET' | 'POST', path: string, body?: unknown): Promise<{ status: number; body: any }>;
  close(): Promise<void>;
}

export async function startPaymentsHarness(
  kind: 'sqlite' | 'postgres',
  opts: {
    registerEndpoint?: boolean;
    signingSecrets?: string[];
    /** The first n relays throw (a DB or broker failure after the event was stored). */ failRelays?: number;
  } = {},
): Promise<PaymentsHarness> {
  const db = await openTestDb(kind);
  const clock = new ManualClock(Date.UTC(2027, 2, 1, 9, 0, 0));
  const logs: LogRecord[] = [];
  const logger = createRecordingLogger(logs);
  const fake = createFakeStripe({ secretKey: TEST_SECRET_KEY, clock, logger: createSilentLogger() });
  const { port: fakePort, url: fakeUrl } = await fake.listen();
  const stripe = new Stripe(TEST_SECRET_KEY, { host: '127.0.0.1', port: fakePort, protocol: 'http', telemetry: false, maxNetworkRetries: 0, timeout: 5_000 });
  const published: Published[] = [];
  const downlink = new Downlink({
    db: db.db,
    publish: async (topic, payload) => {
      const d = decode('changes', payload);
      if (!d.ok) throw new Error(`published an undecodable change: ${JSON.stringify(d)}`);
      published.push({ topic, version: d.value.version, kind: d.value.kind, body: d.value.body });
    },
    publishNow: () => {
      throw new Error('no commands in these tests');
    },
    connected: () => true,
    clock,
    logger,
  });
  const now = (): number => Math.floor(clock.now());
  let base = 'http://127.0.0.1:0';
  let relayFailures = opts.failRelays ?? 0;
  const payByPhone = new PayByPhone({
    db: db.db,
    stripe,
    get publicBaseUrl() {
      return base;
    },
    now,
    logger,
  });
  const app = buildApi({
    db: db.db,
    stats: () => ZERO_STATS,
    mqttConnected: () => true,
    clock,
    logger,
    auth: { secureCookie: true, session: DEFAULT_SESSION_LIMITS, throttle: DEFAULT_THROTTLE, scryptCost: TEST_SCRYPT },
    payments: {
      webhooks: new StripeWebhookReceiver({
        db: db.db,
        stripe,
        signingSecrets: opts.signingSecrets ?? [WEBHOOK_SECRET],
        now,
        audit: new AuditLog(),
        relay: async (siteId, body) => {
          if (relayFailures > 0) {
            relayFailures--;
            throw new Error('relay failed (test)');
          }
          return downlink.publishChange(siteId, 'payment.webhook', body);
        },
        logger,
      }),
      payByPhone,
    },
  });
  base = await app.listen({ port: 0, host: '127.0.0.1' });
  const webhookUrl = `${base}/api/stripe/webhook`;
  if (opts.registerEndpoint !== false) fake.addWebhookEndpoint(webhookUrl, WEBHOOK_SECRET);
  const control = async (method: 'GET' | 'POST', path: string, body?: unknown) => {
    const res = await fetch(`${fakeUrl}${path}`, {
      method,
      ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
    });
    const text = await res.text();
    return { status: res.status, body: res.headers.get('content-type')?.includes('json') ? JSON.parse(text) : text };
  };
  return {
    db,
    kysely: db.db,
    clock,
    fake,
    fakeUrl,
    stripe,
    app,
    base,
    webhookUrl,
    published,
    logs,
    relayed: (siteId) =>
      published.filter((p) => p.kind === 'payment.webhook' && p.topic === `dorfpunkt/v1/${siteId}/down/changes`).map((p) => p.body as PaymentWebhook),
    async deliveredOk(eventId, count) {
      await waitFor(
        async () => {
          const d = (await control('GET', '/_fake/deliveries')).body as { eventId: string; status: number | null }[];
          return d.filter((x) => x.eventId === eventId && x.status !== null && x.status >= 200 && x.status < 300).length >= count;
        },
        { what: `${count} successful deliveries of ${eventId}` },
      );
    },
    control,
    close: async () => {
      await fake.close();
      await app.close();
      await db.dispose();
    },
  };
}
