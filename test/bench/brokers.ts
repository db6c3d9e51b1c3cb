import { createServer, type AddressInfo } from 'node:net';
import { Aedes } from 'aedes';
import { clearRetained } from '../sync/support/clearRetained.ts';
import { MOSQUITTO_PORT, reachable } from '../support/services.ts';

export interface BenchBroker {
  name: string;
  url: string;
  close(): Promise<void>;
}

/**
 * The brokers a sync/ingest figure is measured on: an open embedded Aedes always, and the
 * machine's Mosquitto on 127.0.0.1:1883 when it answers. Both figures and their anchors go
 * through the same broker, so the ratio compares our code, not the brokers.
 */
export async function openBenchBrokers(): Promise<BenchBroker[]> {
  const brokers: BenchBroker[] = [];
  const aedes = await Aedes.createBroker({ concurrency: 1000, maxInflightInbound: 1000 } as never);
  const server = createServer(aedes.handle);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  brokers.push({
    name: 'Aedes (embedded)',
    url: `mqtt://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: async () => {
      await new Promise<void>((r) => server.close(() => r()));
      await new Promise<void>((r) => aedes.close(() => r()));
    },
  });
  if (await reachable(MOSQUITTO_PORT, '127.0.0.1', 1000)) {
    const url = 'mqtt://127.0.0.1:1883';
    // The shared Mosquitto persists retained births: clear the bench's sites when done.
    brokers.push({ name: 'Mosquitto (127.0.0.1:1883)', url, close: async () => void (await clearRetained(url, /^bench-/)) });
  } else {
    process.stdout.write('  (Mosquitto on 127.0.0.1:1883 not reachable: Mosquitto figures skipped)\n');
  }
  return brokers;
}
