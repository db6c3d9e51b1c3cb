import { ManualClock } from '../../firmware-bridge/platform/clock.ts';
import { createSilentLogger } from '../../firmware-bridge/platform/logger.ts';
import { KerongBoard } from '../../firmware-bridge/kerong/board.ts';
import { createKerongSession } from '../../firmware-bridge/kerong/kerongSession.ts';
import type { LinkStatus } from '../../firmware-bridge/transport/link.ts';
import { createMemoryLinkPair } from '../../firmware-bridge/transport/memoryLink.ts';
import { createSeededRandom } from '../../hardware/sim/serial/common/faults.ts';
import { KerongSimulator } from '../../hardware/sim/serial/kerong/kerongSimulator.ts';

/** Let queued microtasks and immediates (memory-link deliveries, promise chains) run. */
export async function flush(rounds = 8): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise<void>((r) => setImmediate(r));
}

/**
 * A driver and a simulated board on an in-memory cable, all on one ManualClock. Backoff has
 * jitter (seeded) and the default 4 s cap, like production.
 */
export async function setupKerong(opts: { address?: number } = {}) {
  const clock = new ManualClock();
  const address = opts.address ?? 0;
  const pair = createMemoryLinkPair({ clock, random: createSeededRandom(7) });
  const sim = new KerongSimulator({ clock, boards: [address] });
  sim.attach(pair.device, pair);
  const statuses: LinkStatus[] = [];
  pair.host.onStatus((s) => statuses.push(s));
  await pair.device.start();
  await pair.host.start();
  const session = createKerongSession({ link: pair.host, clock, logger: createSilentLogger() });
  session.start();
  const board = new KerongBoard({ session, address, clock, logger: createSilentLogger(), readTimeoutMs: 300, openTimeoutMs: 1000, verifySettleMs: 300 });

  /** Move time in small steps, letting I/O settle between them. */
  async function advance(ms: number, step = 25): Promise<void> {
    for (let t = 0; t < ms; t += step) {
      clock.advance(Math.min(step, ms - t));
      await flush(3);
    }
  }

  /** Run an async driver call while time passes; returns its result. */
  async function during<T>(p: Promise<T>, ms: number): Promise<T> {
    let done = false;
    void p.then(
      () => (done = true),
      () => (done = true),
    );
    for (let t = 0; t < ms && !done; t += 25) {
      await flush(3);
      if (done) break;
      clock.advance(25);
    }
    await flush();
    return p;
  }

  async function stop(): Promise<void> {
    session.stop();
    await pair.host.stop();
    await pair.device.stop();
  }

  return { clock, pair, sim, session, board, statuses, advance, during, stop };
}
