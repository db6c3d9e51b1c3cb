/**
 * Connection lifecycle: retained birth with a persisted session counter on every connect, Last
 * Will `offline` with the same session on an abnormal drop, `offline` on a clean stop, stable
 * client id, and reconnects driven only by our own backoff on the injected clock.
 */
import mqtt from 'mqtt';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../firmware-bridge/platform/clock.ts';
import { decode, topics, type SiteState } from '../../controller/contract/sync/index.ts';
import { FaultProxy } from '../support/faultProxy.ts';
import { startAedes } from './support/brokers.ts';
import { combos, openPoint, uniqueSiteId } from './support/harness.ts';
import { useCleanup, waitFor } from '../support/fixture.ts';

const list = await combos();
const { defer, tempDir } = useCleanup();

async function watchState(url: string, siteId: string): Promise<{ states: SiteState[]; close: () => Promise<void> }> {
  const c = await mqtt.connectAsync(url, { protocolVersion: 4, clientId: `watch-${siteId}-${Math.random().toString(36).slice(2, 6)}`, reconnectPeriod: 0 });
  const states: SiteState[] = [];
  c.on('message', (_t, p) => {
    const d = decode('state', p);
    if (d.ok) states.push(d.value);
  });
  await c.subscribeAsync(topics.upState(siteId), { qos: 1 });
  return { states, close: () => c.endAsync(true) };
}

describe.each(list)('connection lifecycle ($name)', (combo) => {
  it('publishes a retained birth per connection, the Will on a drop, offline on stop; the session counter persists', async () => {
    const dir = tempDir();
    const broker = await combo.broker();
    defer(() => broker.close());
    const proxy = await FaultProxy.start({ targetPort: broker.port });
    defer(() => proxy.stop());
    const siteId = uniqueSiteId('life');
    const watch = await watchState(broker.url, siteId);
    defer(watch.close);
    const dbPath = `${dir}/ledger.db`;
    let point = openPoint({ brokerUrl: proxy.url, siteId, dbPath });
    point.sync.start();
    await waitFor(() => watch.states.some((s) => s.status === 'online' && s.session === 1), { timeoutMs: 5_000, what: 'birth of session 1' });
    proxy.resetAll();
    await waitFor(() => watch.states.some((s) => s.status === 'offline' && s.session === 1), { timeoutMs: 5_000, what: 'the Will of session 1' });
    await waitFor(() => watch.states.some((s) => s.status === 'online' && s.session === 2), { timeoutMs: 5_000, what: 'birth of session 2' });
    await point.close();
    await waitFor(() => watch.states.some((s) => s.status === 'offline' && s.session === 2), { timeoutMs: 5_000, what: 'offline on stop' });

    // A restarted point continues the counter from its database.
    point = openPoint({ brokerUrl: proxy.url, siteId, dbPath });
    defer(() => point.close());
    point.sync.start();
    await waitFor(() => watch.states.some((s) => s.status === 'online' && s.session === 3), { timeoutMs: 5_000, what: 'birth of session 3' });
    const late = await watchState(broker.url, siteId); // retained: a late subscriber sees the current state
    defer(late.close);
    await waitFor(() => late.states.length > 0, { timeoutMs: 5_000, what: 'the retained state' });
    expect(late.states[0]).toMatchObject({ status: 'online', session: 3, backlog: { pending: 0, lastSeq: 0 }, appliedVersion: 0 });
  }, 30_000);
});

describe('reconnect backoff', () => {
  it('reconnects only when our jittered backoff, on the injected clock, says so', async () => {
    const broker = await startAedes();
    defer(() => broker.close());
    const proxy = await FaultProxy.start({ targetPort: broker.port });
    defer(() => proxy.stop());
    proxy.refuse(true);
    const clock = new ManualClock();
    const point = openPoint({
      brokerUrl: proxy.url,
      siteId: uniqueSiteId('backoff'),
      dbPath: `${tempDir()}/ledger.db`,
      syncClock: clock,
      backoff: { floorMs: 1_000, baseMs: 1_000, capMs: 1_000 },
    });
    defer(() => point.close());
    point.sync.start();
    await waitFor(() => proxy.stats.refused === 1 && clock.pendingTimers() === 1, { timeoutMs: 5_000, what: 'the first attempt to fail' });
    clock.advance(999);
    expect(clock.pendingTimers()).toBe(1); // 1 ms early: the reconnect is still scheduled, not run
    clock.advance(1);
    await waitFor(() => proxy.stats.refused === 2, { timeoutMs: 5_000, what: 'the scheduled attempt' });
    proxy.refuse(false);
    await waitFor(() => clock.pendingTimers() === 1, { timeoutMs: 5_000, what: 'the next attempt to be scheduled' });
    clock.advance(1_000);
    await waitFor(() => point.sync.status().connected, { timeoutMs: 5_000, what: 'the scheduled reconnect' });
    // Every connection attempt was one of ours (one session each): MQTT.js itself never retried.
    expect(point.sync.status().session).toBe(3);
    expect(proxy.stats.refused).toBe(2);
    expect(proxy.stats.accepted).toBe(1);
  }, 20_000);
});
