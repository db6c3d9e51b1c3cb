import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../firmware-bridge/platform/clock.ts';
import { createSilentLogger } from '../../firmware-bridge/platform/logger.ts';
import { Ledger } from '../../controller/ledger/index.ts';
import { buildSimulatedPoint } from '../../controller/sim/simulatedPointBuilder.ts';

describe('a point that cannot start', () => {
  let dir: string | undefined;
  let blocker: Server | undefined;
  afterEach(async () => {
    await new Promise<void>((r) => (blocker ? blocker.close(() => r()) : r()));
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('stops every feature it had started when its API port is taken: no timer left, the ledger closed and intact', async () => {
    dir = mkdtempSync(join(tmpdir(), 'dorfpunkt-startfail-'));
    blocker = createServer();
    const port = await new Promise<number>((r) => blocker!.listen(0, '127.0.0.1', () => r((blocker!.address() as { port: number }).port)));
    const clock = new ManualClock(Date.UTC(2026, 10, 18, 9, 0, 0));
    await expect(
      buildSimulatedPoint({ siteId: 'fail-dorf', dataDir: dir, clock, logger: createSilentLogger(), http: { host: '127.0.0.1', port } }),
    ).rejects.toThrow(/EADDRINUSE|address already in use/);
    // door, boards, lockers, fridges and the simulators all stopped: nothing left to fire
    expect(clock.pendingTimers()).toBe(0);
    // the ledger was closed cleanly: it opens again with the demo data seeded by the failed start
    const ledger = Ledger.open({ path: join(dir, 'ledger.db'), siteId: 'fail-dorf', clock, logger: createSilentLogger() });
    try {
      expect(ledger.state.members().length).toBeGreaterThan(0);
    } finally {
      ledger.close();
    }
  });
});
