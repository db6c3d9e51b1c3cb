/**
 * A stale `door.release` must never fire late: a command goes only to a site known online, over a
 * live broker connection, always with the site's current session, and is never queued by the MQTT
 * client for after a reconnect. Also: presence handles a state message in ONE transaction.
 * Private Aedes broker (killable), SQLite.
 */
import { authedInject, signIn } from './authFixture.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { startBackoffice, type Backoffice } from '../../backoffice/main.ts';
import { CommandRefusedError } from '../../backoffice/downlink/downlink.ts';
import { openDatabase } from '../../backoffice/db/database.ts';
import type { DB } from '../../backoffice/db/schema.ts';
import { applyState } from '../../backoffice/presence/presence.ts';
import { systemClock } from '../../backoffice/platform.ts';
import { createSilentLogger } from '../../firmware-bridge/platform/logger.ts';
import { decode, encode, topics } from '../../controller/contract/sync/index.ts';
import { startAedes, type TestBroker } from '../sync/support/brokers.ts';
import { TestSite } from './support.ts';
import { waitFor } from '../support/fixture.ts';

const release = { operator: 'anna@verein' };

describe('remote commands: now or never', () => {
  let broker: TestBroker;
  let bo: Backoffice;
  let api: ReturnType<typeof authedInject>;
  let dir: string;
  const sites: TestSite[] = [];

  const commandsSeen = (t: TestSite) =>
    t.down
      .filter((d) => d.topic === topics.downCommands(t.siteId))
      .map((d) => {
        const c = decode('commands', d.payload);
        if (!c.ok) throw new Error(c.error.message);
        return c.value;
      });

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'dorfpunkt-cmd-'));
    broker = await startAedes();
    bo = await startBackoffice({
      db: { kind: 'sqlite', path: join(dir, 'bo.db') },
      mqttUrl: broker.url,
      clientId: '_bo-cmd',
      clock: systemClock(),
      logger: createSilentLogger(),
    });
    api = authedInject(bo.api, await signIn(bo.db, 'accountant', Date.now()));
  });
  afterAll(async () => {
    for (const s of sites) await s.end().catch(() => undefined);
    await bo?.stop();
    await broker?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses a command for an unknown or offline site, storing nothing', async () => {
    await expect(bo.downlink.sendCommand('never-seen', 'door.release', release, 60_000)).rejects.toMatchObject({
      name: 'CommandRefusedError',
      code: 'site-not-online',
    });
    await bo.handleMessage(topics.upState('gone-site'), encode('state', { v: 1, status: 'online', session: 3 }));
    await bo.handleMessage(topics.upState('gone-site'), encode('state', { v: 1, status: 'offline', session: 3 }));
    const err = await bo.downlink.sendCommand('gone-site', 'door.release', release, 60_000).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CommandRefusedError);
    expect((err as Error).message).toMatch(/gone-site.*offline/);
    expect(await bo.db.selectFrom('commands').selectAll().execute()).toEqual([]);
  });

  it('always sends the current session, and never delivers a command after the backoffice lost its broker connection', async () => {
    const t = new TestSite('cmd-live', broker.url, 'x', 4);
    await t.connect();
    sites.push(t);
    await t.birth('online', 4);
    await waitFor(async () => (await bo.db.selectFrom('sites').select('status').where('site_id', '=', 'cmd-live').executeTakeFirst())?.status === 'online', {
      timeoutMs: 5000,
      what: 'online',
    });
    const first = await bo.downlink.sendCommand('cmd-live', 'door.release', release, 60_000);
    expect(first.session).toBe(4);
    await waitFor(() => commandsSeen(t).length === 1, { timeoutMs: 5000, what: 'the command' });
    expect(commandsSeen(t)[0]).toMatchObject({ id: first.id, session: 4 });

    // The broker goes away (no Will is published: the site stays "online" in the database).
    await broker.kill();
    await waitFor(async () => !(await isConnected()), { timeoutMs: 5000, what: 'the backoffice to notice' });
    await expect(bo.downlink.sendCommand('cmd-live', 'door.release', release, 60_000)).rejects.toMatchObject({ code: 'broker-disconnected' });
    await broker.restart();
    await waitFor(async () => (await isConnected()) && t.client.connected, { timeoutMs: 10_000, what: 'both to reconnect' });
    // Once a change published now arrives, the point's subscription is back.
    await bo.downlink.publishChange('cmd-live', 'revocations', { revoke: [{ credentialId: 'probe-card', reason: 'probe' }] });
    await waitFor(() => t.down.some((d) => d.topic === topics.downChanges('cmd-live')), { timeoutMs: 5000, what: 'the point to be subscribed again' });
    // A command sent now arrives; nothing queued during the outage arrives before or with it.
    const after = await bo.downlink.sendCommand('cmd-live', 'door.release', { ...release, note: 'second try' }, 60_000);
    await waitFor(() => commandsSeen(t).some((c) => c.id === after.id), { timeoutMs: 5000, what: 'the command after the reconnect' });
    expect(commandsSeen(t).map((c) => c.id)).toEqual([first.id, after.id]);
    const rows = await bo.db.selectFrom('commands').select(['id', 'session']).where('site_id', '=', 'cmd-live').orderBy('id').execute();
    expect(rows).toEqual([
      { id: first.id, session: 4 },
      { id: after.id, session: 4 },
    ]);
  }, 30_000);

  async function isConnected(): Promise<boolean> {
    return ((await api({ method: 'GET', url: '/api/health' })).json() as { mqtt: string }).mqtt === 'connected';
  }
});

describe('presence in one transaction', () => {
  it('handles a birth of a new site and of a known site with every statement inside one transaction', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dorfpunkt-presence-'));
    const path = join(dir, 'bo.db');
    try {
      await (await openDatabase({ kind: 'sqlite', path })).close();
      const log: string[] = [];
      const db = new Kysely<DB>({
        dialect: new SqliteDialect({ database: new BetterSqlite3(path) }),
        log: (e) => void log.push(e.query.sql.trim().split(/\s+/)[0]!.toLowerCase()),
      });
      try {
        await applyState(db, 'tx-site', { v: 1, status: 'online', session: 1, backlog: { pending: 0, lastSeq: 0 } }, 1_000);
        await applyState(db, 'tx-site', { v: 1, status: 'offline', session: 1 }, 2_000);
        await applyState(db, 'tx-site', { v: 1, status: 'online', session: 0 }, 3_000); // stale
        const commits = log.filter((s) => s === 'commit').length;
        expect(commits).toBe(3);
        // every statement between a begin and its commit
        let open = false;
        for (const s of log) {
          if (s === 'begin') open = true;
          else if (s === 'commit') open = false;
          else expect(open, `${s} outside a transaction`).toBe(true);
        }
        const row = await db.selectFrom('sites').select(['status', 'session', 'last_seen_at']).where('site_id', '=', 'tx-site').executeTakeFirstOrThrow();
        expect(row).toEqual({ status: 'offline', session: 1, last_seen_at: 3_000 });
      } finally {
        await db.destroy();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
