import { createActor, type Actor } from 'xstate';
import { MAX_REMOTE_RELEASE_MS } from '../../contract/commands/index.ts';
import type { EventType } from '../../contract/events/index.ts';
import type { Clock } from '../../../firmware-bridge/platform/clock.ts';
import type { Logger } from '../../../firmware-bridge/platform/logger.ts';
import type { DigitalInput, DigitalOutput, Unwatch } from '../../../hardware/ports.ts';
import type { AlarmSink } from '../../alarms/alarms.ts';
import { clearStaleDoorAlarms, passToAlarmModel } from './doorAlarms.ts';
import { doorMachine, doorStateName, type DoorEvent, type DoorRecordType, type DoorStateName, type DoorTiming } from './doorMachine.ts';

/**
 * What the door needs of the point's I/O (structurally the `PointIo` of hardware/pointIo.ts).
 * Logical levels: true = strike released / siren on / door open / pressed / fire alarm active.
 * `contact` must already be debounced.
 */
export interface DoorIo {
  strike: DigitalOutput;
  siren: DigitalOutput;
  contact: DigitalInput;
  exitButton: DigitalInput;
  fireAlarm: DigitalInput;
}

/** Records a door fact and never throws (controller/ledger/recorder.ts `tryRecord`: safety before bookkeeping). */
export type RecordFn = (type: EventType, data: Record<string, unknown>) => unknown;

export interface DoorRecord {
  type: DoorRecordType;
  data: Record<string, unknown>;
}

export interface DoorControllerDeps {
  io: DoorIo;
  timing: DoorTiming;
  clock: Clock;
  /** Durable, synchronous (the ledger's append). */
  record: RecordFn;
  logger: Logger;
  /** How often the state machine may fail and be restarted before the door stays faulted. */
  restartPolicy?: RestartPolicy;
  /**
   * The point's alarm model: the door's alarm facts (`alarm.held-open`, `alarm.forced-open`,
   * `alarm.fire`, their clearing) raise and clear `door:held-open`, `door:forced-open` and
   * `door:fire` there. Optional: without it the door only records its own facts.
   */
  alarms?: AlarmSink;
}

export interface RestartPolicy {
  /** Restarts allowed within `windowMs` (monotonic); one more failure leaves the door faulted. */
  maxRestarts: number;
  windowMs: number;
}

export const DEFAULT_RESTART_POLICY: RestartPolicy = { maxRestarts: 3, windowMs: 60_000 };

/** Plain-JSON view for the live UI and the HTTP API. */
export interface DoorView {
  state: DoorStateName;
  alarms: Array<'held-open' | 'forced-open' | 'fire'>;
  strikeReleased: boolean;
  sirenOn: boolean;
  contactOpen: boolean;
  grantId: number | null;
  /**
   * The state machine failed more often than the restart policy allows: the door runs in a
   * fail-safe mode (strike locked, released while the fire input is active, siren off; no
   * grants) until the controller is restarted. `/health` must report not ok.
   */
  faulted: boolean;
}

export type GrantOutcome = 'opened' | 'expired' | 'superseded' | 'fire' | 'stopped';

export interface GrantRequest {
  reason: string;
  durationMs?: number;
  /** Called once with what became of the grant (only if it was accepted). */
  onOutcome?: (outcome: GrantOutcome, grantId: number) => void;
}

export type GrantResult =
  { accepted: true; grantId: number } | { accepted: false; grantId: number; reason: 'door-open' | 'fire' | 'not-running' | 'invalid-duration' };

/** Longest grant anyone may ask for (an operator's remote release included). */
export const MAX_GRANT_MS = MAX_REMOTE_RELEASE_MS;

type DoorActor = Actor<typeof doorMachine>;

/**
 * Runs the door machine against the point's I/O. Start order is the fail-safe order: the strike
 * is written locked (and the siren off) before any input is read, then the machine boots from
 * the fire input and the contact, then input watches begin.
 *
 * If the machine fails (an action threw: a GPIO write, a grant's outcome callback), the failure
 * is recorded (`door.machine-error`), the outputs are forced safe (strike locked unless the fire
 * input is active, siren off), pending grants end `stopped`, and a fresh machine boots from the
 * inputs as at process start. More than `restartPolicy.maxRestarts` failures within
 * `restartPolicy.windowMs` leave the door `faulted`: no machine, the strike follows the fire
 * input directly (released while active, else locked), the siren stays off.
 *
 * stop(): unwatch all inputs, stop the actor (its timers go with it), switch the siren off and
 * leave the strike LOCKED — unless the fire input is active at that moment, then RELEASED (an
 * escape door must not lock during a fire because our process stopped). Pending grants end with
 * outcome `stopped`.
 */
export class DoorController {
  private actor: DoorActor | undefined;
  private running = false;
  private faulted = false;
  /** The grant being sent right now: if the machine fails on it, it was never accepted. */
  private grantInFlight: number | undefined;
  /** Monotonic times of the machine restarts within the policy window. */
  private restarts: number[] = [];
  private readonly machine;
  private readonly policy: RestartPolicy;
  private unwatch: Unwatch[] = [];
  private readonly listeners = new Set<(view: DoorView) => void>();
  private readonly recordListeners = new Set<(record: DoorRecord) => void>();
  private readonly pendingOutcome = new Map<number, (outcome: GrantOutcome, grantId: number) => void>();
  private nextGrantId = 1;
  private lastView: string | undefined;

  constructor(private readonly deps: DoorControllerDeps) {
    const { io } = deps;
    this.policy = deps.restartPolicy ?? DEFAULT_RESTART_POLICY;
    this.machine = doorMachine.provide({
      actions: {
        strike: (_, params) => io.strike.write(params.released),
        siren: (_, params) => io.siren.write(params.on),
        record: (_, params) => this.handleRecord(params.type, params.data ?? {}),
      },
    });
  }

  start(): void {
    if (this.running) return;
    const { io } = this.deps;
    // 1. Safe outputs before anything else.
    io.strike.write(false);
    io.siren.write(false);
    this.running = true;
    this.faulted = false;
    this.restarts = [];
    // 2. Boot the machine from the inputs.
    this.startActor();
    // 2b. Alarms left open by a previous run (kill -9) whose condition is gone now.
    if (this.deps.alarms) clearStaleDoorAlarms(this.deps.alarms, { contactOpen: safeRead(io.contact), fire: safeRead(io.fireAlarm) }, this.deps.logger);
    // 3. Input watches (synchronous after the boot read: no change can slip in between).
    this.unwatch.push(
      io.contact.watch((open) => this.send({ type: open ? 'CONTACT_OPEN' : 'CONTACT_CLOSE' })),
      io.exitButton.watch((pressed) => {
        if (pressed) this.send({ type: 'EXIT' });
      }),
      io.fireAlarm.watch((active) => this.send({ type: active ? 'FIRE_ON' : 'FIRE_OFF' })),
    );
    this.notify();
  }

  stop(): void {
    if (!this.running) return;
    this.running = false;
    for (const u of this.unwatch.splice(0)) u();
    const actor = this.actor;
    this.actor = undefined;
    actor?.stop();
    this.faulted = false;
    this.forceSafeOutputs();
    this.endPendingGrants();
    this.listeners.clear();
    this.recordListeners.clear();
  }

  /** Release the strike for `durationMs` (default: the profile's grantMs). */
  grant(request: GrantRequest): GrantResult {
    const grantId = this.nextGrantId++;
    const actor = this.actor;
    if (!actor) return { accepted: false, grantId, reason: 'not-running' };
    const durationMs = request.durationMs ?? this.deps.timing.grantMs;
    if (!Number.isInteger(durationMs) || durationMs <= 0 || durationMs > MAX_GRANT_MS) {
      return { accepted: false, grantId, reason: 'invalid-duration' };
    }
    if (request.onOutcome) this.pendingOutcome.set(grantId, request.onOutcome);
    this.grantInFlight = grantId;
    try {
      actor.send({ type: 'GRANT', grantId, durationMs, reason: request.reason });
    } finally {
      this.grantInFlight = undefined;
    }
    if (this.actor !== actor) {
      // the machine failed on this grant (and was restarted or faulted): not granted
      this.pendingOutcome.delete(grantId);
      return { accepted: false, grantId, reason: 'not-running' };
    }
    const state = this.view().state;
    if (state === 'granted' && actor.getSnapshot().context.grantId === grantId) {
      return { accepted: true, grantId };
    }
    this.pendingOutcome.delete(grantId);
    return { accepted: false, grantId, reason: state === 'fireClosed' || state === 'fireOpen' ? 'fire' : 'door-open' };
  }

  state(): DoorView {
    return this.view();
  }

  onChange(listener: (view: DoorView) => void): Unwatch {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Every door fact, after it was recorded (the entry flow listens here). */
  onRecord(listener: (record: DoorRecord) => void): Unwatch {
    this.recordListeners.add(listener);
    return () => this.recordListeners.delete(listener);
  }

  private handleRecord(type: DoorRecordType, data: Record<string, unknown>): void {
    // The recorder never throws: the door keeps working when the ledger fails (disk full).
    this.deps.record(type, data);
    this.toAlarmModel(type, data);
    if (type === 'door.grant-ended') {
      const id = data['grantId'];
      const outcome = data['outcome'];
      if (typeof id === 'number') {
        const cb = this.pendingOutcome.get(id);
        this.pendingOutcome.delete(id);
        if (cb) this.callOutcome(cb, outcome as GrantOutcome, id);
      }
    }
    for (const l of [...this.recordListeners]) {
      try {
        l({ type, data });
      } catch (err) {
        this.deps.logger.error({ err, type }, 'door: record listener failed');
      }
    }
  }

  private send(event: DoorEvent): void {
    if (this.actor) {
      this.actor.send(event);
      return;
    }
    if (!this.running || !this.faulted) return;
    // No machine any more: the fire input still releases the escape door.
    if (event.type === 'FIRE_ON' || event.type === 'FIRE_OFF') {
      const fire = event.type === 'FIRE_ON';
      safeWrite(this.deps.io.strike, fire, this.deps.logger);
      this.recordSafely(fire ? 'alarm.fire' : 'alarm.fire-cleared', { faulted: true });
    }
    this.notify();
  }

  /** Create and start a machine that boots from the inputs as read now. */
  private startActor(): void {
    const { io } = this.deps;
    const boot = { fireAlarm: io.fireAlarm.read(), contactOpen: io.contact.read() };
    const actor = createActor(this.machine, {
      clock: this.deps.clock,
      input: { timing: this.deps.timing, boot },
    });
    this.actor = actor;
    actor.subscribe({
      next: () => this.notify(),
      // errors of a machine already replaced (or stopped) are not ours to handle again
      error: (err) => {
        if (this.actor === actor) this.onActorError(actor, err);
      },
    });
    actor.start();
  }

  private view(): DoorView {
    const { io } = this.deps;
    const snapshot = this.actor?.getSnapshot();
    const state =
      snapshot && snapshot.status === 'active'
        ? doorStateName(snapshot.value)
        : this.faulted
          ? failSafeStateName(safeRead(io.fireAlarm), safeRead(io.contact))
          : 'locked';
    const alarms: DoorView['alarms'] = [];
    if (state === 'heldOpen') alarms.push('held-open');
    if (state === 'forcedOpen') alarms.push('forced-open');
    if (state === 'fireClosed' || state === 'fireOpen') alarms.push('fire');
    return {
      state,
      alarms,
      strikeReleased: io.strike.read(),
      sirenOn: io.siren.read(),
      contactOpen: io.contact.read(),
      grantId: snapshot?.status === 'active' ? snapshot.context.grantId : null,
      faulted: this.faulted,
    };
  }

  private notify(): void {
    if (this.listeners.size === 0) return;
    const view = this.view();
    const key = JSON.stringify(view);
    if (key === this.lastView) return;
    this.lastView = key;
    for (const l of [...this.listeners]) {
      try {
        l(view);
      } catch (err) {
        this.deps.logger.error({ err }, 'door: change listener failed');
      }
    }
  }

  /**
   * An action threw (e.g. a GPIO write): this machine is dead and deaf. Fail safe at once, record
   * it, and boot a fresh machine from the inputs, unless it keeps failing (then: faulted).
   */
  private onActorError(actor: DoorActor, err: unknown): void {
    this.actor = undefined;
    actor.stop(); // drops its delayed events
    this.deps.logger.error({ err }, 'door: state machine failed; forcing safe outputs');
    this.forceSafeOutputs();
    this.endPendingGrants();
    const now = this.deps.clock.monotonic();
    this.restarts = this.restarts.filter((t) => now - t < this.policy.windowMs);
    const restart = this.running && this.restarts.length < this.policy.maxRestarts;
    this.recordSafely('door.machine-error', {
      error: err instanceof Error ? err.message : String(err),
      action: restart ? 'restarted' : 'faulted',
      restartsInWindow: this.restarts.length,
    });
    if (restart) {
      this.restarts.push(now);
      this.startActor();
    } else if (this.running) {
      this.faulted = true;
      this.deps.logger.error(
        { restarts: this.restarts.length, windowMs: this.policy.windowMs },
        'door: state machine keeps failing; door stays fail-safe (locked, released on fire) until restart',
      );
    }
    this.notify();
  }

  /** Strike locked unless the fire input is active (then released), siren off. */
  private forceSafeOutputs(): void {
    const { io } = this.deps;
    safeWrite(io.strike, safeRead(io.fireAlarm), this.deps.logger);
    safeWrite(io.siren, false, this.deps.logger);
  }

  private endPendingGrants(): void {
    const pending = [...this.pendingOutcome].filter(([id]) => id !== this.grantInFlight);
    for (const [id] of pending) this.pendingOutcome.delete(id);
    for (const [id, cb] of pending) this.callOutcome(cb, 'stopped', id);
  }

  private callOutcome(cb: (outcome: GrantOutcome, grantId: number) => void, outcome: GrantOutcome, id: number): void {
    try {
      cb(outcome, id);
    } catch (err) {
      this.deps.logger.error({ err, grantId: id }, 'door: grant outcome callback failed');
    }
  }

  private recordSafely(type: EventType, data: Record<string, unknown>): void {
    this.deps.record(type, data);
    this.toAlarmModel(type, data);
  }

  private toAlarmModel(type: string, data: Record<string, unknown>): void {
    if (this.deps.alarms) passToAlarmModel(this.deps.alarms, type, data, this.deps.timing.heldOpenAfterMs, this.deps.logger);
  }
}

/** The state the view shows when no machine runs (faulted): derived from the inputs. */
function failSafeStateName(fire: boolean, contactOpen: boolean): DoorStateName {
  if (fire) return contactOpen ? 'fireOpen' : 'fireClosed';
  return contactOpen ? 'open' : 'locked';
}

function safeRead(input: DigitalInput): boolean {
  try {
    return input.read();
  } catch {
    return false;
  }
}

function safeWrite(output: DigitalOutput, level: boolean, logger: Logger): void {
  try {
    output.write(level);
  } catch (err) {
    logger.error({ err, output: output.name }, 'door: writing an output failed');
  }
}

/** The door feature for the composition root: the controller, started by `start()` (outputs to their safe level first). */
export function createDoorController(deps: DoorControllerDeps): DoorController {
  return new DoorController(deps);
}
