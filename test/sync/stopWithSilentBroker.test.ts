import { describe, expect, it } from 'vitest';
import { FaultProxy } from '../support/faultProxy.ts';
import { startAedes } from './support/brokers.ts';
import { openPoint, uniqueSiteId } from './support/harness.ts';
import { useCleanup, waitFor } from '../support/fixture.ts';

const { tempDir } = useCleanup();

describe('stopping the point while the broker has gone silent', () => {
  it('does not hang on the goodbye message: stop() returns within its bounded wait', async () => {
    const broker = await startAedes();
    const proxy = await FaultProxy.start({ targetPort: broker.port });
    const point = openPoint({ brokerUrl: proxy.url, siteId: uniqueSiteId('stop'), dbPath: `${tempDir()}/ledger.db` });
    try {
      point.sync.start();
      await waitFor(() => point.sync.status().connected, { timeoutMs: 10_000, what: 'connected' });
      proxy.blackhole(); // half-open: the client still believes it is connected, nothing answers
      const t0 = Date.now();
      await point.sync.stop();
      expect(Date.now() - t0).toBeLessThan(5_000);
    } finally {
      point.ledger.close();
      await proxy.stop();
      await broker.close();
    }
  }, 20_000);
});
