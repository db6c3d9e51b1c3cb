/** Test wiring: ModbusMaster ⇄ memory link pair ⇄ ModbusBusSim, on a ManualClock. */
import { ModbusMaster } from '../../firmware-bridge/modbus/master.ts';
import { ManualClock } from '../../firmware-bridge/platform/clock.ts';
import { createSilentLogger } from '../../firmware-bridge/platform/logger.ts';
import { createMemoryLinkPair, type MemoryLinkPair } from '../../firmware-bridge/transport/memoryLink.ts';
import { ModbusBusSim } from '../../hardware/sim/serial/modbus/modbusBusSim.ts';

export interface ModbusRig {
  clock: ManualClock;
  pair: MemoryLinkPair;
  master: ModbusMaster;
  sim: ModbusBusSim;
  stop(): Promise<void>;
}

export async function createModbusRig(): Promise<ModbusRig> {
  const clock = new ManualClock();
  const pair = createMemoryLinkPair({ name: 'rs485', clock, backoff: { initialMs: 200, maxMs: 1000 } });
  const sim = new ModbusBusSim(pair.device, clock, pair);
  sim.addSlave({ address: 1, coils: 8 });
  sim.addSlave({ address: 2, discreteInputs: 16 });
  sim.addSlave({ address: 3, input: 4, holding: 4 });
  await sim.start();
  await pair.host.start();
  const master = new ModbusMaster({ link: pair.host, clock, logger: createSilentLogger() });
  master.start();
  return {
    clock,
    pair,
    master,
    sim,
    async stop() {
      master.stop();
      await pair.host.stop();
      await sim.stop();
    },
  };
}

/** Let microtasks/IO run, moving the manual clock in small steps until `p` settles. */
export async function drive<T>(clock: ManualClock, p: Promise<T>, stepMs = 10, maxMs = 10_000): Promise<T> {
  let done = false;
  let value: T;
  let error: unknown;
  let failed = false;
  p.then(
    (v) => {
      done = true;
      value = v;
    },
    (e) => {
      done = true;
      failed = true;
      error = e;
    },
  );
  for (let t = 0; t <= maxMs; t += stepMs) {
    await new Promise((r) => setImmediate(r));
    if (done) break;
    clock.advance(stepMs);
  }
  if (!done) throw new Error(`did not settle within ${maxMs} ms of simulated time`);
  if (failed) throw error;
  return value!;
}
