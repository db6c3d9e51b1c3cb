/**
 * REFERENCE S10 and the replay rules: downlink changes from the product backoffice are applied
 * once, in order, in one transaction each; every change and command message delivered three more
 * times, shuffled, changes nothing; a version gap waits; a copy of a command for an earlier
 * session is refused even with the point's clock a year behind. The point runs its real appliers
 * (revocations become ledger events) and its real `door.release` handler on a counting door.
 * (A command held past its ttl inside the point, behind a slow one, is a CommandRunner unit test in
 * downlinkUnits.test.ts on a manual clock: no real command handler is asynchronous.)
 */
import mqtt from 'mqtt';
import { describe, expect, it } from 'vitest';
import { createSystemClock, type Clock } from '../../firmware-bridge/platform/clock.ts';
import { encode, topics } from '../../controller/contract/sync/index.ts';
import { startRealBackoffice } from './support/backoffices.ts';
import { combos, openPoint, uniqueSiteId } from './support/harness.ts';
import { useCleanup, waitFor } from '../support/fixture.ts';

const YEAR = 365 * 24 * 3600_000;
const list = await combos();
const { defer, tempDir } = useCleanup();

function shuffled<T>(xs: T[]): T[] {
  const a = [...xs];
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a;
}

describe.each(list)('downlink replays ($name)', (combo) => {
  it('applies every change and command exactly once despite triple shuffled replays; a copy for an old session is refused', async () => {
    const dir = tempDir();
    const broker = await combo.broker();
    defer(() => broker.close());
    const bo = await startRealBackoffice(broker.url, combo.store, dir);
    defer(() => bo.close());
    const siteId = uniqueSiteId('down');

    // A spy sees every downlink message as the broker delivers it, and can replay them.
    const spy = await mqtt.connectAsync(broker.url, { protocolVersion: 4, clientId: `spy-${siteId}`, reconnectPeriod: 0 });
    defer(() => spy.endAsync(true));
    const seen: { topic: string; payload: Buffer }[] = [];
    spy.on('message', (topic, payload) => seen.push({ topic, payload: Buffer.from(payload) }));
    await spy.subscribeAsync(`dorfpunkt/v1/${siteId}/down/+`, { qos: 1 });

    // The Pi's clock: a year behind, yet it believes it is synced.
    const system = createSystemClock();
    const yearBack: Clock = { ...system, now: () => system.now() - YEAR };
    const point = openPoint({
      brokerUrl: broker.url,
      siteId,
      dbPath: `${dir}/ledger.db`,
      syncClock: yearBack,
      isClockSynced: () => true,
    });
    defer(() => point.close());
    point.sync.start();
    const backoffice = bo.product();
    await waitFor(
      async () => {
        const s = await backoffice.db.selectFrom('sites').select('status').where('site_id', '=', siteId).executeTakeFirst();
        return s?.status === 'online';
      },
      { timeoutMs: 10_000, what: 'the backoffice to see the point online' },
    );

    // Five lost cards, revoked one change at a time.
    const revoked = (n: number) => Array.from({ length: n }, (_, i) => `card-${i + 1}`);
    for (const credentialId of revoked(5)) await backoffice.downlink.publishChange(siteId, 'revocations', { revoke: [{ credentialId, reason: 'lost' }] });
    await waitFor(() => point.sync.appliedVersion() === 5, { timeoutMs: 10_000, what: 'five changes applied' });
    await waitFor(
      async () => {
        const s = await backoffice.db.selectFrom('sites').select('applied_version').where('site_id', '=', siteId).executeTakeFirst();
        return Number(s?.applied_version) === 5;
      },
      { timeoutMs: 10_000, what: 'the backoffice to learn version 5 is applied' },
    );
    const revocationEvents = () => point.ledger.events(1, 10_000).filter((e) => e.type === 'credential.revoked');
    expect(revocationEvents().map((e) => e.data['credentialId'])).toEqual(revoked(5));

    const cmd = await backoffice.downlink.sendCommand(siteId, 'door.release', { operator: 'anna@verein', note: 'Frau Meier ohne Karte' }, 60_000);
    await waitFor(
      async () => {
        const c = await backoffice.db.selectFrom('commands').select('status').where('id', '=', cmd.id).executeTakeFirst();
        return c?.status === 'done';
      },
      { timeoutMs: 10_000, what: 'the command result' },
    );
    expect(point.door.grants).toEqual([{ reason: 'remote-release' }]);
    const result = await backoffice.db.selectFrom('commands').select('result').where('id', '=', cmd.id).executeTakeFirstOrThrow();
    expect(JSON.parse(result.result!)).toEqual({ released: true, grantId: 1 });

    // Replay every change and command message three more times, shuffled.
    const downlink = seen.filter((m) => m.topic.endsWith('/down/changes') || m.topic.endsWith('/down/commands'));
    expect(downlink.length).toBeGreaterThanOrEqual(6);
    for (const m of shuffled([...downlink, ...downlink, ...downlink])) await spy.publishAsync(m.topic, m.payload, { qos: 1 });
    const changeMsgs = downlink.filter((m) => m.topic.endsWith('/down/changes')).length;
    await waitFor(() => point.sync.counters.changeDuplicates >= 3 * changeMsgs && point.sync.counters.commandReplays >= 3, {
      timeoutMs: 10_000,
      what: 'every replay to be seen',
    });
    expect(point.sync.appliedVersion()).toBe(5);
    expect(revocationEvents().map((e) => e.data['credentialId'])).toEqual(revoked(5));
    expect(point.door.grants).toHaveLength(1);

    // A gap waits: version 7 before 6 is ignored until 6 arrives, then 7 is accepted on resend.
    const v = (version: number): Buffer =>
      encode('changes', { v: 1, version, kind: 'revocations', body: { revoke: [{ credentialId: `card-${version}`, reason: 'lost' }] } });
    // A later message on the same topic (an old change, replayed) is handled after 7 (MQTT keeps
    // per-topic order), so once it is counted, 7 has been seen and must have been left alone.
    const oldChange = downlink.find((m) => m.topic.endsWith('/down/changes'))!;
    const duplicatesBefore = point.sync.counters.changeDuplicates;
    await spy.publishAsync(topics.downChanges(siteId), v(7), { qos: 1 });
    await spy.publishAsync(oldChange.topic, oldChange.payload, { qos: 1 });
    await waitFor(() => point.sync.counters.changeDuplicates > duplicatesBefore, { timeoutMs: 5_000, what: 'the message sent after version 7' });
    expect(point.sync.appliedVersion()).toBe(5);
    expect(point.ledger.state.isRevoked('card-7')).toBe(false);
    await spy.publishAsync(topics.downChanges(siteId), v(6), { qos: 1 });
    await spy.publishAsync(topics.downChanges(siteId), v(7), { qos: 1 });
    await waitFor(() => point.sync.appliedVersion() === 7, { timeoutMs: 5_000, what: 'versions 6 and 7' });
    expect(revocationEvents().map((e) => e.data['credentialId'])).toEqual(revoked(7));

    // A door release past its validity by the point's wall clock would still run here (the clock is
    // a year behind and "synced"); what stops a late copy is the session: a command issued for the
    // point's previous connection is refused, and the door does not move.
    const session = point.sync.status().session;
    const late = encode('commands', {
      v: 1,
      id: 'late0000release1',
      kind: 'door.release',
      issuedAt: system.now(),
      ttlMs: 60_000,
      expiresAt: system.now() + 60_000,
      session: session - 1,
      body: { operator: 'anna@verein' },
    });
    await spy.publishAsync(topics.downCommands(siteId), late, { qos: 1 });
    await waitFor(() => point.sync.counters.commandsRefused >= 1, { timeoutMs: 5_000, what: 'the late copy to be refused' });
    expect(point.ledger.db.prepare('SELECT status, reason FROM sync_commands WHERE id = ?').get('late0000release1')).toEqual({
      status: 'refused',
      reason: 'stale-session',
    });
    expect(point.door.grants).toHaveLength(1);
  }, 60_000);
});
