import { describe, expect, it } from 'vitest';
import { createSystemClock } from '../../firmware-bridge/platform/clock.ts';
import { createSilentLogger } from '../../firmware-bridge/platform/logger.ts';
import { createMemoryLinkPair } from '../../firmware-bridge/transport/memoryLink.ts';
import { ModbusBusSim, setTempHumidity } from '../../hardware/sim/serial/modbus/modbusBusSim.ts';
import { modbusConformanceSuite } from './modbusSuite.ts';
import { formatResults, runCheckList } from './runner.ts';

describe('Modbus conformance suite against the simulator', () => {
  it('passes every check', async () => {
    const clock = createSystemClock();
    const pair = createMemoryLinkPair({ name: 'modbus-conformance', clock });
    const sim = new ModbusBusSim(pair.device, clock, pair);
    sim.addSlave({ address: 1, coils: 8 });
    sim.addSlave({ address: 2, discreteInputs: 8 });
    setTempHumidity(sim.addSlave({ address: 3, input: 4 }), 5.5, 40);
    await sim.start();
    const list = modbusConformanceSuite.create({
      makeLink: () => pair.host,
      clock,
      logger: createSilentLogger(),
      args: { 'relay-address': '1', relays: '8', 'allow-switch': true, 'input-address': '2', 'sensor-address': '3' },
    });
    const results = await runCheckList(list, { timeoutMs: 5000 });
    await sim.stop();
    expect(results.filter((r) => !r.ok), formatResults('modbus', results)).toEqual([]);
    expect(results).toHaveLength(6);
  });

  it('bad CLI arguments are refused with a clear message', () => {
    const t = { makeLink: () => { throw new Error('unused'); }, clock: createSystemClock(), logger: createSilentLogger() };
    expect(() => modbusConformanceSuite.create({ ...t, args: { 'relay-address': '0' } })).toThrow(/--relay-address must be an integer 1\.\.247, got 0/);
  });
});
