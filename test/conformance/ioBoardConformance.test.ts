import { describe, expect, it } from 'vitest';
import { createSystemClock } from '../../firmware-bridge/platform/clock.ts';
import { createSilentLogger } from '../../firmware-bridge/platform/logger.ts';
import { createMemoryLinkPair } from '../../firmware-bridge/transport/memoryLink.ts';
import { IoBoardSim } from '../../hardware/sim/serial/ioboard/ioBoardSim.ts';
import { ioBoardConformanceSuite } from './ioBoardSuite.ts';
import { formatResults, runCheckList } from './runner.ts';

describe('I/O board conformance suite against the simulator', () => {
  it('passes every check (watchdog 300 ms to keep it short)', async () => {
    const clock = createSystemClock();
    const pair = createMemoryLinkPair({ name: 'ioboard-conformance', clock });
    const sim = new IoBoardSim({ link: pair.device, clock, cable: pair });
    await sim.start();
    const list = ioBoardConformanceSuite.create({ makeLink: () => pair.host, clock, logger: createSilentLogger(), args: { 'watchdog-ms': '300' } });
    const results = await runCheckList(list, { timeoutMs: 5000 });
    await sim.stop();
    expect(
      results.filter((r) => r.status !== 'pass'),
      formatResults('ioboard', results),
    ).toEqual([]);
    expect(results).toHaveLength(6);
  });
});
