import { createServer, type AddressInfo, Socket } from 'node:net';
import { Aedes } from 'aedes';

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
  if (await reachable('127.0.0.1', 1883)) {
    brokers.push({ name: 'Mosquitto (127.0.0.1:1883)', url: 'mqtt://127.0.0.1:1883', close: async () => {} });
  } else {
    process.stdout.write('  (Mosquitto on 127.0.0.1:1883 not reachable: Mosquitto figures skipped)\n');
  }
  return brokers;
}

function reachable(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = new Socket();
    s.setTimeout(1000);
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
    s.once('timeout', () => {
      s.destroy();
      resolve(false);
    });
    s.connect(port, host);
  });
}
