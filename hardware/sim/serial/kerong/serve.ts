/**
 * Run a simulated Kerong bus on a TCP port, for a controller (`tcp://127.0.0.1:4001`), the
 * conformance CLI, or a technician's terminal (`socat - TCP:127.0.0.1:4001`):
 *
 *   npx tsx hardware/sim/serial/kerong/serve.ts [--port 4001] [--boards 0,1]
 */
import { createSystemClock } from '../../../../firmware-bridge/platform/clock.ts';
import { KerongSimulator } from './kerongSimulator.ts';

export async function serve(argv: string[]): Promise<{ port: number; close(): Promise<void> }> {
  const get = (flag: string) => {
    const i = argv.indexOf(flag);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const port = Number(get('--port') ?? '4001');
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new RangeError(`--port must be 0..65535, got ${get('--port')}`);
  const boards = (get('--boards') ?? '0').split(',').map((b) => Number(b));
  const sim = new KerongSimulator({ clock: createSystemClock(), boards });
  return sim.serveOnTcp(port);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  serve(process.argv.slice(2)).then(
    (exp) => console.log(`simulated Kerong bus listening on tcp://127.0.0.1:${exp.port}`),
    (err) => {
      console.error(String(err));
      process.exit(2);
    },
  );
}
