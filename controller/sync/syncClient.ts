/**
 * The point's MQTT link to the backoffice: connection lifecycle (stable client id = siteId,
 * protocol 3.1.1 for Aedes, retained birth/Will with a persisted session counter, own jittered
 * capped reconnect backoff on the injected clock), the outbox relay uplink, and the downlink
 * (acks, versioned changes, commands). Every inbound payload is decoded by the contract; bad ones
 * are logged, counted and dropped.
 *
 * A fresh MQTT.js client is created for every connection attempt (reconnectPeriod 0) so that the
 * Last Will always carries the current session counter. `clean: true`: the ledger is the queue.
 */
import mqtt, { type MqttClient } from 'mqtt';
import type { Database } from 'better-sqlite3';
import type { Clock, TimerHandle } from '../../firmware-bridge/platform/clock.ts';
import type { Logger } from '../../firmware-bridge/platform/logger.ts';
import { decode, encode, MAX_BYTES, MAX_EVENTS_PER_BATCH, topics, WIRE_VERSION, type SiteState } from '../contract/sync/index.ts';
import { Backoff, DEFAULT_BACKOFF, type BackoffOptions } from './backoff.ts';
import { ChangeApplier, type ChangeEventMapper, type ChangeHandler, type ChangeLedger } from './changeApplier.ts';
import { CommandRunner, type CommandHandler } from './commandRunner.ts';
import { SyncMeta } from './migrations.ts';
import { eventListPipe, OutboxRelay, type BatchPipe, type RelayBatch, type RelayOptions, type RelayStatus } from './outboxRelay.ts';
import type { OutboxEvent, OutboxSource } from './outboxSource.ts';
import { encodeEventBatch, eventBatchHeader, hasJsonRead, jsonEventsPipe, toWire } from './wireBatch.ts';

export { encodeEventBatch, toWire } from './wireBatch.ts';

export interface SyncLedger extends OutboxSource, Partial<ChangeLedger> {
  readonly db: Database;
}

/** How long stop() waits for the broker to take the 'offline' state message. */
export const STOP_GOODBYE_TIMEOUT_MS = 2000;

export interface SyncClientOptions {
  brokerUrl: string;
  siteId: string;
  username?: string;
  password?: string;
  /** The ledger (opened with `syncMigrations`). */
  ledger: SyncLedger;
  clock: Clock;
  logger: Logger;
  isClockSynced?: () => boolean;
  /** Called with the backoffice's wall-clock time from each acknowledgement that carries it. */
  onServerTime?: (serverMs: number) => void;
  keepaliveSec?: number;
  connectTimeoutMs?: number;
  backoff?: BackoffOptions;
  random?: () => number;
  relay?: Partial<RelayOptions>;
  changeHandlers?: Readonly<Record<string, ChangeHandler>>;
  /** Change kinds recorded as ledger events (needs a ledger with `appendMany`). */
  changeEvents?: Readonly<Record<string, ChangeEventMapper>>;
  commandHandlers?: Readonly<Record<string, CommandHandler>>;
  software?: string;
  /** Extra MQTT.js options (TLS material etc.); cannot override the ones this client relies on. */
  mqttOptions?: mqtt.IClientOptions;
}

export interface SyncStatus {
  connected: boolean;
  backlog: number;
  lastAckSeq: number;
  lastAckAt: number | null;
  session: number;
  draining: boolean;
  progress: number;
  /**
   * True while the backoffice's acks do not match this ledger (replaced ledger: the backoffice
   * stored other events under these seqs). Nothing is marked delivered; an operator must resolve
   * the site's divergence in the backoffice.
   */
  diverged: boolean;
}

export interface SyncCounters {
  connects: number;
  disconnects: number;
  badPayloads: number;
  badPayloadsByCode: Record<string, number>;
  changesApplied: number;
  changesRejected: number;
  changeDuplicates: number;
  /** Commands that arrived (valid payload), counted on arrival, before they are queued. */
  commandsReceived: number;
  commandsRun: number;
  commandsRefused: number;
  commandReplays: number;
  batchesSent: number;
  /** Broker PUBACKs received (diagnostics only: delivery is decided by the backoffice ack). */
  pubacks: number;
  /** Acks refused because they do not match this ledger (upToHash differs, or upTo > lastSeq). */
  ackHashMismatches: number;
}

const SESSION_KEY = 'session';
const QOS1 = { qos: 1 } as const;
/**
 * The relay stops handing batches to MQTT.js while this much is waiting in the local socket (a
 * slow uplink), so a PINGREQ or a live event is never queued behind megabytes; it resumes on
 * 'drain' or the next ack.
 */
const MAX_QUEUED_BYTES = 512 * 1024;
/**
 * Batches handed to MQTT.js per event-loop turn while draining; then the relay yields
 * (setImmediate) so the rest of the point (HTTP, door I/O, an embedded broker in the same
 * process) runs between them. One pending continuation at most.
 */
const BATCHES_PER_TURN = 4;

export class SyncClient {
  private client: MqttClient | undefined;
  private connected = false;
  private running = false;
  private session: number;
  private reconnectTimer: TimerHandle | undefined;
  private readonly backoff: Backoff;
  private readonly meta: SyncMeta;
  private readonly relay: OutboxRelay<RelayBatch>;
  private readonly eventsTopic: string;
  private batchHeader: { session: number; bytes: Buffer } | undefined;
  private sentThisTurn = 0;
  private nextTurn: ReturnType<typeof setImmediate> | undefined;
  private readonly changes: ChangeApplier;
  private readonly commands: CommandRunner;
  private readonly listeners = new Set<(s: SyncStatus) => void>();
  private readonly jsonCache = new WeakMap<OutboxEvent, string>();
  private readonly isClockSynced: () => boolean;
  private readonly log: Logger;
  readonly counters: SyncCounters = {
    connects: 0,
    disconnects: 0,
    badPayloads: 0,
    badPayloadsByCode: {},
    changesApplied: 0,
    changesRejected: 0,
    changeDuplicates: 0,
    commandsRun: 0,
    commandsRefused: 0,
    commandReplays: 0,
    commandsReceived: 0,
    batchesSent: 0,
    pubacks: 0,
    ackHashMismatches: 0,
  };
  /** Session in which an ack mismatch was last logged as an error (once per session). */
  private mismatchLoggedSession = -1;

  constructor(private readonly o: SyncClientOptions) {
    this.log = o.logger.child({ module: 'sync' });
    this.isClockSynced = o.isClockSynced ?? (() => false);
    this.meta = new SyncMeta(o.ledger.db);
    this.session = this.meta.get(SESSION_KEY);
    this.backoff = new Backoff(o.backoff ?? DEFAULT_BACKOFF, o.random);
    this.eventsTopic = topics.upEvents(o.siteId);
    // The ledger hands out pre-serialised batches; any other OutboxSource goes through event objects.
    const pipe: BatchPipe<RelayBatch> = hasJsonRead(o.ledger)
      ? jsonEventsPipe(
          o.ledger,
          () => this.header(),
          (payload) => this.publishBatch(payload),
          () => this.transportBusy(),
        )
      : eventListPipe(
          o.ledger,
          (events) => this.sendBatch(events),
          (e) => Buffer.byteLength(this.wireJson(e)) + 1,
        );
    this.relay = new OutboxRelay<RelayBatch>(o.ledger, pipe, o.clock, this.log, {
      maxBatchEvents: MAX_EVENTS_PER_BATCH,
      maxBatchBytes: MAX_BYTES.events - 1024,
      ...o.relay,
    });
    this.relay.onStatus((s) => {
      if (this.listeners.size > 0) this.emitStatus(this.toStatus(s));
    });
    this.changes = new ChangeApplier(
      o.ledger.db,
      o.changeHandlers ?? {},
      this.log,
      o.changeEvents ?? {},
      o.ledger.appendMany ? (o.ledger as ChangeLedger) : undefined,
    );
    this.commands = new CommandRunner({
      db: o.ledger.db,
      clock: o.clock,
      logger: this.log,
      handlers: o.commandHandlers ?? {},
      currentSession: () => this.session,
      isClockSynced: this.isClockSynced,
    });
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.relay.start();
    this.connect();
  }

  /** Publishes `offline` (the Will is not sent on a clean disconnect), then closes. */
  async stop(): Promise<void> {
    this.running = false;
    if (this.reconnectTimer !== undefined) this.o.clock.clearTimeout(this.reconnectTimer);
    this.reconnectTimer = undefined;
    if (this.nextTurn !== undefined) clearImmediate(this.nextTurn);
    this.nextTurn = undefined;
    this.relay.stop();
    const client = this.client;
    this.client = undefined;
    this.connected = false;
    if (client) {
      if (client.connected) {
        // A broker that died with us never answers: the goodbye gets a bounded wait (the Will covers it).
        let timer: unknown;
        const timeout = new Promise<void>((resolve) => {
          timer = this.o.clock.setTimeout(resolve, STOP_GOODBYE_TIMEOUT_MS);
        });
        await Promise.race([
          client.publishAsync(topics.upState(this.o.siteId), encode('state', this.state('offline')), { qos: 1, retain: true }).catch(() => undefined),
          timeout,
        ]);
        this.o.clock.clearTimeout(timer);
      }
      await client.endAsync(true).catch(() => undefined);
    }
    this.listeners.clear();
  }

  status(): SyncStatus {
    return this.toStatus(this.relay.status());
  }

  onStatus(listener: (s: SyncStatus) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  appliedVersion(): number {
    return this.changes.appliedVersion();
  }

  relayStatus(): RelayStatus {
    return this.relay.status();
  }

  private connect(): void {
    if (!this.running) return;
    this.session = this.meta.increment(SESSION_KEY);
    const session = this.session;
    const client = mqtt.connect(this.o.brokerUrl, {
      ...this.o.mqttOptions,
      clientId: this.o.siteId,
      protocolVersion: 4,
      clean: true,
      keepalive: this.o.keepaliveSec ?? 30,
      reschedulePings: false,
      connectTimeout: this.o.connectTimeoutMs ?? 10_000,
      reconnectPeriod: 0,
      reconnectOnConnackError: true,
      resubscribe: false,
      ...(this.o.username !== undefined ? { username: this.o.username } : {}),
      ...(this.o.password !== undefined ? { password: this.o.password } : {}),
      will: {
        topic: topics.upState(this.o.siteId),
        payload: encode('state', { v: WIRE_VERSION, status: 'offline', session }),
        qos: 1,
        retain: true,
      },
    });
    this.client = client;
    client.on('message', (topic, payload) => this.onMessage(client, topic, payload));
    client.on('connect', () => void this.onConnect(client, session));
    client.on('packetreceive', (packet) => {
      if (packet.cmd === 'puback') this.counters.pubacks++;
    });
    client.on('error', (err) => this.log.warn({ err: err.message, session }, 'sync: mqtt error'));
    client.on('close', () => this.onClose(client));
  }

  private async onConnect(client: MqttClient, session: number): Promise<void> {
    try {
      const s = this.o.siteId;
      const granted = await client.subscribeAsync({
        [topics.downAck(s)]: { qos: 1 },
        [topics.downChanges(s)]: { qos: 1 },
        [topics.downCommands(s)]: { qos: 1 },
      });
      if (this.client !== client || !client.connected) return;
      const refused = granted.filter((g) => g.qos === 128).map((g) => g.topic);
      if (refused.length > 0) {
        // Without down/ack nothing could ever be marked delivered: treat as a failed connection.
        this.log.error({ refused }, 'sync: broker refused the downlink subscriptions (check the ACL)');
        client.end(true);
        return;
      }
      client.publish(topics.upState(s), encode('state', this.state('online')), { qos: 1, retain: true });
      this.connected = true;
      this.counters.connects++;
      this.backoff.reset();
      this.log.info({ session }, 'sync: connected');
      this.emit();
      client.stream.on('drain', () => {
        if (this.client === client) this.relay.resume();
      });
      this.relay.setOnline(true);
    } catch (err) {
      this.log.warn({ err: (err as Error).message }, 'sync: subscribe failed');
      client.end(true);
    }
  }

  private onClose(client: MqttClient): void {
    if (this.client !== client) return;
    this.client = undefined;
    client.removeAllListeners('message');
    client.removeAllListeners('connect');
    client.end(true);
    client.on('error', () => undefined);
    if (this.connected) {
      this.connected = false;
      this.counters.disconnects++;
      this.log.warn({ session: this.session }, 'sync: disconnected');
    }
    this.relay.setOnline(false);
    this.emit();
    if (!this.running) return;
    const delay = this.backoff.next();
    this.reconnectTimer = this.o.clock.setTimeout(() => {
      this.reconnectTimer = undefined;
      this.connect();
    }, delay);
  }

  /** JSON of one event as it goes on the wire, computed once per event (size check, then batch). */
  private wireJson(e: OutboxEvent): string {
    let json = this.jsonCache.get(e);
    if (json === undefined) {
      json = JSON.stringify(toWire(e));
      this.jsonCache.set(e, json);
    }
    return json;
  }

  private sendBatch(events: OutboxEvent[]): boolean {
    if (!this.connected) return false;
    return this.publishBatch(
      encodeEventBatch(
        this.o.siteId,
        this.session,
        events.map((e) => this.wireJson(e)),
      ),
    );
  }

  private publishBatch(payload: Buffer): boolean {
    const client = this.client;
    if (!client || !this.connected || !client.connected) return false;
    client.publish(this.eventsTopic, payload, QOS1);
    this.counters.batchesSent++;
    this.sentThisTurn++;
    return true;
  }

  /** Too much waiting in the socket, or this turn's share of batches sent (then resume next turn). */
  private transportBusy(): boolean {
    if ((this.client?.stream?.writableLength ?? 0) > MAX_QUEUED_BYTES) return true;
    if (this.sentThisTurn < BATCHES_PER_TURN) return false;
    this.nextTurn ??= setImmediate(() => {
      this.nextTurn = undefined;
      this.sentThisTurn = 0;
      if (this.running) this.relay.resume();
    });
    return true;
  }

  /** `up/events` header of the current session (rebuilt only when the session changes). */
  private header(): Buffer {
    if (this.batchHeader?.session !== this.session) {
      this.batchHeader = { session: this.session, bytes: eventBatchHeader(this.o.siteId, this.session) };
    }
    return this.batchHeader.bytes;
  }

  private onMessage(client: MqttClient, topic: string, payload: Buffer): void {
    if (this.client !== client) return;
    const s = this.o.siteId;
    try {
      if (topic === topics.downAck(s)) {
        const d = decode('ack', payload);
        if (!d.ok) return this.bad(topic, d.error.code, d.error.message);
        const r = this.relay.onAck(d.value.upTo, d.value.resendFrom, d.value.upToHash);
        if (!r.ok) this.ackMismatch(r);
        if (d.value.serverTime !== undefined) this.o.onServerTime?.(d.value.serverTime);
      } else if (topic === topics.downChanges(s)) {
        const d = decode('changes', payload);
        if (!d.ok) return this.bad(topic, d.error.code, d.error.message);
        const r = this.changes.apply(d.value);
        if (r.outcome === 'gap' || r.outcome === 'failed') return;
        if (r.outcome === 'applied') this.counters.changesApplied++;
        if (r.outcome === 'rejected') this.counters.changesRejected++;
        if (r.outcome === 'duplicate') this.counters.changeDuplicates++;
        const applied = { v: WIRE_VERSION, version: r.version } as const;
        const msg =
          r.outcome === 'rejected'
            ? { ...applied, outcome: 'rejected' as const, ...(r.reason !== undefined ? { reason: r.reason } : {}) }
            : { ...applied, outcome: 'applied' as const };
        client.publish(topics.upApplied(s), encode('applied', msg), { qos: 1 });
      } else if (topic === topics.downCommands(s)) {
        const d = decode('commands', payload);
        if (!d.ok) return this.bad(topic, d.error.code, d.error.message);
        this.counters.commandsReceived++;
        void this.commands.receive(d.value).then(
          ({ result, replay }) => {
            if (replay) this.counters.commandReplays++;
            else if (result.status === 'refused') this.counters.commandsRefused++;
            else this.counters.commandsRun++;
            this.client?.publish(topics.upCommandResults(s), encode('command-results', result), { qos: 1 });
          },
          (err: unknown) => this.log.error({ err: String(err), id: d.value.id }, 'sync: command processing failed'),
        );
      } else {
        this.bad(topic, 'bad-topic', 'message on a topic this client does not handle');
      }
    } catch (err) {
      this.log.error({ topic, err: (err as Error).message }, 'sync: downlink handling failed');
    }
  }

  private ackMismatch(r: { reason: string; upTo: number; lastSeq: number }): void {
    this.counters.ackHashMismatches++;
    if (this.mismatchLoggedSession === this.session) return;
    this.mismatchLoggedSession = this.session;
    this.log.error(
      { upTo: r.upTo, lastSeq: r.lastSeq, reason: r.reason, session: this.session },
      'sync: the backoffice stored other events than this ledger holds (replaced ledger?): nothing marked delivered, resending; an operator must resolve the divergence',
    );
  }

  private bad(topic: string, code: string, message: string): void {
    this.counters.badPayloads++;
    this.counters.badPayloadsByCode[code] = (this.counters.badPayloadsByCode[code] ?? 0) + 1;
    this.log.warn({ topic, code, message }, 'sync: rejected downlink payload');
  }

  private state(status: 'online' | 'offline'): SiteState {
    const relay = this.relay.status();
    const st: SiteState = {
      v: WIRE_VERSION,
      status,
      session: this.session,
      at: Math.max(0, Math.round(this.o.clock.now())),
      clockSynced: this.isClockSynced(),
      backlog: { pending: relay.backlog, lastSeq: this.o.ledger.lastSeq() },
      appliedVersion: this.changes.appliedVersion(),
    };
    if (this.o.software !== undefined) st.software = this.o.software.slice(0, 64);
    return st;
  }

  private toStatus(r: RelayStatus): SyncStatus {
    return {
      connected: this.connected,
      backlog: r.backlog,
      lastAckSeq: r.lastAckSeq,
      lastAckAt: r.lastAckAt,
      session: this.session,
      draining: r.draining,
      progress: r.progress,
      diverged: r.diverged,
    };
  }

  private emit(): void {
    if (this.listeners.size === 0) return;
    this.emitStatus(this.status());
  }

  private emitStatus(s: SyncStatus): void {
    for (const l of this.listeners) l(s);
  }
}
