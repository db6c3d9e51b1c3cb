/**
 * The standalone backoffice (embedded broker + backoffice on SQLite, system clock) with alarm
 * e-mails to the given SMTP URL, as its own process for the tests that SIGKILL it. Short poll and
 * retry intervals. Prints `ready <httpUrl>` once started; stops on SIGTERM.
 * argv: <dataDir> <smtpUrl>
 */
import { join } from 'node:path';
import { createSystemClock } from '../../../firmware-bridge/platform/clock.ts';
import { createSilentLogger } from '../../../firmware-bridge/platform/logger.ts';
import { startStandalone } from '../../../backoffice/standalone.ts';

const [dataDir, smtpUrl] = process.argv.slice(2);
if (!dataDir || !smtpUrl) throw new Error('usage: alarmMailChild <dataDir> <smtpUrl>');

const s = await startStandalone({
  db: { kind: 'sqlite', path: join(dataDir, 'backoffice.db') },
  dataDir,
  brokerPort: 0,
  http: { port: 0 },
  mail: { smtpUrl, from: 'dorfpunkt <alarme@dorfpunkt.example>', pollMs: 100, retryBaseMs: 300, retryMaxMs: 1000 },
  clock: createSystemClock(),
  logger: createSilentLogger(),
});
process.stdout.write(`ready ${s.backoffice.httpUrl}\n`);
process.on('SIGTERM', () => {
  void s.stop().finally(() => process.exit(0));
});
