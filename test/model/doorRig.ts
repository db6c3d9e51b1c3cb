import { readFileSync } from 'node:fs';
import { createRecorder } from '../../controller/ledger/recorder.ts';
import type { LedgerEvent } from '../../controller/ledger/types.ts';
import { ManualClock, type Clock, type TimerHandle } from '../../firmware-bridge/platform/clock.ts';
import { createSilentLogger } from '../../firmware-bridge/platform/logger.ts';
import type { FakeGpio } from '../../hardware/gpio/fakeGpio.ts';
import { createPointIo, type PointIo } from '../../hardware/pointIo.ts';
import { bundledProfilePath, validateHardwareProfile } from '../../hardware/profile/load.ts';
import type { HardwareProfile } from '../../hardware/profile/schema.ts';
import type { DigitalInput, DigitalOutput, GpioBackend, Unwatch } from '../../hardware/ports.ts';
import { SimulatedPoint } from '../../hardware/sim/simulatedPoint.ts';
import type { BounceConfig } from '../../hardware/sim/simulatedDoor.ts';
import { DoorController } from '../../controller/machines/door/doorController.ts';
import type { DoorTiming } from '../../controller/machines/door/doorMachine.ts';

/**
 * The door under test: the simulated point (FakeGpio with the bundled `simulated` profile's
 * wiring and polarity, door physics, optional contact bounce) + the real createPointIo + a real
 * DoorController, all on one ManualClock.
 *
 * Each controller runs in a "process" whose timers and pin access die with it, so a crash is
 * simulated by dropping the process without stop(): pins keep their last electrical level and
 * nothing of the old process runs any more — what a SIGKILL leaves behind.
 */

interface Process {
  alive: boolean;
  controller: DoorController;
  io: PointIo;
}

export interface DoorRigOptions {
  timing?: Partial<HardwareProfile['door']['timing']>;
  fireDebounceMs?: number;
  bounce?: BounceConfig;
}

export function simulatedProfile(options: DoorRigOptions = {}): HardwareProfile {
  const raw = JSON.parse(readFileSync(bundledProfilePath('simulated'), 'utf8')) as HardwareProfile;
  raw.door.timing = { ...raw.door.timing, ...options.timing };
  if (options.fireDebounceMs !== undefined) raw.fireAlarm.debounceMs = options.fireDebounceMs;
  return validateHardwareProfile(raw, 'simulated.json (test overrides)');
}

export class DoorRig {
  readonly clock = new ManualClock();
  readonly profile: HardwareProfile;
  readonly sim: SimulatedPoint;
  readonly timing: DoorTiming;
  readonly records: Array<{ type: string; data: Record<string, unknown> }> = [];
  /** Make the ledger fail (disk full): every record call throws. */
  failRecording = false;
  private process: Process | undefined;
  private readonly bounceSettleMs: number;

  constructor(options: DoorRigOptions = {}) {
    this.profile = simulatedProfile(options);
    const t = this.profile.door.timing;
    this.timing = { grantMs: t.grantMs, exitGrantMs: t.exitGrantMs, heldOpenAfterMs: t.heldOpenAfterMs };
    this.sim = new SimulatedPoint({
      profile: this.profile,
      clock: this.clock,
      ...(options.bounce ? { bounce: options.bounce } : {}),
    });
    this.bounceSettleMs = options.bounce ? (options.bounce.transitions + 1) * options.bounce.everyMs : 0;
  }

  get gpio(): FakeGpio {
    return this.sim.gpio;
  }

  get strikePin(): { bcm: number; activeLow: boolean } {
    return this.profile.door.strike;
  }

  /** Time from a door movement until the controller sees it (bounce settling + debounce). */
  get contactSettleMs(): number {
    return this.bounceSettleMs + this.profile.door.timing.contactDebounceMs;
  }

  get exitDebounceMs(): number {
    return this.profile.door.timing.exitButtonDebounceMs;
  }

  get fireDebounceMs(): number {
    return this.profile.fireAlarm.debounceMs;
  }

  /** Start a controller in a fresh process on the same hardware (previous one must be gone). */
  boot(): DoorController {
    if (this.process?.alive) throw new Error('a controller process is still alive; stop() or crash() it first');
    const proc = { alive: true } as Process;
    const clock = processClock(this.clock, proc);
    proc.io = createPointIo(this.profile, processBackend(this.sim.gpio, proc), clock);
    proc.controller = new DoorController({
      io: proc.io,
      timing: this.timing,
      clock,
      // The point's recorder over a ledger that fails when told to (disk full): tryRecord logs and goes on.
      record: createRecorder(
        {
          appendChecked: (type, data) => {
            if (this.failRecording) throw new Error('SQLITE_FULL: database or disk is full');
            if (proc.alive) this.records.push({ type, data });
            return { seq: this.records.length } as LedgerEvent;
          },
        },
        createSilentLogger(),
      ).tryRecord,
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

  /** Orderly shutdown as the composition root does it: controller, then point I/O. */
  async stop(): Promise<void> {
    const proc = this.process;
    if (!proc?.alive) return;
    proc.controller.stop();
    await proc.io.stop();
    proc.alive = false;
  }

  /** SIGKILL: the process vanishes mid-state; pins keep driving their last level. */
  async crash(): Promise<void> {
    const proc = this.process;
    if (!proc?.alive) return;
    proc.alive = false;
    this.sim.gpio.forgetClaims(); // the kernel forgets the claims, not the levels
  }

  // ---- physical world (raw) ------------------------------------------------------------

  get strikeReleased(): boolean {
    return this.sim.strikeReleased;
  }

  get sirenOn(): boolean {
    return this.sim.sirenOn;
  }

  get doorOpen(): boolean {
    return this.sim.doorOpen;
  }

  push(): boolean {
    return this.sim.push();
  }

  force(): void {
    this.sim.force();
  }

  close(): void {
    this.sim.close();
  }

  setFireAlarm(active: boolean): void {
    this.sim.setFireAlarm(active);
  }

  /** Contact chatter without the door moving: raw contact "open" for `ms`, then back. */
  rattle(ms: number): void {
    const { bcm, activeLow } = this.profile.door.contact;
    const level = (open: boolean): 0 | 1 => (open !== activeLow ? 1 : 0);
    this.sim.gpio.setElectrical(bcm, level(true));
    this.clock.advance(ms);
    this.sim.gpio.setElectrical(bcm, level(this.sim.doorOpen));
  }

  // ---- physical world, settled (what a person does, until the controller has seen it) ----

  /** Push the door open and wait until the controller sees it; returns whether it gave. */
  pushOpen(): boolean {
    const gave = this.push();
    this.clock.advance(this.contactSettleMs);
    return gave;
  }

  forceOpen(): void {
    this.force();
    this.clock.advance(this.contactSettleMs);
  }

  closeDoor(): void {
    this.close();
    this.clock.advance(this.contactSettleMs);
  }

  /** Press and release the exit button; the press takes effect after the first debounce. */
  exit(): void {
    this.sim.pressExit();
    this.clock.advance(this.exitDebounceMs);
    this.sim.releaseExit();
    this.clock.advance(this.exitDebounceMs);
  }

  fire(active: boolean): void {
    this.setFireAlarm(active);
    this.clock.advance(this.fireDebounceMs);
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

/** The backend as one process sees it: dead processes neither write pins nor hear them. */
function processBackend(gpio: FakeGpio, proc: Process): GpioBackend {
  return {
    kind: gpio.kind,
    output: (name, bcm, options) => guardOutput(gpio.output(name, bcm, options), proc),
    input: (name, bcm, options) => guardInput(gpio.input(name, bcm, options), proc),
    stop: async (options) => {
      if (proc.alive) await gpio.stop(options);
    },
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
