import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock, type Clock } from '../../firmware-bridge/platform/clock.ts';
import { createSilentLogger } from '../../firmware-bridge/platform/logger.ts';
import type { SimulatedPoint } from '../../hardware/sim/simulatedPoint.ts';
import type { RunningPoint, StartPointOptions } from '../../controller/app.ts';
import { buildSimulatedPoint } from '../../controller/sim/simulatedPointBuilder.ts';
import type { SimFridges } from '../../controller/sim/simFridges.ts';
import type { SimulatedBoards } from '../../hardware/sim/boards/simulatedBoards.ts';
import type { DemoCredential } from '../../controller/http/pointApi.ts';
import type { DemoKeys } from '../../controller/sim/demoData.ts';
import type { DemoHistoryScenario } from '../../controller/sim/demoHistory.ts';

export interface PointFixture {
  point: RunningPoint;
  sim: SimulatedPoint;
  /** the profile's serial boards, simulated on TCP ports of 127.0.0.1 */
  boards: SimulatedBoards;
  /** thermal models of the profile's fridges */
  fridges: SimFridges | undefined;
  clock: Clock;
  keys: DemoKeys;
  credentials: DemoCredential[];
  dataDir: string;
  close(): Promise<void>;
}

/**
 * A whole simulated point with demo data in a temp folder, built by the same builder as
 * `npm start` (controller/sim/simulatedPointBuilder.ts); this adds only the temp folder.
 */
export async function startSimulatedPoint(
  opts: {
    clock?: Clock;
    http?: { host: string; port: number };
    sync?: StartPointOptions['sync'];
    siteId?: string;
    isClockSynced?: () => boolean;
    /** Verify tokens with this key (e.g. the backoffice's) instead of the demo key. */ publicKeyPem?: string;
    /** Stripe Terminal (the local fake) for card payments. */ payments?: StartPointOptions['payments'];
    /** Serve the kiosk app from this build instead of kiosk-ui/dist. */ kioskDir?: string;
    /** The checkout's time limits (e.g. a short remote age deadline). */ checkoutTiming?: StartPointOptions['checkoutTiming'];
    /** Days of demo history in the ledger before the start, as `npm start` records (with its pickup codes). */
    demoHistory?: DemoHistoryScenario;
    /** Receipt link base and technician PIN hash (default: the demo technician PIN). */ service?: StartPointOptions['service'];
    /** Brute-force limits (e.g. short locks to watch them end). */ limits?: StartPointOptions['limits'];
    /** The operators' phone number for unanswered help requests, and after how long. */ help?: StartPointOptions['help'];
  } = {},
): Promise<PointFixture> {
  // Wednesday 2026-11-18 10:00 Berlin: open to everyone under the demo rules.
  const clock = opts.clock ?? new ManualClock(Date.UTC(2026, 10, 18, 9, 0, 0));
  const dataDir = mkdtempSync(join(tmpdir(), 'dorfpunkt-e2e-'));
  let built;
  try {
    built = await buildSimulatedPoint({
      siteId: opts.siteId ?? 'test-dorf',
      dataDir,
      kioskDir: opts.kioskDir,
      clock,
      logger: createSilentLogger(),
      http: opts.http,
      sync: opts.sync,
      isClockSynced: opts.isClockSynced,
      publicKeyPem: opts.publicKeyPem,
      payments: opts.payments,
      checkoutTiming: opts.checkoutTiming,
      demoHistory: opts.demoHistory,
      demoPickupCodes: opts.demoHistory !== undefined,
      service: opts.service,
      limits: opts.limits,
      help: opts.help,
    });
  } catch (err) {
    rmSync(dataDir, { recursive: true, force: true });
    throw err;
  }
  const b = built;
  return {
    point: b.point,
    sim: b.sim,
    boards: b.boards,
    fridges: b.fridges,
    clock,
    keys: b.keys,
    credentials: b.credentials,
    dataDir,
    async close() {
      try {
        await b.stop();
      } finally {
        rmSync(dataDir, { recursive: true, force: true });
      }
    },
  };
}

export function credentialOf(f: PointFixture, memberId: string): DemoCredential {
  const c = f.credentials.find((x) => x.memberId === memberId);
  if (!c) throw new Error(`no demo credential for ${memberId}`);
  return c;
}
