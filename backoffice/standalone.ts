/**
 * Zero-setup backoffice: the embedded Aedes broker plus one backoffice instance on SQLite, wired
 * with an in-memory service account. Used by `dorfpunkt backoffice --embedded-broker` and `npm start`.
 */
import { join } from 'node:path';
import { mkdirSync } from 'node:fs';
import { startEmbeddedBroker, type EmbeddedBroker } from './broker/embeddedBroker.ts';
import type { LoginLimitPolicy } from './broker/loginLimiter.ts';
import { dbLoginLockStore } from './broker/loginLockStore.ts';
import { generatePassword } from './credentials/passwordHash.ts';
import { createSiteCredentials, dbCredentialLookup } from './credentials/siteCredentials.ts';
import { startBackoffice, type Backoffice, type MailOptions, type PaymentsOptions } from './main.ts';
import { SIGNING_KEY_FILE } from './credentials/signingKey.ts';
import type { DbConfig } from './db/database.ts';
import type { Clock, Logger } from './platform.ts';
import type { AuthConfig } from './accounts/login.ts';

export interface StandaloneOptions {
  /** Defaults to SQLite at `<dataDir>/backoffice.db`. */
  db?: DbConfig;
  dataDir: string;
  brokerPort: number;
  brokerHost?: string;
  http?: { port: number; host?: string };
  /** Failed-login limits of the embedded broker (defaults: 5 per username, 20 per address, 60 s doubling to 15 min). */
  brokerLoginLimit?: Partial<LoginLimitPolicy>;
  /** Sign-in settings, e.g. `{ secureCookie: false }` for plain HTTP on 127.0.0.1 (`npm start`). */
  auth?: Partial<AuthConfig>;
  /** Stripe webhook receiver and pay by phone (see main.ts). */
  payments?: PaymentsOptions;
  /** The built operators' web app (backoffice/web/dist), served at `/`. */
  webRoot?: string;
  /** Alarm e-mails over SMTP (see main.ts). */
  mail?: MailOptions;
  clock: Clock;
  logger: Logger;
}

export interface Standalone {
  broker: EmbeddedBroker;
  backoffice: Backoffice;
  /** Create (or rotate) a site's broker password and clear its login lock; returns the clear password once. */
  createSiteCredentials(siteId: string): Promise<string>;
  stop(): Promise<void>;
}

export async function startStandalone(o: StandaloneOptions): Promise<Standalone> {
  mkdirSync(o.dataDir, { recursive: true });
  const db: DbConfig = o.db ?? { kind: 'sqlite', path: join(o.dataDir, 'backoffice.db') };
  const service = { username: '_backoffice', password: generatePassword() };
  // The broker needs the DB for site credentials; the backoffice needs the broker. Break the cycle
  // with a late-bound lookup.
  let lookup: ((u: string) => Promise<string | null>) | null = null;
  const broker = await startEmbeddedBroker({
    port: o.brokerPort,
    ...(o.brokerHost !== undefined ? { host: o.brokerHost } : {}),
    lookupSiteHash: (u) => (lookup ? lookup(u) : Promise.resolve(null)),
    serviceAccounts: [service],
    loginLimit: { store: 'attach-later', ...(o.brokerLoginLimit ? { policy: o.brokerLoginLimit } : {}) },
    clock: o.clock,
    logger: o.logger.child({ component: 'broker' }),
  });
  let backoffice: Backoffice;
  try {
    backoffice = await startBackoffice({
      db,
      mqttUrl: broker.url,
      mqttUsername: service.username,
      mqttPassword: service.password,
      clientId: '_backoffice-1',
      ...(o.http ? { http: o.http } : {}),
      loginStats: () => broker.logins(),
      memberSigningKeyPath: join(o.dataDir, SIGNING_KEY_FILE),
      ...(o.auth ? { auth: o.auth } : {}),
      ...(o.payments ? { payments: o.payments } : {}),
      ...(o.webRoot !== undefined ? { webRoot: o.webRoot } : {}),
      ...(o.mail ? { mail: o.mail } : {}),
      clock: o.clock,
      logger: o.logger,
    });
  } catch (e) {
    await broker.stop();
    throw e;
  }
  lookup = dbCredentialLookup(backoffice.db);
  try {
    await broker.attachLoginStore(dbLoginLockStore(backoffice.db));
  } catch (e) {
    await backoffice.stop();
    await broker.stop();
    throw e;
  }
  return {
    broker,
    backoffice,
    createSiteCredentials: async (siteId) => {
      const { password } = await createSiteCredentials(backoffice.db, siteId, o.clock.now());
      // Guesses at the old password are moot now: a re-provisioned point must not wait out a lock.
      await broker.resetLoginFailures(siteId);
      return password;
    },
    stop: async () => {
      await backoffice.stop();
      await broker.stop();
    },
  };
}
