/**
 * RB3 ingest benchmark: backoffice ingest (validate + dedupe + insert + the projections + progress in
 * one transaction, ack after commit) of a mix of events the projections read (door, alarms,
 * fridges, lockers) and access decisions, vs two anchors in the same run: a raw mqtt.js subscriber
 * counting the same batches through the same broker, and the fastest plain insert of the same rows
 * into the same database (same schema via the same migrations, same pragmas) we know: better-sqlite3
 * multi-row `INSERT … VALUES (…),(…)` statements, prepared once, chunked to SQLite's variable limit,
 * measured both as one transaction per batch and as all rows in one transaction; the faster of the
 * two is the anchor. Rounds are interleaved; medians are reported and `ratio` = median per-round
 * ingest / slower anchor (gate >= 0.5).
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
  /** The anchor: the faster of the two plain multi-row inserts (median over rounds). */
  rawInsertPerSec: number;
  /** Multi-row INSERTs, one transaction per batch (median). */
  rawInsertPerBatchPerSec: number;
  /** Multi-row INSERTs, all rows in one transaction (median). */
  rawInsertOneTxPerSec: number;
  /** Median per-round ingest / slower anchor. */
  ratio: number;
  /** Median per-round ingest / the plain insert alone (what the ingest costs over writing the rows). */
  insertRatio: number;
}

/**
 * Event `s` of the bench mix: per ten events, an alarm raised and cleared, a door opened and
 * closed, two fridge records, a compartment reserved and released, and two access decisions.
 */
function benchEvent(s: number): SyncEvent {
  const at = 1_700_000_000_000 + s * 1000;
  const base = { seq: s, at, clockSynced: true };
  const fridgeId = `f${Math.floor(s / 10) % 5}`;
  const compartment = `A${(Math.floor(s / 10) % 12) + 1}`;
  const alarmKey = `fridge:${fridgeId}:temperature`;
  switch (s % 10) {
    case 0:
      return {
        ...base,
        type: 'alarm.raised',
        data: { key: alarmKey, source: 'fridge', kind: 'temperature', severity: 'critical', reason: `${fridgeId} warm`, since: at },
      };
    case 1:
      return { ...base, type: 'alarm.cleared', data: { v: 2, key: alarmKey, reason: `${fridgeId} cold again` } };
    case 2:
      return { ...base, type: 'door.opened', data: { via: 'grant', grantId: s } };
    case 3:
      return { ...base, type: 'door.closed', data: {} };
    case 4:
    case 5:
      return {
        ...base,
        type: 'fridge.readings',
        data: { fridgeId, firstAt: at - 1_500_000, offsetsMs: [0, 300_000, 600_000, 900_000, 1_200_000, 1_500_000], tenths: [41, 42, 44, 43, 42, 41] },
      };
    case 6:
      return { ...base, type: 'compartment.reserved', data: { compartment, size: 'S', requested: 'S', sessionId: `drop-${s}` } };
    case 7:
      return { ...base, type: 'compartment.released', data: { compartment, sessionId: `drop-${s - 1}`, reason: 'timeout' } };
    default:
      return {
        ...base,
        type: 'access.decision',
        data: { kind: 'card', granted: s % 7 !== 0, reason: s % 7 !== 0 ? 'granted' : 'wrong-pin', doorId: 'main', credentialId: `cred-${s % 50}` },
      };
  }
}

function eventBatches(events: number, batch: number): SyncEvent[][] {
  const out: SyncEvent[][] = [];
  for (let from = 1; from <= events; from += batch) {
    const evs: SyncEvent[] = [];
    for (let s = from; s < from + batch && s <= events; s++) evs.push(benchEvent(s));
    out.push(evs);
  }
  return out;
}

function batches(siteId: string, events: number, batch: number): Buffer[] {
  return eventBatches(events, batch).map((evs) => encode('events', { v: 1, siteId, session: 1, events: evs }));
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
    const rate = (o.events * 1000) / (performance.now() - t0);
    // every event stored (none refused as malformed) and the projections written in the same run
    const stored = await bo.db
      .selectFrom('events')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    const alarms = await bo.db
      .selectFrom('p_alarms')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    const lockers = await bo.db
      .selectFrom('p_lockers')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    if (Number(stored.n) !== o.events || Number(alarms.n) === 0 || Number(lockers.n) === 0) {
      throw new Error(`ingest bench: ${stored.n} of ${o.events} events stored, ${alarms.n} alarm and ${lockers.n} locker rows projected`);
    }
    return rate;
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

/** SQLite's limit of bound parameters per statement (SQLITE_MAX_VARIABLE_NUMBER, 32,766 since 3.32). */
const SQLITE_MAX_VARIABLES = 32_766;
const EVENT_COLUMNS = 8;

/**
 * One plain insert of the same rows into a fresh database of the same schema and pragmas:
 * multi-row INSERT statements prepared once, as many rows per statement as the variable limit
 * allows; `perBatch` commits each batch on its own, otherwise all rows go in one transaction.
 */
async function runRawInsert(o: IngestBenchOptions, path: string, perBatch: boolean): Promise<number> {
  await (await openDatabase({ kind: 'sqlite', path })).close(); // same schema via the same migrations
  const db = new BetterSqlite3(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  try {
    const rows = eventBatches(o.events, o.batch);
    const maxRows = Math.floor(SQLITE_MAX_VARIABLES / EVENT_COLUMNS);
    const statements = new Map<number, BetterSqlite3.Statement>();
    const insertOf = (n: number): BetterSqlite3.Statement => {
      let st = statements.get(n);
      if (!st) {
        st = db.prepare(
          `INSERT INTO events (site_id, seq, type, at, clock_synced, data, hash, received_at) VALUES ${Array(n).fill('(?, ?, ?, ?, ?, ?, ?, ?)').join(', ')}`,
        );
        statements.set(n, st);
      }
      return st;
    };
    const insertRows = (evs: SyncEvent[]): void => {
      const now = Date.now();
      for (let i = 0; i < evs.length; i += maxRows) {
        const chunk = evs.slice(i, i + maxRows);
        const params: unknown[] = [];
        for (const e of chunk) params.push('raw-site', e.seq, e.type, e.at, e.clockSynced ? 1 : 0, JSON.stringify(e.data), null, now);
        insertOf(chunk.length).run(params);
      }
    };
    const insertTx = db.transaction(insertRows);
    // statements for the chunk sizes used are prepared before the clock starts (as the ingest's are cached)
    if (perBatch) for (const n of new Set(rows.map((r) => r.length))) insertOf(Math.min(n, maxRows));
    else for (const n of new Set([Math.min(o.events, maxRows), o.events % maxRows].filter((n) => n > 0))) insertOf(n);
    const t0 = performance.now();
    if (perBatch) for (const evs of rows) insertTx(evs);
    else insertTx(rows.flat());
    return (o.events * 1000) / (performance.now() - t0);
  } finally {
    db.close();
  }
}

/** The faster of the two plain inserts (one transaction per batch, or all in one), each into a fresh file. */
async function runFastestRawInsert(o: IngestBenchOptions, dir: string, round: number): Promise<{ perBatch: number; oneTx: number }> {
  const perBatch = await runRawInsert(o, join(dir, `raw-batch-${round}.db`), true);
  const oneTx = await runRawInsert(o, join(dir, `raw-onetx-${round}.db`), false);
  return { perBatch, oneTx };
}

export async function benchIngest(opts: IngestBenchOptions): Promise<IngestBenchResult> {
  const rounds = opts.rounds ?? 5;
  const dir = mkdtempSync(join(tmpdir(), 'dorfpunkt-ingest-bench-'));
  const ingest: number[] = [];
  const sub: number[] = [];
  const raw: number[] = [];
  const rawPerBatch: number[] = [];
  const rawOneTx: number[] = [];
  const ratios: number[] = [];
  const insertRatios: number[] = [];
  try {
    for (let r = 0; r < rounds; r++) {
      const s = await runRawSubscriber(opts);
      const w = await runFastestRawInsert(opts, dir, r);
      const i = await runIngest(opts, dir, r);
      const fastest = Math.max(w.perBatch, w.oneTx);
      sub.push(s);
      raw.push(fastest);
      rawPerBatch.push(w.perBatch);
      rawOneTx.push(w.oneTx);
      ingest.push(i);
      ratios.push(i / Math.min(s, fastest));
      insertRatios.push(i / fastest);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return {
    ingestPerSec: Math.round(median(ingest)),
    rawSubscriberPerSec: Math.round(median(sub)),
    rawInsertPerSec: Math.round(median(raw)),
    rawInsertPerBatchPerSec: Math.round(median(rawPerBatch)),
    rawInsertOneTxPerSec: Math.round(median(rawOneTx)),
    ratio: Number(median(ratios).toFixed(3)),
    insertRatio: Number(median(insertRatios).toFixed(3)),
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
