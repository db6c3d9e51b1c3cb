import { describe, expect, it } from 'vitest';
import { createSystemClock } from '../../firmware-bridge/platform/clock.ts';
import { createSilentLogger } from '../../firmware-bridge/platform/logger.ts';
import { createMemoryLinkPair } from '../../firmware-bridge/transport/memoryLink.ts';
import { ModbusBusSim, setTempHumidity } from '../../hardware/sim/serial/modbus/modbusBusSim.ts';
import { modbusConformanceSuite } from './modbusSuite.ts';
import { exitCodeOf, formatResults, runCheckList } from './runner.ts';

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
    expect(
      results.filter((r) => r.status !== 'pass'),
      formatResults('modbus', results),
    ).toEqual([]);
    expect(results).toHaveLength(6);
  });

  it('checks it cannot run without --allow-switch or the input/sensor addresses are SKIP with the reason, never PASS', async () => {
    const clock = createSystemClock();
    const pair = createMemoryLinkPair({ name: 'modbus-conformance', clock });
    const sim = new ModbusBusSim(pair.device, clock, pair);
    sim.addSlave({ address: 1, coils: 4 });
    await sim.start();
    const list = modbusConformanceSuite.create({ makeLink: () => pair.host, clock, logger: createSilentLogger(), args: { 'relay-address': '1', relays: '4' } });
    const results = await runCheckList(list, { timeoutMs: 5000 });
    await sim.stop();
    const byStatus = (s: string) => results.filter((r) => r.status === s).map((r) => r.name);
    expect(byStatus('skip')).toEqual([
      'relay switched on and off reads back (FC 05 echo + FC 01)',
      'input board answers a discrete input read (FC 02)',
      'temperature sensor gives a plausible reading (FC 04, x10)',
    ]);
    expect(byStatus('fail')).toEqual([]);
    expect(results.find((r) => r.status === 'skip')!.detail).toMatch(/--allow-switch/);
    expect(sim.slave(1).log.some((q) => q.kind === 'writeSingleCoil')).toBe(false); // really not switched
    const text = formatResults('modbus', results);
    expect(text).toMatch(/^SKIP {2}relay switched on and off/m);
    expect(text).toMatch(/not run: needs --allow-switch/);
    expect(text).not.toMatch(/^PASS {2}relay switched/m);
    expect(text).toMatch(/modbus: 3 passed, 0 failed, 3 skipped — skipped checks were NOT verified$/);
    expect(exitCodeOf(results)).toBe(0); // skips alone do not fail a bench run
  });

  it('a failing check makes the exit code 1 and is counted apart from skips', async () => {
    const clock = createSystemClock();
    const pair = createMemoryLinkPair({ name: 'modbus-conformance', clock });
    const sim = new ModbusBusSim(pair.device, clock, pair);
    sim.addSlave({ address: 1, coils: 4 });
    await sim.start();
    // the technician says 8 relays, the board has 4: the coil read is refused with exception 2
    const list = modbusConformanceSuite.create({ makeLink: () => pair.host, clock, logger: createSilentLogger(), args: { 'relay-address': '1', relays: '8' } });
    const results = await runCheckList(list, { timeoutMs: 5000 });
    await sim.stop();
    expect(results[0]).toMatchObject({ status: 'fail', detail: expect.stringMatching(/exception 2/) });
    expect(formatResults('modbus', results)).toMatch(/modbus: 2 passed, 1 failed, 3 skipped/);
    expect(exitCodeOf(results)).toBe(1);
  });

  it('bad CLI arguments are refused with a clear message', () => {
    const t = {
      makeLink: () => {
        throw new Error('unused');
      },
      clock: createSystemClock(),
      logger: createSilentLogger(),
    };
    expect(() => modbusConformanceSuite.create({ ...t, args: { 'relay-address': '0' } })).toThrow(/--relay-address must be an integer 1\.\.247, got 0/);
  });
});
