/**
 * RB2 / RB9: drain of an N-event backlog (ledger outbox → SyncClient → QoS 1 → backoffice commit →
 * `down/ack`) as a ratio to raw MQTT.js QoS 1 publishing of the same batches through the same
 * broker, delivered to a raw counting subscriber. Interleaved A/B pairs after one unrecorded warm-up
 * pair; the median per-pair ratio
 * (raw time / drain time, so 1.0 = as fast as raw) is reported.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import mqtt from 'mqtt';
import { createSystemClock, ManualClock } from '../../firmware-bridge/platform/clock.ts';
import { createSilentLogger } from '../../firmware-bridge/platform/logger.ts';
import { Ledger } from '../../controller/ledger/index.ts';
import { encode, MAX_EVENTS_PER_BATCH, topics, type SyncEvent } from '../../controller/contract/sync/index.ts';
import { syncMigrations } from '../../controller/sync/migrations.ts';
import { SyncClient } from '../../controller/sync/syncClient.ts';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export interface BenchBackoffice {
  stop(): Promise<void>;
}

export interface SyncBenchOptions {
  brokerUrl: string;
  events: number;
  /** A/B pairs (default 5). */
  pairs?: number;
  /**
   * Unrecorded A/B pairs first (default 1): the backoffice child process, the broker and MQTT.js
   * start cold; both sides of the first pair pay for JIT warm-up, which is not what RB2 compares.
   */
  warmupPairs?: number;
  /**
   * Start the ingest side; default: the product backoffice on SQLite in a temp folder, in its own
   * process (as in production, so it does not share the point's event loop).
   */
  startBackoffice?: (brokerUrl: string, dir: string) => Promise<BenchBackoffice>;
  /** Folder for ledgers and the default backoffice DB (default: a temp folder, removed after). */
  dir?: string;
}

export interface SyncBenchResult {
  drainMs: number;
  rawMs: number;
  ratio: number;
  /** `drainBatches` = up/events publishes of the drain (resends included), `rawBatches` = the anchor's. */
  pairs: { drainMs: number; rawMs: number; ratio: number; drainBatches: number; rawBatches: number }[];
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

const BACKOFFICE_CHILD = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'sync', 'support', 'backofficeChild.ts');

async function defaultBackoffice(brokerUrl: string, dir: string): Promise<BenchBackoffice> {
  const dbPath = path.join(dir, `bo-${Math.random().toString(36).slice(2, 8)}.db`);
  const child = spawn(process.execPath, ['--import', 'tsx', BACKOFFICE_CHILD, brokerUrl, dbPath], { stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('bench backoffice did not start in 30 s')), 30_000);
    child.stdout.on('data', (b: Buffer) => {
      if (b.toString().includes('ready')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`bench backoffice exited with ${String(code)}`));
    });
  });
  return {
    stop: async () => {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

function fillLedger(dir: string, siteId: string, n: number): Ledger {
  const ledger = Ledger.open({
    path: path.join(dir, `${siteId}.db`),
    siteId,
    clock: new ManualClock(),
    logger: createSilentLogger(),
    migrations: syncMigrations,
  });
  // Setup only (not timed): the same events as one append each, in transactions of 500.
  for (let i = 0; i < n; i += 500) {
    const entries = [];
    for (let k = i; k < Math.min(n, i + 500); k++)
      entries.push({
        type: 'access.decision' as const,
        data: { kind: 'card', granted: true, reason: 'granted', doorId: 'main', credentialId: `cred-${k % 500}` },
      });
    ledger.appendMany(entries);
  }
  return ledger;
}

async function drainOnce(brokerUrl: string, dir: string, n: number): Promise<{ ms: number; batches: SyncEvent[][]; siteId: string; published: number }> {
  const siteId = `bench-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  const ledger = fillLedger(dir, siteId, n);
  const batches: SyncEvent[][] = [];
  for (let after = 0; after < n; after += MAX_EVENTS_PER_BATCH) {
    batches.push(
      ledger
        .outboxPending(after, MAX_EVENTS_PER_BATCH)
        .map((e) => ({ seq: e.seq, type: e.type, at: e.at, clockSynced: e.clockSynced, data: e.data, hash: e.hash })),
    );
  }
  const sync = new SyncClient({ brokerUrl, siteId, ledger, clock: createSystemClock(), logger: createSilentLogger(), keepaliveSec: 30 });
  // Timed from link-up (the raw anchor is timed after its connect, too) to the last ack.
  let t0 = performance.now();
  let linked = false;
  await new Promise<void>((resolve, reject) => {
    const timeout = setTimeout(() => reject(new Error(`drain of ${n} events timed out`)), 120_000);
    sync.onStatus((s) => {
      if (s.connected && !linked) {
        linked = true;
        t0 = performance.now();
      }
      if (s.lastAckSeq >= n) {
        clearTimeout(timeout);
        resolve();
      }
    });
    sync.start();
  });
  const ms = performance.now() - t0;
  const published = sync.counters.batchesSent;
  await sync.stop();
  ledger.close();
  return { ms, batches, siteId, published };
}

async function rawOnce(brokerUrl: string, siteId: string, batches: SyncEvent[][]): Promise<number> {
  const payloads = batches.map((events) => encode('events', { v: 1, siteId, session: 1, events }));
  const topic = `${topics.upEvents(siteId).replace('/up/events', '')}/up/raw-bench`;
  const sub = await mqtt.connectAsync(brokerUrl, { protocolVersion: 4, clientId: `raw-sub-${siteId}`, reconnectPeriod: 0 });
  const pub = await mqtt.connectAsync(brokerUrl, { protocolVersion: 4, clientId: `raw-pub-${siteId}`, reconnectPeriod: 0 });
  try {
    await sub.subscribeAsync(topic, { qos: 1 });
    let received = 0;
    const all = new Promise<void>((resolve) =>
      sub.on('message', () => {
        if (++received === payloads.length) resolve();
      }),
    );
    const t0 = performance.now();
    await Promise.all(payloads.map((p) => pub.publishAsync(topic, p, { qos: 1 })));
    await all;
    return performance.now() - t0;
  } finally {
    await pub.endAsync(true);
    await sub.endAsync(true);
  }
}

export async function benchSync(opts: SyncBenchOptions): Promise<SyncBenchResult> {
  const own = opts.dir === undefined;
  // On the same disk as production would use (not tmpfs): fsync cost is part of what we measure.
  const base = os.tmpdir();
  const dir = opts.dir ?? fs.mkdtempSync(path.join(base, 'dp-syncbench-'));
  const bo = await (opts.startBackoffice ?? defaultBackoffice)(opts.brokerUrl, dir);
  const pairs: SyncBenchResult['pairs'] = [];
  try {
    for (let i = -(opts.warmupPairs ?? 1); i < (opts.pairs ?? 5); i++) {
      const drain = await drainOnce(opts.brokerUrl, dir, opts.events);
      const rawMs = await rawOnce(opts.brokerUrl, drain.siteId, drain.batches);
      if (i >= 0) pairs.push({ drainMs: drain.ms, rawMs, ratio: rawMs / drain.ms, drainBatches: drain.published, rawBatches: drain.batches.length });
    }
  } finally {
    await bo.stop();
    if (own) fs.rmSync(dir, { recursive: true, force: true });
  }
  return { drainMs: median(pairs.map((p) => p.drainMs)), rawMs: median(pairs.map((p) => p.rawMs)), ratio: median(pairs.map((p) => p.ratio)), pairs };
}
