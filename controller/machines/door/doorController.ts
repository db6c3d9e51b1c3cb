import { createActor, type Actor } from 'xstate';
import type { Clock } from '../../../firmware-bridge/platform/clock.ts';
import type { Logger } from '../../../firmware-bridge/platform/logger.ts';
import type { DigitalInput, DigitalOutput, Unwatch } from '../../../hardware/ports.ts';
import {
  doorMachine,
  doorStateName,
  type DoorEvent,
  type DoorRecordType,
  type DoorStateName,
  type DoorTiming,
} from './doorMachine.ts';

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

export type RecordFn = (type: string, data: Record<string, unknown>) => void;

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
}

/** Plain-JSON view for the live UI and the HTTP API. */
export interface DoorView {
  state: DoorStateName;
  alarms: Array<'held-open' | 'forced-open' | 'fire'>;
  strikeReleased: boolean;
  sirenOn: boolean;
  contactOpen: boolean;
  grantId: number | null;
}

export type GrantOutcome = 'opened' | 'expired' | 'superseded' | 'fire' | 'stopped';

export interface GrantRequest {
  reason: string;
  durationMs?: number;
  /** Called once with what became of the grant (only if it was accepted). */
  onOutcome?: (outcome: GrantOutcome, grantId: number) => void;
}

export type GrantResult =
  | { accepted: true; grantId: number }
  | { accepted: false; grantId: number; reason: 'door-open' | 'fire' | 'not-running' | 'invalid-duration' };

/** Longest grant anyone may ask for (an operator's remote release included). */
export const MAX_GRANT_MS = 60_000;

type DoorActor = Actor<typeof doorMachine>;

/**
 * Runs the door machine against the point's I/O. Start order is the fail-safe order: the strike
 * is written locked (and the siren off) before any input is read, then the machine boots from
 * the fire input and the contact, then input watches begin.
 *
 * stop(): unwatch all inputs, stop the actor (its timers go with it), switch the siren off and
 * leave the strike LOCKED — unless the fire input is active at that moment, then RELEASED (an
 * escape door must not lock during a fire because our process stopped). Pending grants end with
 * outcome `stopped`.
 */
export class DoorController {
  private actor: DoorActor | undefined;
  private unwatch: Unwatch[] = [];
  private readonly listeners = new Set<(view: DoorView) => void>();
  private readonly recordListeners = new Set<(record: DoorRecord) => void>();
  private readonly pendingOutcome = new Map<number, (outcome: GrantOutcome, grantId: number) => void>();
  private nextGrantId = 1;
  private lastView: string | undefined;

  constructor(private readonly deps: DoorControllerDeps) {}

  start(): void {
    if (this.actor) return;
    const { io } = this.deps;
    // 1. Safe outputs before anything else.
    io.strike.write(false);
    io.siren.write(false);
    // 2. Boot inputs.
    const boot = { fireAlarm: io.fireAlarm.read(), contactOpen: io.contact.read() };
    const machine = doorMachine.provide({
      actions: {
        strike: (_, params) => io.strike.write(params.released),
        siren: (_, params) => io.siren.write(params.on),
        record: (_, params) => this.handleRecord(params.type, params.data ?? {}),
      },
    });
    const actor = createActor(machine, {
      clock: this.deps.clock,
      input: { timing: this.deps.timing, boot },
    });
    this.actor = actor;
    actor.subscribe({
      next: () => this.notify(),
      error: (err) => this.onActorError(err),
    });
    actor.start();
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
    const actor = this.actor;
    if (!actor) return;
    for (const u of this.unwatch.splice(0)) u();
    this.actor = undefined;
    actor.stop();
    const { io } = this.deps;
    const fire = safeRead(io.fireAlarm);
    safeWrite(io.strike, fire, this.deps.logger);
    safeWrite(io.siren, false, this.deps.logger);
    for (const [id, cb] of this.pendingOutcome) cb('stopped', id);
    this.pendingOutcome.clear();
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
    actor.send({ type: 'GRANT', grantId, durationMs, reason: request.reason });
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
    try {
      this.deps.record(type, data);
    } catch (err) {
      // The door keeps working when the ledger fails (disk full): safety before bookkeeping.
      this.deps.logger.error({ err, type }, 'door: recording an event failed');
    }
    if (type === 'door.grant-ended') {
      const id = data['grantId'];
      const outcome = data['outcome'];
      if (typeof id === 'number') {
        const cb = this.pendingOutcome.get(id);
        this.pendingOutcome.delete(id);
        if (cb) cb(outcome as GrantOutcome, id);
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
    this.actor?.send(event);
  }

  private view(): DoorView {
    const { io } = this.deps;
    const snapshot = this.actor?.getSnapshot();
    const state = snapshot && snapshot.status === 'active' ? doorStateName(snapshot.value) : 'locked';
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
      grantId: snapshot?.context.grantId ?? null,
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

  /** An action threw (e.g. a GPIO write): the actor is dead. Fail secure, loudly. */
  private onActorError(err: unknown): void {
    this.deps.logger.error({ err }, 'door: state machine failed; forcing safe outputs');
    const { io } = this.deps;
    safeWrite(io.strike, safeRead(io.fireAlarm), this.deps.logger);
    safeWrite(io.siren, false, this.deps.logger);
    try {
      this.deps.record('door.controller-failed', { error: err instanceof Error ? err.message : String(err) });
    } catch {
      // already logged above
    }
  }
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
