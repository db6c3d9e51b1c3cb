/**
 * Composition root of the backoffice process: database (SQLite default / PostgreSQL), migrations,
 * MQTT sync router (ingest, presence), downlink publisher, JSON API. One `startBackoffice` per
 * process; tests start several in-process.
 */
import type { Kysely } from 'kysely';
import { openDatabase, type DbConfig } from './db/database.ts';
import type { DB } from './db/schema.ts';
import { Downlink } from './downlink/downlink.ts';
import { buildApi, type PaymentsApi } from './http/api.ts';
import { SyncRouter, type IngestStats } from './ingest/syncRouter.ts';
import type { IngestHooks } from './ingest/ingestQueue.ts';
import type { Clock, Logger } from './platform.ts';
import type { LoginStats } from './broker/loginLimiter.ts';
import type { FastifyInstance } from 'fastify';
import type { AuthConfig } from './accounts/login.ts';
import Stripe from 'stripe';
import { AuditLog } from './accounts/audit.ts';
import { PayByPhone } from './payments/payByPhone.ts';
import { StripeWebhookReceiver } from './payments/webhooks.ts';
import { PhoneDispatcher } from './payments/phoneDispatcher.ts';
import { loadOrCreateSigningKey, type MemberSigningKey } from './credentials/signingKey.ts';
import type { PinCost } from './credentials/pinHash.ts';
import { AlarmNotifier } from './alarms/alarmNotifier.ts';
import { smtpTransport } from './alarms/mailer.ts';

export interface BackofficeOptions {
  db: DbConfig;
  mqttUrl: string;
  mqttUsername?: string;
  mqttPassword?: string;
  clientId: string;
  /** Shared-subscription group (Mosquitto `$share/<group>/...`) for several instances; not on Aedes. */
  sharedGroup?: string;
  http?: { port: number; host?: string };
  /** Republish unapplied downlink changes this often (default 30 s). */
  downlinkResendMs?: number;
  /**
   * Sign-in settings (accounts/login.ts). `secureCookie` defaults to true: set it false only for
   * plain-HTTP development (`npm start` on 127.0.0.1).
   */
  auth?: Partial<AuthConfig>;
  /** Fastify `trustProxy` behind a reverse proxy, so the audit log gets the client's address. */
  trustProxy?: boolean | string | string[];
  /** Crash tests only: hooks right before the ingest COMMIT and between COMMIT and `down/ack`. */
  ingestHooks?: IngestHooks;
  /**
   * The Ed25519 key file that signs member QR tokens (PKCS#8 PEM, 0600), created on first use;
   * usually `<dataDir>/member-signing-key.pem`. Every instance behind one database needs the same
   * file. Absent: members can be managed, but QR tokens and card sheets answer 503.
   */
  memberSigningKeyPath?: string;
  /** scrypt cost of card PIN hashes (default N=16384, r=8, p=1 as on the point); tests lower it. */
  memberPinCost?: PinCost;
  /** Failed broker logins and locks (embedded broker), shown in `/health` as `brokerLogins`. */
  loginStats?: () => LoginStats;
  /** Stripe (webhook receiver, pay by phone); without it the payment routes answer 503. */
  payments?: PaymentsOptions;
  /** The built operators' web app (`backoffice/web/dist`, see web/build.ts), served at `/`; absent: not served. */
  webRoot?: string;
  /** Alarm e-mails (alarms/alarmNotifier.ts); absent: none are sent (settings can still be made). */
  mail?: MailOptions;
  clock: Clock;
  logger: Logger;
}

export interface MailOptions {
  /** `smtp://user:pass@host:587` or `smtps://host:465`. */
  smtpUrl: string;
  /** From header, e.g. `dorfpunkt <alarme@example.org>`. */
  from: string;
  /** Public address of the web app, for links in the mails. */
  webUrl?: string;
  /** Poll interval and retry delays (tests shorten them); see NotifierOptions. */
  pollMs?: number;
  retryBaseMs?: number;
  retryMaxMs?: number;
}

export interface PaymentsOptions {
  secretKey: string;
  /** Webhook endpoint signing secrets (`whsec_…`); give the old and the new one while rotating. */
  webhookSecrets: string[];
  /** Public address of this backoffice for pay-by-phone short links, e.g. `https://dorfpunkt.example`. */
  publicBaseUrl: string;
  /** A local Stripe fake (`fakes/stripe`): host, port, protocol `http`. */
  api?: { host: string; port: number; protocol: 'http' | 'https' };
}

export interface Backoffice {
  db: Kysely<DB>;
  dialect: 'sqlite' | 'postgres';
  downlink: Downlink;
  stats: IngestStats;
  /** Base URL of the HTTP API when `http` was given. */
  httpUrl: string | null;
  /** Alarm e-mails when `mail` was given. */
  notifier: AlarmNotifier | null;
  /** The Fastify app (for `inject()` in tests). */
  api: FastifyInstance;
  /** Process one uplink message as if it came from the broker (tests). */
  handleMessage(topic: string, payload: Uint8Array): Promise<void>;
  stop(): Promise<void>;
  /** Tests: drop the broker connection abruptly and close everything without a clean DISCONNECT. */
  kill(): Promise<void>;
}

export async function startBackoffice(opts: BackofficeOptions): Promise<Backoffice> {
  const logger = opts.logger.child({ component: 'backoffice', clientId: opts.clientId });
  const database = await openDatabase(opts.db);
  const db = database.db;
  let downlink: Downlink | null = null;
  const router = new SyncRouter({
    db,
    mqttUrl: opts.mqttUrl,
    clientId: opts.clientId,
    ...(opts.mqttUsername !== undefined ? { username: opts.mqttUsername } : {}),
    ...(opts.mqttPassword !== undefined ? { password: opts.mqttPassword } : {}),
    ...(opts.sharedGroup !== undefined ? { sharedGroup: opts.sharedGroup } : {}),
    ...(opts.ingestHooks ? { hooks: opts.ingestHooks } : {}),
    clock: opts.clock,
    logger,
    getDownlink: () => {
      if (!downlink) throw new Error('downlink not started');
      return downlink;
    },
  });
  downlink = new Downlink({
    db,
    publish: router.publish,
    publishNow: router.publishNow,
    connected: () => router.connected,
    clock: opts.clock,
    logger,
    resendIntervalMs: opts.downlinkResendMs ?? 30_000,
  });
  const now = (): number => Math.floor(opts.clock.now());
  let payments: PaymentsApi | undefined;
  let phoneDispatcher: PhoneDispatcher | null = null;
  if (opts.payments) {
    const p = opts.payments;
    const dl = downlink;
    const stripe = new Stripe(p.secretKey, { ...(p.api ?? {}), telemetry: false, maxNetworkRetries: 2, timeout: 15_000 });
    payments = {
      webhooks: new StripeWebhookReceiver({
        db,
        stripe,
        signingSecrets: p.webhookSecrets,
        now,
        audit: new AuditLog(),
        relay: (siteId, body) => dl.publishChange(siteId, 'payment.webhook', body),
        logger: logger.child({ component: 'stripe-webhooks' }),
      }),
      payByPhone: new PayByPhone({ db, stripe, publicBaseUrl: p.publicBaseUrl, now, logger: logger.child({ component: 'pay-by-phone' }) }),
    };
    // The points' pay-by-phone requests (arrived as events) → Checkout Sessions, links, expiries, refunds.
    phoneDispatcher = new PhoneDispatcher({
      db,
      stripe,
      payByPhone: payments.payByPhone,
      publish: (siteId, body) => dl.publishChange(siteId, 'payment.phone', body),
      clock: opts.clock,
      logger: logger.child({ component: 'pay-by-phone' }),
    });
  }
  let signingKey: MemberSigningKey | null = null;
  const keyPath = opts.memberSigningKeyPath;
  const api = buildApi({
    ...(payments ? { payments } : {}),
    db,
    members: {
      changes: downlink,
      ...(keyPath !== undefined ? { signingKey: () => (signingKey ??= loadOrCreateSigningKey(keyPath)) } : {}),
      ...(opts.memberPinCost ? { pinCost: opts.memberPinCost } : {}),
    },
    commands: downlink,
    downlink,
    stats: () => router.stats,
    mqttConnected: () => router.connected,
    clock: opts.clock,
    logger,
    ...(opts.loginStats ? { loginStats: opts.loginStats } : {}),
    ...(opts.auth ? { auth: opts.auth } : {}),
    ...(opts.trustProxy !== undefined ? { trustProxy: opts.trustProxy } : {}),
    ...(opts.webRoot !== undefined ? { webRoot: opts.webRoot } : {}),
  });
  const notifier = opts.mail
    ? new AlarmNotifier({
        db,
        transport: smtpTransport({ url: opts.mail.smtpUrl, from: opts.mail.from }),
        clock: opts.clock,
        logger: logger.child({ component: 'alarm-mail' }),
        ...(opts.mail.webUrl !== undefined ? { webUrl: opts.mail.webUrl } : {}),
        ...(opts.mail.pollMs !== undefined ? { pollMs: opts.mail.pollMs } : {}),
        ...(opts.mail.retryBaseMs !== undefined ? { retryBaseMs: opts.mail.retryBaseMs } : {}),
        ...(opts.mail.retryMaxMs !== undefined ? { retryMaxMs: opts.mail.retryMaxMs } : {}),
      })
    : null;
  let httpUrl: string | null = null;
  try {
    await router.start();
    downlink.start();
    phoneDispatcher?.start();
    notifier?.start();
    if (opts.http) {
      httpUrl = await api.listen({ port: opts.http.port, host: opts.http.host ?? '127.0.0.1' });
    } else {
      await api.ready();
    }
  } catch (e) {
    await phoneDispatcher?.stop();
    await notifier?.stop();
    downlink.stop();
    await router.stop().catch(() => undefined);
    await api.close().catch(() => undefined);
    await database.close();
    throw e;
  }
  logger.info({ dialect: database.dialect, httpUrl }, 'backoffice started');
  let stopped = false;
  const shutdown = async (hard: boolean): Promise<void> => {
    if (stopped) return;
    stopped = true;
    await phoneDispatcher?.stop();
    await notifier?.stop();
    downlink?.stop();
    if (hard) await router.kill();
    else await router.stop();
    await api.close();
    await database.close();
  };
  return {
    db,
    dialect: database.dialect,
    downlink,
    stats: router.stats,
    httpUrl,
    notifier,
    api,
    handleMessage: (topic, payload) => router.handle(topic, payload),
    stop: () => shutdown(false),
    kill: () => shutdown(true),
  };
}
