/**
 * REFERENCE S2: a broker without persistence is killed right after it acknowledged (PUBACK) a
 * batch that the backoffice never received. The point must not have treated the PUBACK as
 * delivery: it resends after reconnecting, and nothing is lost or doubled.
 */
import { describe, expect, it } from 'vitest';
import { FaultProxy } from '../support/faultProxy.ts';
import { startRealBackoffice, type StoreKind } from './support/backoffices.ts';
import { mosquittoBinary, reachable, requireServices, startAedes, startPrivateMosquitto, type TestBroker } from './support/brokers.ts';
import { expectExactlyOnce, openPoint, uniqueSiteId } from './support/harness.ts';
import { useCleanup, waitFor } from '../support/fixture.ts';

const variants: { name: string; broker: () => Promise<TestBroker>; store: StoreKind }[] = [
  { name: 'aedes+sqlite', broker: () => startAedes(), store: 'sqlite' },
];
const pgUp = (await reachable(5432)) || requireServices;
if (mosquittoBinary() || requireServices) {
  variants.push({ name: `mosquitto+${pgUp ? 'postgres' : 'sqlite'}`, broker: () => startPrivateMosquitto(), store: pgUp ? 'postgres' : 'sqlite' });
} else {
  console.log('broker forgets: no mosquitto binary — skipping the Mosquitto variant');
}

const { defer, tempDir } = useCleanup();

describe.each(variants)('broker forgets ($name)', (v) => {
  it('loses nothing when a non-persistent broker dies right after acknowledging a batch', async () => {
    const dir = tempDir();
    const broker = await v.broker();
    defer(() => broker.close());
    // The backoffice reaches the broker through a proxy we can stall.
    const boLink = await FaultProxy.start({ targetPort: broker.port });
    defer(() => boLink.stop());
    const backoffice = await startRealBackoffice(boLink.url, v.store, dir);
    defer(() => backoffice.close());

    const siteId = uniqueSiteId('forget');
    const point = openPoint({ brokerUrl: broker.url, siteId, dbPath: `${dir}/ledger.db` });
    defer(() => point.close());
    point.sync.start();
    for (let i = 0; i < 100; i++) point.ledger.appendUnchecked('sale', { i });
    await waitFor(() => point.sync.status().lastAckSeq === 100, { timeoutMs: 10_000, what: 'the first 100 to be acknowledged' });

    boLink.pause(); // the broker will accept and PUBACK, but the backoffice receives nothing
    const pubacksBefore = point.sync.counters.pubacks;
    for (let i = 0; i < 300; i++) point.ledger.appendUnchecked('sale', { i: 100 + i });
    await waitFor(() => point.sync.counters.pubacks > pubacksBefore, { timeoutMs: 5_000, what: 'the broker to PUBACK the batch' });
    // One more event, one more PUBACK: once it is counted, the earlier PUBACK has long been handled.
    const pubacksAfter = point.sync.counters.pubacks;
    point.ledger.appendUnchecked('sale', { i: 400 });
    await waitFor(() => point.sync.counters.pubacks > pubacksAfter, { timeoutMs: 5_000, what: 'the PUBACK of a later batch' });
    expect(point.ledger.deliveredUpTo()).toBe(100); // a PUBACK is not a delivery

    await broker.kill(); // everything the broker held is gone
    boLink.resetAll();
    boLink.resume();
    await broker.restart();

    await waitFor(() => point.sync.status().lastAckSeq === 401, { timeoutMs: 20_000, what: 'all 401 to be acknowledged after the broker restart' });
    const stored = await backoffice.stored(siteId);
    expect(expectExactlyOnce(stored, 401)).toEqual({ missing: 0, duplicates: 0, outOfOrder: 0 });
    expect(point.ledger.outboxCount()).toBe(0);
  }, 40_000);
});
