/** Test wiring: IoBoard ⇄ memory link pair ⇄ IoBoardSim on a ManualClock. */
import { IoBoard, type IoBoardEvent } from '../../firmware-bridge/ioboard/ioBoard.ts';
import { ManualClock } from '../../firmware-bridge/platform/clock.ts';
import { createSilentLogger } from '../../firmware-bridge/platform/logger.ts';
import { createMemoryLinkPair, type MemoryLinkPair } from '../../firmware-bridge/transport/memoryLink.ts';
import { IoBoardSim } from '../../hardware/sim/serial/ioboard/ioBoardSim.ts';
import { drive } from './modbusHarness.ts';

export interface IoRig {
  clock: ManualClock;
  pair: MemoryLinkPair;
  board: IoBoard;
  sim: IoBoardSim;
  events: IoBoardEvent[];
  /** Let pending microtasks run without moving time. */
  flush(): Promise<void>;
  /** Move simulated time in 10 ms steps, letting I/O run between steps. */
  run(ms: number): Promise<void>;
  stop(): Promise<void>;
}

export async function createIoRig(opts: { watchdogMs?: number } = {}): Promise<IoRig> {
  const clock = new ManualClock();
  const pair = createMemoryLinkPair({ name: 'ioboard', clock, backoff: { initialMs: 200, maxMs: 1000 } });
  const sim = new IoBoardSim({ link: pair.device, clock, cable: pair, relays: 4, inputs: 8, probes: 2 });
  await sim.start();
  await pair.host.start();
  const board = new IoBoard({ link: pair.host, clock, logger: createSilentLogger(), ...(opts.watchdogMs ? { watchdogMs: opts.watchdogMs } : {}) });
  const events: IoBoardEvent[] = [];
  board.onEvent((e) => events.push(e));
  const flush = async () => {
    for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
  };
  await drive(clock, board.start());
  return {
    clock,
    pair,
    board,
    sim,
    events,
    flush,
    async run(ms: number) {
      for (let t = 0; t < ms; t += 10) {
        clock.advance(10);
        await flush();
      }
    },
    async stop() {
      board.stop();
      await pair.host.stop();
      await sim.stop();
    },
  };
}

export { drive };
