/**
 * The one builder of a simulated point, used by `controller/main.ts --sim` (`npm start`) and by
 * the tests (test/e2e/pointFixture.ts): the hardware profile's serial boards served by simulators
 * on TCP ports of 127.0.0.1 (the profile's links rewritten to them), the simulated door I/O, demo
 * keys, members and credentials, thermal models of the profile's fridges, and `startPoint` on all
 * of it. `stop()` stops the point first (outputs safe), then the simulators.
 */
import { fileURLToPath } from 'node:url';
import type { Clock } from '../../firmware-bridge/platform/clock.ts';
import type { Logger } from '../../firmware-bridge/platform/logger.ts';
import { bundledProfilePath, loadHardwareProfile } from '../../hardware/profile/load.ts';
import { SimulatedPoint } from '../../hardware/sim/simulatedPoint.ts';
import type { SimulatedBoards } from '../../hardware/sim/boards/simulatedBoards.ts';
import { startPoint, type RunningPoint, type StartPointOptions } from '../app.ts';
import type { DemoCredential } from '../http/pointApi.ts';
import type { Ledger } from '../ledger/index.ts';
import { demoCredentials, ensureDemoKeys, seedDemoLedger, type DemoKeys } from './demoData.ts';
import { simControls } from './simControls.ts';
import { createSimFridges, type SimFridges } from './simFridges.ts';
import { simFridgeControls } from './simFridgeControls.ts';
import { seedDemoPickupCodes } from './demoPickupCodes.ts';
import { simBoardControls } from './simBoardControls.ts';
import { startSimBoards } from './simBoards.ts';
import { seedDemoCatalog } from './demoCatalogSeed.ts';
import { seedDemoHistory, type DemoHistoryScenario } from './demoHistory.ts';
import { seedDemoAccounts } from './demoAccounts.ts';
import { simServiceControls } from './simServiceControls.ts';
import { demoTechnicianPinHash } from './demoTechnician.ts';

export interface SimulatedPointOptions {
  siteId: string;
  /** Ledger and demo keys live here (kept between starts). */
  dataDir: string;
  clock: Clock;
  /** Issue a small pool of demo pickup codes (plain codes in the data dir), as `npm start` does. */
  demoPickupCodes?: boolean | undefined;
  logger: Logger;
  /** Hardware profile file (default: the bundled `simulated` profile). */
  profilePath?: string | undefined;
  /** `--board-ports 4001,4002`: one TCP port per distinct link of the profile (default: ephemeral). */
  boardPorts?: string | undefined;
  http?: StartPointOptions['http'];
  sync?: StartPointOptions['sync'];
  limits?: StartPointOptions['limits'];
  /** The checkout's time limits (`--remote-age-ms`: how long an operator has for a remote age check). */
  checkoutTiming?: StartPointOptions['checkoutTiming'];
  /** Whether the wall clock counts as NTP-synchronised (default: yes, the host clock is trusted). */
  isClockSynced?: (() => boolean) | undefined;
  /** Verify tokens with this public key (PEM; e.g. a backoffice's) instead of the demo key. */
  publicKeyPem?: string | undefined;
  /** Serve the kiosk app from this folder at `/kiosk/` (default: the repo's build, kiosk-ui/dist). */
  kioskDir?: string | undefined;
  /** Stripe Terminal (e.g. the local fake); without it card payments are refused as not set up. */
  payments?: StartPointOptions['payments'];
  /** The shop's name and address on receipts and the kiosk (default: Dorfladen Musterdorf). */
  shop?: StartPointOptions['shop'];
  /** On a first start (empty ledger), append a few days of demo history of this kind first (see demoHistory.ts). */
  demoHistory?: DemoHistoryScenario | undefined;
  /** The backoffice's public URL (receipt links) and the technician PIN's hash (default: the demo PIN's, see demoTechnician.ts). */
  service?: StartPointOptions['service'];
  /** The operators' phone number for unanswered help requests, and after how long it is offered. */
  help?: StartPointOptions['help'];
}

export interface BuiltSimulatedPoint {
  readonly point: RunningPoint;
  /** The simulated door I/O (strike, contact, exit button, fire alarm, siren). */
  readonly sim: SimulatedPoint;
  /** The profile's serial boards, simulated on TCP ports of 127.0.0.1. */
  readonly boards: SimulatedBoards;
  /** Thermal models of the profile's fridges (undefined when the profile has none). */
  readonly fridges: SimFridges | undefined;
  readonly keys: DemoKeys;
  readonly credentials: DemoCredential[];
  /** Lines for the console: where each simulated board listens. */
  boardsBanner(): string;
  /** Stop the point (outputs safe first), then the simulators. */
  stop(): Promise<void>;
}

export async function buildSimulatedPoint(o: SimulatedPointOptions): Promise<BuiltSimulatedPoint> {
  const { clock } = o;
  const simBoards = await startSimBoards(await loadHardwareProfile(o.profilePath ?? bundledProfilePath('simulated')), clock, o.boardPorts);
  const profile = simBoards.profile;
  const sim = new SimulatedPoint({ profile, clock, bounce: { transitions: 3, everyMs: 5 } });
  let point: RunningPoint;
  let keys: DemoKeys;
  let credentials: DemoCredential[];
  let fridges: SimFridges | undefined;
  try {
    keys = await ensureDemoKeys(o.dataDir);
    credentials = await demoCredentials(keys, clock);
    fridges = profile.fridges ? createSimFridges(clock, profile.fridges) : undefined;
    const seed = async (ledger: Ledger, seedClock: Clock): Promise<void> => {
      await seedDemoLedger(ledger);
      seedDemoCatalog(ledger);
      seedDemoAccounts(ledger);
      if (o.demoPickupCodes) await seedDemoPickupCodes(ledger, o.dataDir, seedClock);
    };
    if (o.demoHistory) {
      const history = await seedDemoHistory({
        siteId: o.siteId,
        dataDir: o.dataDir,
        profile,
        scenario: o.demoHistory,
        now: clock.now(),
        logger: o.logger,
        baseSeed: seed,
      });
      if (history.seeded) o.logger.info({ events: history.events, scenario: o.demoHistory }, 'demo history recorded in the ledger (first start)');
    }
    point = await startPoint({
      siteId: o.siteId,
      dataDir: o.dataDir,
      profile,
      gpio: sim.gpio,
      publicKeyPem: o.publicKeyPem ?? keys.publicKeyPem,
      bundesland: 'BY',
      clock,
      logger: o.logger,
      http: o.http,
      kioskDir: o.kioskDir ?? fileURLToPath(new URL('../../kiosk-ui/dist/', import.meta.url)),
      sim: {
        controls: {
          ...simControls(sim, credentials),
          ...simBoardControls(simBoards.boards),
          ...(fridges ? simFridgeControls(fridges) : {}),
          ...simServiceControls(simBoards.boards, profile, o.payments),
        },
        snapshot: () => ({ ...sim.snapshot(), cables: simBoards.boards.cables() }),
        onChange: (l) => sim.onChange(l),
      },
      seed: (ledger) => seed(ledger, clock),
      fridges: fridges?.entries(),
      limits: o.limits,
      checkoutTiming: o.checkoutTiming,
      isClockSynced: o.isClockSynced ?? (() => true), // simulation: the host clock is trusted
      sync: o.sync,
      payments: o.payments,
      shop: o.shop ?? { name: 'Dorfladen Musterdorf', address: ['Hauptstraße 1', '12345 Musterdorf'] },
      service: { technicianPinHash: await demoTechnicianPinHash(o.dataDir), ...o.service },
      help: o.help,
    });
  } catch (err) {
    sim.stop();
    await simBoards.boards.stop();
    throw err;
  }
  let stopped: Promise<void> | undefined;
  return {
    point,
    sim,
    boards: simBoards.boards,
    fridges,
    keys,
    credentials,
    boardsBanner: () => simBoards.banner(),
    stop() {
      stopped ??= (async () => {
        try {
          await point.stop();
        } finally {
          sim.stop();
          await simBoards.boards.stop();
        }
      })();
      return stopped;
    },
  };
}
