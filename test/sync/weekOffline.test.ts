import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { FaultProxy } from '../support/faultProxy.ts';
import { combos, expectExactlyOnce, openPoint, percentile, removeTempDirs, tempDir, uniqueSiteId, waitFor, type Point } from './support/harness.ts';
import { RefIngest } from './support/refIngest.ts';
import type { IngestStore } from './support/ingestStore.ts';
import type { TestBroker } from './support/brokers.ts';

const N = 20_000;
const WEEK_MS = 7 * 24 * 3600_000;
const list = await combos();

let cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanup.reverse()) await c().catch(() => undefined);
  cleanup = [];
});
afterAll(() => removeTempDirs());

describe.each(list)('a week offline ($name)', (combo) => {
  it('delivers 20,000 offline events exactly once, in order, and keeps live events flowing during the drain', async () => {
    const broker: TestBroker = await combo.broker();
    cleanup.push(() => broker.close());
    const store: IngestStore = await combo.store();
    cleanup.push(() => store.close());
    const commitTimes = new Map<number, number>();
    const ingest = new RefIngest({
      brokerUrl: broker.url,
      store,
      onCommitted: (_site, upTo) => commitTimes.set(upTo, performance.now()),
    });
    await ingest.start();
    cleanup.push(() => ingest.stop());
    const proxy = await FaultProxy.start({ targetPort: broker.port });
    cleanup.push(() => proxy.stop());
    proxy.refuse(true); // the broker is unreachable for the whole week

    const siteId = uniqueSiteId('week');
    const point: Point = openPoint({ brokerUrl: proxy.url, siteId, dbPath: `${tempDir()}/ledger.db` });
    cleanup.push(() => point.close());
    point.sync.start();

    for (let i = 0; i < N; i++) {
      point.ledgerClock.advance(WEEK_MS / N);
      point.ledger.append('sale', { i, cents: 100 + (i % 500) });
    }
    expect(point.sync.status()).toMatchObject({ connected: false, backlog: N, lastAckSeq: 0 });

    // The link returns. Live events keep being recorded every 20 ms while the backlog drains.
    const liveAppendedAt = new Map<number, number>();
    let drainingSeen = false;
    point.sync.onStatus((s) => {
      if (s.draining) drainingSeen = true;
    });
    proxy.refuse(false);
    const live = setInterval(() => {
      const e = point.ledger.append('door.opened', { live: true });
      liveAppendedAt.set(e.seq, performance.now());
    }, 20);
    cleanup.push(async () => clearInterval(live));
    await waitFor(async () => (await store.progress(siteId)) >= N, 45_000, 'the backlog to drain');
    clearInterval(live);
    const last = point.ledger.lastSeq();
    await waitFor(async () => (await store.progress(siteId)) >= last, 10_000, 'the live tail');
    await waitFor(() => point.sync.status().lastAckSeq === last, 5_000, 'the final ack');

    const stored = await store.all(siteId);
    expect(expectExactlyOnce(stored, last)).toEqual({ missing: 0, duplicates: 0, outOfOrder: 0 });
    expect(stored.length).toBe(last);
    expect(point.ledger.outboxCount()).toBe(0);
    expect(drainingSeen).toBe(true);

    // Live latency: append → committed at the backoffice (first commit covering its seq).
    const commits = [...commitTimes.entries()].sort((a, b) => a[0] - b[0]);
    const latencies: number[] = [];
    for (const [seq, at] of liveAppendedAt) {
      const c = commits.find(([upTo]) => upTo >= seq);
      if (c) latencies.push(c[1] - at);
    }
    expect(liveAppendedAt.size).toBeGreaterThan(0);
    const p99 = percentile(latencies, 99);
    console.log(`${combo.name}: ${liveAppendedAt.size} live events during the drain, live latency p50 ${percentile(latencies, 50).toFixed(0)} ms, p99 ${p99.toFixed(0)} ms`);
    expect(p99).toBeLessThanOrEqual(5_000);
    expect(point.sync.status()).toMatchObject({ connected: true, backlog: 0, draining: false, progress: 1 });
  }, 90_000);
});
