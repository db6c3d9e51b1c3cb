import type { Clock, TimerHandle } from '../../firmware-bridge/platform/clock.ts';
import { FakeGpio } from '../gpio/fakeGpio.ts';
import type { Unwatch } from '../ports.ts';
import type { HardwareProfile } from '../profile/schema.ts';
import { SimulatedDoor, type BounceConfig } from './simulatedDoor.ts';
import { SimulatedTemperatureProbe } from './simulatedProbe.ts';

export interface SimulatedPointOptions {
  profile: HardwareProfile;
  clock: Clock;
  bounce?: BounceConfig;
}

/** Plain JSON for a UI: what a person standing at the point would see and hear. */
export interface SimulatedPointSnapshot {
  pointId: string;
  strikeReleased: boolean;
  sirenOn: boolean;
  doorOpen: boolean;
  /** Raw (undebounced) contact level; differs from doorOpen while the contact bounces. */
  contactActive: boolean;
  exitPressed: boolean;
  fireAlarm: boolean;
  probes: Array<{ id: string; name: string; celsius: number | null; fault: string | null }>;
  /** Electrical levels per signal (null = pin never driven). */
  pins: Array<{ signal: string; bcm: number; activeLow: boolean; level: 0 | 1 | null }>;
}

/**
 * The simulated point: a FakeGpio wired like `profile`, a door with a strike, an exit button,
 * a fire-alarm input, a siren and temperature probes. The controller gets its ports exactly as
 * on a Pi: `createPointIo(profile, sim.gpio, clock)`. Construct the SimulatedPoint BEFORE
 * createPointIo so the inputs already sit at their idle electrical levels when claimed.
 */
export class SimulatedPoint {
  readonly gpio = new FakeGpio();
  readonly door: SimulatedDoor;
  readonly probes: ReadonlyMap<string, SimulatedTemperatureProbe>;
  private readonly profile: HardwareProfile;
  private readonly clock: Clock;
  private readonly listeners = new Set<(snapshot: SimulatedPointSnapshot) => void>();
  private readonly unwatches: Unwatch[] = [];
  private exitRelease: TimerHandle | undefined;
  private exitPressedState = false;
  private fireAlarmState = false;
  private lastEmitted = '';

  constructor(options: SimulatedPointOptions) {
    const { profile, clock } = options;
    this.profile = profile;
    this.clock = clock;
    this.door = new SimulatedDoor({
      gpio: this.gpio,
      clock,
      strike: profile.door.strike,
      contact: profile.door.contact,
      ...(options.bounce ? { bounce: options.bounce } : {}),
    });
    this.gpio.setElectrical(profile.door.exitButton.bcm, this.level(false, profile.door.exitButton.activeLow));
    this.gpio.setElectrical(profile.fireAlarm.bcm, this.level(false, profile.fireAlarm.activeLow));
    this.probes = new Map((profile.temperature?.probes ?? []).map((p) => [p.id, new SimulatedTemperatureProbe(p.id, p.name)]));
    for (const { bcm } of this.wiring()) this.unwatches.push(this.gpio.onPin(bcm, () => this.emit()));
    this.lastEmitted = JSON.stringify(this.snapshot());
  }

  /** A person pushes the door; it opens only if the strike is released. */
  push(): boolean {
    return this.door.push();
  }

  force(): void {
    this.door.force();
  }

  close(): void {
    this.door.close();
  }

  pressExit(): void {
    this.cancelTap();
    this.exitPressedState = true;
    this.gpio.setElectrical(this.profile.door.exitButton.bcm, this.level(true, this.profile.door.exitButton.activeLow));
  }

  releaseExit(): void {
    this.cancelTap();
    this.exitPressedState = false;
    this.gpio.setElectrical(this.profile.door.exitButton.bcm, this.level(false, this.profile.door.exitButton.activeLow));
  }

  /** Press the exit button and release it after `holdMs` (clock-driven), like a person would. */
  tapExit(holdMs = 300): void {
    this.pressExit();
    this.exitRelease = this.clock.setTimeout(() => {
      this.exitRelease = undefined;
      this.releaseExit();
    }, holdMs);
  }

  setFireAlarm(active: boolean): void {
    this.fireAlarmState = active;
    this.gpio.setElectrical(this.profile.fireAlarm.bcm, this.level(active, this.profile.fireAlarm.activeLow));
  }

  get strikeReleased(): boolean {
    return this.door.strikeReleased;
  }

  get sirenOn(): boolean {
    const level = this.gpio.electrical(this.profile.siren.bcm);
    return level !== undefined && (level === 1) !== this.profile.siren.activeLow;
  }

  get doorOpen(): boolean {
    return this.door.isOpen;
  }

  get exitPressed(): boolean {
    return this.exitPressedState;
  }

  get fireAlarmActive(): boolean {
    return this.fireAlarmState;
  }

  snapshot(): SimulatedPointSnapshot {
    const contact = this.profile.door.contact;
    const contactLevel = this.gpio.electrical(contact.bcm);
    return {
      pointId: this.profile.point.id,
      strikeReleased: this.strikeReleased,
      sirenOn: this.sirenOn,
      doorOpen: this.doorOpen,
      contactActive: contactLevel !== undefined && (contactLevel === 1) !== contact.activeLow,
      exitPressed: this.exitPressedState,
      fireAlarm: this.fireAlarmState,
      probes: [...this.probes.values()].map((p) => {
        const s = p.peek();
        return 'celsius' in s ? { id: p.id, name: p.name, celsius: s.celsius, fault: null } : { id: p.id, name: p.name, celsius: null, fault: s.fault };
      }),
      pins: this.wiring().map(({ signal, bcm, activeLow }) => ({ signal, bcm, activeLow, level: this.gpio.electrical(bcm) ?? null })),
    };
  }

  /** Called with a fresh snapshot whenever any simulated pin changes level. */
  onChange(listener: (snapshot: SimulatedPointSnapshot) => void): Unwatch {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Probe readings changed by a test or UI do not move pins; call this to push a snapshot. */
  notify(): void {
    this.emit();
  }

  /** Drop listeners and pending timers (bounce, exit tap). Does not stop the GPIO backend. */
  stop(): void {
    this.cancelTap();
    this.door.stop();
    for (const u of this.unwatches.splice(0)) u();
    this.listeners.clear();
  }

  private wiring(): Array<{ signal: string; bcm: number; activeLow: boolean }> {
    const p = this.profile;
    return [
      { signal: 'door.strike', ...p.door.strike },
      { signal: 'door.contact', bcm: p.door.contact.bcm, activeLow: p.door.contact.activeLow },
      { signal: 'door.exitButton', bcm: p.door.exitButton.bcm, activeLow: p.door.exitButton.activeLow },
      { signal: 'fireAlarm', bcm: p.fireAlarm.bcm, activeLow: p.fireAlarm.activeLow },
      { signal: 'siren', ...p.siren },
    ];
  }

  private level(active: boolean, activeLow: boolean): 0 | 1 {
    return active !== activeLow ? 1 : 0;
  }

  private cancelTap(): void {
    if (this.exitRelease !== undefined) this.clock.clearTimeout(this.exitRelease);
    this.exitRelease = undefined;
  }

  private emit(): void {
    const snap = this.snapshot();
    const text = JSON.stringify(snap);
    if (text === this.lastEmitted) return;
    this.lastEmitted = text;
    for (const l of [...this.listeners]) l(snap);
  }
}
