/**
 * A point's ledger is replaced (new SD card after a corrupt ledger): the new ledger counts seq and
 * session from 1 again. When its first birth already reports `lastSeq >= up_to` in a session the
 * backoffice has not seen yet, the backoffice cannot tell it from the old ledger's next connection
 * and acks its birth with the old mark. Before the ack carried `upToHash`, the point then marked
 * its NEW events 1..upTo delivered and deleted them without ever sending them (silent loss).
 * Now the point compares the hash, marks nothing, resends, and the backoffice sees the differing
 * duplicate hashes and marks the site diverged.
 *
 * Order made deterministic: the new point's first upload waits until it has handled the birth
 * ack (as on a slow link); otherwise its first batch could reach the backoffice first and be
 * caught by the duplicate hash check alone.
 */
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createSystemClock, ManualClock } from '../../firmware-bridge/platform/clock.ts';
import { createSilentLogger } from '../../firmware-bridge/platform/logger.ts';
import { Ledger } from '../../controller/ledger/index.ts';
import { SyncMeta, syncMigrations } from '../../controller/sync/migrations.ts';
import { changeEvents } from '../../controller/downlink/changes.ts';
import { SyncClient, type SyncLedger } from '../../controller/sync/syncClient.ts';
import { startRealBackoffice } from './support/backoffices.ts';
import { combos, openPoint, uniqueSiteId } from './support/harness.ts';
import { useCleanup, waitFor } from '../support/fixture.ts';

const list = await combos();
const { defer, tempDir } = useCleanup();

const N = 30;
const M = 50;

/** The ledger as the sync client sees it, with its outbox reads held back until `open()`. */
function gatedLedger(ledger: Ledger): { view: SyncLedger; open(): void } {
  let closed = true;
  const view = new Proxy(ledger, {
    get(target, prop) {
      if (closed && (prop === 'outboxPendingJson' || prop === 'outboxPending')) return () => (prop === 'outboxPending' ? [] : undefined);
      const v: unknown = Reflect.get(target, prop, target);
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  }) as unknown as SyncLedger;
  return { view, open: () => (closed = false) };
}

describe.each(list)('replaced point ledger ($name)', (combo) => {
  it('the birth ack of the old ledger marks none of the new events delivered, loses none, and the site ends diverged', async () => {
    const dir = tempDir();
    const broker = await combo.broker();
    defer(() => broker.close());
    const bo = await startRealBackoffice(broker.url, combo.store, dir);
    defer(() => bo.close());
    const siteId = uniqueSiteId('replaced');
    const dbPath = `${dir}/ledger.db`;

    // The old ledger delivers N events.
    const old = openPoint({ brokerUrl: broker.url, siteId, dbPath });
    defer(() => old.close());
    old.sync.start();
    for (let i = 0; i < N; i++) {
      old.ledgerClock.advance(1_000);
      old.ledger.appendUnchecked('sale', { i, ledger: 'old' });
    }
    await waitFor(() => old.sync.status().lastAckSeq === N, { timeoutMs: 15_000, what: 'the old ledger delivered' });
    const oldHashes = old.ledger.events(1, N).map((e) => e.hash);
    await old.close();
    for (const f of [dbPath, `${dbPath}-wal`, `${dbPath}-shm`]) fs.rmSync(f, { force: true });

    // A new SD card: the same site id, M >= N events written offline. While offline the point
    // tried to connect a few times (each attempt takes a session), so its first birth has a
    // session the backoffice has not seen and a lastSeq >= the stored mark: no birth evidence.
    const logger = createSilentLogger();
    const ledgerClock = new ManualClock(Date.now());
    const ledger = Ledger.open({ path: dbPath, siteId, clock: ledgerClock, logger, migrations: syncMigrations });
    defer(async () => ledger.close());
    for (let i = 0; i < M; i++) {
      ledgerClock.advance(1_000);
      ledger.appendUnchecked('sale', { i, ledger: 'new' });
    }
    const meta = new SyncMeta(ledger.db);
    for (let i = 0; i < 3; i++) meta.increment('session');
    const gate = gatedLedger(ledger);
    const sync = new SyncClient({
      brokerUrl: broker.url,
      siteId,
      ledger: gate.view,
      clock: createSystemClock(),
      logger,
      keepaliveSec: 5,
      backoff: { floorMs: 30, baseMs: 100, capMs: 400 },
      relay: { ackTimeoutMs: 3000 },
      changeEvents,
    });
    defer(() => sync.stop());
    sync.start();

    await waitFor(() => sync.status().diverged || sync.status().lastAckSeq > 0, { timeoutMs: 15_000, what: 'the point to handle the birth ack' });
    expect(ledger.deliveredUpTo()).toBe(0);
    expect(ledger.outboxCount()).toBe(M);
    expect(sync.status()).toMatchObject({ diverged: true, lastAckSeq: 0 });
    expect(sync.counters.ackHashMismatches).toBe(1);

    // The upload goes on (a live event wakes the relay): the backoffice compares the duplicate
    // hashes and marks the site diverged; it acks nothing more, so nothing leaves the outbox.
    gate.open();
    ledgerClock.advance(1_000);
    ledger.appendUnchecked('sale', { i: M, ledger: 'new' });
    const backoffice = bo.product();
    await waitFor(
      async () => {
        const s = await backoffice.db.selectFrom('sites').select('diverged_at').where('site_id', '=', siteId).executeTakeFirst();
        return s?.diverged_at !== null && s?.diverged_at !== undefined;
      },
      { timeoutMs: 15_000, what: 'the backoffice to mark the site diverged' },
    );
    await waitFor(() => backoffice.stats.divergedBatches > 0, { timeoutMs: 15_000, what: 'a batch refused as diverged' });
    // A later message from the backoffice to the point (a change): once the point has applied it,
    // any (wrong) ack sent before it has arrived too.
    await backoffice.downlink.publishChange(siteId, 'revocations', { revoke: [{ credentialId: 'probe-card', reason: 'probe' }] });
    await waitFor(() => sync.appliedVersion() === 1, { timeoutMs: 10_000, what: 'the later change' });
    expect(ledger.deliveredUpTo()).toBe(0);
    expect(ledger.outboxCount()).toBe(M + 2); // the live sale and the revocation's ledger event
    expect(sync.status().diverged).toBe(true);
    const stored = await backoffice.db.selectFrom('events').select(['seq', 'hash']).where('site_id', '=', siteId).orderBy('seq').execute();
    expect(stored.map((r) => r.hash)).toEqual(oldHashes); // the old events, nothing of the new ledger mixed in
  }, 45_000);
});
