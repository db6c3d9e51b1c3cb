import { ManualClock, type Clock, type TimerHandle } from '../../firmware-bridge/platform/clock.ts';
import { createSilentLogger } from '../../firmware-bridge/platform/logger.ts';
import { debounce } from '../../hardware/gpio/debounce.ts';
import { FakeGpio } from '../../hardware/gpio/fakeGpio.ts';
import type { DigitalInput, DigitalOutput, Unwatch } from '../../hardware/ports.ts';
import { DoorController, type DoorIo } from '../../controller/machines/door/doorController.ts';
import type { DoorTiming } from '../../controller/machines/door/doorMachine.ts';

/**
 * A simulated door on FakeGpio (electrical levels, real polarity) plus "processes": each
 * controller runs in a process whose timers and pin access die with it, so a crash can be
 * simulated by dropping the process without calling stop() — exactly what a SIGKILL leaves
 * behind: pins keep their last electrical level, nothing of the old process runs any more.
 *
 * Wiring (like a typical Pi install): strike relay active-low on BCM 17 (so a polarity bug
 * shows up as a released strike), siren active-high on BCM 27, contact on BCM 22 (reed to GND,
 * pull-up: electrical 1 = open), exit button BCM 23 (to GND, pull-up, active-low), fire-alarm
 * relay contact BCM 24 (active-high).
 */
export const PINS = { strike: 17, siren: 27, contact: 22, exit: 23, fire: 24 } as const;
const STRIKE_ACTIVE_LOW = true;

export const DEFAULT_TIMING: DoorTiming = { grantMs: 5_000, exitGrantMs: 3_000, heldOpenAfterMs: 60_000 };
export const DEFAULT_DEBOUNCE_MS = 50;

interface Process {
  alive: boolean;
  controller: DoorController;
}

export interface DoorRigOptions {
  timing?: Partial<DoorTiming>;
  contactDebounceMs?: number;
}

export class DoorRig {
  readonly clock = new ManualClock();
  readonly gpio = new FakeGpio();
  readonly timing: DoorTiming;
  readonly contactDebounceMs: number;
  readonly records: Array<{ type: string; data: Record<string, unknown> }> = [];
  /** Make the ledger fail (disk full): every record call throws. */
  failRecording = false;
  private process: Process | undefined;
  private doorIsOpen = false;

  constructor(options: DoorRigOptions = {}) {
    this.timing = { ...DEFAULT_TIMING, ...options.timing };
    this.contactDebounceMs = options.contactDebounceMs ?? DEFAULT_DEBOUNCE_MS;
    // The wires exist before any process: door closed, button up, no fire.
    this.gpio.setElectrical(PINS.contact, 0);
    this.gpio.setElectrical(PINS.exit, 1);
    this.gpio.setElectrical(PINS.fire, 0);
  }

  /** Start a controller in a fresh process on the same hardware (previous one must be gone). */
  boot(): DoorController {
    if (this.process?.alive) throw new Error('a controller process is still alive; stop() or crash() it first');
    const proc: Process = { alive: true, controller: undefined as unknown as DoorController };
    const io = this.createIo(proc);
    proc.controller = new DoorController({
      io,
      timing: this.timing,
      clock: processClock(this.clock, proc),
      record: (type, data) => {
        if (this.failRecording) throw new Error('SQLITE_FULL: database or disk is full');
        if (proc.alive) this.records.push({ type, data });
      },
      logger: createSilentLogger(),
    });
    this.process = proc;
    proc.controller.start();
    return proc.controller;
  }

  get controller(): DoorController {
    if (!this.process?.alive) throw new Error('no controller running');
    return this.process.controller;
  }

  /** Orderly shutdown of the running controller. */
  async stop(): Promise<void> {
    const proc = this.process;
    if (!proc?.alive) return;
    proc.controller.stop();
    proc.alive = false;
    await this.gpio.stop();
  }

  /** SIGKILL: the process vanishes mid-state; pins keep driving their last level. */
  async crash(): Promise<void> {
    const proc = this.process;
    if (!proc?.alive) return;
    proc.alive = false;
    await this.gpio.stop();
  }

  // ---- physical world -------------------------------------------------------------------

  /** Electrical truth of the strike: released? (polarity applied here, not by the controller). */
  get strikeReleased(): boolean {
    const level = this.gpio.electrical(PINS.strike);
    return STRIKE_ACTIVE_LOW ? level === 0 : level === 1;
  }

  get sirenOn(): boolean {
    return this.gpio.electrical(PINS.siren) === 1;
  }

  get doorOpen(): boolean {
    return this.doorIsOpen;
  }

  /** A person pushes the door: it opens only while the strike is electrically released. */
  push(): boolean {
    if (this.doorIsOpen) return true;
    if (!this.strikeReleased) return false;
    this.setDoor(true);
    return true;
  }

  /** Someone forces the door (crowbar): it opens whatever the strike does. */
  force(): void {
    this.setDoor(true);
  }

  close(): void {
    this.setDoor(false);
  }

  /** Contact chatter: open for `ms`, then closed again (door rattled in the wind). */
  bounce(ms: number): void {
    this.gpio.setElectrical(PINS.contact, 1);
    this.clock.advance(ms);
    this.gpio.setElectrical(PINS.contact, this.doorIsOpen ? 1 : 0);
  }

  pressExit(): void {
    this.gpio.setElectrical(PINS.exit, 0);
  }

  releaseExit(): void {
    this.gpio.setElectrical(PINS.exit, 1);
  }

  setFireAlarm(active: boolean): void {
    this.gpio.setElectrical(PINS.fire, active ? 1 : 0);
  }

  private setDoor(open: boolean): void {
    this.doorIsOpen = open;
    this.gpio.setElectrical(PINS.contact, open ? 1 : 0);
  }

  private createIo(proc: Process): DoorIo {
    const clock = processClock(this.clock, proc);
    // Outputs first, with the safe level (as hardware/pointIo does).
    const strike = guardOutput(
      this.gpio.output('strike', PINS.strike, { activeLow: STRIKE_ACTIVE_LOW, initial: false }),
      proc,
    );
    const siren = guardOutput(this.gpio.output('siren', PINS.siren, { activeLow: false, initial: false }), proc);
    const contactRaw = guardInput(this.gpio.input('contact', PINS.contact, { activeLow: false, pull: 'up' }), proc);
    const exitButton = guardInput(this.gpio.input('exit', PINS.exit, { activeLow: true, pull: 'up' }), proc);
    const fireAlarm = guardInput(this.gpio.input('fire', PINS.fire, { activeLow: false, pull: 'down' }), proc);
    return { strike, siren, contact: debounce(contactRaw, this.contactDebounceMs, clock), exitButton, fireAlarm };
  }
}

function processClock(clock: ManualClock, proc: Process): Clock {
  return {
    now: () => clock.now(),
    monotonic: () => clock.monotonic(),
    setTimeout: (fn: () => void, ms: number): TimerHandle =>
      clock.setTimeout(() => {
        if (proc.alive) fn();
      }, ms),
    clearTimeout: (h: TimerHandle) => clock.clearTimeout(h),
  };
}

function guardOutput(output: DigitalOutput, proc: Process): DigitalOutput {
  return {
    name: output.name,
    write: (active) => {
      if (proc.alive) output.write(active);
    },
    read: () => output.read(),
  };
}

function guardInput(input: DigitalInput, proc: Process): DigitalInput {
  return {
    name: input.name,
    read: () => input.read(),
    watch: (listener): Unwatch =>
      input.watch((active) => {
        if (proc.alive) listener(active);
      }),
  };
}
