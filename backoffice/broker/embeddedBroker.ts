/**
 * The zero-setup broker: Aedes 1.x (MQTT 3.1.1 only) on a TCP port, with the same access rules as
 * the documented Mosquitto config. Sites authenticate with username = siteId (and must use it as
 * their client id, so one site cannot take over another's session); service accounts (username
 * `_...`) with a password given here. A denied publish is dropped silently after a normal PUBACK
 * (as Mosquitto does for 3.1.1): passing an error would close the connection and the client would
 * resend the same QoS 1 message on every reconnect. A denied subscribe gets SUBACK 128.
 * Aedes has no shared subscriptions: with the embedded broker run ONE backoffice instance.
 */
import { createServer, type AddressInfo, type Server } from 'node:net';
import { createHash, timingSafeEqual } from 'node:crypto';
import { Aedes, type AuthenticateError, type Client } from 'aedes';
import type { Logger } from '../platform.ts';
import { isValidSiteId } from '../../controller/contract/sync/index.ts';
import { verifyPassword } from '../credentials/passwordHash.ts';
import type { CredentialLookup } from '../credentials/siteCredentials.ts';
import { mayPublish, maySubscribe, SERVICE_USERNAME_PATTERN, type Principal } from './accessRules.ts';

export interface EmbeddedBrokerOptions {
  port: number; // 0 = any free port
  host?: string;
  lookupSiteHash: CredentialLookup;
  serviceAccounts: { username: string; password: string }[];
  logger: Logger;
}

export interface EmbeddedBroker {
  port: number;
  url: string;
  /** Denied publishes and subscribes so far (tests, metrics). */
  denied: { publish: number; subscribe: number };
  stop(): Promise<void>;
}

/** Where denied publishes are routed: a `$SYS` topic nobody may subscribe to. */
const SINK_TOPIC = '$SYS/dorfpunkt/denied';

function sha(s: string | Buffer): Buffer {
  return createHash('sha256').update(s).digest();
}

function authError(code: 2 | 4 | 5, message: string): AuthenticateError {
  return Object.assign(new Error(message), { returnCode: code }) as AuthenticateError;
}

export async function startEmbeddedBroker(opts: EmbeddedBrokerOptions): Promise<EmbeddedBroker> {
  for (const s of opts.serviceAccounts) {
    if (!SERVICE_USERNAME_PATTERN.test(s.username)) throw new Error(`service account ${JSON.stringify(s.username)} must start with '_' (so it can never be a site id)`);
  }
  const principals = new WeakMap<Client, Principal>();
  const denied = { publish: 0, subscribe: 0 };
  const log = opts.logger;
  const aedes = await Aedes.createBroker({ drainTimeout: 60_000, queueLimit: 42, maxInflightInbound: 1000, concurrency: 1000 });

  aedes.authenticate = (client, username, password, done) => {
    void (async () => {
      if (username === undefined || password === undefined) return done(authError(4, 'credentials required'), null);
      const service = opts.serviceAccounts.find((s) => s.username === username);
      if (service) {
        if (!timingSafeEqual(sha(service.password), sha(password))) return done(authError(4, 'bad credentials'), null);
        principals.set(client, { kind: 'service', username });
        return done(null, true);
      }
      if (!isValidSiteId(username)) return done(authError(4, 'bad credentials'), null);
      const hash = await opts.lookupSiteHash(username);
      if (hash === null || !verifyPassword(password, hash)) return done(authError(4, 'bad credentials'), null);
      if (client.id !== username) return done(authError(2, 'a site must connect with its site id as client id'), null);
      principals.set(client, { kind: 'site', siteId: username });
      done(null, true);
    })().catch((e: unknown) => {
      log.error({ err: String(e) }, 'broker authentication failed');
      done(authError(5, 'authentication unavailable'), null);
    });
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
    stop: async () => {
      await new Promise<void>((resolve) => aedes.close(() => resolve()));
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
