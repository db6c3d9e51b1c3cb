/**
 * RB3 ingest benchmark: backoffice ingest (validate + dedupe + insert + progress in one transaction,
 * ack after commit) vs two anchors in the same run: a raw mqtt.js subscriber counting the same
 * batches through the same broker, and a raw better-sqlite3 batched insert of the same rows into
 * the same schema with the same pragmas. Rounds are interleaved; medians are reported and
 * `ratio` = median per-round ingest / slower anchor (gate >= 0.5).
 *
 * The broker must accept the given credentials (or anonymous clients) publishing/subscribing
 * under dorfpunkt/v1/...: e.g. a plain Aedes or the CI Mosquitto on 127.0.0.1:1883.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import BetterSqlite3 from 'better-sqlite3';
import mqtt, { type MqttClient } from 'mqtt';
import { startBackoffice } from '../../backoffice/main.ts';
import { openDatabase } from '../../backoffice/db/database.ts';
import { systemClock } from '../../backoffice/platform.ts';
import { createSilentLogger } from '../../firmware-bridge/platform/logger.ts';
import { encode, topics, type Ack, type SyncEvent } from '../../controller/contract/sync/index.ts';

export interface IngestBenchOptions {
  brokerUrl: string;
  events: number;
  batch: number;
  rounds?: number;
  username?: string;
  password?: string;
}

export interface IngestBenchResult {
  ingestPerSec: number;
  rawSubscriberPerSec: number;
  rawInsertPerSec: number;
  ratio: number;
}

function batches(siteId: string, events: number, batch: number): Buffer[] {
  const out: Buffer[] = [];
  for (let from = 1; from <= events; from += batch) {
    const evs: SyncEvent[] = [];
    for (let s = from; s < from + batch && s <= events; s++)
      evs.push({
        seq: s,
        type: 'access.decision',
        at: 1_700_000_000_000 + s,
        clockSynced: true,
        data: { kind: 'card', granted: s % 7 !== 0, reason: s % 7 !== 0 ? 'granted' : 'wrong-pin', doorId: 'main', credentialId: `cred-${s % 50}` },
      });
    out.push(encode('events', { v: 1, siteId, session: 1, events: evs }));
  }
  return out;
}

const median = (xs: number[]): number => {
  const a = [...xs].sort((x, y) => x - y);
  const m = Math.floor(a.length / 2);
  return a.length % 2 ? a[m]! : (a[m - 1]! + a[m]!) / 2;
};

async function connect(o: IngestBenchOptions, clientId: string): Promise<MqttClient> {
  return mqtt.connectAsync(o.brokerUrl, {
    clientId,
    protocolVersion: 4,
    reconnectPeriod: 0,
    ...(o.username ? { username: o.username } : {}),
    ...(o.password ? { password: o.password } : {}),
  });
}

function publishAll(pub: MqttClient, topic: string, payloads: Buffer[]): void {
  for (const p of payloads) pub.publish(topic, p, { qos: 1 });
}

async function runIngest(o: IngestBenchOptions, dir: string, round: number): Promise<number> {
  const siteId = `bench-${randomBytes(4).toString('hex')}`;
  const payloads = batches(siteId, o.events, o.batch);
  const bo = await startBackoffice({
    db: { kind: 'sqlite', path: join(dir, `ingest-${round}.db`) },
    mqttUrl: o.brokerUrl,
    ...(o.username ? { mqttUsername: o.username } : {}),
    ...(o.password ? { mqttPassword: o.password } : {}),
    clientId: `_bench-bo-${siteId}`,
    clock: systemClock(),
    logger: createSilentLogger(),
  });
  const pub = await connect(o, siteId);
  try {
    let done: () => void = () => undefined;
    const finished = new Promise<void>((r) => (done = r));
    pub.on('message', (_t, p) => {
      if ((JSON.parse(p.toString()) as Ack).upTo >= o.events) done();
    });
    await pub.subscribeAsync(topics.downAck(siteId), { qos: 1 });
    const t0 = performance.now();
    publishAll(pub, topics.upEvents(siteId), payloads);
    await finished;
    return (o.events * 1000) / (performance.now() - t0);
  } finally {
    await pub.endAsync(true);
    await bo.stop();
  }
}

async function runRawSubscriber(o: IngestBenchOptions): Promise<number> {
  const siteId = `bench-${randomBytes(4).toString('hex')}`;
  const payloads = batches(siteId, o.events, o.batch);
  const sub = await connect(o, `_bench-sub-${siteId}`);
  const pub = await connect(o, siteId);
  try {
    let n = 0;
    let done: () => void = () => undefined;
    const finished = new Promise<void>((r) => (done = r));
    sub.on('message', () => {
      if (++n === payloads.length) done();
    });
    await sub.subscribeAsync(topics.upEvents(siteId), { qos: 1 });
    const t0 = performance.now();
    publishAll(pub, topics.upEvents(siteId), payloads);
    await finished;
    return (o.events * 1000) / (performance.now() - t0);
  } finally {
    await pub.endAsync(true);
    await sub.endAsync(true);
  }
}

async function runRawInsert(o: IngestBenchOptions, dir: string, round: number): Promise<number> {
  const path = join(dir, `raw-${round}.db`);
  await (await openDatabase({ kind: 'sqlite', path })).close(); // same schema via the same migrations
  const db = new BetterSqlite3(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('busy_timeout = 5000');
  const ins = db.prepare('INSERT INTO events (site_id, seq, type, at, clock_synced, data, hash, received_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
  const rows: SyncEvent[][] = [];
  for (let from = 1; from <= o.events; from += o.batch) {
    const evs: SyncEvent[] = [];
    for (let s = from; s < from + o.batch && s <= o.events; s++)
      evs.push({
        seq: s,
        type: 'access.decision',
        at: 1_700_000_000_000 + s,
        clockSynced: true,
        data: { kind: 'card', granted: s % 7 !== 0, reason: s % 7 !== 0 ? 'granted' : 'wrong-pin', doorId: 'main', credentialId: `cred-${s % 50}` },
      });
    rows.push(evs);
  }
  const insertBatch = db.transaction((evs: SyncEvent[]) => {
    const now = Date.now();
    for (const e of evs) ins.run('raw-site', e.seq, e.type, e.at, e.clockSynced ? 1 : 0, JSON.stringify(e.data), null, now);
  });
  const t0 = performance.now();
  for (const evs of rows) insertBatch(evs);
  const rate = (o.events * 1000) / (performance.now() - t0);
  db.close();
  return rate;
}

export async function benchIngest(opts: IngestBenchOptions): Promise<IngestBenchResult> {
  const rounds = opts.rounds ?? 5;
  const dir = mkdtempSync(join(tmpdir(), 'dorfpunkt-ingest-bench-'));
  const ingest: number[] = [];
  const sub: number[] = [];
  const raw: number[] = [];
  const ratios: number[] = [];
  try {
    for (let r = 0; r < rounds; r++) {
      const s = await runRawSubscriber(opts);
      const w = await runRawInsert(opts, dir, r);
      const i = await runIngest(opts, dir, r);
      sub.push(s);
      raw.push(w);
      ingest.push(i);
      ratios.push(i / Math.min(s, w));
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return {
    ingestPerSec: Math.round(median(ingest)),
    rawSubscriberPerSec: Math.round(median(sub)),
    rawInsertPerSec: Math.round(median(raw)),
    ratio: Number(median(ratios).toFixed(3)),
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const url = process.argv[2] ?? 'mqtt://127.0.0.1:1883';
  benchIngest({ brokerUrl: url, events: Number(process.argv[3] ?? 20_000), batch: Number(process.argv[4] ?? 100) }).then(
    (r) => console.log(JSON.stringify(r)),
    (e: unknown) => {
      console.error(e);
      process.exit(1);
    },
  );
}
