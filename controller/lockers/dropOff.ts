/**
 * A courier's drop-off session: runs `dropOffMachine`, validates every input before it becomes
 * an event (a refused input leaves the state as it was and says why), reserves the best-fitting
 * free compartment in the same ledger append that chooses it, opens it once, and records
 * `parcel.deposited` with the assigned pickup-code id when the door is seen closed.
 */
import type { RecordFn } from '../ledger/recorder.ts';
import { createActor, type Actor } from 'xstate';
import type { Clock } from '../../firmware-bridge/platform/clock.ts';
import type { LockerPayloads } from '../contract/events/lockers.ts';
import { dropOffMachine, type DropOffStateName } from '../machines/lockers/dropOffMachine.ts';
import type { OpenRunner } from './openRunner.ts';
import type { AlarmSink, CourierVerifier, TimeSource } from './ports.ts';
import { refused, type Refused } from './refusals.ts';
import { SIZES, type LockerState, type Size } from './state.ts';

/** Printable parcel references: 4..64 of letters, digits, `-`, `/`, `.`, `_`, spaces inside. */
export const REFERENCE_PATTERN = /^[A-Za-z0-9][A-Za-z0-9 ./_-]{2,62}[A-Za-z0-9]$/;

export type StepResult = { ok: true; state: DropOffStateName; compartment?: string } | Refused;

export interface DropOffDeps {
  state: LockerState;
  runner: OpenRunner;
  couriers: CourierVerifier;
  time: TimeSource;
  alarms: AlarmSink;
  clock: Clock;
  record: RecordFn;
  outOfService: (compartment: string, reason: string, detail: string) => void;
  newId: (prefix: string) => string;
  idleMs: number;
  onEnded: (s: DropOffSession) => void;
}

export class DropOffSession {
  readonly sessionId: string;
  private readonly actor: Actor<typeof dropOffMachine>;
  private courier: { courierId: string; credentialId: string } | null = null;
  private size: Size | null = null;
  private codeId: string | null = null;
  private pendingOpen: Promise<StepResult> | null = null;

  constructor(private readonly deps: DropOffDeps) {
    this.sessionId = deps.newId('dropoff');
    const machine = dropOffMachine.provide({
      actions: {
        open: () => {},
        deposit: ({ context }) => this.deposit(context.reference ?? '', context.compartment ?? ''),
        end: () => this.end(),
      },
    });
    this.actor = createActor(machine, { input: { idleMs: deps.idleMs }, clock: deps.clock });
    this.actor.start();
  }

  state(): DropOffStateName {
    return this.actor.getSnapshot().value as DropOffStateName;
  }

  /** Parcels deposited in this session. */
  deposited(): number {
    return this.actor.getSnapshot().context.deposited;
  }

  compartment(): string | null {
    return this.actor.getSnapshot().context.compartment;
  }

  credential(token: unknown): StepResult {
    if (this.state() !== 'awaitingCredential') return this.wrongStep('credential');
    const v = this.deps.couriers.verify(token);
    if (!v.ok) {
      this.deps.record('courier.refused', {
        reason: v.reason,
        credentialId: v.credentialId ?? null,
        role: v.role ?? null,
      } satisfies LockerPayloads['courier.refused']);
      if (v.reason === 'not-a-courier') return refused('not-a-courier', `credential ${v.credentialId ?? '?'} has role ${v.role ?? '?'}, not courier`);
      if (v.reason === 'expired') return refused('credential-expired', 'credential expired');
      if (v.reason === 'revoked') return refused('credential-revoked', 'credential revoked');
      return refused('credential-invalid', v.reason);
    }
    this.courier = { courierId: v.courierId, credentialId: v.credentialId };
    this.actor.send({ type: 'COURIER', courierId: v.courierId });
    return { ok: true, state: this.state() };
  }

  reference(text: unknown): StepResult {
    if (this.state() !== 'awaitingReference') return this.wrongStep('reference');
    if (typeof text !== 'string' || !REFERENCE_PATTERN.test(text.trim()))
      return refused('reference-invalid', 'parcel reference must be 4..64 printable characters (letters, digits, space . / _ -)');
    this.actor.send({ type: 'REFERENCE', reference: text.trim() });
    return { ok: true, state: this.state() };
  }

  /** Choose a size: reserves the best fit and opens it; resolves with the open's outcome. */
  chooseSize(size: unknown): Promise<StepResult> {
    if (this.state() !== 'awaitingSize') return Promise.resolve(this.wrongStep('size'));
    if (typeof size !== 'string' || !SIZES.includes(size as Size))
      return Promise.resolve(refused('size-invalid', `size must be S, M or L, got ${JSON.stringify(size)}`));
    const s = size as Size;
    const { state, record } = this.deps;
    const code = state.nextCode(this.deps.time.now());
    if (!code) {
      record('locker.codes-exhausted', { courierId: this.courier!.courierId });
      this.deps.alarms.raise('locker.codes-exhausted', {
        source: 'locker',
        kind: 'codes-exhausted',
        severity: 'warning',
        reason: 'no valid unassigned pickup code left at this point',
      });
      return Promise.resolve(refused('no-pickup-code', 'no valid unassigned pickup code in the pool'));
    }
    const c = state.bestFit(s);
    if (!c) {
      record('locker.full', { size: s, courierId: this.courier!.courierId, free: state.freeCount() } satisfies LockerPayloads['locker.full']);
      return Promise.resolve(refused('no-free-compartment', `no free compartment of size ${s} or larger`));
    }
    // choose and reserve in one synchronous step: nothing can take it in between
    record('compartment.reserved', {
      compartment: c.id,
      size: c.size,
      requested: s,
      sessionId: this.sessionId,
    } satisfies LockerPayloads['compartment.reserved']);
    this.size = s;
    this.codeId = code.codeId;
    this.actor.send({ type: 'COMPARTMENT', compartment: c.id });
    this.pendingOpen = this.open(c.id);
    return this.pendingOpen;
  }

  /** The door of the current compartment was seen closed (from the open runner). */
  cancel(): StepResult {
    const s = this.state();
    if (s === 'opening' || s === 'awaitingClose') return this.wrongStep('cancel');
    this.actor.send({ type: 'CANCEL' });
    return { ok: true, state: this.state() };
  }

  stop(): void {
    this.actor.stop();
  }

  private async open(compartment: string): Promise<StepResult> {
    const result = await this.deps.runner.open({
      compartment,
      purpose: 'drop-off',
      onClosed: () => this.actor.send({ type: 'DOOR_CLOSED' }),
    });
    if (result.outcome === 'open') {
      this.actor.send({ type: 'OPENED' });
      return { ok: true, state: this.state(), compartment };
    }
    this.deps.outOfService(compartment, result.outcome, result.detail);
    this.actor.send({ type: 'OPEN_FAILED' });
    const offer = this.size ? this.deps.state.bestFit(this.size)?.size : undefined;
    return refused('compartment-failed', `compartment ${compartment}: ${result.detail}`, offer ? { offer } : {});
  }

  private deposit(reference: string, compartment: string): void {
    const courier = this.courier!;
    const parcelId = this.deps.newId('parcel');
    this.deps.record('parcel.deposited', {
      parcelId,
      reference,
      compartment,
      size: this.deps.state.compartments.get(compartment)?.size ?? this.size ?? 'S',
      codeId: this.codeId ?? '',
      courierId: courier.courierId,
      credentialId: courier.credentialId,
      depositedAt: Math.trunc(this.deps.time.now()),
    } satisfies LockerPayloads['parcel.deposited']);
    this.codeId = null;
  }

  private end(): void {
    for (const c of this.deps.state.compartments.values()) {
      if (c.status === 'reserved' && c.sessionId === this.sessionId) {
        this.deps.record('compartment.released', {
          compartment: c.id,
          sessionId: this.sessionId,
          reason: 'session-ended',
        } satisfies LockerPayloads['compartment.released']);
      }
    }
    this.deps.onEnded(this);
  }

  private wrongStep(step: string): Refused {
    return refused('wrong-step', `${step} does not fit the drop-off state ${this.state()}`);
  }
}
