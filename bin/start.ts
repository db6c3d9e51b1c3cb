/**
 * `npm start`: a whole simulated supply point on this machine, as three parts would run in the
 * field — an MQTT broker (embedded Aedes) with the backoffice on SQLite, and one point controller
 * with simulated hardware — each in its own process, wired by configuration only. The backoffice's
 * web app (backoffice/web) and the kiosk app (kiosk-ui) are built first; the backoffice serves its
 * web app at its root, the point the kiosk at /kiosk/.
 *
 * Environment: DORFPUNKT_DATA (default data/sim), PORT (virtual point page, 8080),
 * DORFPUNKT_BROKER_PORT (18830), DORFPUNKT_BACKOFFICE_PORT (8081), LOG_LEVEL (warn).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { Socket } from 'node:net';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildWebApp } from '../backoffice/web/build.ts';
import { buildKiosk, JS_GZIP_BUDGET } from '../kiosk-ui/build.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const dataDir = resolve(process.env['DORFPUNKT_DATA'] ?? 'data/sim');
const siteId = process.env['DORFPUNKT_SITE'] ?? 'sim-dorf-1';
const brokerPort = Number(process.env['DORFPUNKT_BROKER_PORT'] ?? 18830);
const backofficePort = Number(process.env['DORFPUNKT_BACKOFFICE_PORT'] ?? 8081);
const pointPort = Number(process.env['PORT'] ?? 8080);
const stripePort = Number(process.env['DORFPUNKT_STRIPE_PORT'] ?? 12111);
/** The local Stripe fake's test key (the fake accepts any sk_test_ key; it is not a real account). */
const stripeKey = process.env['STRIPE_SECRET_KEY'] ?? 'sk_test_dorfpunkt_simulation';
const stripeReader = 'tmr_sim_kiosk';
const logLevel = process.env['LOG_LEVEL'] ?? 'warn';
const backofficeDb = `sqlite:${join(dataDir, 'backoffice.db')}`;
const passwordFile = join(dataDir, 'mqtt-password');

const tsx = (script: string, args: string[]): [string, string[]] => [process.execPath, ['--import', 'tsx', join(root, script), ...args]];
const children: ChildProcess[] = [];

function run(name: string, script: string, args: string[]): ChildProcess {
  const [cmd, argv] = tsx(script, args);
  const child = spawn(cmd, argv, { env: { ...process.env, LOG_LEVEL: logLevel, STRIPE_SECRET_KEY: stripeKey }, stdio: ['ignore', 'pipe', 'pipe'] });
  const prefix = (chunk: Buffer): string =>
    chunk
      .toString()
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map((l) => `[${name}] ${l}\n`)
      .join('');
  child.stdout?.on('data', (c: Buffer) => process.stdout.write(prefix(c)));
  child.stderr?.on('data', (c: Buffer) => process.stderr.write(prefix(c)));
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
  // Each part stops itself (the point within 10 s at most); never leave one behind.
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

async function waitForPort(port: number, what: string, timeoutMs = 30_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await portOpen(port))) {
    if (Date.now() > until) throw new Error(`${what} did not open port ${port} within ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** The site's broker password: created once by the backoffice CLI, kept in the data folder. */
function ensureSiteCredentials(): void {
  if (existsSync(passwordFile)) return;
  mkdirSync(dataDir, { recursive: true });
  const [cmd, argv] = tsx('backoffice/cli.ts', ['site-credentials', 'create', siteId, '--db', backofficeDb]);
  const r = spawnSync(cmd, argv, { encoding: 'utf8', env: { ...process.env, LOG_LEVEL: logLevel } });
  const password = /password (\S+)\s*$/m.exec(r.stdout)?.[1];
  if (r.status !== 0 || !password) throw new Error(`creating broker credentials for ${siteId} failed:\n${r.stdout}${r.stderr}`);
  writeFileSync(passwordFile, `${password}\n`, { mode: 0o600 });
}

async function main(): Promise<void> {
  for (const [port, what] of [
    [brokerPort, 'DORFPUNKT_BROKER_PORT'],
    [backofficePort, 'DORFPUNKT_BACKOFFICE_PORT'],
    [pointPort, 'PORT'],
    [stripePort, 'DORFPUNKT_STRIPE_PORT'],
  ] as const) {
    if (await portOpen(port)) throw new Error(`port ${port} is already in use; set ${what} to another port`);
  }
  ensureSiteCredentials();
  try {
    const kiosk = await buildKiosk();
    process.stdout.write(`kiosk app built: ${(kiosk.jsGzipBytes / 1024).toFixed(1)} KB of JavaScript gzipped (budget ${JS_GZIP_BUDGET / 1024} KB)\n`);
  } catch (err) {
    process.stderr.write(`building the kiosk app failed (the point says so at /kiosk/): ${err instanceof Error ? err.message : String(err)}\n`);
  }
  process.stdout.write('building the backoffice web app …\n');
  const webRoot = await buildWebApp();
  run('backoffice', 'backoffice/cli.ts', [
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
  ]);
  await waitForPort(brokerPort, 'the embedded broker');
  // The local Stripe fake (fakes/stripe) in place of api.stripe.com, with one simulated reader.
  run('stripe', 'fakes/stripe/main.ts', ['--port', String(stripePort), '--secret-key', stripeKey, '--reader', stripeReader]);
  await waitForPort(stripePort, 'the Stripe fake');
  const point = run('point', 'controller/main.ts', [
    '--sim',
    '--data',
    dataDir,
    '--port',
    String(pointPort),
    '--mqtt',
    `mqtt://127.0.0.1:${brokerPort}`,
    '--mqtt-username',
    siteId,
    '--mqtt-password-file',
    passwordFile,
    '--stripe',
    `http://127.0.0.1:${stripePort}`,
    '--stripe-reader',
    stripeReader,
  ]);
  void point;
  await waitForPort(pointPort, 'the point controller');
  process.stdout.write(
    [
      '',
      'dorfpunkt simulation is running:',
      `  virtual point page   http://127.0.0.1:${pointPort}/`,
      `  backoffice web app   http://127.0.0.1:${backofficePort}/  (sign in as the demo operator printed above)`,
      `  kiosk app            http://127.0.0.1:${pointPort}/kiosk/`,
      `  Stripe fake          http://127.0.0.1:${stripePort}  (tap a card: curl -u ${stripeKey}: -d 'card_present[number]=4242424242424242' http://127.0.0.1:${stripePort}/v1/test_helpers/terminal/readers/${stripeReader}/present_payment_method)`,
      `  backoffice API       http://127.0.0.1:${backofficePort}/api/sites`,
      `  MQTT broker (Aedes)  mqtt://127.0.0.1:${brokerPort}  (site ${siteId}, password in ${passwordFile})`,
      `  data                 ${dataDir}`,
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
