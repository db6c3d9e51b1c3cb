/**
 * RB4 unlock benchmark: credential presented → strike output written, through the real
 * EntryService (TypeBox check, real AccessDecider with Ed25519 verify, replay window, opening
 * rules) → DoorController (XState) → createPointIo → FakeGpio pin, vs a bare
 * `DigitalOutput.write` on the same kind of pin. A/B samples are interleaved (order alternates
 * per pair) and `loadWriter` (the lead passes a ledger writer, RB1 load) runs before every
 * sample so the ledger is busy around each measurement. Gate: p99 Δ <= 20 ms.
 *
 * `record` (optional) is what the entry flow and the door record into; default an in-memory
 * array. Pass the ledger's append to include the durable `access.decision` write that precedes
 * the strike write in production.
 *
 * Direct run: npx tsx test/bench/unlockBench.ts [n]
 */
import type { TryRecordFn } from '../../controller/ledger/recorder.ts';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createSilentLogger } from '../../firmware-bridge/platform/logger.ts';
import { FakeGpio } from '../../hardware/gpio/fakeGpio.ts';
import { createPointIo } from '../../hardware/pointIo.ts';
import { bundledProfilePath, parseHardwareProfile } from '../../hardware/profile/load.ts';
import { SimulatedPoint } from '../../hardware/sim/simulatedPoint.ts';
import { fixture } from '../../controller/access/testSupport.ts';
import { DoorController } from '../../controller/machines/door/doorController.ts';
import { EntryService } from '../../controller/entry/entryService.ts';

export interface UnlockBenchResult {
  p99Ms: number;
  bareP99Ms: number;
  deltaMs: number;
}

function p99(samples: number[]): number {
  const s = [...samples].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil(s.length * 0.99) - 1)] ?? Number.NaN;
}

export async function benchUnlock(opts: { n: number; loadWriter: () => void; record?: TryRecordFn }): Promise<UnlockBenchResult> {
  const n = Math.max(1, Math.floor(opts.n));
  const warmup = Math.min(200, n);
  const access = fixture();
  const clock = access.clock;
  const profile = parseHardwareProfile(readFileSync(bundledProfilePath('simulated'), 'utf8'), 'simulated.json');
  const t = profile.door.timing;
  const sink: unknown[] = [];
  const record =
    opts.record ??
    ((type: string, data: Record<string, unknown>): number => {
      sink.push({ type, data });
      if (sink.length > 10_000) sink.length = 0;
      return sink.length;
    });
  const logger = createSilentLogger();

  // System under test: the whole path on the simulated point.
  const sim = new SimulatedPoint({ profile, clock });
  const io = createPointIo(profile, sim.gpio, clock);
  const door = new DoorController({
    io,
    clock,
    record,
    logger,
    timing: { grantMs: t.grantMs, exitGrantMs: t.exitGrantMs, heldOpenAfterMs: t.heldOpenAfterMs },
  });
  door.start();
  const entry = new EntryService({ decider: access.decider, door, record, logger });
  entry.start();
  const releasedLevel: 0 | 1 = profile.door.strike.activeLow ? 0 : 1;
  let strikeAt = Number.NaN;
  const unwatchStrike = sim.gpio.onPin(profile.door.strike.bcm, (level) => {
    if (level === releasedLevel) strikeAt = performance.now();
  });

  // Anchor: a bare output write on an identical pin.
  const bareGpio = new FakeGpio();
  const bare = bareGpio.output('bare.strike', profile.door.strike.bcm, { activeLow: profile.door.strike.activeLow, initial: false });
  let bareAt = Number.NaN;
  const unwatchBare = bareGpio.onPin(profile.door.strike.bcm, (level) => {
    if (level === releasedLevel) bareAt = performance.now();
  });

  // Distinct credentials: the replay window (D8) refuses a credential reused within 60 s.
  const tokens = Array.from({ length: n + warmup }, (_, i) => access.token({ credentialId: `bench-${i.toString(36).padStart(6, '0')}`, memberId: `M${i}` }));

  const sampleEntry = async (i: number): Promise<number> => {
    strikeAt = Number.NaN;
    const t0 = performance.now();
    const result = await entry.present({ kind: 'token', token: tokens[i] });
    if (!result.door?.accepted || Number.isNaN(strikeAt)) {
      throw new Error(`unlock bench: credential ${i} did not release the strike (${result.decision.reason})`);
    }
    const ms = strikeAt - t0;
    clock.advance(t.grantMs); // grant expires unused → relocked for the next sample
    return ms;
  };
  const sampleBare = (): number => {
    bareAt = Number.NaN;
    const t0 = performance.now();
    bare.write(true);
    const ms = bareAt - t0;
    bare.write(false);
    return ms;
  };

  try {
    for (let i = 0; i < warmup; i++) {
      await sampleEntry(n + i);
      sampleBare();
    }
    const a: number[] = [];
    const b: number[] = [];
    for (let i = 0; i < n; i++) {
      if (i % 2 === 0) {
        opts.loadWriter();
        a.push(await sampleEntry(i));
        opts.loadWriter();
        b.push(sampleBare());
      } else {
        opts.loadWriter();
        b.push(sampleBare());
        opts.loadWriter();
        a.push(await sampleEntry(i));
      }
      if (i % 64 === 63) await new Promise((r) => setImmediate(r));
    }
    const p99Ms = p99(a);
    const bareP99Ms = p99(b);
    return { p99Ms, bareP99Ms, deltaMs: p99Ms - bareP99Ms };
  } finally {
    unwatchStrike();
    unwatchBare();
    entry.stop();
    door.stop();
    await io.stop();
    sim.stop();
    await bareGpio.stop();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { Ledger } = await import('../../controller/ledger/index.ts');
  const { createSystemClock } = await import('../../firmware-bridge/platform/clock.ts');
  const dir = mkdtempSync(join(tmpdir(), 'dorfpunkt-bench-unlock-'));
  const ledger = Ledger.open({ path: join(dir, 'load.db'), siteId: 'bench-site', clock: createSystemClock(), logger: createSilentLogger() });
  try {
    let i = 0;
    const loadWriter = (): void => {
      ledger.appendUnchecked('sale.completed', { saleId: `s-${i++}`, totalCents: 1299, lines: [{ sku: '4006040000001', qty: 1, cents: 1299 }] });
    };
    const result = await benchUnlock({ n: Number(process.argv[2] ?? 2000), loadWriter });
    process.stdout.write(`${JSON.stringify({ bench: 'RB4 unlock', ...result })}\n`);
  } finally {
    ledger.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
