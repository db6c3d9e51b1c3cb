/**
 * The product backoffice as a separate process (as in production), for benchmarks and tests that
 * must not share the point's event loop. argv: <brokerUrl> <sqlitePath>. Prints "ready" once
 * subscribed; stops on SIGTERM.
 */
import { createSystemClock } from '../../../firmware-bridge/platform/clock.ts';
import { createSilentLogger } from '../../../firmware-bridge/platform/logger.ts';
import { startBackoffice } from '../../../backoffice/main.ts';

const [brokerUrl, dbPath] = process.argv.slice(2);
if (!brokerUrl || !dbPath) throw new Error('usage: backofficeChild <brokerUrl> <sqlitePath>');
const bo = await startBackoffice({
  db: { kind: 'sqlite', path: dbPath },
  mqttUrl: brokerUrl,
  clientId: `bo-child-${process.pid}`,
  clock: createSystemClock(),
  logger: createSilentLogger(),
});
process.stdout.write('ready\n');
process.on('SIGTERM', () => {
  void bo.stop().finally(() => process.exit(0));
});
