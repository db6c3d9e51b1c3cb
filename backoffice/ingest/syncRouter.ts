/**
 * The backoffice's MQTT side: subscribes to every site's uplink (optionally through a shared
 * subscription), validates each message, and dispatches it: events -> ingest (+ `down/ack` after
 * commit), state -> presence (+ ack and unapplied changes on a birth), applied -> downlink,
 * command-results -> downlink. Bad messages are recorded and counted, never thrown.
 *
 * Three lanes, so presence never holds up ingest (a restarted backoffice gets every site's
 * retained `up/state` at once): event batches go through a group-commit queue (ingestQueue.ts),
 * where batches that arrive while a transaction runs are committed together in the next one;
 * `up/state` messages are handled one at a time on the presence lane, everything else one at a time
 * on the control lane. A batch's `down/ack` is sent only after the commit that stored it, and QoS 1
 * PUBACKs go out in receipt order (deferredPuback.ts), each after its message is processed, except
 * for `up/state`, which the broker retains anyway. Publishes (acks, downlink) are handed to the
 * client and not awaited. What counts for the point is the `down/ack`, not the PUBACK.
 */
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import type { Kysely } from 'kysely';
import { decodeMessage, encode, parseTopic, topics, UP_KINDS, type Ack, type EventBatch, type UpKind } from '../../controller/contract/sync/index.ts';
import type { DB } from '../db/schema.ts';
import type { Downlink, Publish } from '../downlink/downlink.ts';
import type { Clock, Logger } from '../platform.ts';
import { applyState, touchSite } from '../presence/presence.ts';
import { IngestQueue, type IngestHooks, type Settlement } from './ingestQueue.ts';
import { currentConnection, PubackSequencer, SKIP_PUBACK, supportsDeferredPuback } from './deferredPuback.ts';
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
  /** Sites marked diverged (replaced ledger, see divergence.ts). */
  divergences: number;
  /** Event batches of diverged sites: not stored, not acknowledged. */
  divergedBatches: number;
  /** Events stored but flagged: they do not decode with the event catalogue (flagged_events). */
  flaggedEvents: number;
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
  /** Called for every `down/ack` handed to the client (tests, metrics). */
  onAck?: (siteId: string, ack: Ack) => void;
  /** Group commit limits (defaults in ingestQueue.ts). */
  maxBatchesPerCommit?: number;
  maxEventsPerCommit?: number;
  /** Crash-test hooks around the ingest commit. */
  hooks?: IngestHooks;
}

/** A command (QoS 0, "now or never") could not be handed to a live broker connection. */
export class BrokerDisconnectedError extends Error {
  constructor() {
    super('the backoffice is not connected to the broker: command not sent');
    this.name = 'BrokerDisconnectedError';
  }
}

class StoppedError extends Error {}

function isStateTopic(topic: string): boolean {
  const t = parseTopic(topic);
  return t.ok && t.value.direction === 'up' && t.value.kind === 'state';
}

/** Messages taken in and not yet PUBACKed before MQTT.js is told to stop reading (backpressure). */
const MAX_UNACKED = 256;

/** Counters at start (all zero). */
export function emptyIngestStats(): IngestStats {
  return {
    messages: 0,
    batches: 0,
    eventsStored: 0,
    duplicates: 0,
    held: 0,
    resendRequests: 0,
    acksSent: 0,
    rejected: 0,
    rejectedByCode: {},
    dbErrors: 0,
    divergences: 0,
    divergedBatches: 0,
    flaggedEvents: 0,
  };
}

export class SyncRouter {
  private client: MqttClient | null = null;
  readonly stats: IngestStats = emptyIngestStats();

  private readonly queue: IngestQueue;
  /** Set by stop()/kill(): messages still delivered are dropped unprocessed (and un-PUBACKed). */
  private stopping = false;
  /** The presence lane: `up/state` messages, one at a time, in receipt order. Never rejects. */
  private presence: Promise<void> = Promise.resolve();
  /** The control lane: every other non-event message, one at a time, in receipt order. Never rejects. */
  private control: Promise<void> = Promise.resolve();
  /** Per site: the ack owed for the batches of the group being settled (sent once per group). */
  private readonly owedAcks = new Map<string, { upTo: number; heldUpTo: number; upToHash: string | undefined }>();

  constructor(private readonly opts: SyncRouterOptions) {
    this.queue = new IngestQueue({
      db: opts.db,
      logger: opts.logger,
      ...(opts.maxBatchesPerCommit !== undefined ? { maxBatchesPerCommit: opts.maxBatchesPerCommit } : {}),
      ...(opts.maxEventsPerCommit !== undefined ? { maxEventsPerCommit: opts.maxEventsPerCommit } : {}),
      onGroupSettled: () => this.sendGroupAcks(),
      ...(opts.hooks ? { hooks: opts.hooks } : {}),
    });
  }

  /** Group-commit counters (commits, batches, largest group). */
  get commitStats(): IngestQueue['stats'] {
    return this.queue.stats;
  }

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

  /**
   * Send now over the live connection at QoS 0, or throw BrokerDisconnectedError: never queued by
   * the client for after a reconnect (remote commands must not fire late).
   */
  readonly publishNow = (topic: string, payload: Buffer): void => {
    const c = this.client;
    if (!c || !c.connected || this.stopping || c.disconnecting) throw new BrokerDisconnectedError();
    c.publish(topic, payload, { qos: 0, retain: false }, (err) => {
      if (err) this.opts.logger.warn({ topic, err: err.message }, 'command publish failed (not resent)');
    });
  };

  async start(): Promise<void> {
    const o = this.opts;
    this.stopping = false;
    const options: IClientOptions = {
      clientId: o.clientId,
      protocolVersion: 4,
      clean: true,
      keepalive: 30,
      reconnectPeriod: 1000,
      reconnectOnConnackError: true,
      connectTimeout: 10_000,
      // QoS 0 (only commands) is never kept for a later connection.
      queueQoSZero: false,
      ...(o.username !== undefined ? { username: o.username } : {}),
      ...(o.password !== undefined ? { password: o.password } : {}),
    };
    const client = mqtt.connect(o.mqttUrl, { ...options, manualConnect: true });
    const deferPubacks = supportsDeferredPuback(client);
    if (!deferPubacks) o.logger.warn({}, 'MQTT.js internals changed: messages are processed one at a time');
    const pubacks = new PubackSequencer(client, (messageId) => o.logger.debug({ messageId }, 'PUBACK dropped: the connection it belongs to is gone'));
    client.handleMessage = (packet, done) => {
      if (this.stopping) {
        done(deferPubacks ? SKIP_PUBACK : undefined);
        return;
      }
      const payload = typeof packet.payload === 'string' ? Buffer.from(packet.payload) : packet.payload;
      const messageId = packet.messageId;
      if (!deferPubacks || packet.qos !== 1 || messageId === undefined) {
        void this.process(packet.topic, payload).finally(() => done());
        return;
      }
      const slot = pubacks.open(currentConnection(client), messageId);
      const processing = this.process(packet.topic, payload);
      // `up/state` is published retained (birth and Will): the broker keeps the latest, and a
      // subscription after a crash brings it again, so its PUBACK need not wait for the presence
      // lane (busy with every site's retained state after a restart) and hold up event batches.
      if (isStateTopic(packet.topic)) pubacks.complete(slot);
      // Once stopping, batches dropped unprocessed must not be PUBACKed: send none at all.
      else void processing.finally(() => this.stopping || pubacks.complete(slot));
      // Read on (the PUBACK follows the processing), unless too many messages wait already.
      if (pubacks.outstanding < MAX_UNACKED) done(SKIP_PUBACK);
      else void pubacks.whenBelow(MAX_UNACKED).then(() => done(SKIP_PUBACK));
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
    this.stopping = true;
    // Batches not yet in a transaction are dropped unacked (the points resend); a running commit
    // finishes and its acks go out before the clean DISCONNECT.
    await this.queue.abort(new StoppedError('backoffice stopping'));
    await Promise.all([this.presence, this.control]);
    if (c) await c.endAsync();
  }

  /** Simulate a crash in tests: drop the connection without a clean DISCONNECT. */
  async kill(): Promise<void> {
    const c = this.client;
    this.client = null;
    this.stopping = true;
    if (c) c.stream?.destroy();
    await this.queue.abort(new StoppedError('backoffice killed'));
    await Promise.all([this.presence, this.control]);
    if (c) await c.endAsync(true);
  }

  private reject(siteId: string | null, topic: string, code: string, reason: string, payload: Uint8Array): Promise<void> {
    this.stats.rejected++;
    this.stats.rejectedByCode[code] = (this.stats.rejectedByCode[code] ?? 0) + 1;
    this.opts.logger.warn({ siteId, topic, code, reason }, 'rejected uplink message');
    return recordRejection(this.opts.db, { siteId, topic, code, reason, payload }, this.opts.clock.now()).then((err) => {
      if (err) this.opts.logger.error({ err: err.message }, 'could not record rejected message');
    });
  }

  /** Every ack carries the backoffice's wall clock (`serverTime`, DESIGN principle 4). */
  private sendAck(siteId: string, ack: Omit<Ack, 'serverTime'>): void {
    const msg: Ack = { ...ack, serverTime: Math.max(0, Math.round(this.opts.clock.now())) };
    this.stats.acksSent++;
    this.opts.onAck?.(siteId, msg);
    if (ack.resendFrom !== undefined) this.stats.resendRequests++;
    this.publish(topics.downAck(siteId), encode('ack', msg), { qos: 1, retain: false }).catch((e: unknown) =>
      this.opts.logger.warn({ siteId, err: String(e) }, 'ack not sent (the point will resend and get it again)'),
    );
  }

  /** Process one uplink message; resolves when it is handled (after the commit for events). Exposed for tests that bypass the broker. */
  handle(topic: string, payload: Uint8Array): Promise<void> {
    return this.process(topic, payload);
  }

  /** Start handling one message; the promise settles (never rejects) once it is processed. */
  private process(topic: string, payload: Uint8Array): Promise<void> {
    this.stats.messages++;
    const o = this.opts;
    const now = o.clock.now();
    const decoded = decodeMessage(topic, payload);
    if (decoded.ok && decoded.value.topic.direction === 'up' && decoded.value.topic.kind === 'events') {
      const siteId = decoded.value.topic.siteId;
      const batch = decoded.value.value as EventBatch;
      const lastSeq = batch.events[batch.events.length - 1]!.seq;
      return new Promise<void>((resolve) => {
        this.queue.submit(batch, now, (s) => {
          try {
            this.settled(siteId, topic, lastSeq, s);
          } finally {
            resolve();
          }
        });
      });
    }
    // Yield to the event loop first: on SQLite every query resolves at once, so a run of these
    // messages (e.g. every site's retained state after a restart, two fsyncs each) would otherwise
    // go on in microtasks and starve socket reads and the events lane.
    const isState = decoded.ok && decoded.value.topic.kind === 'state';
    const done = (isState ? this.presence : this.control)
      .then(() => new Promise<void>((resolve) => setImmediate(resolve)))
      .then(() => this.handleOther(topic, payload, decoded, now))
      .catch((e: unknown) => o.logger.error({ err: String(e) }, 'message handler failed'));
    if (isState) this.presence = done;
    else this.control = done;
    return done;
  }

  private settled(siteId: string, topic: string, lastSeq: number, s: Settlement): void {
    const o = this.opts;
    if (!s.ok) {
      if (s.error instanceof StoppedError) {
        o.logger.debug({ siteId, topic }, 'event batch dropped at shutdown (no ack sent)');
        return;
      }
      // DB unavailable or similar: nothing was committed, so nothing is acked; the point resends.
      this.stats.dbErrors++;
      o.logger.error({ siteId, topic, err: String(s.error) }, 'uplink message not processed (no ack sent)');
      return;
    }
    const r = s.outcome;
    if (r.diverged) {
      // The point's ledger was replaced: no ack, so its events stay in its outbox until an
      // operator resolves the divergence (POST /api/sites/:id/resolve-divergence).
      this.stats.divergedBatches++;
      this.owedAcks.delete(siteId);
      if (r.divergedReason !== undefined) this.divergenceFound(siteId, r.divergedReason);
      else o.logger.debug({ siteId, topic }, 'event batch of a diverged site: not stored, not acknowledged');
      return;
    }
    this.stats.batches++;
    this.stats.eventsStored += r.stored;
    this.stats.duplicates += r.duplicates;
    this.stats.held += r.held;
    if (r.flagged) {
      this.stats.flaggedEvents += r.flagged;
      o.logger.warn({ siteId, flagged: r.flagged }, 'stored events that do not decode with the event catalogue: flagged, kept out of reports');
    }
    // Acks are cumulative: one per site and group says all. A gap is still open when a batch of the
    // group held events beyond the site's final mark.
    const owed = this.owedAcks.get(siteId);
    const heldUpTo = r.held > 0 ? lastSeq : 0;
    if (owed) {
      if (r.upTo > owed.upTo || (r.upTo === owed.upTo && owed.upToHash === undefined)) owed.upToHash = r.upToHash;
      owed.upTo = Math.max(owed.upTo, r.upTo);
      owed.heldUpTo = Math.max(owed.heldUpTo, heldUpTo);
    } else {
      this.owedAcks.set(siteId, { upTo: r.upTo, heldUpTo, upToHash: r.upToHash });
    }
    o.onIngested?.(siteId, r.upTo);
  }

  /**
   * After a group commit: one `down/ack` per site, with `resendFrom` while a gap is open and the
   * hash of the stored event at `upTo` (the point checks it before deleting anything).
   */
  private sendGroupAcks(): void {
    for (const [siteId, a] of this.owedAcks) {
      const ack: Omit<Ack, 'serverTime'> = { v: 1, upTo: a.upTo };
      if (a.heldUpTo > a.upTo) ack.resendFrom = a.upTo + 1;
      if (a.upToHash !== undefined) ack.upToHash = a.upToHash;
      this.sendAck(siteId, ack);
    }
    this.owedAcks.clear();
  }

  private divergenceFound(siteId: string, reason: string): void {
    this.stats.divergences++;
    this.opts.logger.error({ siteId, reason }, 'site diverged: its events are no longer acknowledged until an operator resolves it');
  }

  private async handleOther(topic: string, payload: Uint8Array, decoded: ReturnType<typeof decodeMessage>, now: number): Promise<void> {
    const o = this.opts;
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
        case 'state': {
          const p = await applyState(o.db, t.siteId, value as Parameters<typeof applyState>[2], now);
          if (p.divergedReason !== undefined) this.divergenceFound(t.siteId, p.divergedReason);
          if (p.birth && !p.diverged) {
            // The mark and the hash of the stored event at it, in one indexed lookup: the point
            // compares the hash with its own event before deleting anything (replaced ledger).
            const site = await o.db
              .selectFrom('sites as s')
              .leftJoin('events as e', (j) => j.onRef('e.site_id', '=', 's.site_id').onRef('e.seq', '=', 's.up_to'))
              .select(['s.up_to', 'e.hash'])
              .where('s.site_id', '=', t.siteId)
              .executeTakeFirst();
            const upTo = Number(site?.up_to ?? 0);
            const ack: Omit<Ack, 'serverTime'> = { v: 1, upTo };
            if (upTo > 0 && typeof site?.hash === 'string') ack.upToHash = site.hash;
            this.sendAck(t.siteId, ack);
          }
          if (p.birth || p.appliedLowered) await o.getDownlink().resendUnapplied(t.siteId);
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
