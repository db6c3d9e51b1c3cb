/**
 * X3 access matrix: a point with valid credentials (site-a) tries to publish to and subscribe to
 * every topic class of another point (site-b), its own downlink, wildcards and $SYS: 0 successes,
 * on the embedded Aedes broker and on Mosquitto with the documented config (docs/mosquitto/).
 * Publishes are judged by privileged observers (the backoffice account on every uplink, site-b on
 * its downlink): nothing forged may arrive. Subscriptions are judged by what site-a receives while
 * legitimate traffic flows (Mosquitto 2.0 grants a denied v3.1.1 SUBACK and filters on delivery).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import mqtt, { type MqttClient } from 'mqtt';
import { startEmbeddedBroker, type EmbeddedBroker } from '../../backoffice/broker/embeddedBroker.ts';
import { hashPassword } from '../../backoffice/credentials/passwordHash.ts';
import { createSilentLogger } from '../../firmware-bridge/platform/logger.ts';
import { createSystemClock } from '../../firmware-bridge/platform/clock.ts';
import { encode, topics, DOWN_KINDS, UP_KINDS } from '../../controller/contract/sync/index.ts';
import { mosquittoSkipReason, startMosquitto, type MosquittoInstance } from './mosquittoHelper.ts';
import { waitFor } from '../support/fixture.ts';

const USERS = { 'site-a': 'pw-site-a-123', 'site-b': 'pw-site-b-456', _backoffice: 'pw-backoffice-789' } as const;

const FORGED_PUBLISHES = [
  ...UP_KINDS.map((k) => `dorfpunkt/v1/site-b/up/${k}`),
  ...DOWN_KINDS.map((k) => `dorfpunkt/v1/site-b/down/${k}`),
  ...DOWN_KINDS.map((k) => `dorfpunkt/v1/site-a/down/${k}`), // a point must not forge its own downlink
  'dorfpunkt/v1/site-b/up/events/extra',
  'dorfpunkt/v2/site-b/up/events',
  'dorfpunkt/v1/site-b',
  'dorfpunkt/other',
  '$SYS/broker/forged',
];

const ATTACK_SUBSCRIPTIONS = [
  '#',
  '+/#',
  'dorfpunkt/#',
  'dorfpunkt/v1/#',
  'dorfpunkt/v1/+/up/events',
  'dorfpunkt/v1/+/up/#',
  'dorfpunkt/v1/+/down/#',
  'dorfpunkt/v1/+/+/+',
  'dorfpunkt/v1/site-b/#',
  ...UP_KINDS.map((k) => `dorfpunkt/v1/site-b/up/${k}`),
  ...DOWN_KINDS.map((k) => `dorfpunkt/v1/site-b/down/${k}`),
  'dorfpunkt/v1/site-b/down/#',
  '$SYS/#',
  '$share/g/dorfpunkt/v1/+/up/events',
  '$share/dorfpunkt-ingest/dorfpunkt/v1/+/up/#',
];

interface Env {
  siteUrl: string;
  serviceUrl: string;
  /** Aedes answers denied subscriptions with 128; Mosquitto 2.0 (3.1.1) does not. */
  expectSuback128: boolean;
}

async function connect(url: string, username: string, clientId = username): Promise<MqttClient> {
  return mqtt.connectAsync(url, { username, password: USERS[username as keyof typeof USERS], clientId, protocolVersion: 4, reconnectPeriod: 0 });
}

/** Return codes per filter; MQTT.js rejects a SUBACK containing 128, with the packet attached. */
async function subscribeCodes(client: MqttClient, filters: string[]): Promise<number[]> {
  try {
    return (await client.subscribeAsync(filters, { qos: 1 })).map((g) => g.qos);
  } catch (e) {
    const granted = (e as { packet?: { granted?: number[] } }).packet?.granted;
    if (!granted) throw e;
    return granted;
  }
}

/** Upper bound for a PUBACK the broker may never send (it may drop a wildcard publish silently). */
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function accessMatrix(name: string, env: () => Env) {
  it(`${name}: site-a cannot publish into or read from site-b, wildcards or $SYS`, async () => {
    const e = env();
    const backoffice = await connect(e.serviceUrl, '_backoffice', '_backoffice-observer');
    const siteB = await connect(e.siteUrl, 'site-b');
    const siteA = await connect(e.siteUrl, 'site-a');
    const seen = { backoffice: [] as string[], siteB: [] as string[], siteA: [] as string[] };
    backoffice.on('message', (t, p) => seen.backoffice.push(`${t} ${p.toString()}`));
    siteB.on('message', (t, p) => seen.siteB.push(`${t} ${p.toString()}`));
    siteA.on('message', (t, p) => seen.siteA.push(`${t} ${p.toString()}`));
    try {
      await backoffice.subscribeAsync('dorfpunkt/v1/+/up/#', { qos: 1 });
      await siteB.subscribeAsync(topics.downAll('site-b'), { qos: 1 });
      await siteA.subscribeAsync(topics.downAll('site-a'), { qos: 1 });

      // 1. subscriptions of site-a
      const codes = await subscribeCodes(siteA, ATTACK_SUBSCRIPTIONS);
      expect(codes).toHaveLength(ATTACK_SUBSCRIPTIONS.length);
      if (e.expectSuback128) expect(ATTACK_SUBSCRIPTIONS.filter((_, i) => codes[i] !== 128)).toEqual([]);

      // 2. forged publishes of site-a (QoS 1 and 0); the connection must survive them
      for (const t of FORGED_PUBLISHES) {
        await siteA.publishAsync(t, `forged-by-a ${t}`, { qos: 1 });
        await siteA.publishAsync(t, `forged-by-a qos0 ${t}`, { qos: 0, retain: true });
      }
      expect(siteA.connected).toBe(true);

      // 3. legitimate traffic that site-a's subscriptions would catch if they were granted
      await siteB.publishAsync(
        topics.upEvents('site-b'),
        encode('events', { v: 1, siteId: 'site-b', session: 1, events: [{ seq: 1, type: 'sale', at: 0, clockSynced: false, data: null }] }),
        { qos: 1 },
      );
      await siteB.publishAsync(topics.upState('site-b'), encode('state', { v: 1, status: 'online', session: 1 }), { qos: 1, retain: true });
      await backoffice.publishAsync(topics.downAck('site-b'), encode('ack', { v: 1, upTo: 1 }), { qos: 1 });
      await backoffice.publishAsync(topics.downCommands('site-b'), 'legit-command', { qos: 1 });
      // Markers instead of a sleep: the broker handles each connection's packets in order and
      // delivers to each subscriber in order, so once an observer has the marker published after
      // the forgeries (site-a's own uplink for the backoffice; the backoffice's command for site-b,
      // sent after it saw site-a's marker; a message on site-a's own downlink for site-a), anything
      // forged or leaked would have reached it before.
      await siteA.publishAsync(topics.upEvents('site-a'), 'marker-a', { qos: 1 });
      await waitFor(() => seen.backoffice.some((m) => m.endsWith(' marker-a')), { what: "site-a's marker at the backoffice" });
      await backoffice.publishAsync(topics.downCommands('site-b'), 'marker-b', { qos: 1 });
      await waitFor(() => seen.siteB.some((m) => m.endsWith(' marker-b')), { what: 'the marker at site-b' });
      await backoffice.publishAsync(topics.downCommands('site-a'), 'marker-own-1', { qos: 1 });
      await waitFor(() => seen.siteA.some((m) => m.endsWith(' marker-own-1')), { what: "the marker on site-a's own downlink" });

      // 4. a late subscriber sees no forged retained message either (retained messages are sent at
      // the subscription, before the next message on its own downlink)
      const late = await subscribeCodes(siteA, ['dorfpunkt/v1/site-b/up/state', '#']);
      if (e.expectSuback128) expect(late).toEqual([128, 128]);
      await backoffice.publishAsync(topics.downCommands('site-a'), 'marker-own-2', { qos: 1 });
      await waitFor(() => seen.siteA.some((m) => m.endsWith(' marker-own-2')), { what: "the second marker on site-a's own downlink" });

      // legit observers work ...
      expect(seen.backoffice.some((m) => m.startsWith('dorfpunkt/v1/site-b/up/events'))).toBe(true);
      expect(seen.siteB.some((m) => m.startsWith('dorfpunkt/v1/site-b/down/ack'))).toBe(true);
      // ... and 0 successes for site-a
      expect(seen.backoffice.filter((m) => m.includes('forged'))).toEqual([]);
      expect(seen.siteB.filter((m) => m.includes('forged'))).toEqual([]);
      expect(seen.siteA).toEqual([`${topics.downCommands('site-a')} marker-own-1`, `${topics.downCommands('site-a')} marker-own-2`]);

      // 5. wildcard publishes are protocol violations: whatever the broker does, nothing arrives
      const rogue = await connect(e.siteUrl, 'site-a');
      rogue.on('error', () => undefined);
      for (const t of ['#', 'dorfpunkt/#', 'dorfpunkt/v1/+/up/events', 'dorfpunkt/v1/site-b/+/events']) {
        await Promise.race([rogue.publishAsync(t, 'forged-wildcard', { qos: 1 }).catch(() => undefined), sleep(300)]);
      }
      // Still connected: a marker on its own uplink follows the wildcard publishes (in order).
      // Disconnected: the broker closed the connection on a wildcard publish, forwarding nothing.
      if (rogue.connected) {
        await rogue.publishAsync(topics.upEvents('site-a'), 'marker-rogue', { qos: 1 });
        await waitFor(() => seen.backoffice.some((m) => m.endsWith(' marker-rogue')), { what: "the rogue's marker at the backoffice" });
      }
      await rogue.endAsync(true);
      expect(seen.backoffice.filter((m) => m.includes('forged'))).toEqual([]);
      expect(seen.siteB.filter((m) => m.includes('forged'))).toEqual([]);
    } finally {
      await Promise.all([backoffice.endAsync(true), siteB.endAsync(true), siteA.endAsync(true)]);
    }
  });

  it(`${name}: site-a cannot take over site-b's session by using its client id`, async () => {
    const e = env();
    const siteB = await connect(e.siteUrl, 'site-b');
    let bClosed = false;
    siteB.on('close', () => (bClosed = true));
    const attempt = await connect(e.siteUrl, 'site-a', 'site-b').then(
      (c) => c,
      () => null,
    );
    // A round trip on site-b's connection after the attempt was decided: a takeover would have
    // closed it before the PUBACK.
    const roundTrip = await Promise.race([
      siteB.publishAsync(topics.upEvents('site-b'), 'still-here', { qos: 1 }).then(() => 'puback'),
      new Promise<string>((r) => siteB.once('close', () => r('closed'))),
    ]);
    expect(roundTrip).toBe('puback');
    expect(bClosed).toBe(false);
    expect(siteB.connected).toBe(true);
    await attempt?.endAsync(true);
    await siteB.endAsync(true);
  });

  it(`${name}: wrong password and unknown users are refused`, async () => {
    const e = env();
    await expect(
      mqtt.connectAsync(e.siteUrl, { username: 'site-a', password: 'wrong', clientId: 'site-a', protocolVersion: 4, reconnectPeriod: 0 }),
    ).rejects.toThrow();
    await expect(
      mqtt.connectAsync(e.siteUrl, { username: 'site-c', password: 'x', clientId: 'site-c', protocolVersion: 4, reconnectPeriod: 0 }),
    ).rejects.toThrow();
    await expect(mqtt.connectAsync(e.siteUrl, { clientId: 'anon', protocolVersion: 4, reconnectPeriod: 0 })).rejects.toThrow();
  });
}

describe('access matrix on the embedded Aedes broker', () => {
  let broker: EmbeddedBroker;
  beforeAll(async () => {
    const hashes = new Map(
      Object.entries(USERS)
        .filter(([u]) => !u.startsWith('_'))
        .map(([u, p]) => [u, hashPassword(p)]),
    );
    broker = await startEmbeddedBroker({
      port: 0,
      clock: createSystemClock(),
      lookupSiteHash: async (u) => hashes.get(u) ?? null,
      serviceAccounts: [{ username: '_backoffice', password: USERS._backoffice }],
      logger: createSilentLogger(),
    });
  });
  afterAll(async () => broker?.stop());
  accessMatrix('Aedes', () => ({ siteUrl: broker.url, serviceUrl: broker.url, expectSuback128: true }));
  it('Aedes: counts what it denied', () => {
    expect(broker.denied.publish).toBeGreaterThanOrEqual(FORGED_PUBLISHES.length * 2);
    expect(broker.denied.subscribe).toBeGreaterThanOrEqual(ATTACK_SUBSCRIPTIONS.length);
  });
});

const skip = mosquittoSkipReason();
if (skip) console.warn(skip);
describe.skipIf(skip !== null)('access matrix on Mosquitto with docs/mosquitto config', () => {
  let m: MosquittoInstance;
  beforeAll(async () => {
    m = await startMosquitto({ users: Object.entries(USERS).map(([username, password]) => ({ username, password })) });
  });
  afterAll(async () => m?.stop());
  accessMatrix('Mosquitto', () => ({ siteUrl: m.siteUrl, serviceUrl: m.serviceUrl, expectSuback128: false }));
});
