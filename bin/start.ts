/**
 * `npm start`: a small fleet on this machine, as the parts would run in the field — an MQTT broker
 * (embedded Aedes) with the backoffice on SQLite, the local Stripe fake, and three point
 * controllers with simulated hardware ("Dorfladen Kleinweiler", "Hofladen Bergheim", "Paketstation
 * Am Anger"), each in its own process with its own site id, data folder, HTTP port, broker
 * credentials and kiosk, wired by configuration only. On the first start each point records a few
 * days of demo history in its own ledger (controller/sim/demoHistory.ts), which its sync sends to
 * the backoffice like any backlog, so the dashboard is not empty. The backoffice's web app
 * (backoffice/web) and the kiosk app (kiosk-ui) are built first.
 *
 * Environment: DORFPUNKT_DATA (default data/sim; each point under <data>/<site>/), PORT (first
 * point's page, 8080; the others PORT+2 and PORT+3, or DORFPUNKT_POINT_PORTS=a,b,c),
 * DORFPUNKT_BROKER_PORT (18830), DORFPUNKT_BACKOFFICE_PORT (8081), DORFPUNKT_STRIPE_PORT (12111),
 * DORFPUNKT_PUBLIC_URL (the backoffice's address in pay-by-phone links, default
 * http://127.0.0.1:<backoffice port>; set it to the machine's LAN address to pay from a real phone),
 * LOG_LEVEL (warn).
 *
 * Payments run against the local Stripe fake (fakes/stripe): the kiosks' card readers, and the
 * backoffice's webhook receiver and pay by phone (the fake signs its webhooks with
 * `stripeWebhookSecret` and delivers them to the backoffice; its Checkout page has a pay button).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { Socket } from 'node:net';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Secret, TOTP } from 'otpauth';
import { buildWebApp } from '../backoffice/web/build.ts';
import { DEMO_TECHNICIAN_PIN } from '../controller/sim/demoTechnician.ts';
import { buildKiosk, JS_GZIP_BUDGET } from '../kiosk-ui/build.ts';

const startedAt = performance.now();
const root = fileURLToPath(new URL('..', import.meta.url));
const dataDir = resolve(process.env['DORFPUNKT_DATA'] ?? 'data/sim');
const brokerPort = Number(process.env['DORFPUNKT_BROKER_PORT'] ?? 18830);
const backofficePort = Number(process.env['DORFPUNKT_BACKOFFICE_PORT'] ?? 8081);
const firstPointPort = Number(process.env['PORT'] ?? 8080);
const stripePort = Number(process.env['DORFPUNKT_STRIPE_PORT'] ?? 12111);
/** The local Stripe fake's test key (the fake accepts any sk_test_ key; it is not a real account). */
const stripeKey = process.env['STRIPE_SECRET_KEY'] ?? 'sk_test_dorfpunkt_simulation';
/** The fake's webhook signing secret, shared with the backoffice (simulation only). */
const stripeWebhookSecret = process.env['STRIPE_WEBHOOK_SECRET'] ?? 'whsec_dorfpunkt_simulation';
const publicUrl = process.env['DORFPUNKT_PUBLIC_URL'] ?? `http://127.0.0.1:${backofficePort}`;
const logLevel = process.env['LOG_LEVEL'] ?? 'warn';
const backofficeDb = `sqlite:${join(dataDir, 'backoffice.db')}`;

/** The fleet: one simulated point per entry, with the kind of demo history it starts with. */
const FLEET = [
  { siteId: 'kleinweiler', name: 'Dorfladen Kleinweiler', address: 'Dorfstraße 3|37619 Kleinweiler', history: 'shop' },
  { siteId: 'bergheim', name: 'Hofladen Bergheim', address: 'Am Gutshof 1|37620 Bergheim', history: 'farm' },
  { siteId: 'am-anger', name: 'Paketstation Am Anger', address: 'Am Anger 7|37619 Kleinweiler', history: 'parcels' },
] as const;

function pointPorts(): number[] {
  const list = process.env['DORFPUNKT_POINT_PORTS'];
  if (!list) return [firstPointPort, firstPointPort + 2, firstPointPort + 3]; // PORT+1 is the backoffice's default
  const ports = list.split(',').map((p) => Number(p.trim()));
  if (ports.length !== FLEET.length || ports.some((p) => !Number.isInteger(p) || p < 1 || p > 65535)) {
    throw new Error(`DORFPUNKT_POINT_PORTS must list ${FLEET.length} ports, got "${list}"`);
  }
  return ports;
}

const points = (() => {
  const ports = pointPorts();
  return FLEET.map((p, i) => ({
    ...p,
    port: ports[i]!,
    dataDir: join(dataDir, p.siteId),
    passwordFile: join(dataDir, p.siteId, 'mqtt-password'),
    reader: `tmr_sim_${p.siteId.replace(/-/g, '_')}`,
  }));
})();

const tsx = (script: string, args: string[]): [string, string[]] => [process.execPath, ['--import', 'tsx', join(root, script), ...args]];
const children: ChildProcess[] = [];
const childEnv = { ...process.env, LOG_LEVEL: logLevel, STRIPE_SECRET_KEY: stripeKey, STRIPE_WEBHOOK_SECRET: stripeWebhookSecret };

function prefixed(name: string, chunk: Buffer): string {
  return chunk
    .toString()
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => `[${name}] ${l}\n`)
    .join('');
}

function run(name: string, script: string, args: string[], onLine?: (line: string) => void): ChildProcess {
  const [cmd, argv] = tsx(script, args);
  const child = spawn(cmd, argv, { env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout?.on('data', (c: Buffer) => {
    if (onLine) for (const l of c.toString().split('\n')) onLine(l);
    process.stdout.write(prefixed(name, c));
  });
  child.stderr?.on('data', (c: Buffer) => process.stderr.write(prefixed(name, c)));
  child.on('exit', (code, signal) => {
    if (stopping) return;
    process.stderr.write(`[${name}] exited (${signal ?? code}); stopping the simulation\n`);
    stop(code ?? 1);
  });
  children.push(child);
  return child;
}

let stopping = false;
function stop(code: number): void {
  stopping = true;
  for (const c of children) if (c.exitCode === null) c.kill('SIGTERM');
  // Each part stops itself (a point within 10 s at most); never leave one behind.
  setTimeout(() => {
    for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
    process.exit(code);
  }, 12_000).unref();
  Promise.all(children.map((c) => (c.exitCode !== null ? Promise.resolve() : new Promise((r) => c.once('exit', r))))).then(() => process.exit(code));
}

function portOpen(port: number): Promise<boolean> {
  return new Promise((r) => {
    const s = new Socket();
    s.once('connect', () => {
      s.destroy();
      r(true);
    });
    s.once('error', () => r(false));
    s.connect(port, '127.0.0.1');
  });
}

async function waitForPort(port: number, what: string, timeoutMs = 60_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await portOpen(port))) {
    if (Date.now() > until) throw new Error(`${what} did not open port ${port} within ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** A site's broker password (and its name in the backoffice): created once by the backoffice CLI, kept in its data folder. */
function ensureSiteCredentials(p: (typeof points)[number]): Promise<void> {
  if (existsSync(p.passwordFile)) return Promise.resolve();
  mkdirSync(p.dataDir, { recursive: true });
  const [cmd, argv] = tsx('backoffice/cli.ts', ['site-credentials', 'create', p.siteId, '--name', p.name, '--db', backofficeDb]);
  return new Promise((resolveDone, reject) => {
    const child = spawn(cmd, argv, { env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (out += c.toString()));
    child.on('exit', (code) => {
      const password = /password (\S+)\s*$/m.exec(out)?.[1];
      if (code !== 0 || !password) return reject(new Error(`creating broker credentials for ${p.siteId} failed:\n${out}`));
      writeFileSync(p.passwordFile, `${password}\n`, { mode: 0o600 });
      resolveDone();
    });
  });
}

const seconds = (): string => ((performance.now() - startedAt) / 1000).toFixed(1);

async function main(): Promise<void> {
  for (const [port, what] of [
    [brokerPort, 'DORFPUNKT_BROKER_PORT'],
    [backofficePort, 'DORFPUNKT_BACKOFFICE_PORT'],
    [stripePort, 'DORFPUNKT_STRIPE_PORT'],
    ...points.map((p) => [p.port, `PORT or DORFPUNKT_POINT_PORTS (${p.name})`] as const),
  ] as const) {
    if (await portOpen(port)) throw new Error(`port ${port} is already in use; set ${what} to another port`);
  }
  if (existsSync(join(dataDir, 'ledger.db'))) {
    process.stderr.write(
      `note: ${dataDir} still holds the single point of an older npm start (ledger.db); the fleet keeps its points in subfolders. Remove the folder for a clean start.\n`,
    );
  }
  // The broker credentials are made while the apps build (separate processes, one per site, sequential on the DB).
  const credentials = (async () => {
    mkdirSync(dataDir, { recursive: true });
    for (const p of points) await ensureSiteCredentials(p);
  })();
  try {
    const kiosk = await buildKiosk();
    process.stdout.write(`kiosk app built: ${(kiosk.jsGzipBytes / 1024).toFixed(1)} KB of JavaScript gzipped (budget ${JS_GZIP_BUDGET / 1024} KB)\n`);
  } catch (err) {
    process.stderr.write(`building the kiosk app failed (the points say so at /kiosk/): ${err instanceof Error ? err.message : String(err)}\n`);
  }
  process.stdout.write('building the backoffice web app …\n');
  const webRoot = await buildWebApp();
  await credentials;
  process.stdout.write(`apps built, sites registered (${seconds()} s)\n`);

  const login: { password?: string; secret?: string } = {};
  run(
    'backoffice',
    'backoffice/cli.ts',
    [
      '--embedded-broker',
      String(brokerPort),
      '--db',
      backofficeDb,
      '--port',
      String(backofficePort),
      '--insecure-http',
      '--demo-operator',
      '--web',
      webRoot,
      '--stripe',
      `http://127.0.0.1:${stripePort}`,
      '--public-url',
      publicUrl,
    ],
    (line) => {
      login.password ??= /^demo operator: user demo, password (\S+)/.exec(line)?.[1];
      login.secret ??= /^demo operator TOTP secret ([A-Z2-7]+)/.exec(line)?.[1];
    },
  );
  // The local Stripe fake (fakes/stripe) in place of api.stripe.com, with one simulated reader per
  // kiosk; its webhooks go to the backoffice (which relays them to the points).
  run('stripe', 'fakes/stripe/main.ts', [
    '--port',
    String(stripePort),
    '--secret-key',
    stripeKey,
    ...points.flatMap((p) => ['--reader', p.reader]),
    '--webhook',
    `http://127.0.0.1:${backofficePort}/api/stripe/webhook=${stripeWebhookSecret}`,
  ]);
  await Promise.all([waitForPort(brokerPort, 'the embedded broker'), waitForPort(stripePort, 'the Stripe fake')]);
  for (const p of points) {
    run(p.siteId, 'controller/main.ts', [
      '--sim',
      '--site',
      p.siteId,
      '--name',
      p.name,
      '--address',
      p.address,
      '--demo-history',
      p.history,
      '--data',
      p.dataDir,
      '--port',
      String(p.port),
      '--mqtt',
      `mqtt://127.0.0.1:${brokerPort}`,
      '--mqtt-username',
      p.siteId,
      '--mqtt-password-file',
      p.passwordFile,
      '--stripe',
      `http://127.0.0.1:${stripePort}`,
      '--stripe-reader',
      p.reader,
      // the receipt QR code links to the backoffice's receipt page (GET /r/<site>/<sale>?t=…)
      '--backoffice-url',
      `http://127.0.0.1:${backofficePort}`,
    ]);
  }
  await Promise.all([waitForPort(backofficePort, 'the backoffice'), ...points.map((p) => waitForPort(p.port, `point ${p.siteId}`, 120_000))]);
  const code =
    login.secret !== undefined
      ? TOTP.generate({ secret: Secret.fromBase32(login.secret), algorithm: 'SHA1', digits: 6, period: 30, timestamp: Date.now() })
      : undefined;
  const w = Math.max(...points.map((p) => p.name.length));
  process.stdout.write(
    [
      '',
      `dorfpunkt fleet is running (started in ${seconds()} s):`,
      `  backoffice web app   http://127.0.0.1:${backofficePort}/`,
      `    sign in            user demo, password ${login.password ?? '(see the backoffice lines above)'}`,
      `    second factor      TOTP secret ${login.secret ?? '(see above)'} — add it to an authenticator app${code ? `, or use the current code ${code} (changes every 30 s)` : ''}`,
      '  points               virtual point page (door, lockers, fridges, credentials)   kiosk',
      `                       (technician mode at a kiosk: hold the top-left corner 3 s, PIN ${DEMO_TECHNICIAN_PIN})`,
      ...points.map(
        (p) => `    ${p.name.padEnd(w)}   http://127.0.0.1:${p.port}/   http://127.0.0.1:${p.port}/kiosk/   (site ${p.siteId}, ${p.history} history)`,
      ),
      `  Stripe fake          http://127.0.0.1:${stripePort}  (tap a card at a kiosk: curl -u ${stripeKey}: -d 'card_present[number]=4242424242424242' http://127.0.0.1:${stripePort}/v1/test_helpers/terminal/readers/<reader>/present_payment_method`,
      `                       readers: ${points.map((p) => `${p.reader} (${p.siteId})`).join(', ')})`,
      `  pay by phone         choose "Mit dem Telefon bezahlen" at a kiosk, open the link under the QR code, press "Bezahlen" on the fake's page`,
      `  member account       Dieter Lange's card 04:A2:19:7C, PIN 4711 (invoice, up to 100 €), also with the backoffice stopped`,
      `  MQTT broker (Aedes)  mqtt://127.0.0.1:${brokerPort}  (each site logs in with its own password, in <data>/<site>/mqtt-password)`,
      `  data                 ${dataDir}  (pickup codes of the parcels waiting: <data>/<site>/demo-pickup-codes.txt)`,
      'The points send their history to the backoffice as they connect; the dashboard fills within seconds.',
      'Stop with Ctrl+C.',
      '',
    ].join('\n'),
  );
  process.on('SIGINT', () => stop(0));
  process.on('SIGTERM', () => stop(0));
}

main().catch((err: unknown) => {
  process.stderr.write(`dorfpunkt simulation cannot start: ${err instanceof Error ? err.message : String(err)}\n`);
  stop(1);
});
