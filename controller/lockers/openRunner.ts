/**
 * Runs `lockerOpenMachine` for each open request: the machine's `sendOpen` entry action is the
 * one place an open reaches the lock board (through `recordedOpen`, ledger first), at most once
 * per request, and at most one request per compartment at a time. After the board's answer the
 * lock is read back (`readBackAfterMs` later); a lock still latched counts as not opened. A door
 * left open past `heldOpenMs` raises an alarm (cleared when it closes). `notOpened` / `unknown`
 * put the compartment out of service (by the caller, through `onFailed`).
 */
import type { RecordFn } from '../ledger/recorder.ts';
import type { EventType } from '../contract/events/index.ts';
import { createActor, type Actor } from 'xstate';
import type { Clock } from '../../firmware-bridge/platform/clock.ts';
import type { Logger } from '../../firmware-bridge/platform/logger.ts';
import { lockerOpenMachine, type LockerOpenStateName } from '../machines/lockers/openMachine.ts';
import type { AlarmSink, LockerHardware } from './ports.ts';
import { recordedOpen } from './recordedOpen.ts';

export type OpenOutcome = { outcome: 'open'; requestId: string } | { outcome: 'not-opened' | 'unknown' | 'refused'; requestId: string; detail: string };

export interface OpenRequest {
  compartment: string;
  purpose: 'drop-off' | 'pickup' | 'remote' | 'other';
  /** The door was seen closed again after the open (also after a held-open alarm). */
  onClosed?: () => void;
}

export interface OpenRunnerDeps {
  hardware: LockerHardware;
  record: RecordFn;
  alarms: AlarmSink;
  clock: Clock;
  logger: Logger;
  heldOpenMs: number;
  readBackAfterMs: number;
}

interface Running {
  actor: Actor<typeof lockerOpenMachine>;
  openedAtMono: number;
  request: OpenRequest;
}

let counter = 0;

export class OpenRunner {
  private readonly running = new Map<string, Running>();
  private readonly timers = new Set<unknown>();
  private stopped = false;

  constructor(private readonly deps: OpenRunnerDeps) {}

  /** The compartments with an open request in progress, and the machine state of each. */
  active(): Map<string, LockerOpenStateName> {
    return new Map([...this.running].map(([id, r]) => [id, r.actor.getSnapshot().value as LockerOpenStateName]));
  }

  /** Resolves when the board's answer and the read-back are known (the door may still be open). */
  open(req: OpenRequest): Promise<OpenOutcome> {
    const requestId = `open-${Math.trunc(this.deps.clock.now())}-${++counter}`;
    if (this.stopped) return Promise.resolve({ outcome: 'refused', requestId, detail: 'lockers are stopping' });
    if (this.running.has(req.compartment))
      return Promise.resolve({ outcome: 'refused', requestId, detail: `compartment ${req.compartment} is already being opened` });
    const { deps } = this;
    return new Promise<OpenOutcome>((resolve) => {
      let settled = false;
      /** the board's or the read-back's words for a failed open */
      let failDetail = '';
      const lastDetail = (state: string): string => failDetail || state;
      const settle = (o: OpenOutcome): void => {
        if (!settled) {
          settled = true;
          resolve(o);
        }
      };
      const alarmKey = `locker.held-open:${req.compartment}`;
      const machine = lockerOpenMachine.provide({
        actions: {
          sendOpen: () => {
            void recordedOpen({ hardware: deps.hardware, record: deps.record, logger: deps.logger }, req.compartment, { requestId, purpose: req.purpose }).then(
              (r) => {
                if (r.result !== 'opened') failDetail = r.detail;
                if (r.result === 'opened') actor.send({ type: 'OPENED', confirmedBy: r.confirmedBy });
                else if (r.result === 'not-opened') actor.send({ type: 'NOT_OPENED', reason: r.reason, detail: r.detail });
                else if (r.result === 'unknown') actor.send({ type: 'UNKNOWN', reason: r.reason, detail: r.detail });
                else actor.send({ type: 'REFUSED', detail: r.detail });
              },
              (err: unknown) => {
                failDetail = String(err);
                actor.send({ type: 'UNKNOWN', reason: 'error', detail: failDetail });
              },
            );
          },
          readBack: () => {
            const t = deps.clock.setTimeout(() => {
              this.timers.delete(t);
              void deps.hardware.readCompartment(req.compartment).then(
                (r) => {
                  if (!r.ok) actor.send({ type: 'READ_FAILED', detail: r.detail });
                  else if (r.latched) {
                    failDetail = 'read-back after the open shows the lock still latched';
                    this.safeRecord('locker.not-opened', {
                      compartment: req.compartment,
                      ...this.where(req.compartment),
                      reason: 'still-latched',
                      detail: 'read-back after the open shows the lock still latched',
                      requestId,
                    });
                    actor.send({ type: 'READ_LATCHED' });
                  } else actor.send({ type: 'READ_OPEN' });
                },
                (err: unknown) => actor.send({ type: 'READ_FAILED', detail: String(err) }),
              );
            }, deps.readBackAfterMs);
            this.timers.add(t);
          },
          raiseHeldOpen: () => {
            const openMs = Math.round(deps.clock.monotonic() - (this.running.get(req.compartment)?.openedAtMono ?? deps.clock.monotonic()));
            this.safeRecord('locker.held-open', { compartment: req.compartment, requestId, openMs });
            deps.alarms.raise(alarmKey, { source: 'locker', kind: 'held-open', severity: 'warning', reason: `compartment ${req.compartment} left open` });
          },
          clearHeldOpen: () => deps.alarms.clear(alarmKey, 'door closed'),
        },
      });
      const actor = createActor(machine, { input: { compartment: req.compartment, requestId, heldOpenMs: deps.heldOpenMs }, clock: deps.clock });
      const entry: Running = { actor, openedAtMono: deps.clock.monotonic(), request: req };
      this.running.set(req.compartment, entry);
      actor.subscribe({
        next: (s) => {
          const state = s.value as LockerOpenStateName;
          if (state === 'open' || state === 'heldOpen') {
            settle({ outcome: 'open', requestId });
            // a door that is already shut again (polled) counts as closed
            this.checkClosed(req.compartment);
          } else if (state === 'closed') {
            const openMs = Math.round(deps.clock.monotonic() - entry.openedAtMono);
            this.safeRecord('locker.closed', { compartment: req.compartment, requestId, openMs });
            this.finish(req.compartment, actor);
            req.onClosed?.();
          } else if (state === 'notOpened' || state === 'unknown' || state === 'refused') {
            this.finish(req.compartment, actor);
            settle({ outcome: state === 'notOpened' ? 'not-opened' : state, requestId, detail: lastDetail(state) });
          }
        },
        error: (err) => {
          deps.logger.error({ err, compartment: req.compartment }, 'locker open machine failed');
          this.finish(req.compartment, actor);
          settle({ outcome: 'unknown', requestId, detail: String(err) });
        },
      });
      actor.start();
    });
  }

  /** Hardware changed (a poll): send DOOR_CLOSED to requests whose door is latched again. */
  checkAll(): void {
    for (const id of [...this.running.keys()]) this.checkClosed(id);
  }

  stop(): void {
    this.stopped = true;
    for (const t of this.timers) this.deps.clock.clearTimeout(t);
    this.timers.clear();
    for (const [, r] of this.running) r.actor.stop();
    this.running.clear();
  }

  private checkClosed(id: string): void {
    const r = this.running.get(id);
    if (!r) return;
    const state = r.actor.getSnapshot().value as LockerOpenStateName;
    if (state !== 'open' && state !== 'heldOpen') return;
    const c = this.deps.hardware.compartments().find((x) => x.id === id);
    if (c?.latched === true) r.actor.send({ type: 'DOOR_CLOSED' });
  }

  private finish(id: string, actor: Actor<typeof lockerOpenMachine>): void {
    if (this.running.get(id)?.actor === actor) this.running.delete(id);
  }

  private where(id: string): { board: string | null; lock: number | null } {
    const c = this.deps.hardware.compartments().find((x) => x.id === id);
    return { board: c?.board ?? null, lock: c?.lock ?? null };
  }

  private safeRecord(type: EventType, data: Record<string, unknown>): void {
    try {
      this.deps.record(type, data);
    } catch (err) {
      this.deps.logger.error({ err, type }, 'could not record a locker event');
    }
  }
}
