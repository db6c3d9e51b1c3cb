/**
 * `npm run bench`: every figure as a ratio to an anchor measured in the same run, on the same
 * machine (absolute numbers from a CI VM say nothing about a Pi on an SD card).
 *
 *   npm run bench                 all figures
 *   npm run bench -- ledger unlock   only these sections
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSystemClock } from '../../firmware-bridge/platform/clock.ts';
import { createSilentLogger } from '../../firmware-bridge/platform/logger.ts';
import { Ledger } from '../../controller/ledger/index.ts';
import { benchLedger } from './ledgerBench.ts';
import { benchUnlock } from './unlockBench.ts';
import { benchParsers } from './parserBench.ts';
import { benchIngest } from './ingestBench.ts';
import { openBenchBrokers } from './brokers.ts';
import { benchSync } from './syncBench.ts';
import { benchMemory } from './memoryBench.ts';
import { benchKiosk } from './kioskBench.ts';

interface Figure {
  name: string;
  value: string;
  anchor: string;
  ratio: string;
  target: string;
}

const figures: Figure[] = [];
const fmt = (n: number, digits = 0): string => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

function report(f: Figure): void {
  figures.push(f);
  process.stdout.write(`  ${f.name}: ${f.value} | anchor ${f.anchor} | ${f.ratio} (target ${f.target})\n`);
}

type Section = (dir: string) => Promise<void>;

const sections: Record<string, Section> = {
  async ledger(dir) {
    const r = await benchLedger({ dir, n: 2000 });
    report({
      name: 'RB1 ledger commit (entry event + outbox row, FULL, WAL)',
      value: `${fmt(r.ledgerPerSec)} commits/s`,
      anchor: `raw better-sqlite3 insert of the same rows ${fmt(r.rawPerSec)}/s`,
      ratio: `${fmt(r.ratio, 2)}×`,
      target: '≥ 0.5×',
    });
  },

  async unlock(dir) {
    const clock = createSystemClock();
    const ledger = Ledger.open({ path: join(dir, 'unlock-ledger.db'), siteId: 'bench', clock, logger: createSilentLogger() });
    let i = 0;
    try {
      const r = await benchUnlock({
        n: 1000,
        record: (type, data) => ledger.appendChecked(type, data).seq,
        loadWriter: () => {
          for (let k = 0; k < 5; k++) ledger.appendUnchecked('sale.recorded', { saleId: `s-${i++}`, cents: 199, vatRate: 7 });
        },
      });
      report({
        name: 'RB4 credential → strike output p99 (ledger under write load)',
        value: `${fmt(r.p99Ms, 3)} ms`,
        anchor: `bare output write p99 ${fmt(r.bareP99Ms, 3)} ms`,
        ratio: `Δ ${fmt(r.deltaMs, 3)} ms`,
        target: 'Δ ≤ 50 ms',
      });
    } finally {
      ledger.close();
    }
  },

  async parsers() {
    for (const r of benchParsers({ megabytes: 100 })) {
      report({
        name: `RB6 ${r.protocol} stream parser`,
        value: `${fmt(r.bytesPerSec / 1e6, 1)} MB/s`,
        anchor: `Buffer.indexOf scan ${fmt(r.anchorBytesPerSec / 1e6, 1)} MB/s`,
        ratio: `${fmt(r.ratio, 3)}×`,
        target: '≥ 0.2×',
      });
    }
  },

  async sync(dir) {
    for (const broker of await openBenchBrokers()) {
      try {
        const r = await benchSync({ brokerUrl: broker.url, events: 20_000, pairs: 5, dir });
        report({
          name: `RB2 20,000-event backlog drain on ${broker.name} (outbox → QoS 1 → backoffice ack)`,
          value: `${fmt(r.drainMs)} ms`,
          anchor: `raw mqtt.js QoS 1 publishing of the same batches ${fmt(r.rawMs)} ms`,
          ratio: `${fmt(r.ratio, 2)}×`,
          target: '≥ 0.3×',
        });
      } finally {
        await broker.close();
      }
    }
  },

  async memory() {
    const r = await benchMemory();
    report({
      name: 'RB8 controller RSS (simulated point: HTTP, ledger, door machine, board simulators)',
      value: `${fmt(r.pointMb, 1)} MB`,
      anchor: `idle Node http server ${fmt(r.idleHttpMb, 1)} MB`,
      ratio: `${fmt(r.ratio, 2)}×`,
      target: '≤ 3.5× and ≤ 150 MB',
    });
  },

  async kiosk() {
    const r = await benchKiosk();
    report({
      name: 'RB7 kiosk JavaScript, gzip',
      value: `${fmt(r.jsGzipBytes / 1024, 1)} KB`,
      anchor: `budget ${fmt(r.budgetBytes / 1024)} KB`,
      ratio: `${fmt(r.jsGzipBytes / r.budgetBytes, 2)}× of the budget`,
      target: '≤ 1×',
    });
    if (r.tap) {
      report({
        name: `RB7 tap → visible feedback p95 in Chromium (kiosk contrast toggle, ${r.tap.taps} taps)`,
        value: `${fmt(r.tap.p95Ms, 1)} ms`,
        anchor: `bare page toggling the same attributes p95 ${fmt(r.tap.bareP95Ms, 1)} ms`,
        ratio: `Δ ${fmt(r.tap.p95Ms - r.tap.bareP95Ms, 1)} ms`,
        target: 'p95 ≤ 100 ms',
      });
    } else process.stdout.write('  RB7 tap → feedback: skipped (no Chromium)\n');
    report({
      name: `RB5 kiosk API GET /api/state p99 while the ledger takes ${fmt(r.api.ledgerEvents)} events (${r.api.requests} requests)`,
      value: `${fmt(r.api.p99Ms, 2)} ms`,
      anchor: `bare fastify route in the same process p99 ${fmt(r.api.bareP99Ms, 2)} ms`,
      ratio: `${fmt(r.api.ratio, 2)}×`,
      target: '≥ 0.3×, p99 ≤ 50 ms',
    });
  },

  async ingest() {
    for (const broker of await openBenchBrokers()) {
      try {
        const r = await benchIngest({ brokerUrl: broker.url, events: 20_000, batch: 100, rounds: 5 });
        report({
          name: `RB3 backoffice ingest with projections on ${broker.name} (SQLite)`,
          value: `${fmt(r.ingestPerSec)} events/s`,
          anchor:
            `slower of raw subscriber ${fmt(r.rawSubscriberPerSec)}/s and the fastest plain multi-row insert ${fmt(r.rawInsertPerSec)}/s ` +
            `(per batch ${fmt(r.rawInsertPerBatchPerSec)}/s, one transaction ${fmt(r.rawInsertOneTxPerSec)}/s; ingest = ${fmt(r.insertRatio, 2)}× the insert)`,
          ratio: `${fmt(r.ratio, 2)}×`,
          target: '≥ 0.5×',
        });
      } finally {
        await broker.close();
      }
    }
  },
};

async function main(): Promise<void> {
  const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
  const names = wanted.length > 0 ? wanted : Object.keys(sections);
  const unknown = names.filter((n) => !(n in sections));
  if (unknown.length > 0) throw new Error(`unknown bench section(s): ${unknown.join(', ')}; known: ${Object.keys(sections).join(', ')}`);
  process.stdout.write(`dorfpunkt bench — ${new Date().toISOString()} — node ${process.version}\n`);
  for (const name of names) {
    const dir = mkdtempSync(join(tmpdir(), `dorfpunkt-bench-${name}-`));
    process.stdout.write(`\n[${name}]\n`);
    try {
      await sections[name]!(dir);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  process.stdout.write(`\n${figures.length} figures.\n`);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
