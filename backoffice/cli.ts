/**
 * `dorfpunkt backoffice [--db sqlite:<path>|postgres://...] [--mqtt url] [--port n] [--host h]
 *                       [--client-id id] [--shared-group g] [--embedded-broker [port]] [--data-dir dir]`
 * `--data-dir` (default `data`): where the member token signing key lives (`member-signing-key.pem`), and the
 *   embedded-broker setup's SQLite database.
 * `dorfpunkt backoffice site-credentials create <siteId> [--name "Dorfladen Kleinweiler"] [--db ...] [--passwd-file path]`
 * `dorfpunkt backoffice user add <username> --role admin|operator|technician|accountant [--name "..."] [--db ...]`
 * `dorfpunkt backoffice user unlock <username> [--db ...]`
 * `dorfpunkt backoffice projections rebuild [--db ...]`: empty the read models and replay every stored event
 *
 * `--web <dir>`: serve the built operators' web app from <dir> (`backoffice/web/dist`, built by
 *   `backoffice/web/build.ts`; `npm start` builds it and passes this) at `/`.
 * `--insecure-http`: the session cookie without `Secure` (plain-HTTP development only).
 * `--demo-operator`: create (or renew) the demo operator `demo` and print its password and TOTP
 * URI and secret (`npm start` only; never in production).
 *
 * `--smtp smtp://host:587 --mail-from "dorfpunkt <alarme@example.org>" [--web-url https://...]`: alarm
 *   e-mails (backoffice/alarms/); the SMTP URL with credentials may come from DORFPUNKT_SMTP_URL instead.
 *
 * MQTT credentials of the backoffice come from DORFPUNKT_MQTT_USERNAME / DORFPUNKT_MQTT_PASSWORD.
 *
 * Payments (Stripe webhooks, pay by phone) when STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRET (one or
 * more `whsec_…`, comma-separated) are set: `--public-url <url>` is this backoffice's address for the
 * short pay links (default `http://<host>:<port>`); `--stripe <http://host:port>` talks to a local
 * Stripe fake (fakes/stripe, `npm start`) instead of api.stripe.com.
 */
import { hostname } from 'node:os';
import { join } from 'node:path';
import { SIGNING_KEY_FILE } from './credentials/signingKey.ts';
import { pino } from 'pino';
import { openDatabase, type DbConfig } from './db/database.ts';
import { createSiteCredentials, nameSite, siteNameProblem, upsertPasswdFile } from './credentials/siteCredentials.ts';
import { startBackoffice, type MailOptions, type PaymentsOptions } from './main.ts';
import { startStandalone } from './standalone.ts';
import { systemClock, type Logger } from './platform.ts';
import { addUser, ensureDemoOperator } from './accounts/provisioning.ts';
import { isRole } from './accounts/roles.ts';
import { normaliseUsername, UserInputError } from './accounts/users.ts';
import { rebuildProjections } from './projections/projections.ts';

export function parseDbArg(arg: string | undefined): DbConfig {
  if (arg === undefined) return { kind: 'sqlite', path: 'data/backoffice.db' };
  if (arg.startsWith('postgres://') || arg.startsWith('postgresql://')) return { kind: 'postgres', url: arg };
  if (arg.startsWith('sqlite:')) return { kind: 'sqlite', path: arg.slice('sqlite:'.length) };
  throw new Error(`--db must be sqlite:<path> or postgres://...; got ${JSON.stringify(arg)}`);
}

interface Parsed {
  positional: string[];
  flags: Map<string, string | true>;
}

export function parseArgs(argv: string[]): Parsed {
  const positional: string[] = [];
  const flags = new Map<string, string | true>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a.startsWith('--')) {
      const next = argv[i + 1];
      if (next !== undefined && !next.startsWith('--')) {
        flags.set(a.slice(2), next);
        i++;
      } else flags.set(a.slice(2), true);
    } else positional.push(a);
  }
  return { positional, flags };
}

/** Stripe from the environment and the flags; undefined without STRIPE_SECRET_KEY. */
export function paymentsOf(p: Parsed, env: NodeJS.ProcessEnv, http: { port: number; host: string } | undefined): PaymentsOptions | undefined {
  const secretKey = env['STRIPE_SECRET_KEY'];
  if (!secretKey) return undefined;
  const webhookSecrets = (env['STRIPE_WEBHOOK_SECRET'] ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  if (webhookSecrets.length === 0) throw new Error('STRIPE_SECRET_KEY is set but STRIPE_WEBHOOK_SECRET (whsec_…) is not');
  const publicBaseUrl = str(p, 'public-url') ?? (http ? `http://${http.host}:${http.port}` : undefined);
  if (!publicBaseUrl) throw new Error('payments need --public-url (the address the phones of the customers open)');
  const fake = str(p, 'stripe');
  let api: PaymentsOptions['api'];
  if (fake !== undefined) {
    const u = new URL(fake);
    api = { host: u.hostname, port: Number(u.port || (u.protocol === 'https:' ? 443 : 80)), protocol: u.protocol === 'https:' ? 'https' : 'http' };
  }
  return { secretKey, webhookSecrets, publicBaseUrl, ...(api ? { api } : {}) };
}

function str(p: Parsed, name: string): string | undefined {
  const v = p.flags.get(name);
  if (v === true) throw new Error(`--${name} needs a value`);
  return v;
}

export async function runCli(argv: string[], out: (line: string) => void, logger: Logger): Promise<number> {
  const p = parseArgs(argv);
  if (p.positional[0] === 'site-credentials') {
    if (p.positional[1] !== 'create' || !p.positional[2]) {
      out('usage: dorfpunkt backoffice site-credentials create <siteId> [--name "Dorfladen Kleinweiler"] [--db ...] [--passwd-file path]');
      return 2;
    }
    const name = str(p, 'name');
    const nameProblem = name !== undefined ? siteNameProblem(name) : null;
    if (nameProblem) {
      out(`--name: ${nameProblem}`);
      return 2;
    }
    const database = await openDatabase(parseDbArg(str(p, 'db')));
    try {
      const { password, passwordHash } = await createSiteCredentials(database.db, p.positional[2], Date.now());
      if (name !== undefined) await nameSite(database.db, p.positional[2], name, Date.now());
      const file = str(p, 'passwd-file');
      if (file) {
        await upsertPasswdFile(file, p.positional[2], passwordHash);
        out(`password file ${file} updated (reload Mosquitto: kill -HUP)`);
      }
      out(`site ${p.positional[2]}: MQTT username ${p.positional[2]}, client id ${p.positional[2]}, password ${password}`);
      out('The password is shown only once; store it in the point configuration.');
      return 0;
    } finally {
      await database.close();
    }
  }
  if (p.positional[0] === 'user') return userCommand(p, out);
  if (p.positional[0] === 'projections') return projectionsCommand(p, out);
  if (p.positional.length > 0) {
    out(`unknown command ${p.positional.join(' ')}`);
    return 2;
  }
  const port = str(p, 'port');
  const http = port !== undefined ? { port: Number(port), host: str(p, 'host') ?? '127.0.0.1' } : undefined;
  const clock = systemClock();
  const auth = p.flags.get('insecure-http') === true ? { auth: { secureCookie: false } } : {};
  const webRoot = str(p, 'web');
  const web = webRoot !== undefined ? { webRoot } : {};
  const pay = paymentsOf(p, process.env, http);
  const payments = pay ? { payments: pay } : {};
  const mail = mailOptions(p);
  const embedded = p.flags.get('embedded-broker');
  let stop: () => Promise<void>;
  if (embedded !== undefined) {
    const s = await startStandalone({
      db: parseDbArg(str(p, 'db')),
      dataDir: str(p, 'data-dir') ?? 'data',
      brokerPort: embedded === true ? 1883 : Number(embedded),
      ...(http ? { http } : {}),
      ...auth,
      ...web,
      ...payments,
      ...mail,
      clock,
      logger,
    });
    out(`embedded broker on ${s.broker.url}${s.backoffice.httpUrl ? `, API on ${s.backoffice.httpUrl}` : ''}`);
    if (p.flags.get('demo-operator') === true) await printDemoOperator(s.backoffice.db, out);
    stop = s.stop;
  } else {
    const sharedGroup = str(p, 'shared-group');
    const bo = await startBackoffice({
      db: parseDbArg(str(p, 'db')),
      mqttUrl: str(p, 'mqtt') ?? 'mqtt://127.0.0.1:1883',
      ...(process.env.DORFPUNKT_MQTT_USERNAME ? { mqttUsername: process.env.DORFPUNKT_MQTT_USERNAME } : {}),
      ...(process.env.DORFPUNKT_MQTT_PASSWORD ? { mqttPassword: process.env.DORFPUNKT_MQTT_PASSWORD } : {}),
      clientId: str(p, 'client-id') ?? `_backoffice-${hostname()}-${process.pid}`,
      ...(sharedGroup ? { sharedGroup } : {}),
      memberSigningKeyPath: join(str(p, 'data-dir') ?? 'data', SIGNING_KEY_FILE),
      ...(http ? { http } : {}),
      ...auth,
      ...web,
      ...payments,
      ...mail,
      clock,
      logger,
    });
    out(`backoffice running (${bo.dialect})${bo.httpUrl ? `, API on ${bo.httpUrl}` : ''}`);
    if (p.flags.get('demo-operator') === true) await printDemoOperator(bo.db, out);
    stop = bo.stop;
  }
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await stop();
  return 0;
}

/** `--smtp` (or DORFPUNKT_SMTP_URL), `--mail-from`, `--web-url`: alarm e-mails; none without an SMTP URL. */
export function mailOptions(p: Parsed, env: NodeJS.ProcessEnv = process.env): { mail?: MailOptions } {
  const smtpUrl = str(p, 'smtp') ?? env.DORFPUNKT_SMTP_URL;
  if (smtpUrl === undefined || smtpUrl === '') return {};
  if (!/^smtps?:\/\//.test(smtpUrl)) throw new Error('--smtp must be smtp://host:port or smtps://host:port');
  const from = str(p, 'mail-from');
  if (from === undefined) throw new Error('--smtp needs --mail-from "Name <address>"');
  const webUrl = str(p, 'web-url');
  return { mail: { smtpUrl, from, ...(webUrl !== undefined ? { webUrl } : {}) } };
}

async function printDemoOperator(db: Parameters<typeof ensureDemoOperator>[0], out: (line: string) => void): Promise<void> {
  const d = await ensureDemoOperator(db, Date.now());
  out(`demo operator: user demo, password ${d.password}`);
  out(`demo operator TOTP secret ${d.secret} (${d.totpUri})`);
}

const USER_USAGE =
  'usage: dorfpunkt backoffice user add <username> --role admin|operator|technician|accountant [--name "..."] [--db ...]\n       dorfpunkt backoffice user unlock <username> [--db ...]';

async function userCommand(p: Parsed, out: (line: string) => void): Promise<number> {
  const [, sub, username] = p.positional;
  const role = p.flags.get('role');
  if (!username || (sub !== 'add' && sub !== 'unlock') || (sub === 'add' && !isRole(role))) {
    out(USER_USAGE);
    return 2;
  }
  const database = await openDatabase(parseDbArg(str(p, 'db')));
  try {
    if (sub === 'unlock') {
      await database.db
        .deleteFrom('login_throttle')
        .where('key', '=', `user:${normaliseUsername(username)}`)
        .execute();
      out(`login lock of ${normaliseUsername(username)} cleared`);
      return 0;
    }
    const name = str(p, 'name');
    const r = await addUser(database.db, { username, role: role as Parameters<typeof addUser>[1]['role'], ...(name ? { displayName: name } : {}) }, Date.now());
    out(`user ${r.user.username} (${r.user.role}) created`);
    out(`password: ${r.password}`);
    if (r.totpUri) out(`TOTP (add to an authenticator app, e.g. as a QR code): ${r.totpUri}`);
    out('The password and the TOTP URI are shown only once.');
    return 0;
  } catch (e) {
    if (e instanceof UserInputError) {
      out(e.message);
      return 1;
    }
    throw e;
  } finally {
    await database.close();
  }
}

async function projectionsCommand(p: Parsed, out: (line: string) => void): Promise<number> {
  if (p.positional[1] !== 'rebuild' || p.positional.length !== 2) {
    out('usage: dorfpunkt backoffice projections rebuild [--db ...]');
    return 2;
  }
  const database = await openDatabase(parseDbArg(str(p, 'db')));
  try {
    const r = await rebuildProjections(database.db);
    out(`projections rebuilt from ${r.replayed} stored events`);
    if (r.undecodable > 0) out(`${r.undecodable} stored events were skipped: they do not match the event catalogue but are not flagged`);
    return 0;
  } finally {
    await database.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const logger = pino({ name: 'dorfpunkt-backoffice', level: process.env.LOG_LEVEL ?? 'info' }) as unknown as Logger;
  runCli(process.argv.slice(2), (l) => process.stdout.write(l + '\n'), logger).then(
    (code) => process.exit(code),
    (e: unknown) => {
      process.stderr.write(`dorfpunkt backoffice: ${(e as Error).message}\n`);
      process.exit(1);
    },
  );
}
