/**
 * REFERENCE S3 through the in-test TCP fault proxy: delays, stalls (held bytes), resets,
 * half-open links and refused connections while the point keeps recording. Outcome: every event
 * exactly once; a half-open link is detected within 1.5 × keepalive.
 */
import { describe, expect, it } from 'vitest';
import { FaultProxy } from '../support/faultProxy.ts';
import { startRealBackoffice } from './support/backoffices.ts';
import { combos, expectExactlyOnce, openPoint, uniqueSiteId } from './support/harness.ts';
import { useCleanup, waitFor } from '../support/fixture.ts';

const KEEPALIVE_S = 2;
const list = await combos();
const { defer, tempDir } = useCleanup();
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe.each(list)('bad network ($name)', (combo) => {
  it('delivers exactly once through delays, stalls, resets, half-open links and refusals', async () => {
    const dir = tempDir();
    const broker = await combo.broker();
    defer(() => broker.close());
    const bo = await startRealBackoffice(broker.url, combo.store, dir);
    defer(() => bo.close());
    const proxy = await FaultProxy.start({ targetPort: broker.port });
    defer(() => proxy.stop());
    const siteId = uniqueSiteId('net');
    const point = openPoint({
      brokerUrl: proxy.url,
      siteId,
      dbPath: `${dir}/ledger.db`,
      keepaliveSec: KEEPALIVE_S,
      connectTimeoutMs: 2_000,
      relay: { maxBatchEvents: 100, ackTimeoutMs: 1_500 },
    });
    defer(() => point.close());
    point.sync.start();
    const producer = setInterval(() => {
      for (let i = 0; i < 10; i++) point.ledger.appendUnchecked('sale', { i });
    }, 25);
    defer(async () => clearInterval(producer));
    const connected = (): boolean => point.sync.status().connected;
    await waitFor(connected, { timeoutMs: 5_000, what: 'first connection' });

    proxy.setDelay(150); // slow link
    await sleep(1_000);
    proxy.setDelay(0);
    proxy.pause(); // stalled link, bytes held and released
    await sleep(800);
    proxy.resume();
    for (let i = 0; i < 3; i++) {
      await sleep(300);
      proxy.resetAll(); // RST
      await waitFor(connected, { timeoutMs: 5_000, what: 'reconnect after reset' });
    }

    // Half-open: nothing flows, nothing closes. Only the keepalive can tell.
    await sleep(300);
    const holedAt = performance.now();
    proxy.blackhole();
    await waitFor(() => !connected(), { timeoutMs: KEEPALIVE_S * 1_500 + 1_000, what: 'the half-open link to be detected' });
    const detectMs = performance.now() - holedAt;
    proxy.heal();
    proxy.refuse(true); // and then the broker is unreachable for a while
    await sleep(700);
    proxy.refuse(false);
    await waitFor(connected, { timeoutMs: 5_000, what: 'reconnect after refusal' });
    await sleep(300);
    clearInterval(producer);

    const last = point.ledger.lastSeq();
    await waitFor(() => point.sync.status().lastAckSeq === last, { timeoutMs: 20_000, what: 'every event to be acknowledged' });
    const stored = await bo.stored(siteId);
    expect(expectExactlyOnce(stored, last)).toEqual({ missing: 0, duplicates: 0, outOfOrder: 0 });
    expect(point.ledger.outboxCount()).toBe(0);
    console.log(
      `${combo.name}: ${last} events; half-open detected after ${detectMs.toFixed(0)} ms (keepalive ${KEEPALIVE_S} s); ${point.sync.counters.connects} connects`,
    );
    // 1.5 × keepalive, plus 150 ms for timer granularity / event-loop lag on a loaded machine.
    expect(detectMs).toBeLessThanOrEqual(KEEPALIVE_S * 1_500 + 150);
    expect(point.sync.counters.connects).toBeGreaterThanOrEqual(5);
  }, 60_000);
});
