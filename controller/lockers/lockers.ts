/**
 * The parcel lockers of a point: `createLockers(deps)` with start/stop. Compartment state
 * (free / reserved / occupied / open / out of service) lives in the ledger and is rebuilt from
 * it at start; every open runs through the open machine (one open per request, read back,
 * held-open alarm); courier drop-off sessions, pickup by code, the uncollected flag and the
 * operator's remote open are built on that.
 */
import type { Clock, TimerHandle } from '../../firmware-bridge/platform/clock.ts';
import type { Logger } from '../../firmware-bridge/platform/logger.ts';
import type { CompartmentConfig } from '../../hardware/profile/boardsSchema.ts';
import { Compile } from 'typebox/compile';
import { LockerOpenCommand } from '../contract/commands/lockers.ts';
import type { EventType } from '../contract/events/index.ts';
import type { LockerPayloads } from '../contract/events/lockers.ts';
import { CommandRefused, type CommandHandler } from '../sync/commandRunner.ts';
import type { ChangeEventMapper } from '../sync/changeApplier.ts';
import { lockerChangeEvents } from './changes.ts';
import { reportLockerConfiguration } from './configurationReport.ts';
import { DropOffSession } from './dropOff.ts';
import { OpenRunner } from './openRunner.ts';
import { Pickup, type PickupResult } from './pickup.ts';
import type { AlarmSink, CourierVerifier, LockerHardware, LockerLedger, PickupGuard, TimeSource } from './ports.ts';
import { refused, type Refused } from './refusals.ts';
import { LockerState, STATE_EVENT_TYPES, type CompartmentStatus, type Size } from './state.ts';

export interface LockersConfig {
  /** Door open this long after an open → alarm (default 2 min). */
  heldOpenMs: number;
  /** Wait before reading a lock back after its open (default 500 ms). */
  readBackAfterMs: number;
  /** A drop-off step left this long ends the session (default 2 min). */
  idleMs: number;
  /** Parcels lying this many days are flagged uncollected (default 9, as DHL). */
  uncollectedAfterDays: number;
  /** How often the uncollected check runs (default 1 h). */
  uncollectedCheckMs: number;
}

export const DEFAULT_LOCKERS_CONFIG: LockersConfig = {
  heldOpenMs: 120_000,
  readBackAfterMs: 500,
  idleMs: 120_000,
  uncollectedAfterDays: 9,
  uncollectedCheckMs: 3_600_000,
};

export interface LockersDeps {
  compartments: readonly CompartmentConfig[];
  hardware: LockerHardware;
  ledger: LockerLedger;
  time: TimeSource;
  couriers: CourierVerifier;
  guard: PickupGuard;
  alarms: AlarmSink;
  clock: Clock;
  logger: Logger;
  config?: Partial<LockersConfig>;
  /** Unique ids (default: time + counter + random). */
  newId?: (prefix: string) => string;
}

export interface CompartmentView {
  id: string;
  size: Size;
  status: CompartmentStatus;
  /** hardware: latch closed, null until read */
  latched: boolean | null;
  outOfServiceReason: string | null;
}

export type RemoteOpenResult = { ok: true; compartment: string; tookBack: string | null } | Refused;

const openCheck = Compile(LockerOpenCommand);

export class Lockers {
  readonly config: LockersConfig;
  private state: LockerState;
  private readonly runner: OpenRunner;
  private readonly pickupFlow: Pickup;
  private session: DropOffSession | null = null;
  private readonly unsubs: Array<() => void> = [];
  private timer: TimerHandle | undefined;
  private running = false;
  private readonly listeners = new Set<() => void>();
  private readonly newId: (prefix: string) => string;

  constructor(private readonly deps: LockersDeps) {
    this.config = { ...DEFAULT_LOCKERS_CONFIG, ...deps.config };
    this.state = new LockerState(deps.compartments);
    let n = 0;
    this.newId = deps.newId ?? ((p) => `${p}-${Math.trunc(deps.clock.now()).toString(36)}-${(++n).toString(36)}-${Math.random().toString(36).slice(2, 8)}`);
    this.runner = new OpenRunner({
      hardware: deps.hardware,
      record: (t, d) => this.record(t, d),
      alarms: deps.alarms,
      clock: deps.clock,
      logger: deps.logger,
      heldOpenMs: this.config.heldOpenMs,
      readBackAfterMs: this.config.readBackAfterMs,
    });
    this.pickupFlow = new Pickup({
      state: this.state,
      runner: this.runner,
      guard: deps.guard,
      time: deps.time,
      alarms: deps.alarms,
      record: (t, d) => this.record(t, d),
      outOfService: (c, r, d) => this.outOfService(c, r, d),
      freed: (c, r) => this.freed(c, r),
    });
  }

  /** Rebuild the state from the ledger, end reservations of sessions that died with the process, follow the hardware. */
  start(): void {
    if (this.running) return;
    this.running = true;
    try {
      if (reportLockerConfiguration(this.deps.ledger, this.deps.compartments))
        this.deps.logger.info({ compartments: this.deps.compartments.length }, 'locker configuration recorded (it differs from the last one)');
    } catch (err) {
      this.deps.logger.error({ err }, 'lockers: recording the configuration failed');
    }
    for (const e of this.deps.ledger.replay(STATE_EVENT_TYPES)) this.state.apply(e.type, e.data, e.seq);
    if (this.state.skipped > 0)
      this.deps.logger.warn({ skipped: this.state.skipped }, 'locker events naming compartments this profile does not have were skipped');
    this.unsubs.push(
      this.deps.ledger.onAppended((e) => {
        if ((STATE_EVENT_TYPES as readonly string[]).includes(e.type)) this.state.apply(e.type, e.data, e.seq);
        if (e.type === 'compartment.back-in-service') {
          const id = String(e.data['compartment']);
          this.deps.alarms.clear(`locker.out-of-service:${id}`, 'reset by operator');
          this.deps.alarms.clear(`locker.pickup-failed:${id}`, 'reset by operator');
        }
        this.changed();
      }),
    );
    for (const c of this.state.compartments.values()) {
      if (c.status === 'reserved')
        this.record('compartment.released', {
          compartment: c.id,
          sessionId: c.sessionId ?? 'unknown',
          reason: 'restart',
        } satisfies LockerPayloads['compartment.released']);
    }
    this.unsubs.push(this.deps.hardware.onChange(() => this.hardwareChanged()));
    this.scheduleUncollected();
  }

  stop(): void {
    if (!this.running) return;
    this.running = false;
    for (const u of this.unsubs.splice(0)) u();
    if (this.timer !== undefined) this.deps.clock.clearTimeout(this.timer);
    this.timer = undefined;
    this.session?.stop();
    this.session = null;
    this.runner.stop();
  }

  view(): CompartmentView[] {
    const hw = new Map(this.deps.hardware.compartments().map((c) => [c.id, c]));
    const active = this.runner.active();
    return [...this.state.compartments.values()].map((c) => {
      const s = active.get(c.id);
      const status: CompartmentStatus = s === 'open' || s === 'heldOpen' ? 'open' : c.status;
      return { id: c.id, size: c.size, status, latched: hw.get(c.id)?.latched ?? null, outOfServiceReason: c.outOfServiceReason };
    });
  }

  /** Read-only state (tests, the lead's HTTP views). */
  snapshot(): LockerState {
    return this.state;
  }

  onChange(l: () => void): () => void {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }

  /** A courier starts at the kiosk: one session at a time per point. */
  startDropOff(): DropOffSession | Refused {
    if (!this.running) return refused('internal-error', 'lockers are not running');
    if (this.session && this.session.state() !== 'ended') return refused('session-active', `drop-off ${this.session.sessionId} is in progress`);
    this.session = new DropOffSession({
      state: this.state,
      runner: this.runner,
      couriers: this.deps.couriers,
      time: this.deps.time,
      alarms: this.deps.alarms,
      clock: this.deps.clock,
      record: (t, d) => this.record(t, d),
      outOfService: (c, r, d) => this.outOfService(c, r, d),
      newId: this.newId,
      idleMs: this.config.idleMs,
      onEnded: (s) => {
        if (this.session === s) this.session = null;
      },
    });
    return this.session;
  }

  /** Pickup by code (keypad digits, QR text, or the kiosk's field). */
  pickup(code: unknown, via: 'keypad' | 'qr' | 'api' = 'api'): Promise<PickupResult> {
    if (!this.running) return Promise.resolve(refused('internal-error', 'lockers are not running'));
    return this.pickupFlow.collect(code, via);
  }

  /** The operator's remote open (command `locker.open`), recorded with who asked before anything opens. */
  async remoteOpen(body: unknown, commandId: string): Promise<RemoteOpenResult> {
    if (!openCheck.Check(body)) return refused('wrong-step', 'locker.open needs { compartment: "A1", operator, reason, takeBack? }');
    const c = this.state.compartments.get(body.compartment);
    if (!c) return refused('unknown-compartment', `this point has no compartment ${body.compartment}`);
    this.record('locker.remote-open', {
      compartment: c.id,
      commandId,
      operator: body.operator,
      reason: body.reason,
    } satisfies LockerPayloads['locker.remote-open']);
    const parcelId = c.parcelId;
    const result = await this.runner.open({ compartment: c.id, purpose: 'remote', onClosed: () => this.freedIfEmpty(c.id) });
    if (result.outcome !== 'open') {
      if (result.outcome !== 'refused') this.outOfService(c.id, result.outcome, result.detail);
      return refused('compartment-failed', `compartment ${c.id}: ${result.detail}`);
    }
    if (body.takeBack === true && parcelId !== null) {
      this.record('parcel.taken-back', { parcelId, compartment: c.id, commandId, operator: body.operator } satisfies LockerPayloads['parcel.taken-back']);
      return { ok: true, compartment: c.id, tookBack: parcelId };
    }
    return { ok: true, compartment: c.id, tookBack: null };
  }

  /** Handlers for the sync client's CommandRunner (merge into commandHandlers in app.ts). */
  commandHandlers(): Record<string, CommandHandler> {
    return {
      'locker.open': async (body, command) => {
        const r = await this.remoteOpen(body, command.id);
        if (!r.ok && (r.reason === 'wrong-step' || r.reason === 'unknown-compartment')) throw new CommandRefused('invalid-body', r.detail);
        if (!r.ok) throw new Error(`${r.reason}: ${r.detail}`);
        return { opened: true, compartment: r.compartment, tookBack: r.tookBack };
      },
    };
  }

  /** Mappers for the sync client's change applier (merge into changeEvents in app.ts). */
  changeEvents(): Readonly<Record<string, ChangeEventMapper>> {
    return lockerChangeEvents(() => this.state);
  }

  /** Flag parcels lying longer than the configured days (trusted time); returns how many were flagged now. */
  checkUncollected(): number {
    const now = this.deps.time.now();
    const days = this.config.uncollectedAfterDays;
    let flagged = 0;
    for (const p of [...this.state.parcels.values()]) {
      if (p.flaggedUncollected || now - p.depositedAt < days * 86_400_000) continue;
      this.record('parcel.uncollected', {
        parcelId: p.parcelId,
        compartment: p.compartment,
        days,
        depositedAt: p.depositedAt,
      } satisfies LockerPayloads['parcel.uncollected']);
      flagged++;
    }
    return flagged;
  }

  private scheduleUncollected(): void {
    if (!this.running) return;
    this.timer = this.deps.clock.setTimeout(() => {
      try {
        this.checkUncollected();
      } catch (err) {
        this.deps.logger.error({ err }, 'uncollected check failed');
      }
      this.scheduleUncollected();
    }, this.config.uncollectedCheckMs);
  }

  private hardwareChanged(): void {
    this.runner.checkAll();
    // doors left open across a restart (collected, then the process died): freed once seen shut
    const active = this.runner.active();
    for (const hw of this.deps.hardware.compartments()) {
      const c = this.state.compartments.get(hw.id);
      if (c?.status === 'open' && !active.has(c.id) && hw.latched === true) this.freed(c.id, 'closed');
    }
    this.changed();
  }

  private record(type: EventType, data: Record<string, unknown>): number {
    return this.deps.ledger.append(type, data).seq;
  }

  private outOfService(compartment: string, reason: string, detail: string): void {
    this.record('compartment.out-of-service', { compartment, reason, detail: detail.slice(0, 500) } satisfies LockerPayloads['compartment.out-of-service']);
    this.deps.alarms.raise(`locker.out-of-service:${compartment}`, {
      source: 'locker',
      kind: 'out-of-service',
      severity: 'warning',
      reason: `compartment ${compartment} out of service: ${reason}`,
    });
  }

  private freed(compartment: string, reason: string): void {
    const c = this.state.compartments.get(compartment);
    if (c && c.status === 'open') this.record('compartment.freed', { compartment, reason } satisfies LockerPayloads['compartment.freed']);
  }

  private freedIfEmpty(compartment: string): void {
    const c = this.state.compartments.get(compartment);
    if (c && c.parcelId === null && (c.status === 'open' || c.status === 'free')) {
      if (c.status === 'open') this.freed(compartment, 'remote-open-closed');
    }
  }

  private changed(): void {
    for (const l of [...this.listeners]) {
      try {
        l();
      } catch (err) {
        this.deps.logger.error({ err }, 'lockers listener threw');
      }
    }
  }
}

export function createLockers(deps: LockersDeps): Lockers {
  return new Lockers(deps);
}
