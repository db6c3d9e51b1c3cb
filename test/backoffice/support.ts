/** Helpers for backoffice tests: services and a minimal test point speaking the contract. */
import { randomBytes } from 'node:crypto';
import mqtt, { type MqttClient } from 'mqtt';
import { encode, topics, type Ack, type EventBatch, type SyncEvent } from '../../controller/contract/sync/index.ts';
import { dropPostgresSchema, type DbConfig } from '../../backoffice/db/database.ts';
import { PG_URL } from '../support/services.ts';
import { waitFor } from '../support/fixture.ts';

// Service probes live in test/support/services.ts; re-exported for the backoffice tests.
export { PG_URL, postgresSkipReason, reachable, requireServices } from '../support/services.ts';

/** A fresh PostgreSQL schema per test run; `cleanup()` drops it. */
export function freshPgConfig(): { config: DbConfig; cleanup: () => Promise<void> } {
  const schema = `t_bo_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  return { config: { kind: 'postgres', url: PG_URL, schema }, cleanup: () => dropPostgresSchema(PG_URL, schema) };
}

export function makeEvents(from: number, to: number): SyncEvent[] {
  const out: SyncEvent[] = [];
  for (let s = from; s <= to; s++) out.push({ seq: s, type: 'sale', at: 1_000 + s, clockSynced: false, data: { cents: s } });
  return out;
}

/** A minimal point: connects as its site, collects down/ack, sends batches, answers resend requests. */
export class TestSite {
  readonly acks: Ack[] = [];
  readonly down: { topic: string; payload: string }[] = [];
  client!: MqttClient;
  constructor(
    readonly siteId: string,
    private readonly url: string,
    private readonly password: string,
    readonly session = 1,
  ) {}

  async connect(extra: mqtt.IClientOptions = {}): Promise<void> {
    this.client = mqtt.connect(this.url, {
      clientId: this.siteId,
      username: this.siteId,
      password: this.password,
      protocolVersion: 4,
      reconnectPeriod: 200,
      ...extra,
    });
    this.client.on('message', (topic, payload) => {
      this.down.push({ topic, payload: payload.toString() });
      if (topic === topics.downAck(this.siteId)) this.acks.push(JSON.parse(payload.toString()) as Ack);
    });
    await new Promise<void>((resolve, reject) => {
      this.client.once('connect', () => resolve());
      this.client.once('error', reject);
    });
    await this.client.subscribeAsync(topics.downAll(this.siteId), { qos: 1 });
  }

  get upTo(): number {
    return this.acks.reduce((m, a) => Math.max(m, a.upTo), 0);
  }

  batch(events: SyncEvent[]): EventBatch {
    return { v: 1, siteId: this.siteId, session: this.session, events };
  }

  async send(events: SyncEvent[]): Promise<void> {
    await this.client.publishAsync(topics.upEvents(this.siteId), encode('events', this.batch(events)), { qos: 1 });
  }

  async sendRaw(payload: string | Buffer): Promise<void> {
    await this.client.publishAsync(topics.upEvents(this.siteId), payload, { qos: 1 });
  }

  async birth(status: 'online' | 'offline' = 'online', session = this.session): Promise<void> {
    await this.client.publishAsync(topics.upState(this.siteId), encode('state', { v: 1, status, session }), { qos: 1, retain: true });
  }

  /** Resend from the backoffice's mark until everything up to `last` is acked (what a point's relay does). */
  async drain(last: number, batch = 50, timeoutMs = 10_000, ackTimeoutMs = 3000, copies = 1): Promise<void> {
    const until = Date.now() + timeoutMs;
    while (this.upTo < last) {
      if (Date.now() > until) throw new Error(`drain stuck at upTo=${this.upTo} of ${last}`);
      const from = this.upTo + 1;
      const before = this.acks.length;
      for (let c = 0; c < copies; c++) await this.send(makeEvents(from, Math.min(last, from + batch - 1)));
      await waitFor(() => this.acks.length > before, { timeoutMs: ackTimeoutMs, what: 'ack' }).catch(() => undefined);
    }
  }

  async end(): Promise<void> {
    await this.client.endAsync();
  }
}
