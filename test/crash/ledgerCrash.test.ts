/**
 * L2: SIGKILL the ledger writer at random points; after every restart the ledger must pass
 * integrity_check, keep seq contiguous from 1 with an intact hash chain, hold no half-written
 * append (outbox row for every unacknowledged event, the alsoInTx probe row for every event,
 * state equal to a rebuild from the log) and contain every seq the writer reported committed.
 *
 * Kills: 50 with CI set, 15 otherwise. Seed: DORFPUNKT_CRASH_SEED (printed on failure).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { createSystemClock } from '../../firmware-bridge/platform/clock.ts';
import { createSilentLogger } from '../../firmware-bridge/platform/logger.ts';
import { createSeededRandom } from '../../firmware-bridge/platform/random.ts';
import { dumpState, Ledger } from '../../controller/ledger/index.ts';
import { crashProbeMigration } from './crashProbe.ts';

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(here, '../..');
const writer = join(here, 'ledgerWriter.ts');
const KILLS = process.env['CI'] ? 50 : 15;
const SEED = Number(process.env['DORFPUNKT_CRASH_SEED'] ?? 20261121);

interface Writer {
  child: ChildProcess;
  /** Every seq the child printed on a complete line (printed only after commit). */
  reported: number[];
  stderr: string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  firstSeq: Promise<void>;
}

function startWriter(path: string): Writer {
  const child = spawn(process.execPath, ['--import', 'tsx', writer, path], {
    cwd: repoRoot,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const w: Writer = {
    child,
    reported: [],
    stderr: '',
    exited: new Promise((res) => child.on('exit', (code, signal) => res({ code, signal }))),
    firstSeq: Promise.resolve(),
  };
  let buffered = '';
  w.firstSeq = new Promise((res, rej) => {
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      buffered += chunk;
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? ''; // a partial last line was not fully reported
      for (const line of lines) if (line !== '') w.reported.push(Number(line));
      if (w.reported.length > 0) res();
    });
    child.on('exit', () => rej(new Error(`writer exited before reporting a seq: ${w.stderr}`)));
  });
  w.firstSeq.catch(() => {});
  child.stderr!.setEncoding('utf8').on('data', (c: string) => (w.stderr += c));
  return w;
}

function openForCheck(path: string): Ledger {
  return Ledger.open({
    path,
    siteId: 'crash-site',
    clock: createSystemClock(),
    logger: createSilentLogger(),
    migrations: [crashProbeMigration],
  });
}

/** Everything that must hold after a crash; returns lastSeq. */
function checkAfterCrash(path: string, reported: number[], previousLast: number): number {
  const ledger = openForCheck(path); // runs integrity_check and asserts the pragmas
  try {
    const db = ledger.db;
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    const last = ledger.lastSeq();
    const { n, lo, hi } = db.prepare('SELECT count(*) AS n, min(seq) AS lo, max(seq) AS hi FROM events').get() as {
      n: number;
      lo: number | null;
      hi: number | null;
    };
    expect({ n, lo, hi }).toEqual({ n: last, lo: last > 0 ? 1 : null, hi: last > 0 ? last : null });
    expect(ledger.verifyChain()).toEqual({ ok: true, count: last });
    expect(last).toBeGreaterThanOrEqual(previousLast);
    for (const seq of reported) expect(seq).toBeLessThanOrEqual(last);
    // no half-written append: outbox holds exactly the unacknowledged events, probe rows all events
    const delivered = ledger.deliveredUpTo();
    const outbox = db.prepare('SELECT count(*) AS n, min(seq) AS lo, max(seq) AS hi FROM outbox').get();
    const pending = last - delivered;
    expect(outbox).toEqual({ n: pending, lo: pending > 0 ? delivered + 1 : null, hi: pending > 0 ? last : null });
    const probes = db.prepare('SELECT count(*) AS n, max(seq) AS hi FROM crash_probe').get();
    expect(probes).toEqual({ n: last, hi: last > 0 ? last : null });
    const incremental = dumpState(db);
    ledger.rebuildState();
    expect(dumpState(db)).toEqual(incremental);
    return last;
  } finally {
    ledger.close();
  }
}

describe('ledger survives SIGKILL at random points (L2)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dorfpunkt-crash-'));
  const path = join(dir, 'ledger.db');
  const spare: Writer[] = [];
  afterAll(() => {
    for (const w of spare) w.child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  it(`keeps the log whole across ${KILLS} kills (seed ${SEED})`, { timeout: 120_000 }, async () => {
    const random = createSeededRandom(SEED);
    let next = startWriter(path);
    spare.push(next);
    let last = 0;
    let totalReported = 0;
    for (let kill = 1; kill <= KILLS; kill++) {
      const current = next;
      current.child.stdin!.end('go\n'); // open the ledger only now: the previous writer is dead
      if (kill < KILLS) {
        next = startWriter(path); // loads its modules while this one runs; waits for "go"
        spare.push(next);
      }
      await current.firstSeq;
      const delayMs = 5 + Math.floor(random() * 76);
      await new Promise((r) => setTimeout(r, delayMs));
      current.child.kill('SIGKILL');
      const exit = await current.exited;
      expect(exit.signal, `writer ended on its own (kill ${kill}, seed ${SEED}): ${current.stderr}`).toBe('SIGKILL');
      const context = `kill ${kill}/${KILLS}, seed ${SEED}, after ${delayMs} ms`;
      try {
        last = checkAfterCrash(path, current.reported, last);
      } catch (err) {
        throw new Error(`${context}: ${(err as Error).message}`, { cause: err });
      }
      totalReported += current.reported.length;
    }
    expect(totalReported).toBeGreaterThanOrEqual(KILLS);
    expect(last).toBeGreaterThanOrEqual(totalReported);
  });
});
