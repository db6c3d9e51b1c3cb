import { afterEach, describe, expect, it } from 'vitest';
import { createSystemClock } from '../../firmware-bridge/platform/clock.ts';
import { createSilentLogger } from '../../firmware-bridge/platform/logger.ts';
import { createLink } from '../../firmware-bridge/transport/createLink.ts';
import { createMemoryLinkPair } from '../../firmware-bridge/transport/memoryLink.ts';
import { KerongSimulator } from '../../hardware/sim/serial/kerong/kerongSimulator.ts';
import { lockBoardChecks } from './lockBoardSuite.ts';
import { runCheckList } from './runner.ts';

/** The lock board contract against the simulator, over the in-memory wire and over TCP (as the controller would). */
describe('lock board conformance (simulator)', () => {
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0)) await c();
  });
  const clock = createSystemClock();
  const logger = createSilentLogger();

  it('passes every check over the in-memory wire', async () => {
    const sim = new KerongSimulator({ clock, boards: [2] });
    const list = lockBoardChecks({
      makeLink: () => {
        const pair = createMemoryLinkPair({ clock });
        sim.attach(pair.device, pair);
        void pair.device.start();
        return pair.host;
      },
      clock,
      logger,
      address: 2,
      lock: 5,
      allowOpen: true,
      absentAddress: 9,
      readTimeoutMs: 50,
      openTimeoutMs: 100,
    });
    const results = await runCheckList(list, { timeoutMs: 10_000 });
    expect(results.filter((r) => r.status !== 'pass')).toEqual([]);
    expect(results.map((r) => r.name)).toContain('open lock 5: reported opened, read-back unlatched, exactly one unlock sent');
    expect(sim.unlockCount(5, 2)).toBe(1);
  });

  it('passes over TCP against serveOnTcp, the way a controller or terminal connects', async () => {
    const sim = new KerongSimulator({ clock, boards: [0] });
    const exposure = await sim.serveOnTcp(0);
    cleanups.push(() => exposure.close());
    const list = lockBoardChecks({
      makeLink: () => createLink(`tcp://127.0.0.1:${exposure.port}`, { clock, logger }),
      clock,
      logger,
      address: 0,
      lock: 1,
      allowOpen: true,
      readTimeoutMs: 200,
      openTimeoutMs: 400,
    });
    const results = await runCheckList(list, { timeoutMs: 10_000 });
    expect(results.filter((r) => r.status === 'fail')).toEqual([]);
    expect(results.filter((r) => r.status === 'skip').map((r) => r.name)).toEqual([
      'silent board: reads time out, an open is never reported opened, never repeated',
    ]);
    expect(sim.unlockCount(1, 0)).toBe(1);
  });

  it('fails, with a readable reason, against a board that never answers', async () => {
    const sim = new KerongSimulator({ clock, boards: [0] });
    sim.faults.set({ kind: 'no-reply', execute: false }, { times: Infinity });
    const list = lockBoardChecks({
      makeLink: () => {
        const pair = createMemoryLinkPair({ clock });
        sim.attach(pair.device, pair);
        void pair.device.start();
        return pair.host;
      },
      clock,
      logger,
      address: 0,
      lock: 1,
      allowOpen: false,
      readTimeoutMs: 20,
    });
    const results = await runCheckList(list, { timeoutMs: 10_000 });
    const failed = results.filter((r) => r.status === 'fail').map((r) => r.name);
    expect(failed).toContain('read all locks of board 0');
    expect(results.find((r) => r.name === 'read all locks of board 0')!.detail).toMatch(/timeout/);
    expect(results.find((r) => r.name === 'out-of-range lock numbers are rejected and nothing is sent')!.status).toBe('pass');
    // no --allow-open, no --absent: those checks did not run and do not pretend they did
    expect(results.filter((r) => r.status === 'skip').map((r) => r.detail)).toEqual([
      'needs --allow-open (really opens lock 1)',
      'needs --absent N (an address with no board on the bus)',
    ]);
  });
});
