/**
 * Presence from the retained birth and the Last Will (late Wills of older sessions ignored), the
 * ack re-sent on a birth, and the downlink: versioned changes republished until applied, commands
 * with server-issued validity and their results stored once.
 */
import { authedInject, signIn } from './authFixture.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startStandalone, type Standalone } from '../../backoffice/standalone.ts';
import { systemClock } from '../../backoffice/platform.ts';
import { createSilentLogger } from '../../firmware-bridge/platform/logger.ts';
import { decode, encode, topics } from '../../controller/contract/sync/index.ts';
import { makeEvents, TestSite } from './support.ts';
import { waitFor } from '../support/fixture.ts';

describe('presence and downlink (embedded broker, SQLite)', () => {
  let sa: Standalone;
  let api: ReturnType<typeof authedInject>;
  let dir: string;
  const sites: TestSite[] = [];

  async function site(id: string, session: number, withWill = true): Promise<TestSite> {
    const pw = await sa.createSiteCredentials(id);
    const s = new TestSite(id, sa.broker.url, pw, session);
    await s.connect(
      withWill ? { will: { topic: topics.upState(id), payload: encode('state', { v: 1, status: 'offline', session }), qos: 1, retain: true } } : {},
    );
    sites.push(s);
    return s;
  }

  async function presence(id: string): Promise<{ status: string; session: number }> {
    const r = await api({ method: 'GET', url: `/api/sites/${id}` });
    if (r.statusCode === 404) return { status: 'none', session: -1 };
    return (r.json() as { presence: { status: string; session: number } }).presence;
  }

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'dorfpunkt-bo-'));
    sa = await startStandalone({ dataDir: dir, brokerPort: 0, clock: systemClock(), logger: createSilentLogger() });
    api = authedInject(sa.backoffice.api, await signIn(sa.backoffice.db, 'technician', Date.now()));
  });
  afterAll(async () => {
    for (const s of sites) await s.end().catch(() => undefined);
    await sa?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('marks a site online on its birth, offline on its Last Will, and ignores a late Will of an older session', async () => {
    const s1 = await site('lwt-site', 1);
    await s1.birth('online', 1);
    await waitFor(async () => (await presence('lwt-site')).status === 'online', { timeoutMs: 5000, what: 'online' });
    s1.client.stream.destroy(); // connection lost without DISCONNECT -> broker publishes the Will
    await s1.client.endAsync(true);
    await waitFor(async () => (await presence('lwt-site')).status === 'offline', { timeoutMs: 5000, what: 'offline via LWT' });
    expect(await presence('lwt-site')).toMatchObject({ status: 'offline', session: 1 });

    const s2 = await site('lwt-site', 2);
    await s2.birth('online', 2);
    await waitFor(async () => (await presence('lwt-site')).session === 2, { timeoutMs: 5000, what: 'session 2' });
    // a stale offline of session 1 (e.g. a delayed Will) must not mark session 2 offline
    await sa.backoffice.handleMessage(topics.upState('lwt-site'), encode('state', { v: 1, status: 'offline', session: 1 }));
    // a replayed birth of session 1 neither
    await sa.backoffice.handleMessage(topics.upState('lwt-site'), encode('state', { v: 1, status: 'online', session: 1 }));
    expect(await presence('lwt-site')).toMatchObject({ status: 'online', session: 2 });
  });

  it('sends the current ack on a birth, so a point learns progress after a lost ack', async () => {
    const s = await site('birth-ack', 1, false);
    await s.send(makeEvents(1, 7));
    await waitFor(() => s.upTo === 7);
    s.acks.length = 0;
    await s.birth('online', 1);
    await waitFor(() => s.acks.length > 0, { timeoutMs: 5000, what: 'ack on birth' });
    expect(s.acks[0]).toEqual({ v: 1, upTo: 7, serverTime: expect.any(Number) });
  });

  it('publishes versioned changes, republishes the unapplied ones on a birth, and records up/applied', async () => {
    const s = await site('chg-site', 1, false);
    const a = await sa.backoffice.downlink.publishChange('chg-site', 'revocations', { revoke: [{ credentialId: 'card-1', reason: 'lost' }] });
    const b = await sa.backoffice.downlink.publishChange('chg-site', 'members', {
      members: [{ memberId: 'm1', name: 'Erna Meier', role: 'member', ageVerified: false }],
    });
    expect([a.version, b.version]).toEqual([1, 2]);
    const changes = () => s.down.filter((d) => d.topic === topics.downChanges('chg-site')).map((d) => decode('changes', d.payload));
    await waitFor(() => changes().length === 2, { timeoutMs: 5000, what: 'two changes' });
    expect(changes().map((c) => (c.ok ? c.value.version : -1))).toEqual([1, 2]);
    // the point applied only version 1
    await s.client.publishAsync(topics.upApplied('chg-site'), encode('applied', { v: 1, version: 1 }), { qos: 1 });
    await waitFor(
      async () =>
        (await sa.backoffice.db.selectFrom('sites').select('applied_version').where('site_id', '=', 'chg-site').executeTakeFirstOrThrow()).applied_version ===
        1,
    );
    s.down.length = 0;
    await s.birth('online', 1);
    await waitFor(() => changes().length >= 1, { timeoutMs: 5000, what: 'resend after birth' });
    expect(changes().map((c) => (c.ok ? c.value.version : -1))).toEqual([2]);
    // cumulative, a stale lower applied does not move it back, a too-high one is capped
    await s.client.publishAsync(topics.upApplied('chg-site'), encode('applied', { v: 1, version: 9 }), { qos: 1 });
    await s.client.publishAsync(topics.upApplied('chg-site'), encode('applied', { v: 1, version: 1 }), { qos: 1 });
    await waitFor(
      async () =>
        (await sa.backoffice.db.selectFrom('changes').select('applied_at').where('site_id', '=', 'chg-site').where('applied_at', 'is', null).execute())
          .length === 0,
    );
    const row = await sa.backoffice.db
      .selectFrom('sites')
      .select(['applied_version', 'change_version'])
      .where('site_id', '=', 'chg-site')
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ applied_version: 2, change_version: 2 });
  });

  it('sends commands with server-issued validity and the current session, and stores the first result only', async () => {
    const s = await site('cmd-site', 5, false);
    await s.birth('online', 5);
    await waitFor(async () => (await presence('cmd-site')).session === 5);
    const before = Date.now();
    const { id, expiresAt } = await sa.backoffice.downlink.sendCommand('cmd-site', 'door.release', { operator: 'anna@verein' }, 60_000);
    await waitFor(() => s.down.some((d) => d.topic === topics.downCommands('cmd-site')), { timeoutMs: 5000, what: 'command' });
    const cmd = decode('commands', s.down.find((d) => d.topic === topics.downCommands('cmd-site'))!.payload);
    expect(cmd.ok).toBe(true);
    if (!cmd.ok) return;
    expect(cmd.value).toMatchObject({ id, kind: 'door.release', ttlMs: 60_000, expiresAt, session: 5 });
    expect(cmd.value.issuedAt).toBeGreaterThanOrEqual(before);
    await s.client.publishAsync(topics.upCommandResults('cmd-site'), encode('command-results', { v: 1, id, status: 'done' }), { qos: 1 });
    await s.client.publishAsync(topics.upCommandResults('cmd-site'), encode('command-results', { v: 1, id, status: 'refused', reason: 'replayed' }), {
      qos: 1,
    });
    // The result of a later command, sent after the duplicate on the same topic, is handled after
    // it (the control lane keeps receipt order): once it is stored, the duplicate has been seen.
    const later = await sa.backoffice.downlink.sendCommand('cmd-site', 'door.release', { operator: 'anna@verein' }, 60_000);
    await s.client.publishAsync(topics.upCommandResults('cmd-site'), encode('command-results', { v: 1, id: later.id, status: 'done' }), { qos: 1 });
    const status = async (cmdId: string) =>
      (await sa.backoffice.db.selectFrom('commands').select('status').where('id', '=', cmdId).executeTakeFirstOrThrow()).status;
    await waitFor(async () => (await status(later.id)) === 'done', { timeoutMs: 5000, what: 'the later result' });
    expect(await status(id)).toBe('done');
    await expect(sa.backoffice.downlink.sendCommand('cmd-site', 'door.release', { operator: 'anna@verein' }, 25 * 3600_000)).rejects.toThrow(/ttlMs/);
  });
});
