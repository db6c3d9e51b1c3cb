import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock, type Clock } from '../../firmware-bridge/platform/clock.ts';
import { createSilentLogger } from '../../firmware-bridge/platform/logger.ts';
import { bundledProfilePath, loadHardwareProfile } from '../../hardware/profile/load.ts';
import { SimulatedPoint } from '../../hardware/sim/simulatedPoint.ts';
import { startPoint, type RunningPoint } from '../../controller/app.ts';
import { demoCredentials, ensureDemoKeys, seedDemoLedger } from '../../controller/sim/demoData.ts';
import { simControls } from '../../controller/sim/simControls.ts';
import type { DemoCredential } from '../../controller/http/pointApi.ts';

export interface PointFixture {
  point: RunningPoint;
  sim: SimulatedPoint;
  clock: Clock;
  credentials: DemoCredential[];
  dataDir: string;
  close(): Promise<void>;
}

/** A whole simulated point with demo data in a temp folder, as `npm start` builds it. */
export async function startSimulatedPoint(opts: { clock?: Clock; http?: { host: string; port: number } } = {}): Promise<PointFixture> {
  // Wednesday 2026-11-18 10:00 Berlin: open to everyone under the demo rules.
  const clock = opts.clock ?? new ManualClock(Date.UTC(2026, 10, 18, 9, 0, 0));
  const dataDir = mkdtempSync(join(tmpdir(), 'dorfpunkt-e2e-'));
  const profile = await loadHardwareProfile(bundledProfilePath('simulated'));
  const sim = new SimulatedPoint({ profile, clock, bounce: { transitions: 3, everyMs: 5 } });
  const keys = await ensureDemoKeys(dataDir);
  const credentials = await demoCredentials(keys, clock);
  const point = await startPoint({
    siteId: 'test-dorf',
    dataDir,
    profile,
    gpio: sim.gpio,
    publicKeyPem: keys.publicKeyPem,
    bundesland: 'BY',
    clock,
    logger: createSilentLogger(),
    http: opts.http,
    sim: { controls: simControls(sim, credentials), snapshot: () => ({ ...sim.snapshot() }), onChange: (l) => sim.onChange(l) },
    seed: seedDemoLedger,
  });
  return {
    point,
    sim,
    clock,
    credentials,
    dataDir,
    async close() {
      await point.stop();
      sim.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export function credentialOf(f: PointFixture, memberId: string): DemoCredential {
  const c = f.credentials.find((x) => x.memberId === memberId);
  if (!c) throw new Error(`no demo credential for ${memberId}`);
  return c;
}
