/**
 * RB1 ledger benchmark: Ledger.append of an entry event (event row + outbox row + projection,
 * hash chain, one FULL-synchronous transaction) vs raw better-sqlite3 INSERTs of the same two
 * rows in one transaction each, same schema and pragmas. Interleaved A/B pairs (order alternates
 * per pair), gated on the median per-pair ratio (target >= 0.5).
 *
 * Direct run: npx tsx test/bench/ledgerBench.ts [n]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createSystemClock } from '../../firmware-bridge/platform/clock.ts';
import { createSilentLogger } from '../../firmware-bridge/platform/logger.ts';
import { canonicalJson, coreMigrations, eventHash, GENESIS_HASH, Ledger, openDatabase, runMigrations } from '../../controller/ledger/index.ts';

const PAIRS = 7;
/** A catalogue type, so the ledger's payload check is part of what is measured. */
const TYPE = 'access.decision' as const;

function entryData(i: number): Record<string, unknown> {
  return {
    kind: i % 2 === 0 ? 'card' : 'token',
    granted: true,
    reason: 'granted',
    doorId: 'main',
    credentialId: `cred-${i % 97}`,
    memberId: `m-${i % 89}`,
    role: 'member',
  };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

function removeDb(path: string): void {
  for (const suffix of ['', '-wal', '-shm']) rmSync(path + suffix, { force: true });
}

function runLedger(path: string, n: number): number {
  const ledger = Ledger.open({ path, siteId: 'bench-site', clock: createSystemClock(), logger: createSilentLogger() });
  try {
    const t0 = performance.now();
    for (let i = 0; i < n; i++) ledger.appendChecked(TYPE, entryData(i));
    return n / ((performance.now() - t0) / 1000);
  } finally {
    ledger.close();
    removeDb(path);
  }
}

function runRaw(path: string, n: number): number {
  const logger = createSilentLogger();
  const db = openDatabase(path, logger);
  try {
    runMigrations(db, coreMigrations, createSystemClock(), logger);
    // the same rows the ledger writes, prepared outside the timed loop
    const at = Date.now();
    const rows: Array<[number, string, number, number, string, string, string]> = [];
    let prev = GENESIS_HASH;
    for (let i = 0; i < n; i++) {
      const data = canonicalJson(entryData(i));
      const hash = eventHash(prev, i + 1, TYPE, at, false, data);
      rows.push([i + 1, TYPE, at, 0, data, prev, hash]);
      prev = hash;
    }
    const insertEvent = db.prepare('INSERT INTO events (seq, type, at, clock_synced, data, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?)');
    const insertOutbox = db.prepare('INSERT INTO outbox (seq) VALUES (?)');
    const write = db.transaction((row: (typeof rows)[number]) => {
      insertEvent.run(...row);
      insertOutbox.run(row[0]);
    });
    const t0 = performance.now();
    for (const row of rows) write(row);
    return n / ((performance.now() - t0) / 1000);
  } finally {
    db.close();
    removeDb(path);
  }
}

export async function benchLedger(opts: { dir: string; n: number }): Promise<{ ledgerPerSec: number; rawPerSec: number; ratio: number }> {
  const n = Math.max(1, Math.floor(opts.n));
  const ledgerPath = join(opts.dir, 'bench-ledger.db');
  const rawPath = join(opts.dir, 'bench-raw.db');
  // warm-up (JIT, page cache), not measured
  runLedger(ledgerPath, Math.min(n, 200));
  runRaw(rawPath, Math.min(n, 200));
  const ledgerRates: number[] = [];
  const rawRates: number[] = [];
  const ratios: number[] = [];
  for (let pair = 0; pair < PAIRS; pair++) {
    let ledgerRate: number;
    let rawRate: number;
    if (pair % 2 === 0) {
      ledgerRate = runLedger(ledgerPath, n);
      rawRate = runRaw(rawPath, n);
    } else {
      rawRate = runRaw(rawPath, n);
      ledgerRate = runLedger(ledgerPath, n);
    }
    ledgerRates.push(ledgerRate);
    rawRates.push(rawRate);
    ratios.push(ledgerRate / rawRate);
    await new Promise((r) => setImmediate(r)); // let the event loop breathe between pairs
  }
  return { ledgerPerSec: median(ledgerRates), rawPerSec: median(rawRates), ratio: median(ratios) };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const dir = mkdtempSync(join(tmpdir(), 'dorfpunkt-bench-ledger-'));
  try {
    const result = await benchLedger({ dir, n: Number(process.argv[2] ?? 2000) });
    process.stdout.write(`${JSON.stringify({ bench: 'RB1 ledger', ...result })}\n`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
