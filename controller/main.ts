/**
 * Process entry of a point controller.
 *
 *   tsx controller/main.ts --sim [--data dir] [--port n] [--profile file] [--board-ports 4001,4002]   a simulated point with demo data
 *     (--remote-age-ms n: how long an operator has to answer a remote age check, default 90 s;
 *      --pay-ms n: how long a payment may stay undecided before it is voided, default 300 s)
 *     [--site id] [--name "Dorfladen Kleinweiler"] [--address "Hauptstraße 1|12345 Kleinweiler"]
 *     [--demo-history shop|farm|parcels]  (on a first start: a few days of past visits, sales, fridge
 *     readings and parcels in the ledger, see controller/sim/demoHistory.ts)
 *     (the profile's serial boards are served by simulators on 127.0.0.1, ephemeral ports unless
 *     --board-ports gives one per link, and the profile's link addresses are rewritten to them)
 *   tsx controller/main.ts --config /etc/dorfpunkt/point.json [--kiosk-dir kiosk-ui/dist]  a real point on a Pi
 *     (--kiosk-dir: serve the built kiosk app at /kiosk/; the simulation always serves the repo's build)
 *
 * Builds the process-wide clock and logger once and hands them to the composition root.
 */
import { parseArgs } from 'node:util';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { pino } from 'pino';
import { createSystemClock } from '../firmware-bridge/platform/clock.ts';
import type { Logger } from '../firmware-bridge/platform/logger.ts';
import { loadHardwareProfile } from '../hardware/profile/load.ts';
import { createOnoffGpio } from '../hardware/gpio/onoffGpio.ts';
import { loadControllerConfig } from './config/config.ts';
import { parseLimits, resolveLimits } from './config/limits.ts';
import { startPoint, type RunningPoint } from './app.ts';
import { createClockSyncProbe } from './platform/clockSync.ts';
import { buildSimulatedPoint } from './sim/simulatedPointBuilder.ts';
import { DEMO_HISTORY_SCENARIOS, type DemoHistoryScenario } from './sim/demoHistory.ts';

function demoHistoryScenario(v: string): DemoHistoryScenario {
  const found = DEMO_HISTORY_SCENARIOS.find((s) => s === v);
  if (!found) throw new Error(`--demo-history must be one of ${DEMO_HISTORY_SCENARIOS.join(', ')}, got "${v}"`);
  return found;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      sim: { type: 'boolean', default: false },
      config: { type: 'string' },
      data: { type: 'string' },
      port: { type: 'string' },
      host: { type: 'string' },
      profile: { type: 'string' },
      'board-ports': { type: 'string' },
      mqtt: { type: 'string' },
      'mqtt-username': { type: 'string' },
      'mqtt-password-file': { type: 'string' },
      limits: { type: 'string' },
      'kiosk-dir': { type: 'string' },
      stripe: { type: 'string' },
      'stripe-reader': { type: 'string' },
      'remote-age-ms': { type: 'string' },
      'pay-ms': { type: 'string' },
      site: { type: 'string' },
      name: { type: 'string' },
      address: { type: 'string' },
      'demo-history': { type: 'string' },
      'backoffice-url': { type: 'string' },
    },
  });
  const clock = createSystemClock();
  const logger = pino({ level: process.env['LOG_LEVEL'] ?? 'info' }) as unknown as Logger;

  let point: RunningPoint;
  let boardsBanner = '';
  if (values.sim) {
    const built = await buildSimulatedPoint({
      siteId: values.site ?? process.env['DORFPUNKT_SITE'] ?? 'sim-dorf-1',
      shop: values.name ? { name: values.name, address: (values.address ?? '').split('|').filter((l) => l.trim() !== '') } : undefined,
      demoHistory: values['demo-history'] !== undefined ? demoHistoryScenario(values['demo-history']) : undefined,
      dataDir: resolve(values.data ?? process.env['DORFPUNKT_DATA'] ?? 'data/sim'),
      clock,
      logger,
      profilePath: values.profile,
      boardPorts: values['board-ports'],
      demoPickupCodes: true,
      http: { host: values.host ?? '127.0.0.1', port: Number(values.port ?? process.env['PORT'] ?? 8080) },
      limits: values.limits ? parseLimits(values.limits, '--limits') : undefined,
      checkoutTiming:
        values['remote-age-ms'] || values['pay-ms']
          ? {
              ...(values['remote-age-ms'] ? { remoteAgeMs: positiveMs(values['remote-age-ms'], '--remote-age-ms') } : {}),
              ...(values['pay-ms'] ? { payMs: positiveMs(values['pay-ms'], '--pay-ms') } : {}),
            }
          : undefined,
      kioskDir: values['kiosk-dir'] ? resolve(values['kiosk-dir']) : undefined,
      payments: values.stripe ? stripePayments(values.stripe, values['stripe-reader']) : undefined,
      service: values['backoffice-url'] ? { backofficePublicUrl: backofficeUrl(values['backoffice-url']) } : undefined,
      sync: values.mqtt
        ? {
            brokerUrl: values.mqtt,
            username: values['mqtt-username'],
            password: values['mqtt-password-file'] ? (await readFile(values['mqtt-password-file'], 'utf8')).trim() : process.env['DORFPUNKT_MQTT_PASSWORD'],
          }
        : undefined,
    });
    point = { ...built.point, stop: () => built.stop() };
    boardsBanner = built.boardsBanner();
  } else {
    if (!values.config) throw new Error('either --sim or --config <file> is required');
    const config = loadControllerConfig(values.config);
    const profile = await loadHardwareProfile(config.hardwareProfile);
    if (profile.gpio.backend !== 'sysfs-onoff') {
      throw new Error(`hardware profile ${config.hardwareProfile}: gpio.backend "${profile.gpio.backend}" cannot drive a real point; use --sim`);
    }
    const gpio = await createOnoffGpio({ logger });
    point = await startPoint({
      siteId: config.siteId,
      dataDir: config.dataDir,
      profile,
      gpio,
      publicKeyPem: await readFile(config.publicKeyFile, 'utf8'),
      bundesland: config.bundesland,
      clock,
      logger,
      http: config.http,
      kioskDir: values['kiosk-dir'] ? resolve(values['kiosk-dir']) : undefined,
      limits: resolveLimits(config.limits),
      service: { technicianPinHash: config.technicianPinHash, backofficePublicUrl: config.backofficePublicUrl },
      help: { phone: config.help?.phone, answerWithinMs: config.help?.answerWithinSec !== undefined ? config.help.answerWithinSec * 1000 : undefined },
      isClockSynced: createClockSyncProbe({ clock }),
      sync: config.mqtt
        ? {
            brokerUrl: config.mqtt.url,
            username: config.mqtt.username ?? config.siteId,
            password: config.mqtt.password,
            keepaliveSec: config.mqtt.keepaliveSec,
          }
        : undefined,
    });
  }

  process.stdout.write(`\ndorfpunkt point ${point.api.siteId} is running.\n`);
  process.stdout.write(boardsBanner);
  if (point.url) process.stdout.write(`Open the ${values.sim ? 'virtual point page' : 'point API'}: ${point.url}/\n\n`);
  if (point.url && (values.sim || values['kiosk-dir'])) process.stdout.write(`The kiosk app: ${point.url}/kiosk/\n\n`);

  let stopping = false;
  const shutdown = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'stopping point');
    // Outputs are made safe first inside stop(); whatever still waits after 10 s must not keep
    // the process (and its port) alive.
    setTimeout(() => {
      logger.error({ signal }, 'stop did not finish within 10 s; exiting');
      process.exit(1);
    }, 10_000).unref();
    point.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error({ err }, 'stop failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGHUP', () => shutdown('SIGHUP'));
}

/** `--backoffice-url http://…`: the backoffice's public address for receipt links (http or https only). */
function backofficeUrl(url: string): string {
  const u = new URL(url);
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error(`--backoffice-url must be an http(s) URL, got ${url}`);
  return u.toString().replace(/\/+$/, '');
}

/**
 * `--stripe http://127.0.0.1:12111 [--stripe-reader tmr_…]` (the simulation's local Stripe fake; the
 * secret key comes from STRIPE_SECRET_KEY, never from the command line).
 */
function stripePayments(
  url: string,
  reader: string | undefined,
): { secretKey: string; readerId: string; api: { host: string; port: number; protocol: 'http' | 'https' } } {
  const u = new URL(url);
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error(`--stripe must be an http(s) URL, got ${url}`);
  const secretKey = process.env['STRIPE_SECRET_KEY'];
  if (!secretKey) throw new Error('--stripe needs the secret key in STRIPE_SECRET_KEY');
  const port = Number(u.port || (u.protocol === 'https:' ? 443 : 80));
  return { secretKey, readerId: reader ?? 'tmr_sim_kiosk', api: { host: u.hostname, port, protocol: u.protocol === 'https:' ? 'https' : 'http' } };
}

main().catch((err: unknown) => {
  process.stderr.write(`dorfpunkt point cannot start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});

function positiveMs(v: string, flag: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1000 || n > 600_000) throw new Error(`${flag} must be whole milliseconds from 1000 to 600000`);
  return n;
}
