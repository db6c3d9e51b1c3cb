/**
 * An API-only backoffice for the security tests: the real Fastify app on a test database (SQLite,
 * or PostgreSQL in a fresh schema), a manual clock and a cheap scrypt cost. No broker.
 */
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { buildApi, type App } from '../../backoffice/http/api.ts';
import type { AuthConfig } from '../../backoffice/accounts/login.ts';
import { DEFAULT_THROTTLE } from '../../backoffice/accounts/throttle.ts';
import { DEFAULT_SESSION_LIMITS } from '../../backoffice/accounts/sessions.ts';
import { emptyIngestStats, type IngestStats } from '../../backoffice/ingest/syncRouter.ts';
import { ManualClock } from '../../firmware-bridge/platform/clock.ts';
import { createSilentLogger } from '../../firmware-bridge/platform/logger.ts';
import { openTestDb, type TestDb } from '../support/testDb.ts';
import { TEST_SCRYPT } from './authFixture.ts';
import { Downlink } from '../../backoffice/downlink/downlink.ts';
import { generateSigningKey, type MemberSigningKey } from '../../backoffice/credentials/signingKey.ts';
import type { PinCost } from '../../backoffice/credentials/pinHash.ts';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A cheap PIN scrypt cost for tests (the hash records it; the point verifies any valid cost). */
export const TEST_PIN_COST: PinCost = { N: 1024, r: 8, p: 1 };

export const ZERO_STATS: IngestStats = emptyIngestStats();

export interface Harness {
  db: TestDb;
  app: App;
  clock: ManualClock;
  auth: AuthConfig;
  /** The downlink the member routes publish to (changes stored in the DB; nothing is connected). */
  downlink: Downlink;
  /** Every downlink message "sent" (the broker is a recorder). */
  published: { topic: string; payload: Buffer }[];
  /** Every command sent now (QoS 0, remote actions such as locker.open); sites must be online in the DB. */
  sentNow: { topic: string; payload: Buffer }[];
  signingKey: MemberSigningKey;
  inject(o: InjectOptions): Promise<LightMyRequestResponse>;
  close(): Promise<void>;
}

export async function startHarness(kind: 'sqlite' | 'postgres', auth: Partial<AuthConfig> = {}): Promise<Harness> {
  const db = await openTestDb(kind);
  const clock = new ManualClock(Date.UTC(2027, 2, 1, 9, 0, 0));
  const cfg: AuthConfig = { secureCookie: true, session: DEFAULT_SESSION_LIMITS, throttle: DEFAULT_THROTTLE, scryptCost: TEST_SCRYPT, ...auth };
  const logger = createSilentLogger();
  const published: { topic: string; payload: Buffer }[] = [];
  const sentNow: { topic: string; payload: Buffer }[] = [];
  const downlink = new Downlink({
    db: db.db,
    publish: async (topic, payload) => {
      published.push({ topic, payload });
    },
    // Commands (door release, age decisions, locker.open) are "sent" into `published`, and into `sentNow` too.
    publishNow: (topic, payload) => {
      published.push({ topic, payload });
      sentNow.push({ topic, payload });
    },
    connected: () => true,
    clock,
    logger,
  });
  const signingKey = generateSigningKey();
  const members = { changes: downlink, signingKey: () => signingKey, pinCost: TEST_PIN_COST };
  // A stand-in for the built web app (backoffice/web/dist): its page and one asset.
  const webRoot = mkdtempSync(join(tmpdir(), 'dorfpunkt-web-'));
  mkdirSync(join(webRoot, 'assets'));
  writeFileSync(join(webRoot, 'index.html'), '<!doctype html><title>dorfpunkt</title>');
  writeFileSync(join(webRoot, 'assets', 'app.js'), 'export {};');
  const app = buildApi({
    db: db.db,
    stats: () => ZERO_STATS,
    mqttConnected: () => true,
    clock,
    logger,
    auth: cfg,
    members,
    commands: downlink,
    downlink,
    webRoot,
  });
  await app.ready();
  return {
    db,
    app,
    clock,
    auth: cfg,
    downlink,
    published,
    sentNow,
    signingKey,
    inject: (o) => app.inject(o),
    close: async () => {
      await app.close();
      await db.dispose();
      rmSync(webRoot, { recursive: true, force: true });
    },
  };
}

/** The session cookie (`name=value`) from a login answer, for the next requests. */
export function sessionCookieOf(res: LightMyRequestResponse): string {
  const c = res.cookies.find((k) => k.name.endsWith('dorfpunkt_session'));
  if (!c) throw new Error(`no session cookie in answer ${res.statusCode} ${res.body}`);
  return `${c.name}=${c.value}`;
}
