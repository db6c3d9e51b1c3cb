/**
 * Port interfaces: what the controller sees of the physical world. Every value here is
 * *logical*: `true` means "active" (strike released, contact open, button pressed, alarm
 * raised). Polarity (active-low), pulls and pin numbers are the backend's and the hardware
 * profile's business, never the controller's.
 */

export interface DigitalOutput {
  readonly name: string;
  /** Drive the output; `true` = active (e.g. strike released, siren on). */
  write(active: boolean): void;
  /** The level last written (what the pin is driving now). */
  read(): boolean;
}

export type Unwatch = () => void;

export interface DigitalInput {
  readonly name: string;
  /** Current logical level. */
  read(): boolean;
  /** Called on every change of the logical level (after debounce, where configured). */
  watch(listener: (active: boolean) => void): Unwatch;
}

export type TemperatureReading =
  { ok: true; celsius: number; probeId: string } | { ok: false; probeId: string; fault: 'crc' | 'power-on-value' | 'missing' | 'read-error'; detail: string };

export interface TemperatureProbe {
  readonly id: string;
  read(): Promise<TemperatureReading>;
}

export interface OutputOptions {
  activeLow: boolean;
  /** The logical level written at start, before anything else ("safe level"). */
  initial: boolean;
}

export interface InputOptions {
  activeLow: boolean;
  pull: 'up' | 'down' | 'none';
}

export interface GpioStopOptions {
  /**
   * BCM numbers of outputs to leave driving their CURRENT level instead of the safe level, and
   * still claimed (sysfs: exported, so the pin keeps driving after the process exits). Used for
   * an escape door's strike while the fire-alarm input is active: it must not lock because our
   * process stops. Pins that are not claimed outputs are ignored.
   */
  hold?: readonly number[];
}

/** A GPIO backend hands out pins by BCM number and releases all of them on stop. */
export interface GpioBackend {
  readonly kind: 'sysfs-onoff' | 'fake';
  output(name: string, bcm: number, options: OutputOptions): DigitalOutput;
  input(name: string, bcm: number, options: InputOptions): DigitalInput;
  /** Drive every output to its safe level (except `options.hold`), then release every pin. */
  stop(options?: GpioStopOptions): Promise<void>;
}
