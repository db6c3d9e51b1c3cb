import { join } from 'node:path';
import { mkdirSync } from 'node:fs';
import type { Clock } from '../firmware-bridge/platform/clock.ts';
import type { Logger } from '../firmware-bridge/platform/logger.ts';
import type { GpioBackend } from '../hardware/ports.ts';
import type { HardwareProfile } from '../hardware/profile/schema.ts';
import { createPointIo, type PointIo } from '../hardware/pointIo.ts';
import { Ledger } from './ledger/index.ts';
import { createRecorder } from './ledger/recorder.ts';
import { SqliteAccessState } from './ledger/index.ts';
import { importPublicKeyPem } from './access/keys.ts';
import { AccessDecider } from './access/decide.ts';
import { REPLAY_EVENT_TYPES, replaySeedFrom } from './access/replaySeed.ts';
import { readBootId } from './platform/bootId.ts';
import { DEFAULT_LIMITS, type Limits } from './config/limits.ts';
import type { EventType } from './contract/events/index.ts';
import { createAlarms, type Alarms } from './alarms/alarms.ts';
import { createFridges, type Fridges } from './fridges/fridges.ts';
import type { FridgeConfig } from './fridges/config.ts';
import type { FridgePorts } from './fridges/fridges.ts';
import { createLockers, type Lockers } from './lockers/lockers.ts';
import { lockerLedger } from './lockers/ledgerPort.ts';
import { lockerKioskApi } from './lockers/kioskApi.ts';
import { tokenCourierVerifier } from './lockers/courierCheck.ts';
import { TrustedTime } from './access/trustedTime.ts';
import { NO_GUARD_STATE, PointPickupGuard, type PickupGuardState } from './access/pickupGuard.ts';
import { CurrentOpeningRules } from './access/currentOpeningRules.ts';
import type { Bundesland } from './access/holidays.ts';
import { DoorController } from './machines/door/doorController.ts';
import { EntryService } from './entry/entryService.ts';
import { HardwareStatus } from './hardware/hardwareStatus.ts';
import { buildHttpServer, type App } from './http/server.ts';
import { SyncClient } from './sync/syncClient.ts';
import { syncMigrations } from './sync/migrations.ts';
import { changeEvents } from './downlink/changes.ts';
import { commandHandlers } from './downlink/commands.ts';
import type { DecisionView, PointApi, PointSnapshot, SimControls, SimSnapshot } from './http/pointApi.ts';

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
  sync?: { brokerUrl: string; username?: string | undefined; password?: string | undefined; keepaliveSec?: number | undefined } | undefined;
  /**
   * Whether the wall clock is NTP-synchronised now (recorded on every ledger event and sync
   * message). A real point passes `createClockSyncProbe` (controller/platform/clockSync.ts);
   * the simulation passes `() => true` (the host clock is trusted). Default: never synced.
   */
  isClockSynced?: (() => boolean) | undefined;
  /** The fridges with their ports (the simulated point's thermal models; a real point's probes). */
  fridges?: ReadonlyArray<{ config: FridgeConfig; ports: FridgePorts }> | undefined;
  /** Brute-force limits (default: DEFAULT_LIMITS, the promised ones). */
  limits?: Limits | undefined;
  /** This machine's boot id (default: read from the kernel; tests pass one to model reboots). */
  bootId?: string | undefined;
  /** Called with the ledger right after it opens (simulation seeds demo data here). */
  seed?: ((ledger: Ledger) => Promise<void> | void) | undefined;
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

const RECENT_DECISIONS = 20;

/**
 * The controller's composition root: builds every feature from explicit dependencies in the
 * fail-safe order (outputs locked first, then the ledger, then decisions, then the door
 * machine, then the API) and stops them in reverse.
 */
export async function startPoint(opts: StartPointOptions): Promise<RunningPoint> {
  const { clock, logger } = opts;
  // 1. Outputs to their safe level before anything else can fail or take time.
  const io: PointIo = createPointIo(opts.profile, opts.gpio, clock);
  let ledger: Ledger | undefined;
  try {
    mkdirSync(opts.dataDir, { recursive: true });
    ledger = Ledger.open({
      path: join(opts.dataDir, 'ledger.db'),
      siteId: opts.siteId,
      clock,
      logger,
      migrations: syncMigrations,
      ...(opts.isClockSynced ? { isClockSynced: opts.isClockSynced } : {}),
    });
    await opts.seed?.(ledger);
  } catch (err) {
    await io.stop();
    ledger?.close();
    throw err;
  }
  const openLedger = ledger;
  const recorder = createRecorder(openLedger, logger);
  const record = recorder.tryRecord;
  // Ledger ports of the features that read their history back (typed by the catalogue at run time).
  const featureLedger = {
    append: (type: string, data: Record<string, unknown>) => openLedger.appendChecked(type as EventType, data),
    eventsOfTypes: openLedger.eventsOfTypes.bind(openLedger),
    latestEvent: openLedger.latestEvent.bind(openLedger),
    onAppended: openLedger.onAppended.bind(openLedger),
  };

  // 1b. The point's one alarm model: open alarms rebuilt from the ledger before anyone raises one.
  const alarms = createAlarms({ clock, logger, ledger: featureLedger });
  alarms.start();

  // 2. Access decisions: public key, revocations and cards from the ledger, opening rules.
  //    Time floor (DESIGN principle 4): the latest wall time the ledger saw, read once at start,
  //    so a Pi booting at 1970 without network still accepts valid tokens and a clock set back
  //    cannot revive expired ones.
  //    Server time: the backoffice's acks carry its time (sync client, below); from then on
  //    validity uses it plus monotonic time.
  //    Replay window (D8): grants of the last minute before this start, from the ledger.
  const rules = new CurrentOpeningRules(openLedger, opts.bundesland, logger);
  const bootId = opts.bootId ?? readBootId();
  const limits = opts.limits ?? DEFAULT_LIMITS;
  const replayWindowMs = limits.replayWindowMs;
  const replaySeed = replaySeedFrom(openLedger.recentOfTypes(REPLAY_EVENT_TYPES, 10_000), { bootId, mono: clock.monotonic() }, replayWindowMs);
  const publicKey = importPublicKeyPem(opts.publicKeyPem);
  const decider = new AccessDecider({
    bootId,
    replayWindowMs,
    replaySeed,
    lockoutPolicy: limits.pin,
    clock,
    publicKey,
    state: new SqliteAccessState(openLedger),
    openingRules: rules,
    logger: logger.child({ module: 'access' }),
    timeFloorMs: openLedger.timeFloorMs(),
  });

  // 3. Door machine and the entry flow.
  const door = new DoorController({ io, timing: opts.profile.door.timing, clock, record, alarms, logger: logger.child({ module: 'door' }) });
  const entry = new EntryService({ decider, door, record, logger: logger.child({ module: 'entry' }) });
  door.start();
  entry.start();

  // 3b. Serial boards (lock boards, Modbus I/O, scanners) from the profile and their live status.
  const hardware = new HardwareStatus({ profile: opts.profile, gpioKind: opts.gpio.kind, clock, logger, record, door });
  await hardware.start();

  // 3d. Parcel lockers: compartments on the lock boards, courier drop-off, pickup by code. Code
  //     validity on trusted time (server time from acks, else the ledger's floor + monotonic time);
  //     guessing limited by the point's pickup guard, persisted as `pickup.guard` events.
  const lockerTime = new TrustedTime(clock, openLedger.timeFloorMs());
  const guardEvent = openLedger.latestEvent('pickup.guard');
  const pickupGuard = new PointPickupGuard({
    clock,
    bootId,
    trustedNow: () => lockerTime.now(),
    load: () => (guardEvent ? (guardEvent.data as unknown as PickupGuardState) : { ...NO_GUARD_STATE }),
    save: (state) => void openLedger.appendChecked('pickup.guard', { ...state }),
    alarms,
  });
  const lockers = createLockers({
    compartments: opts.profile.boards?.compartments ?? [],
    hardware: hardware.boards,
    ledger: lockerLedger(openLedger),
    time: lockerTime,
    couriers: tokenCourierVerifier({ publicKey, isRevoked: (id) => openLedger.state.isRevoked(id), time: lockerTime }),
    guard: pickupGuard,
    alarms,
    clock,
    logger: logger.child({ module: 'lockers' }),
  });
  lockers.start();

  // 3e. Fridges: HACCP record, alarms, cold-chain block (queryable by the checkout).
  const fridges = createFridges({ clock, logger, ledger: featureLedger, alarms, fridges: opts.fridges ?? [] });
  fridges.start();

  // 3c. Sync with the backoffice: outbox up, changes and commands down.
  const sync = opts.sync
    ? new SyncClient({
        brokerUrl: opts.sync.brokerUrl,
        siteId: opts.siteId,
        ...(opts.sync.username ? { username: opts.sync.username } : {}),
        ...(opts.sync.password ? { password: opts.sync.password } : {}),
        ...(opts.sync.keepaliveSec ? { keepaliveSec: opts.sync.keepaliveSec } : {}),
        ledger: openLedger,
        clock,
        ...(opts.isClockSynced ? { isClockSynced: opts.isClockSynced } : {}),
        logger: logger.child({ module: 'sync' }),
        changeEvents: { ...changeEvents, ...lockers.changeEvents(), 'fridge.corrective-action': fridges.correctiveActionMapper },
        commandHandlers: { ...commandHandlers({ door, record: recorder.record }), ...lockers.commandHandlers() },
        onServerTime: (ms) => {
          decider.setServerTime(ms);
          lockerTime.setServerTime(ms);
        },
      })
    : undefined;
  sync?.start();

  // 4. The view the HTTP API serves.
  const listeners = new Set<() => void>();
  const changed = (): void => {
    for (const l of [...listeners]) l();
  };
  const recent: Array<DecisionView & { at: number }> = [];
  const remember = (d: DecisionView): DecisionView => {
    recent.unshift({ ...d, at: clock.now() });
    recent.length = Math.min(recent.length, RECENT_DECISIONS);
    changed();
    return d;
  };
  const unsubscribers = [door.onChange(changed), openLedger.onAppended(changed), hardware.onChange(changed), sync?.onStatus(changed), opts.sim?.onChange(changed)];
  const api: PointApi = {
    siteId: opts.siteId,
    snapshot: (): PointSnapshot => ({
      siteId: opts.siteId,
      at: clock.now(),
      door: { ...door.state() },
      occupancy: entry.occupancy(),
      ledger: { lastSeq: openLedger.lastSeq(), outbox: openLedger.outboxCount() },
      hardware: hardware.entries(),
      sync: sync ? { ...sync.status() } : null,
      sim: opts.sim?.snapshot() ?? null,
      recentDecisions: recent,
    }),
    onChange: (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    presentToken: async (token) => remember(view(await entry.present({ kind: 'token', token }))),
    presentCard: async (uid, pin) => remember(view(await entry.present({ kind: 'card', uid, pin }))),
    compartments: () => hardware.compartments(),
    ...lockerKioskApi(lockers),
    fridges: () => fridges.view(),
    openAlarms: () => alarms.open(),
  };

  let http: App | undefined;
  let url: string | undefined;
  if (opts.http) {
    http = await buildHttpServer({ point: api, sim: opts.sim?.controls, logger, clock, servePages: opts.sim !== undefined });
    url = await http.listen({ host: opts.http.host, port: opts.http.port });
  }

  let stopped = false;
  return {
    ledger: openLedger,
    door,
    entry,
    hardware,
    alarms,
    lockers,
    fridges,
    sync,
    api,
    http,
    url,
    async stop() {
      if (stopped) return;
      stopped = true;
      // The door first: outputs reach their safe level before anything that waits on a network.
      entry.stop();
      door.stop();
      try {
        await io.stop();
      } finally {
        for (const u of unsubscribers) u?.();
        await http?.close();
        lockers.stop();
        await fridges.stop(); // writes the pending readings
        await hardware.stop();
        await sync?.stop();
        alarms.stop();
        openLedger.close();
      }
    },
  };
}

function view(r: { decision: { granted: boolean; reason: string; memberId?: string; role?: string; retryAfterMs?: number }; seq?: number }): DecisionView {
  const d = r.decision;
  return {
    granted: d.granted,
    reason: d.reason,
    memberId: d.memberId,
    role: d.role,
    ...(d.retryAfterMs !== undefined ? { retryAfterMs: Math.ceil(d.retryAfterMs) } : {}),
    ...(r.seq !== undefined ? { seq: r.seq } : {}),
  };
}
