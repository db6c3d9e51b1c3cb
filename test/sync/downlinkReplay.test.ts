/**
 * REFERENCE S10 and the replay rules: downlink changes from the product backoffice are applied
 * once, in order, in one transaction each; every change and command message delivered three more
 * times, shuffled, changes nothing; a version gap waits; a command held past its ttl is refused
 * even with the point's clock set back a year.
 */
import mqtt from 'mqtt';
import { describe, expect, it } from 'vitest';
import { createSystemClock, type Clock } from '../../firmware-bridge/platform/clock.ts';
import { encode, topics } from '../../controller/contract/sync/index.ts';
import { ChangeRejected } from '../../controller/sync/changeApplier.ts';
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
  it('applies every change and command exactly once despite triple shuffled replays; stale commands refused', async () => {
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

    // The Pi's clock: a year behind, real timers, and time the test can skip ahead (`skippedMs`)
    // instead of sleeping through a ttl.
    const system = createSystemClock();
    let skippedMs = 0;
    const yearBack: Clock = { ...system, now: () => system.now() - YEAR + skippedMs, monotonic: () => system.monotonic() + skippedMs };
    let doorRuns = 0;
    let releaseSlow: (() => void) | undefined;
    const point = openPoint({
      brokerUrl: broker.url,
      siteId,
      dbPath: `${dir}/ledger.db`,
      syncClock: yearBack,
      isClockSynced: () => true, // it even believes it is synced
      changeHandlers: {
        prices: (db, body) => {
          const b = body as { sku?: unknown; cents?: unknown };
          if (typeof b.sku !== 'string' || !Number.isInteger(b.cents)) throw new ChangeRejected('price needs sku and integer cents');
          db.prepare('INSERT INTO test_prices (sku, cents) VALUES (?, ?)').run(b.sku, b.cents);
        },
      },
      commandHandlers: {
        'door.release': () => ({ runs: ++doorRuns }),
        slow: () => new Promise<void>((r) => (releaseSlow = r)),
      },
    });
    defer(() => point.close());
    point.ledger.db.exec('CREATE TABLE test_prices (sku TEXT NOT NULL, cents INTEGER NOT NULL)');
    point.sync.start();
    const backoffice = bo.product();
    await waitFor(async () => {
      const s = await backoffice.db.selectFrom('sites').select('status').where('site_id', '=', siteId).executeTakeFirst();
      return s?.status === 'online';
    }, { timeoutMs: 10_000, what: 'the backoffice to see the point online' });

    for (let i = 1; i <= 5; i++) await backoffice.downlink.publishChange(siteId, 'prices', { sku: `sku-${i}`, cents: i * 100 });
    await waitFor(() => point.sync.appliedVersion() === 5, { timeoutMs: 10_000, what: 'five changes applied' });
    await waitFor(async () => {
      const s = await backoffice.db.selectFrom('sites').select('applied_version').where('site_id', '=', siteId).executeTakeFirst();
      return Number(s?.applied_version) === 5;
    }, { timeoutMs: 10_000, what: 'the backoffice to learn version 5 is applied' });

    const cmd = await backoffice.downlink.sendCommand(siteId, 'door.release', { door: 1 }, 60_000);
    await waitFor(async () => {
      const c = await backoffice.db.selectFrom('commands').select('status').where('id', '=', cmd.id).executeTakeFirst();
      return c?.status === 'done';
    }, { timeoutMs: 10_000, what: 'the command result' });
    expect(doorRuns).toBe(1);

    // Replay every change and command message three more times, shuffled.
    const downlink = seen.filter((m) => m.topic.endsWith('/down/changes') || m.topic.endsWith('/down/commands'));
    expect(downlink.length).toBeGreaterThanOrEqual(6);
    for (const m of shuffled([...downlink, ...downlink, ...downlink])) await spy.publishAsync(m.topic, m.payload, { qos: 1 });
    const changeMsgs = downlink.filter((m) => m.topic.endsWith('/down/changes')).length;
    await waitFor(
      () => point.sync.counters.changeDuplicates >= 3 * changeMsgs && point.sync.counters.commandReplays >= 3,
      { timeoutMs: 10_000, what: 'every replay to be seen' },
    );
    expect(point.sync.appliedVersion()).toBe(5);
    expect(point.ledger.db.prepare('SELECT sku, cents FROM test_prices ORDER BY rowid').all()).toEqual(
      [1, 2, 3, 4, 5].map((i) => ({ sku: `sku-${i}`, cents: i * 100 })),
    );
    expect(doorRuns).toBe(1);

    // A gap waits: version 7 before 6 is ignored until 6 arrives, then 7 is accepted on resend.
    const v = (version: number): Buffer => encode('changes', { v: 1, version, kind: 'prices', body: { sku: `raw-${version}`, cents: 1 } });
    // A later message on the same topic (an old change, replayed) is handled after 7 (MQTT keeps
    // per-topic order), so once it is counted, 7 has been seen and must have been left alone.
    const oldChange = downlink.find((m) => m.topic.endsWith('/down/changes'))!;
    const duplicatesBefore = point.sync.counters.changeDuplicates;
    await spy.publishAsync(topics.downChanges(siteId), v(7), { qos: 1 });
    await spy.publishAsync(oldChange.topic, oldChange.payload, { qos: 1 });
    await waitFor(() => point.sync.counters.changeDuplicates > duplicatesBefore, { timeoutMs: 5_000, what: 'the message sent after version 7' });
    expect(point.sync.appliedVersion()).toBe(5);
    await spy.publishAsync(topics.downChanges(siteId), v(6), { qos: 1 });
    await spy.publishAsync(topics.downChanges(siteId), v(7), { qos: 1 });
    await waitFor(() => point.sync.appliedVersion() === 7, { timeoutMs: 5_000, what: 'versions 6 and 7' });

    // A door command queued behind a slow one for longer than its ttl: refused, although the
    // point's (\"synced\") wall clock, a year behind, says it is far from expiresAt.
    await backoffice.downlink.sendCommand(siteId, 'slow', {}, 60_000);
    await waitFor(() => releaseSlow !== undefined, { timeoutMs: 5_000, what: 'the slow command to start' });
    const receivedBefore = point.sync.counters.commandsReceived;
    const stale = await backoffice.downlink.sendCommand(siteId, 'door.release', { door: 1 }, 400);
    // Once the point has received the command (its receipt time is taken on arrival), skip 900 ms
    // of monotonic time instead of sleeping through the 400 ms ttl.
    await waitFor(() => point.sync.counters.commandsReceived > receivedBefore, { timeoutMs: 5_000, what: 'the stale command to arrive' });
    skippedMs += 900;
    releaseSlow?.();
    await waitFor(async () => {
      const c = await backoffice.db.selectFrom('commands').select(['status', 'reason']).where('id', '=', stale.id).executeTakeFirst();
      return c?.status === 'refused' && c.reason === 'expired';
    }, { timeoutMs: 10_000, what: 'the stale command to be refused as expired' });
    expect(doorRuns).toBe(1);
  }, 60_000);
});
