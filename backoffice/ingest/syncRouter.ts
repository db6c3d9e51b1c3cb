/**
 * The backoffice's MQTT side: subscribes to every site's uplink (optionally through a shared
 * subscription), validates each message, and dispatches it: events -> ingest (+ `down/ack` after
 * commit), state -> presence (+ ack and unapplied changes on a birth), applied -> downlink,
 * command-results -> downlink. Bad messages are recorded and counted, never thrown.
 *
 * QoS 1 commit-before-PUBACK: `client.handleMessage` is overridden; MQTT.js sends the PUBACK only
 * when its callback runs, and that happens after the DB transaction. MQTT.js handles incoming
 * packets one at a time, so the handler must never await a publish's PUBACK (it would wait behind
 * itself): publishes are handed to the client and not awaited. What counts for the point is the
 * `down/ack`, not the PUBACK.
 */
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import type { Kysely } from 'kysely';
import { decodeMessage, encode, parseTopic, topics, UP_KINDS, type Ack, type UpKind } from '../../controller/contract/sync/index.ts';
import type { DB } from '../db/schema.ts';
import type { Downlink, Publish } from '../downlink/downlink.ts';
import type { Clock, Logger } from '../platform.ts';
import { applyState, touchSite } from '../presence/presence.ts';
import { ingestBatch } from './ingestStore.ts';
import { recordRejection } from './rejections.ts';

export interface IngestStats {
  messages: number;
  batches: number;
  eventsStored: number;
  duplicates: number;
  held: number;
  resendRequests: number;
  acksSent: number;
  rejected: number;
  rejectedByCode: Record<string, number>;
  dbErrors: number;
}

export interface SyncRouterOptions {
  db: Kysely<DB>;
  mqttUrl: string;
  clientId: string;
  username?: string;
  password?: string;
  sharedGroup?: string;
  clock: Clock;
  logger: Logger;
  getDownlink: () => Downlink;
  /** Called after a batch commit (tests, metrics). */
  onIngested?: (siteId: string, upTo: number) => void;
}

export class SyncRouter {
  private client: MqttClient | null = null;
  readonly stats: IngestStats = { messages: 0, batches: 0, eventsStored: 0, duplicates: 0, held: 0, resendRequests: 0, acksSent: 0, rejected: 0, rejectedByCode: {}, dbErrors: 0 };

  constructor(private readonly opts: SyncRouterOptions) {}

  get connected(): boolean {
    return this.client?.connected ?? false;
  }

  /** Hand a message to the client; resolves at once (see file comment), errors are logged. */
  readonly publish: Publish = (topic, payload, o) => {
    const c = this.client;
    if (!c) return Promise.reject(new Error('MQTT client not started'));
    c.publish(topic, payload, { qos: o.qos, retain: o.retain }, (err) => {
      if (err) this.opts.logger.warn({ topic, err: err.message }, 'publish failed');
    });
    return Promise.resolve();
  };

  async start(): Promise<void> {
    const o = this.opts;
    const options: IClientOptions = {
      clientId: o.clientId,
      protocolVersion: 4,
      clean: true,
      keepalive: 30,
      reconnectPeriod: 1000,
      reconnectOnConnackError: true,
      connectTimeout: 10_000,
      ...(o.username !== undefined ? { username: o.username } : {}),
      ...(o.password !== undefined ? { password: o.password } : {}),
    };
    const client = mqtt.connect(o.mqttUrl, { ...options, manualConnect: true });
    client.handleMessage = (packet, done) => {
      this.handle(packet.topic, typeof packet.payload === 'string' ? Buffer.from(packet.payload) : packet.payload)
        .catch((e: unknown) => o.logger.error({ err: String(e) }, 'message handler failed'))
        .finally(() => done());
    };
    client.on('error', (err) => o.logger.warn({ err: err.message }, 'mqtt error'));
    this.client = client;
    await new Promise<void>((resolve, reject) => {
      const onConnect = (): void => {
        client.off('error', onError);
        resolve();
      };
      const onError = (err: Error): void => {
        client.off('connect', onConnect);
        reject(err);
      };
      client.once('connect', onConnect);
      client.once('error', onError);
      client.connect();
    }).catch(async (e: unknown) => {
      await client.endAsync(true);
      this.client = null;
      throw e;
    });
    // MQTT.js resubscribes by itself after a reconnect (clean session).
    const filters = UP_KINDS.map((k: UpKind) => (o.sharedGroup ? topics.shared(o.sharedGroup, k) : topics.allSites(k)));
    const granted = await client.subscribeAsync(filters, { qos: 1 });
    if (granted.some((g) => g.qos === 128)) {
      await client.endAsync(true);
      this.client = null;
      throw new Error(`the broker refused the backoffice subscriptions ${JSON.stringify(granted)}`);
    }
    o.logger.info({ filters }, 'backoffice subscribed');
  }

  async stop(): Promise<void> {
    const c = this.client;
    this.client = null;
    if (c) await c.endAsync();
  }

  /** Simulate a crash in tests: drop the connection without a clean DISCONNECT. */
  async kill(): Promise<void> {
    const c = this.client;
    this.client = null;
    if (c) {
      c.stream?.destroy();
      await c.endAsync(true);
    }
  }

  private reject(siteId: string | null, topic: string, code: string, reason: string, payload: Uint8Array): Promise<void> {
    this.stats.rejected++;
    this.stats.rejectedByCode[code] = (this.stats.rejectedByCode[code] ?? 0) + 1;
    this.opts.logger.warn({ siteId, topic, code, reason }, 'rejected uplink message');
    return recordRejection(this.opts.db, { siteId, topic, code, reason, payload }, this.opts.clock.now()).then((err) => {
      if (err) this.opts.logger.error({ err: err.message }, 'could not record rejected message');
    });
  }

  private sendAck(siteId: string, ack: Ack): void {
    this.stats.acksSent++;
    if (ack.resendFrom !== undefined) this.stats.resendRequests++;
    this.publish(topics.downAck(siteId), encode('ack', ack), { qos: 1, retain: false }).catch((e: unknown) =>
      this.opts.logger.warn({ siteId, err: String(e) }, 'ack not sent (the point will resend and get it again)'),
    );
  }

  /** Process one uplink message. Exposed for tests that bypass the broker. */
  async handle(topic: string, payload: Uint8Array): Promise<void> {
    this.stats.messages++;
    const o = this.opts;
    const now = o.clock.now();
    const decoded = decodeMessage(topic, payload);
    if (!decoded.ok) {
      const t = parseTopic(topic);
      await this.reject(t.ok ? t.value.siteId : null, topic, decoded.error.code, decoded.error.message, payload);
      return;
    }
    const { topic: t, value } = decoded.value;
    if (t.direction !== 'up') {
      await this.reject(t.siteId, topic, 'bad-topic', 'downlink topic on the uplink subscription', payload);
      return;
    }
    try {
      switch (t.kind) {
        case 'events': {
          const batch = value as Extract<typeof value, { events: unknown }>;
          const r = await ingestBatch(o.db, batch, now);
          this.stats.batches++;
          this.stats.eventsStored += r.stored;
          this.stats.duplicates += r.duplicates;
          this.stats.held += r.held;
          this.sendAck(t.siteId, r.resendFrom !== undefined ? { v: 1, upTo: r.upTo, resendFrom: r.resendFrom } : { v: 1, upTo: r.upTo });
          o.onIngested?.(t.siteId, r.upTo);
          break;
        }
        case 'state': {
          const p = await applyState(o.db, t.siteId, value as Parameters<typeof applyState>[2], now);
          if (p.birth) {
            const site = await o.db.selectFrom('sites').select('up_to').where('site_id', '=', t.siteId).executeTakeFirst();
            this.sendAck(t.siteId, { v: 1, upTo: Number(site?.up_to ?? 0) });
            await o.getDownlink().resendUnapplied(t.siteId);
          }
          break;
        }
        case 'applied':
          await touchSite(o.db, t.siteId, now);
          await o.getDownlink().onApplied(t.siteId, value as Parameters<Downlink['onApplied']>[1]);
          break;
        case 'command-results':
          await touchSite(o.db, t.siteId, now);
          await o.getDownlink().onCommandResult(t.siteId, value as Parameters<Downlink['onCommandResult']>[1]);
          break;
        default:
          await this.reject(t.siteId, topic, 'bad-topic', `unexpected kind ${t.kind}`, payload);
      }
    } catch (e) {
      // DB unavailable or similar: nothing was committed, so nothing is acked; the point resends.
      this.stats.dbErrors++;
      o.logger.error({ siteId: t.siteId, topic, err: String(e) }, 'uplink message not processed (no ack sent)');
    }
  }
}
