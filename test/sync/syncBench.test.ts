import { afterAll, describe, expect, it } from 'vitest';
import { benchSync } from '../bench/syncBench.ts';
import { startAedes, type TestBroker } from './support/brokers.ts';

let broker: TestBroker | undefined;
afterAll(async () => broker?.close());

describe('sync bench (smoke)', () => {
  it('measures drain and raw time for the same batches and reports their ratio', async () => {
    broker = await startAedes();
    const r = await benchSync({ brokerUrl: broker.url, events: 2_000, pairs: 1 });
    expect(r.pairs).toHaveLength(1);
    expect(r.drainMs).toBeGreaterThan(0);
    expect(r.rawMs).toBeGreaterThan(0);
    expect(r.ratio).toBeCloseTo(r.rawMs / r.drainMs, 6);
  }, 30_000);
});
