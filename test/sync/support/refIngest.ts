/**
 * A minimal reference backoffice ingest for the point-side end-to-end tests (the real one lives in
 * backoffice/). Same rules as the contract: validate, store the contiguous new prefix by
 * (siteId, seq) in one transaction, acknowledge `down/ack {upTo}` only after the commit, ask for a
 * resend from upTo + 1 on a gap, answer a birth with the current progress. Test hooks can make it
 * "die" before or after its commit (connection destroyed, no ack).
 */
import mqtt, { type MqttClient } from 'mqtt';
import { decodeMessage, encode, topics, type Ack, type EventBatch } from '../../../controller/contract/sync/index.ts';
import { AbortedCommit, type IngestStore } from './ingestStore.ts';

export interface RefIngestOptions {
  brokerUrl: string;
  store: IngestStore;
  /** Return 'die-before-commit' or 'die-after-commit' to simulate a crash for this batch. */
  fault?: (batch: EventBatch) => 'die-before-commit' | 'die-after-commit' | undefined;
  onCommitted?: (siteId: string, upTo: number, stored: number) => void;
}

export class RefIngest {
  private client: MqttClient | undefined;
  private chain: Promise<unknown> = Promise.resolve();
  dead = false;
  readonly stats = { batches: 0, rejected: 0, gaps: 0, acks: 0 };

  constructor(private readonly o: RefIngestOptions) {}

  async start(): Promise<void> {
    const client = mqtt.connect(this.o.brokerUrl, {
      protocolVersion: 4,
      clientId: `ref-ingest-${Math.random().toString(36).slice(2, 10)}`,
      clean: true,
      reconnectPeriod: 200,
      keepalive: 10,
    });
    this.client = client;
    client.on('message', (topic, payload) => {
      this.chain = this.chain.then(() => this.handle(topic, payload)).catch(() => undefined);
    });
    client.on('error', () => undefined);
    await new Promise<void>((resolve) => client.once('connect', () => resolve()));
    await client.subscribeAsync({ 'dorfpunkt/v1/+/up/events': { qos: 1 }, 'dorfpunkt/v1/+/up/state': { qos: 1 } });
  }

  async stop(): Promise<void> {
    const c = this.client;
    this.client = undefined;
    if (c) await c.endAsync(true).catch(() => undefined);
  }

  /** Simulated process death: connection destroyed without a goodbye. */
  private die(): void {
    this.dead = true;
    const c = this.client;
    this.client = undefined;
    c?.removeAllListeners('message');
    c?.end(true);
  }

  private async handle(topic: string, payload: Buffer): Promise<void> {
    if (this.dead || !this.client) return;
    const m = decodeMessage(topic, payload);
    if (!m.ok) {
      this.stats.rejected++;
      return;
    }
    const siteId = m.value.topic.siteId;
    if (m.value.topic.kind === 'state') {
      const st = m.value.value as { status: string };
      if (st.status === 'online') this.ack(siteId, await this.o.store.progress(siteId));
      return;
    }
    if (m.value.topic.kind !== 'events') return;
    const batch = m.value.value as EventBatch;
    this.stats.batches++;
    const fault = this.o.fault?.(batch);
    let r;
    try {
      r = await this.o.store.commit(siteId, batch.events, fault === 'die-before-commit');
    } catch (err) {
      if (err instanceof AbortedCommit) return this.die();
      throw err;
    }
    if (r.stored > 0) this.o.onCommitted?.(siteId, r.upTo, r.stored);
    if (fault === 'die-after-commit') return this.die();
    if (r.gap) this.stats.gaps++;
    this.ack(siteId, r.upTo, r.gap ? r.upTo + 1 : undefined);
  }

  private ack(siteId: string, upTo: number, resendFrom?: number): void {
    this.stats.acks++;
    const msg: Ack = resendFrom === undefined ? { v: 1, upTo } : { v: 1, upTo, resendFrom };
    this.client?.publish(topics.downAck(siteId), encode('ack', msg), { qos: 1 });
  }
}
