import type { Clock } from '../firmware-bridge/platform/clock.ts';
import type { Logger } from '../firmware-bridge/platform/logger.ts';
import type { GpioBackend } from '../hardware/ports.ts';
import type { HardwareProfile } from '../hardware/profile/schema.ts';
import { createPointIo } from '../hardware/pointIo.ts';
import type { Ledger } from './ledger/index.ts';
import { readBootId } from './platform/bootId.ts';
import { DEFAULT_LIMITS, type Limits } from './config/limits.ts';
import { startFeatures, type Feature } from './features.ts';
import { openPointLedger } from './wiring/pointLedger.ts';
import { createAlarms, type Alarms } from './alarms/alarms.ts';
import { createPointAccess } from './access/pointAccess.ts';
import type { Bundesland } from './access/holidays.ts';
import { createDoorController, type DoorController } from './machines/door/doorController.ts';
import { createEntryService, type EntryService } from './entry/entryService.ts';
import { createHardwareStatus, type HardwareStatus } from './hardware/hardwareStatus.ts';
import { createPointLockers } from './wiring/pointLockers.ts';
import type { Lockers } from './lockers/lockers.ts';
import { createFridges, type Fridges, type FridgePorts } from './fridges/fridges.ts';
import type { FridgeConfig } from './fridges/config.ts';
import { profileFridges } from './wiring/pointFridges.ts';
import { createPointSync, type PointSyncOptions } from './wiring/pointSync.ts';
import { createPointCheckout, outboxRemoteAge, type PointCheckoutDeps, type PaymentsOptions, type ShopOptions } from './wiring/pointCheckout.ts';
import { createPointService, type PointServiceOptions } from './wiring/pointService.ts';
import type { AccountTerms } from './payments/memberAccount.ts';
import type { SyncClient } from './sync/syncClient.ts';
import { lockerKioskApi } from './lockers/kioskApi.ts';
import { createPointView } from './http/pointView.ts';
import { createHelpState } from './help/helpState.ts';
import { createPointHttp } from './http/pointHttp.ts';
import type { App } from './http/server.ts';
import type { PointApi, SimControls, SimSnapshot } from './http/pointApi.ts';

export interface StartPointOptions {
  siteId: string;
  dataDir: string;
  profile: HardwareProfile;
  /** The GPIO backend (the simulated point's fake GPIO in simulation, onoff on a Pi). */
  gpio: GpioBackend;
  publicKeyPem: string;
  bundesland: Bundesland;
  clock: Clock;
  logger: Logger;
  http?: { host: string; port: number } | undefined;
  sim?: { controls: SimControls; snapshot: () => SimSnapshot; onChange: (l: () => void) => () => void } | undefined;
  /** The link to the backoffice; without it the point runs offline (the outbox keeps everything). */
  sync?: PointSyncOptions | undefined;
  /**
   * Whether the wall clock is NTP-synchronised now (recorded on every ledger event and sync
   * message). A real point passes `createClockSyncProbe` (controller/platform/clockSync.ts);
   * the simulation passes `() => true` (the host clock is trusted). Default: never synced.
   */
  isClockSynced?: (() => boolean) | undefined;
  /** The fridges with their ports (the simulated point's thermal models; a real point's probes). */
  fridges?: ReadonlyArray<{ config: FridgeConfig; ports: FridgePorts }> | undefined;
  /** Without `fridges`: sysfs root of the profile's 1-wire fridge probes (default `/sys`). */
  oneWireRoot?: string | undefined;
  /** Brute-force limits (default: DEFAULT_LIMITS, the promised ones). */
  limits?: Limits | undefined;
  /** This machine's boot id (default: read from the kernel; tests pass one to model reboots). */
  bootId?: string | undefined;
  /** The checkout's time limits (default: the product's; tests and `--remote-age-ms` shorten them). */
  checkoutTiming?: PointCheckoutDeps['timing'];
  /** Stripe Terminal for card payments at the kiosk; without it card payments are refused as not set up. */
  payments?: PaymentsOptions | undefined;
  /** The shop's name and address on receipts (default: `dorfpunkt`, no address). */
  shop?: ShopOptions | undefined;
  /** Member account terms from the backoffice (none yet: members have no account). */
  accountTerms?: ((memberId: string) => AccountTerms | undefined) | undefined;
  /** Called with the ledger right after it opens (simulation seeds demo data here). */
  seed?: ((ledger: Ledger) => Promise<void> | void) | undefined;
  /** Serve the built kiosk app (kiosk-ui/dist) from this folder at `/kiosk/` (simulation: the repo's build). */
  kioskDir?: string | undefined;
  /** Receipt link (the backoffice's public URL) and technician PIN (controller/wiring/pointService.ts). */
  service?: PointServiceOptions | undefined;
  /** The operators' phone number the kiosk offers when a help request stays unanswered, and after how long (default 3 min). */
  help?: { phone?: string | undefined; answerWithinMs?: number | undefined } | undefined;
}

export interface RunningPoint {
  readonly ledger: Ledger;
  readonly door: DoorController;
  readonly entry: EntryService;
  readonly hardware: HardwareStatus;
  readonly alarms: Alarms;
  readonly lockers: Lockers;
  readonly fridges: Fridges;
  readonly sync: SyncClient | undefined;
  readonly api: PointApi;
  readonly http: App | undefined;
  readonly url: string | undefined;
  stop(): Promise<void>;
}

/**
 * The controller's composition root: builds every feature from explicit dependencies and starts
 * them in the fail-safe order of the list below (outputs locked first, then the ledger, then
 * alarms and decisions, then the door machine, the boards and what hangs on them, the link to
 * the backoffice, and the API last). Stops them in reverse, except that the door and its outputs
 * stop first and the link, the alarm model and the ledger last. Each feature's wiring lives in its own `create…(deps)`; nothing else happens here.
 */
export async function startPoint(opts: StartPointOptions): Promise<RunningPoint> {
  const { clock, logger } = opts;
  // 1. Outputs to their safe level before anything else can fail or take time.
  const io = createPointIo(opts.profile, opts.gpio, clock);
  const outputs: Feature = { start() {}, stop: () => io.stop() };
  // 1a. The ledger (opened and seeded now: the features below read their state from it).
  const ledger = await openPointLedger(opts).catch(async (err: unknown) => {
    await io.stop();
    throw err;
  });
  const db = ledger.ledger;
  const bootId = opts.bootId ?? readBootId();

  let features;
  let syncClient: SyncClient | undefined;
  try {
    // 1b. The point's one alarm model: open alarms rebuilt from the ledger before anyone raises one.
    const alarms = createAlarms({ clock, logger, ledger: ledger.featureLedger });
    // 2. Access decisions: public key, revocations and cards from the ledger, opening rules, time
    //    floor, replay window (controller/access/pointAccess.ts).
    const access = createPointAccess({
      ledger: db,
      publicKeyPem: opts.publicKeyPem,
      bundesland: opts.bundesland,
      bootId,
      limits: opts.limits ?? DEFAULT_LIMITS,
      clock,
      logger,
    });
    // 3. Door machine and the entry flow.
    const door = createDoorController({
      io,
      timing: opts.profile.door.timing,
      clock,
      record: ledger.recorder.tryRecord,
      alarms,
      logger: logger.child({ module: 'door' }),
    });
    const entry = createEntryService({ decider: access.decider, door, record: ledger.recorder.tryRecord, logger: logger.child({ module: 'entry' }) });
    // 3b. Serial boards (lock boards, Modbus I/O, scanners) from the profile and their live status.
    const hardware = createHardwareStatus({ profile: opts.profile, gpioKind: opts.gpio.kind, clock, logger, record: ledger.recorder.tryRecord, door });
    // 3c. Parcel lockers on the lock boards: drop-off, pickup by code on trusted time, guarded.
    const lockers = createPointLockers({ profile: opts.profile, hardware, ledger: db, publicKey: access.publicKey, alarms, bootId, clock, logger });
    // 3d. Fridges: HACCP record, alarms, cold-chain block (queryable by the checkout); their stop()
    //     writes the pending readings, before the ledger closes.
    //     Without `opts.fridges` (a real point), the profile's fridges on their probes and pins.
    const real = opts.fridges ? undefined : profileFridges({ profile: opts.profile, gpio: opts.gpio, hardware, clock, logger, oneWireRoot: opts.oneWireRoot });
    const fridgeRelays = real?.relays;
    const fridges = createFridges({ clock, logger, ledger: ledger.featureLedger, alarms, fridges: opts.fridges ?? real?.entries ?? [] });
    // 3e. The kiosk checkout: catalog from the ledger, card and member account providers, cold-chain
    //     blocks from the fridges; its start reconciles unfinished sales before the API takes new ones.
    const checkout = createPointCheckout({
      siteId: opts.siteId,
      ledger: db,
      fridges,
      payments: opts.payments,
      accountTerms: opts.accountTerms,
      online: () => syncClient?.status().connected === true,
      shop: opts.shop,
      // An operator can answer only where a link to the backoffice exists.
      remoteAge: opts.sync ? outboxRemoteAge(logger.child({ module: 'checkout' })) : undefined,
      timing: opts.checkoutTiming,
      clock,
      logger,
    });
    // 3e'. Receipts (shown with their link, printed on request), technician mode and the
    //      out-of-service switch, serial scanners feeding the kiosk.
    const service = createPointService({
      siteId: opts.siteId,
      profile: opts.profile,
      ledger: db,
      hardware,
      bootId,
      policy: (opts.limits ?? DEFAULT_LIMITS).pin,
      clock,
      logger,
      ...opts.service,
    });
    // 3f. Sync with the backoffice: outbox up, changes and commands down (offline without it:
    //     the outbox keeps everything).
    const sync = opts.sync
      ? createPointSync({
          paymentChanges: checkout.changeEvents,
          link: opts.sync,
          siteId: opts.siteId,
          ledger: db,
          record: ledger.recorder.record,
          door,
          lockers: lockers.lockers,
          fridges,
          checkout: checkout.checkout,
          onServerTime: (ms) => {
            access.decider.setServerTime(ms);
            lockers.time.setServerTime(ms);
          },
          isClockSynced: opts.isClockSynced,
          clock,
          logger,
        })
      : undefined;
    syncClient = sync;
    // 3g. Help requests from the kiosk and the operators' answer (a remote door release).
    const help = createHelpState({ ledger: ledger.featureLedger, phone: opts.help?.phone, answerWithinMs: opts.help?.answerWithinMs });
    // 4. The view the HTTP API serves, and the API.
    const view = createPointView({
      help,
      siteId: opts.siteId,
      clock,
      door,
      entry,
      ledger: db,
      hardware,
      sync,
      sim: opts.sim,
      extras: {
        ...lockerKioskApi(lockers.lockers),
        fridges: () => fridges.view(),
        openAlarms: () => alarms.open(),
        checkout: service.wrapCheckout(checkout.kiosk),
        receipts: service.receipts,
        technician: service.technician,
        onScan: (l) => service.onScan(l),
        requestHelp: (screen) => ledger.recorder.record('help.requested', { at: Math.floor(clock.now()), screen }),
      },
    });
    service.bindStatus(() => ({ ...view.snapshot(), fridges: fridges.view() }));
    const http = opts.http
      ? createPointHttp({ listen: opts.http, point: view, sim: opts.sim?.controls, servePages: opts.sim !== undefined, kioskDir: opts.kioskDir, clock, logger })
      : undefined;
    features = { outputs, ledger, alarms, access, door, entry, hardware, lockers, fridgeRelays, fridges, checkout, service, sync, help, view, http };
  } catch (err) {
    await io.stop();
    ledger.stop();
    throw err;
  }

  // Start in list order; stop in reverse, but the door first: outputs reach their safe level before
  // anything that waits on a network (an escape door stays released if the fire alarm is on). The
  // link and the ledger stop last: the features write their last events (fridge readings) before
  // the link says goodbye. A feature that fails to start stops itself and everything before it.
  const running = await startFeatures(features, { stopFirst: ['entry', 'door', 'outputs'], stopLast: ['sync', 'alarms', 'ledger'], logger });
  const f = features;
  return {
    ledger: db,
    door: f.door,
    entry: f.entry,
    hardware: f.hardware,
    alarms: f.alarms,
    lockers: f.lockers.lockers,
    fridges: f.fridges,
    sync: f.sync,
    api: f.view,
    http: f.http?.app,
    url: f.http?.url,
    stop: () => running.stop(),
  };
}
