/**
 * REFERENCE S6: the backoffice dies before its commit and between its commit and its ack. The point
 * keeps everything until an ack arrives, resends on ack timeout / birth-ack, and the backoffice's
 * (siteId, seq) progress makes the resend harmless: 0 lost, 0 duplicated.
 */
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { startRealBackoffice, startRefBackoffice } from './support/backoffices.ts';
import { combos, expectExactlyOnce, openPoint, removeTempDirs, tempDir, uniqueSiteId, waitFor } from './support/harness.ts';

const list = await combos();
let cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanup.reverse()) await c().catch(() => undefined);
  cleanup = [];
});
afterAll(() => removeTempDirs());

describe.each(list)('backoffice dies ($name)', (combo) => {
  it('dies before its commit and after its commit (before acking), three times each: exactly once', async () => {
    const dir = tempDir();
    const broker = await combo.broker();
    cleanup.push(() => broker.close());
    let batches = 0;
    const faults: string[] = [];
    const bo = await startRefBackoffice(broker.url, combo.store, () => {
      batches++;
      if (faults.length >= 6 || batches % 5 !== 0) return undefined;
      const f = faults.length % 2 === 0 ? 'die-before-commit' : 'die-after-commit';
      faults.push(f);
      return f;
    });
    cleanup.push(() => bo.close());
    const siteId = uniqueSiteId('bodie');
    const point = openPoint({ brokerUrl: broker.url, siteId, dbPath: `${dir}/ledger.db`, relay: { maxBatchEvents: 100, ackTimeoutMs: 700 } });
    cleanup.push(() => point.close());
    point.sync.start();
    for (let i = 0; i < 3_000; i++) point.ledger.append('sale', { i });
    await waitFor(
      async () => {
        if (bo.ingest().dead) {
          await bo.kill();
          await bo.restart();
        }
        return point.sync.status().lastAckSeq === 3_000;
      },
      30_000,
      'every event to be acknowledged',
    );
    expect(faults).toEqual(['die-before-commit', 'die-after-commit', 'die-before-commit', 'die-after-commit', 'die-before-commit', 'die-after-commit']);
    const stored = await bo.stored(siteId);
    expect(expectExactlyOnce(stored, 3_000)).toEqual({ missing: 0, duplicates: 0, outOfOrder: 0 });
    expect(point.ledger.outboxCount()).toBe(0);
  }, 45_000);

  it('the product backoffice killed mid-stream and restarted on the same database: exactly once', async () => {
    const dir = tempDir();
    const broker = await combo.broker();
    cleanup.push(() => broker.close());
    const bo = await startRealBackoffice(broker.url, combo.store, dir);
    cleanup.push(() => bo.close());
    const siteId = uniqueSiteId('bokill');
    const point = openPoint({ brokerUrl: broker.url, siteId, dbPath: `${dir}/ledger.db`, relay: { maxBatchEvents: 100, ackTimeoutMs: 700 } });
    cleanup.push(() => point.close());
    point.sync.start();
    const total = 4_000;
    let kills = 0;
    for (let round = 0; round < 4; round++) {
      for (let i = 0; i < total / 4; i++) point.ledger.append('sale', { round, i });
      await new Promise((r) => setTimeout(r, 20 + Math.floor(Math.random() * 60)));
      if (round < 3) {
        await bo.kill();
        kills++;
        await bo.restart();
      }
    }
    await waitFor(() => point.sync.status().lastAckSeq === total, 30_000, 'every event to be acknowledged');
    const stored = await bo.stored(siteId);
    expect(kills).toBe(3);
    expect(expectExactlyOnce(stored, total)).toEqual({ missing: 0, duplicates: 0, outOfOrder: 0 });
  }, 45_000);
});
