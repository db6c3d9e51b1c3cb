/**
 * The zero-setup broker: Aedes 1.x (MQTT 3.1.1 only) on a TCP port, with the same access rules as
 * the documented Mosquitto config. Sites authenticate with username = siteId (and must use it as
 * their client id, so one site cannot take over another's session); service accounts (username
 * `_...`) with a password given here. A denied publish is dropped silently after a normal PUBACK
 * (as Mosquitto does for 3.1.1): passing an error would close the connection and the client would
 * resend the same QoS 1 message on every reconnect. A denied subscribe gets SUBACK 128.
 * Aedes has no shared subscriptions: with the embedded broker run ONE backoffice instance.
 * Failed logins are limited per username and per address (loginGuard.ts, README "Broker login limits").
 */
import { createServer, type AddressInfo, type Server } from 'node:net';
import { createHash, timingSafeEqual } from 'node:crypto';
import { Aedes, type AuthenticateError, type Client } from 'aedes';
import type { Clock, Logger } from '../platform.ts';
import { isValidSiteId } from '../../controller/contract/sync/index.ts';
import { verifyPassword } from '../credentials/passwordHash.ts';
import type { CredentialLookup } from '../credentials/siteCredentials.ts';
import { LoginGuard, type LoginVerdict } from './loginGuard.ts';
import type { LoginLimitPolicy, LoginStats } from './loginLimiter.ts';
import { noLoginLockStore, type LoginLockStore } from './loginLockStore.ts';
import { mayPublish, maySubscribe, SERVICE_USERNAME_PATTERN, type Principal } from './accessRules.ts';

export interface EmbeddedBrokerOptions {
  port: number; // 0 = any free port
  host?: string;
  lookupSiteHash: CredentialLookup;
  serviceAccounts: { username: string; password: string }[];
  /**
   * Failed-login limits (defaults: 5 per username, 20 per address, 60 s doubling to 15 min) and
   * where counts and locks are kept. `'attach-later'`: the database comes later (`attachLoginStore`);
   * until then sites are refused with CONNACK 3 (server unavailable) and not counted.
   * Default: the default policy, kept in memory only.
   */
  loginLimit?: { policy?: Partial<LoginLimitPolicy>; store: LoginLockStore | 'attach-later' };
  clock: Clock;
  logger: Logger;
}

export interface EmbeddedBroker {
  port: number;
  url: string;
  /** Denied publishes and subscribes so far (tests, metrics). */
  denied: { publish: number; subscribe: number };
  /** Failed-login counters and what is locked right now (for `/health`). */
  logins(): LoginStats;
  /** Load persisted login counts and locks and keep them there from now on. */
  attachLoginStore(store: LoginLockStore): Promise<void>;
  /** Forget a username's failed logins and lock, e.g. after its password was replaced. */
  resetLoginFailures(username: string): Promise<void>;
  stop(): Promise<void>;
}

/** Where denied publishes are routed: a `$SYS` topic nobody may subscribe to. */
const SINK_TOPIC = '$SYS/dorfpunkt/denied';

function sha(s: string | Buffer): Buffer {
  return createHash('sha256').update(s).digest();
}

/** The client's IP address (IPv4-mapped IPv6 written as IPv4), or 'unknown'. */
function clientAddress(client: Client): string {
  const a = (client.conn as { remoteAddress?: string } | undefined)?.remoteAddress;
  if (!a) return 'unknown';
  return a.startsWith('::ffff:') && a.includes('.') ? a.slice(7) : a;
}

function authError(code: 2 | 3 | 4 | 5, message: string): AuthenticateError {
  return Object.assign(new Error(message), { returnCode: code }) as AuthenticateError;
}

export async function startEmbeddedBroker(opts: EmbeddedBrokerOptions): Promise<EmbeddedBroker> {
  for (const s of opts.serviceAccounts) {
    if (!SERVICE_USERNAME_PATTERN.test(s.username))
      throw new Error(`service account ${JSON.stringify(s.username)} must start with '_' (so it can never be a site id)`);
  }
  const principals = new WeakMap<Client, Principal>();
  const denied = { publish: 0, subscribe: 0 };
  const log = opts.logger;
  const initialStore = opts.loginLimit?.store ?? noLoginLockStore();
  let storeAttached = initialStore !== 'attach-later';
  const guard = new LoginGuard({
    clock: opts.clock,
    logger: log,
    ...(opts.loginLimit?.policy ? { policy: opts.loginLimit.policy } : {}),
    store: initialStore === 'attach-later' ? noLoginLockStore() : initialStore,
  });
  if (initialStore !== 'attach-later') await guard.attach(initialStore);
  const aedes = await Aedes.createBroker({ drainTimeout: 60_000, queueLimit: 42, maxInflightInbound: 1000, concurrency: 1000 });

  aedes.authenticate = (client, username, password, done) => {
    const address = clientAddress(client);
    const tracked = username !== undefined && (isValidSiteId(username) || SERVICE_USERNAME_PATTERN.test(username)) ? username : null;
    const check = async (): Promise<LoginVerdict> => {
      if (username === undefined || password === undefined) return { ok: false, reason: 'no-credentials' };
      const service = opts.serviceAccounts.find((s) => s.username === username);
      if (service) {
        if (!timingSafeEqual(sha(service.password), sha(password))) return { ok: false, reason: 'bad-password' };
        principals.set(client, { kind: 'service', username });
        return { ok: true };
      }
      if (!isValidSiteId(username)) return { ok: false, reason: 'unknown-user' };
      // Until the database is attached no site can be checked: "server unavailable", not a failed guess.
      if (!storeAttached) return { ok: false, refuse: 3, reason: 'credentials not loaded yet' };
      const hash = await opts.lookupSiteHash(username);
      if (hash === null) return { ok: false, reason: 'unknown-user' };
      if (!verifyPassword(password, hash)) return { ok: false, reason: 'bad-password' };
      if (client.id !== username) return { ok: false, refuse: 2, reason: 'a site must connect with its site id as client id' };
      principals.set(client, { kind: 'site', siteId: username });
      return { ok: true };
    };
    guard.attempt(tracked, address, check, { clientId: client.id, username }).then(
      (r) => (r.ok ? done(null, true) : done(authError(r.returnCode, r.message), null)),
      (e: unknown) => {
        log.error({ err: String(e) }, 'broker authentication failed');
        done(authError(5, 'authentication unavailable'), null);
      },
    );
  };

  aedes.authorizePublish = (client, packet, callback) => {
    const p = client ? principals.get(client) : undefined;
    if (p && mayPublish(p, packet.topic)) return callback(null);
    denied.publish++;
    log.warn({ clientId: client?.id, topic: packet.topic }, 'publish denied (dropped)');
    packet.topic = SINK_TOPIC;
    packet.retain = false;
    packet.payload = Buffer.alloc(0);
    callback(null);
  };

  aedes.authorizeSubscribe = (client, sub, callback) => {
    const p = principals.get(client);
    if (p && maySubscribe(p, sub.topic)) return callback(null, sub);
    denied.subscribe++;
    log.warn({ clientId: client.id, filter: sub.topic }, 'subscribe denied');
    callback(null, null);
  };

  // Belt and braces: never forward a $SYS message to anyone.
  aedes.authorizeForward = (_client, packet) => (packet.topic.startsWith('$') ? null : packet);

  const server: Server = createServer(aedes.handle);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const host = opts.host ?? '127.0.0.1';
  return {
    port,
    url: `mqtt://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}`,
    denied,
    logins: () => guard.stats(),
    attachLoginStore: async (store) => {
      await guard.attach(store);
      storeAttached = true;
    },
    resetLoginFailures: (username) => guard.resetUsername(username),
    stop: async () => {
      await new Promise<void>((resolve) => aedes.close(() => resolve()));
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
