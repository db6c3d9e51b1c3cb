import type { Clock, TimerHandle } from '../../firmware-bridge/platform/clock.ts';
import type { FakeGpio } from '../gpio/fakeGpio.ts';
import type { Unwatch } from '../ports.ts';

/** Contact bounce on every door movement: `transitions` extra flips, one every `everyMs`. */
export interface BounceConfig {
  transitions: number;
  everyMs: number;
}

export interface PinWiring {
  bcm: number;
  activeLow: boolean;
}

export interface SimulatedDoorOptions {
  gpio: FakeGpio;
  clock: Clock;
  /** The strike output the controller drives (read electrically, per polarity). */
  strike: PinWiring;
  /** The contact input the door drives (door open = contact active). */
  contact: PinWiring;
  bounce?: BounceConfig;
}

export function validateBounce(bounce: BounceConfig | undefined): BounceConfig {
  const b = bounce ?? { transitions: 0, everyMs: 1 };
  if (!Number.isInteger(b.transitions) || b.transitions < 0 || b.transitions > 100) {
    throw new Error(`bounce.transitions must be an integer 0..100, got ${String(b.transitions)}`);
  }
  if (!Number.isFinite(b.everyMs) || b.everyMs <= 0 || b.everyMs > 10_000) {
    throw new Error(`bounce.everyMs must be > 0 and <= 10000, got ${String(b.everyMs)}`);
  }
  return { transitions: b.transitions, everyMs: b.everyMs };
}

/**
 * The physics of one door with an electric strike: it can be pushed open only while the strike
 * pin is electrically at its "released" level; it can always be forced (break-in) and closed
 * (the strike's latch lets a door shut while locked). The contact pin follows the door, with
 * optional bounce timed by the injected clock.
 */
export class SimulatedDoor {
  private open = false;
  private bounceTimers: TimerHandle[] = [];
  private readonly listeners = new Set<() => void>();
  private readonly bounce: BounceConfig;

  constructor(private readonly options: SimulatedDoorOptions) {
    this.bounce = validateBounce(options.bounce);
    // Closed door from the start, before anyone claims the contact pin.
    options.gpio.setElectrical(options.contact.bcm, this.contactLevel(false));
  }

  get isOpen(): boolean {
    return this.open;
  }

  /** Whether the strike pin is electrically released (an unclaimed, undriven pin holds the door). */
  get strikeReleased(): boolean {
    const level = this.options.gpio.electrical(this.options.strike.bcm);
    return level !== undefined && (level === 1) !== this.options.strike.activeLow;
  }

  /** A person pushes the door. Returns whether it is open afterwards (already open = true). */
  push(): boolean {
    if (this.open) return true;
    if (!this.strikeReleased) return false;
    this.setOpen(true);
    return true;
  }

  /** Break-in: opens the door whatever the strike does. */
  force(): void {
    if (!this.open) this.setOpen(true);
  }

  /** The door swings shut. */
  close(): void {
    if (this.open) this.setOpen(false);
  }

  /** Door open/closed changes (not contact bounce). */
  onChange(listener: () => void): Unwatch {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Cancel pending bounce (the contact settles at once) and drop listeners. */
  stop(): void {
    this.cancelBounce();
    this.options.gpio.setElectrical(this.options.contact.bcm, this.contactLevel(this.open));
    this.listeners.clear();
  }

  private contactLevel(open: boolean): 0 | 1 {
    return open !== this.options.contact.activeLow ? 1 : 0;
  }

  private cancelBounce(): void {
    for (const t of this.bounceTimers) this.options.clock.clearTimeout(t);
    this.bounceTimers = [];
  }

  private setOpen(open: boolean): void {
    this.open = open;
    this.cancelBounce();
    const { gpio, clock, contact } = this.options;
    const target = this.contactLevel(open);
    const other: 0 | 1 = target === 1 ? 0 : 1;
    gpio.setElectrical(contact.bcm, target);
    const { transitions, everyMs } = this.bounce;
    for (let i = 1; i <= transitions; i++) {
      this.bounceTimers.push(clock.setTimeout(() => gpio.setElectrical(contact.bcm, i % 2 === 1 ? other : target), i * everyMs));
    }
    if (transitions > 0) {
      this.bounceTimers.push(
        clock.setTimeout(
          () => {
            this.bounceTimers = [];
            gpio.setElectrical(contact.bcm, target);
          },
          (transitions + 1) * everyMs,
        ),
      );
    }
    for (const l of [...this.listeners]) l();
  }
}
