import type { Logger } from '../../firmware-bridge/platform/logger.ts';
import type { DigitalInput, DigitalOutput, GpioBackend, GpioStopOptions, InputOptions, OutputOptions, Unwatch } from '../ports.ts';
import { findGpioChip, globalGpioNumber, type GpioChipInfo } from './chipBase.ts';

/**
 * GPIO backend over `onoff` (sysfs). onoff is an optional dependency (native `epoll` addon,
 * Linux only), so it is loaded lazily in `start()`; tests inject a fake class via `loadGpio`.
 *
 * Polarity is applied HERE, not by the kernel: every pin is configured with sysfs
 * `active_low = 0` (clearing a stale setting a previous process may have left) and this class
 * translates logical <-> electrical levels. Reason: the sysfs direction values `high`/`low`
 * that set an output's level atomically as it becomes an output are *raw* electrical levels,
 * so mixing them with kernel-side active_low invites exactly the polarity bug that opens a
 * door at boot.
 *
 * Pins are addressed by BCM number and mapped to global sysfs numbers through the header
 * chip's base (see chipBase.ts). sysfs cannot set pull resistors: configure them in
 * config.txt (`gpio=<bcm>=ip,pu|pd`) or wire external resistors.
 */

export type OnoffLevel = 0 | 1;

/** The part of onoff's `Gpio` instance this backend uses. */
export interface OnoffGpioPin {
  readSync(): OnoffLevel;
  writeSync(value: OnoffLevel): void;
  watch(callback: (err: Error | null | undefined, value: OnoffLevel) => void): void;
  unwatchAll(): void;
  unexport(): void;
}

/** The part of onoff's `Gpio` class this backend uses (structural, so tests can fake it). */
export interface OnoffGpioClass {
  new (
    gpio: number,
    direction: 'in' | 'out' | 'high' | 'low',
    edge: 'none' | 'rising' | 'falling' | 'both',
    options: { activeLow: boolean; reconfigureDirection: boolean },
  ): OnoffGpioPin;
  readonly accessible: boolean;
}

export interface OnoffGpioOptions {
  logger: Logger;
  /** sysfs root, default `/sys` (tests: a fixture directory). */
  sysRoot?: string;
  /** Loads onoff's Gpio class; default: dynamic `import('onoff')`. */
  loadGpio?: () => Promise<OnoffGpioClass>;
}

async function importOnoff(): Promise<OnoffGpioClass> {
  // A variable specifier keeps tsc from requiring the optional package at type-check time.
  const specifier = 'onoff';
  const mod = (await import(specifier)) as { Gpio?: OnoffGpioClass; default?: { Gpio?: OnoffGpioClass } };
  const Gpio = mod.Gpio ?? mod.default?.Gpio;
  if (!Gpio) throw new Error("module 'onoff' has no Gpio export");
  return Gpio;
}

interface ClaimedPin {
  name: string;
  bcm: number;
  global: number;
  pin: OnoffGpioPin;
  /** Electrical level to leave an output at on stop; undefined for inputs. */
  safeLevel: OnoffLevel | undefined;
}

export class OnoffGpio implements GpioBackend {
  readonly kind = 'sysfs-onoff' as const;
  private Gpio: OnoffGpioClass | undefined;
  private chipInfo: GpioChipInfo | undefined;
  private readonly claimed = new Map<number, ClaimedPin>();
  private readonly logger: Logger;

  constructor(private readonly options: OnoffGpioOptions) {
    this.logger = options.logger.child({ component: 'gpio-onoff' });
  }

  /** Load onoff, check sysfs access, find the header chip. Throws a clear error on failure. */
  async start(): Promise<void> {
    let Gpio: OnoffGpioClass;
    try {
      Gpio = await (this.options.loadGpio ?? importOnoff)();
    } catch (err) {
      throw new Error(
        `GPIO backend 'sysfs-onoff' needs the optional package onoff 6.0.3 (with its epoll addon), ` +
          `which could not be loaded: ${(err as Error).message}. Install it on the Pi or use gpio backend 'fake'.`,
      );
    }
    if (!Gpio.accessible) {
      throw new Error(
        `GPIO backend 'sysfs-onoff': /sys/class/gpio/export is not writable (not a Raspberry Pi, no sysfs GPIO, ` +
          `or the user lacks the 'gpio' group). Use gpio backend 'fake' on other machines.`,
      );
    }
    this.chipInfo = await findGpioChip(this.options.sysRoot === undefined ? {} : { sysRoot: this.options.sysRoot });
    this.Gpio = Gpio;
    this.logger.info({ chip: this.chipInfo }, 'GPIO header chip found');
  }

  /** The header chip in use (after start). */
  get chip(): GpioChipInfo | undefined {
    return this.chipInfo;
  }

  output(name: string, bcm: number, options: OutputOptions): DigitalOutput {
    const toElectrical = (active: boolean): OnoffLevel => (active !== options.activeLow ? 1 : 0);
    const safe = toElectrical(options.initial);
    // Direction 'high'/'low' makes the pin an output already driving the safe level (no glitch);
    // the explicit write re-asserts it in case the pin was exported and configured before.
    const claimed = this.claim(name, bcm, safe === 1 ? 'high' : 'low', 'none', safe);
    claimed.pin.writeSync(safe);
    let current = options.initial;
    return {
      name,
      write: (active) => {
        if (!this.claimed.has(bcm)) throw new Error(`GPIO output "${name}" (BCM ${bcm}) is released; cannot write`);
        claimed.pin.writeSync(toElectrical(active));
        current = active;
      },
      read: () => current,
    };
  }

  input(name: string, bcm: number, options: InputOptions): DigitalInput {
    const claimed = this.claim(name, bcm, 'in', 'both', undefined);
    if (options.pull !== 'none') {
      this.logger.info(
        { name, bcm, pull: options.pull },
        `sysfs cannot set pull resistors: pull-${options.pull} on BCM ${bcm} must come from config.txt ` +
          `(gpio=${bcm}=ip,p${options.pull === 'up' ? 'u' : 'd'}) or an external resistor`,
      );
    }
    const logical = (level: OnoffLevel): boolean => (level === 1) !== options.activeLow;
    const listeners = new Set<(active: boolean) => void>();
    let last = logical(claimed.pin.readSync());
    claimed.pin.watch((err, value) => {
      if (err) {
        this.logger.warn({ name, bcm, err: err.message }, 'GPIO input interrupt error');
        return;
      }
      const now = logical(value);
      if (now === last) return;
      last = now;
      for (const l of [...listeners]) l(now);
    });
    return {
      name,
      read: () => logical(claimed.pin.readSync()),
      watch: (listener): Unwatch => {
        listeners.add(listener);
        return () => listeners.delete(listener);
      },
    };
  }

  /**
   * Drive every output to its safe level, then unwatch and unexport every pin. Outputs in
   * `options.hold` keep their current level and stay EXPORTED: unexporting hands the line back
   * to the pin controller, which on a Pi makes it an input again (the relay then follows the
   * boot pull), so only an exported pin keeps driving after the process exits.
   */
  async stop(options: GpioStopOptions = {}): Promise<void> {
    const hold = new Set(options.hold ?? []);
    const failures: string[] = [];
    const pins = [...this.claimed.values()];
    this.claimed.clear();
    const held = pins.filter((p) => p.safeLevel !== undefined && hold.has(p.bcm));
    const released = pins.filter((p) => !held.includes(p));
    for (const p of released) {
      if (p.safeLevel === undefined) continue;
      try {
        p.pin.writeSync(p.safeLevel);
      } catch (err) {
        failures.push(`${p.name} (BCM ${p.bcm}) safe level: ${(err as Error).message}`);
      }
    }
    for (const p of released) {
      try {
        p.pin.unwatchAll();
        p.pin.unexport();
      } catch (err) {
        failures.push(`${p.name} (BCM ${p.bcm}) unexport: ${(err as Error).message}`);
      }
    }
    if (held.length > 0) {
      this.logger.warn({ held: held.map((p) => ({ name: p.name, bcm: p.bcm })) }, 'GPIO outputs left driving their current level and exported on stop');
    }
    if (failures.length > 0) {
      this.logger.error({ failures }, 'GPIO release incomplete');
      throw new Error(`GPIO release incomplete: ${failures.join('; ')}`);
    }
  }

  private claim(name: string, bcm: number, direction: 'in' | 'high' | 'low', edge: 'none' | 'both', safeLevel: OnoffLevel | undefined): ClaimedPin {
    const Gpio = this.Gpio;
    const chip = this.chipInfo;
    if (!Gpio || !chip) throw new Error(`GPIO backend 'sysfs-onoff' not started; cannot claim "${name}"`);
    const existing = this.claimed.get(bcm);
    if (existing) throw new Error(`GPIO ${bcm} is already used by "${existing.name}"; cannot use it for "${name}"`);
    const global = globalGpioNumber(chip, bcm);
    let pin: OnoffGpioPin;
    try {
      pin = new Gpio(global, direction, edge, { activeLow: false, reconfigureDirection: true });
    } catch (err) {
      throw new Error(`Cannot claim "${name}" on BCM ${bcm} (sysfs gpio${global}, ${chip.name} base ${chip.base}): ${(err as Error).message}`);
    }
    const claimed: ClaimedPin = { name, bcm, global, pin, safeLevel };
    this.claimed.set(bcm, claimed);
    return claimed;
  }
}

/** Construct and start an onoff backend. */
export async function createOnoffGpio(options: OnoffGpioOptions): Promise<OnoffGpio> {
  const gpio = new OnoffGpio(options);
  await gpio.start();
  return gpio;
}
