/**
 * The standalone backoffice (embedded broker + backoffice on SQLite) as its own process, for the
 * broker-login tests that SIGKILL it. Logs go to stdout as JSON lines; prints
 * `ready <brokerUrl> <httpUrl>` once started; stops on SIGTERM.
 *
 * argv: <dataDir> --lock-ms <baseLockMs> [--max-failures n]
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createSystemClock } from '../../firmware-bridge/platform/clock.ts';
import type { Logger } from '../../firmware-bridge/platform/logger.ts';
import { startStandalone } from '../../backoffice/standalone.ts';

const { positionals, values } = parseArgs({ allowPositionals: true, options: { 'lock-ms': { type: 'string' }, 'max-failures': { type: 'string' } } });
const [dataDir] = positionals;
if (!dataDir || !values['lock-ms']) throw new Error('usage: brokerLoginChild <dataDir> --lock-ms <ms> [--max-failures n]');

function jsonLogger(bindings: Record<string, unknown>): Logger {
  const at =
    (level: string) =>
    (obj: object | string, msg?: string): void => {
      const o = typeof obj === 'string' ? { msg: obj } : { ...bindings, ...obj, msg };
      process.stdout.write(JSON.stringify({ level, ...o }) + '\n');
    };
  return { debug: () => undefined, info: at('info'), warn: at('warn'), error: at('error'), child: (b) => jsonLogger({ ...bindings, ...b }) };
}

const s = await startStandalone({
  db: { kind: 'sqlite', path: join(dataDir, 'backoffice.db') },
  dataDir,
  brokerPort: 0,
  http: { port: 0 },
  brokerLoginLimit: { baseLockMs: Number(values['lock-ms']), ...(values['max-failures'] ? { maxUsernameFailures: Number(values['max-failures']) } : {}) },
  clock: createSystemClock(),
  logger: jsonLogger({}),
});
process.stdout.write(`ready ${s.broker.url} ${s.backoffice.httpUrl}\n`);
process.on('SIGTERM', () => {
  void s.stop().finally(() => process.exit(0));
});
