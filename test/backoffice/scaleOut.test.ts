/**
 * Scale-out: two backoffice instances on one PostgreSQL share the ingest through a Mosquitto
 * shared subscription ($share/dorfpunkt-ingest/...) with the documented config. One instance is
 * killed mid-stream (no DISCONNECT, its in-flight work lost); the points resend after their ack
 * timeout: 0 lost, 0 duplicated. Batches are also sent twice at once so both instances work on
 * the same site concurrently (serialised by the site row lock).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBackoffice, type Backoffice } from '../../backoffice/main.ts';
import { systemClock } from '../../backoffice/platform.ts';
import { createSilentLogger } from '../../firmware-bridge/platform/logger.ts';
import { mosquittoSkipReason, startMosquitto, type MosquittoInstance } from '../broker/mosquittoHelper.ts';
import { freshPgConfig, postgresSkipReason, TestSite } from './support.ts';
import { waitFor } from '../support/fixture.ts';
import type { DbConfig } from '../../backoffice/db/database.ts';

const skip = mosquittoSkipReason() ?? (await postgresSkipReason());
if (skip) console.warn(skip);

const SITES = ['scale-a', 'scale-b', 'scale-c', 'scale-d'];
const EVENTS = 600;
const SERVICE = { username: '_backoffice', password: 'svc-password-123' };

describe.skipIf(skip !== null)('scale-out: two backoffice instances, shared subscription, PostgreSQL', () => {
  let m: MosquittoInstance;
  let pg: { config: DbConfig; cleanup: () => Promise<void> };
  const bos: Backoffice[] = [];
  const sites: TestSite[] = [];

  beforeAll(async () => {
    m = await startMosquitto({ users: [SERVICE, ...SITES.map((s) => ({ username: s, password: `pw-${s}` }))] });
    pg = freshPgConfig();
    for (const n of [1, 2]) {
      bos.push(
        await startBackoffice({
          db: pg.config,
          mqttUrl: m.serviceUrl,
          mqttUsername: SERVICE.username,
          mqttPassword: SERVICE.password,
          clientId: `_backoffice-${n}`,
          sharedGroup: 'dorfpunkt-ingest',
          clock: systemClock(),
          logger: createSilentLogger(),
        }),
      );
    }
    for (const s of SITES) {
      const t = new TestSite(s, m.siteUrl, `pw-${s}`);
      await t.connect();
      sites.push(t);
    }
  });

  afterAll(async () => {
    for (const s of sites) await s.end().catch(() => undefined);
    for (const b of bos) await b.stop().catch(() => undefined);
    await m?.stop();
    await pg?.cleanup();
  });

  it('loses nothing and duplicates nothing when one instance is killed mid-stream', async () => {
    const [bo1, bo2] = bos as [Backoffice, Backoffice];
    const drains = sites.map((s, i) => s.drain(EVENTS, 20, 40_000, 400, i % 2 === 0 ? 2 : 1));
    await waitFor(() => sites.reduce((n, s) => n + s.upTo, 0) >= (SITES.length * EVENTS) / 3, { timeoutMs: 20_000, what: 'a third ingested' });
    expect(bo1.stats.batches).toBeGreaterThan(0);
    expect(bo2.stats.batches).toBeGreaterThan(0);
    await bo1.kill();
    await Promise.all(drains);

    const db = bo2.db;
    for (const s of SITES) {
      const rows = await db.selectFrom('events').select('seq').where('site_id', '=', s).orderBy('seq').execute();
      const seqs = rows.map((r) => Number(r.seq));
      expect(seqs.length).toBe(EVENTS);
      expect(new Set(seqs).size).toBe(EVENTS);
      expect(seqs[0]).toBe(1);
      expect(seqs.at(-1)).toBe(EVENTS);
      const site = await db.selectFrom('sites').select(['up_to', 'events_stored']).where('site_id', '=', s).executeTakeFirstOrThrow();
      expect({ upTo: Number(site.up_to), stored: Number(site.events_stored) }).toEqual({ upTo: EVENTS, stored: EVENTS });
    }
    expect(bo2.stats.duplicates).toBeGreaterThan(0); // the doubled batches really raced
  }, 60_000);
});
