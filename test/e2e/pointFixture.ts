import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock, type Clock } from '../../firmware-bridge/platform/clock.ts';
import { createSilentLogger } from '../../firmware-bridge/platform/logger.ts';
import { bundledProfilePath, loadHardwareProfile } from '../../hardware/profile/load.ts';
import { SimulatedPoint } from '../../hardware/sim/simulatedPoint.ts';
import { startPoint, type RunningPoint, type StartPointOptions } from '../../controller/app.ts';
import { demoCredentials, ensureDemoKeys, seedDemoLedger } from '../../controller/sim/demoData.ts';
import { simControls } from '../../controller/sim/simControls.ts';
import { createSimFridges } from '../../controller/sim/simFridges.ts';
import { simBoardControls } from '../../controller/sim/simBoardControls.ts';
import { startSimBoards } from '../../controller/sim/simBoards.ts';
import type { SimulatedBoards } from '../../hardware/sim/boards/simulatedBoards.ts';
import type { DemoCredential } from '../../controller/http/pointApi.ts';

export interface PointFixture {
  point: RunningPoint;
  sim: SimulatedPoint;
  /** the profile's serial boards, simulated on TCP ports of 127.0.0.1 */
  boards: SimulatedBoards;
  clock: Clock;
  credentials: DemoCredential[];
  dataDir: string;
  close(): Promise<void>;
}

/** A whole simulated point with demo data in a temp folder, as `npm start` builds it. */
export async function startSimulatedPoint(
  opts: {
    clock?: Clock;
    http?: { host: string; port: number };
    sync?: StartPointOptions['sync'];
    siteId?: string;
    /** Verify tokens with this key (e.g. the backoffice's) instead of the demo key. */
    publicKeyPem?: string;
  } = {},
): Promise<PointFixture> {
  // Wednesday 2026-11-18 10:00 Berlin: open to everyone under the demo rules.
  const clock = opts.clock ?? new ManualClock(Date.UTC(2026, 10, 18, 9, 0, 0));
  const dataDir = mkdtempSync(join(tmpdir(), 'dorfpunkt-e2e-'));
  // the serial boards as `npm start` serves them: simulators on TCP, the profile's links rewritten to them
  const simBoards = await startSimBoards(await loadHardwareProfile(bundledProfilePath('simulated')), clock);
  const profile = simBoards.profile;
  const sim = new SimulatedPoint({ profile, clock, bounce: { transitions: 3, everyMs: 5 } });
  const keys = await ensureDemoKeys(dataDir);
  const credentials = await demoCredentials(keys, clock);
  const point = await startPoint({
    siteId: opts.siteId ?? 'test-dorf',
    dataDir,
    profile,
    gpio: sim.gpio,
    publicKeyPem: opts.publicKeyPem ?? keys.publicKeyPem,
    bundesland: 'BY',
    clock,
    logger: createSilentLogger(),
    http: opts.http,
    sim: {
      controls: { ...simControls(sim, credentials), ...simBoardControls(simBoards.boards) },
      snapshot: () => ({ ...sim.snapshot(), cables: simBoards.boards.cables() }),
      onChange: (l) => sim.onChange(l),
    },
    seed: seedDemoLedger,
    fridges: profile.fridges ? createSimFridges(clock, profile.fridges).entries() : undefined,
    sync: opts.sync,
  });
  return {
    point,
    sim,
    boards: simBoards.boards,
    clock,
    credentials,
    dataDir,
    async close() {
      await point.stop();
      sim.stop();
      await simBoards.boards.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export function credentialOf(f: PointFixture, memberId: string): DemoCredential {
  const c = f.credentials.find((x) => x.memberId === memberId);
  if (!c) throw new Error(`no demo credential for ${memberId}`);
  return c;
}
