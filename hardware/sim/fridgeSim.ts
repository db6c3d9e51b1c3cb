import type { Clock } from '../../firmware-bridge/platform/clock.ts';
import type { DigitalInput, DigitalOutput, TemperatureProbe, TemperatureReading, Unwatch } from '../ports.ts';

/**
 * A fridge as a thermal model on the injected clock, for the simulated point and tests. The air
 * temperature follows Newton's law of cooling towards the ambient (faster with the door open),
 * a compressor driven by its own thermostat pulls it down, a defrost heater pushes it up while
 * `defrostHeaterOn(at)` says so. Time is integrated lazily in fixed steps whenever anything is
 * read, so a test can run a night in milliseconds by moving a ManualClock.
 *
 * Upsets (the virtual point page's buttons): open/close the door, cut/restore power (compressor
 * off, probe silent), break/repair the compressor, set the ambient, break the probe (a fault, or a stuck raw value such as
 * the DS18B20's 85 °C), repair it. The controller sees it only through the ports: `probe`,
 * `door` (active = open) and `compressorCut` (the relay: active = compressor cut).
 */

export interface FridgeSimOptions {
  clock: Clock;
  /** Probe id the controller knows (e.g. the 1-wire id from the profile). */
  probeId: string;
  name?: string;
  setpointC: number;
  /** Thermostat band: compressor on above setpoint + band/2, off below setpoint − band/2. */
  bandC?: number;
  ambientC?: number;
  initialC?: number;
  /** Newton coefficients per hour, door closed / open. */
  leakPerHour?: number;
  doorLeakPerHour?: number;
  /** Cooling of a running compressor, °C per hour. */
  coolingCPerHour?: number;
  /** Heating of the defrost heater, °C per hour. */
  defrostHeatCPerHour?: number;
  /** Whether the defrost heater runs at wall time `at` (the fridge's own defrost timer). */
  defrostHeaterOn?: (at: number) => boolean;
  /** Integration step. */
  stepMs?: number;
}

type ProbeFault = Extract<TemperatureReading, { ok: false }>['fault'];

export interface FridgeSimView {
  name: string;
  airC: number;
  setpointC: number;
  ambientC: number;
  compressorOn: boolean;
  defrosting: boolean;
  doorOpen: boolean;
  powered: boolean;
  compressorBroken: boolean;
  probe: 'ok' | ProbeFault | 'stuck';
}

const HOUR = 3_600_000;

function checkC(what: string, c: number, min: number, max: number): number {
  if (typeof c !== 'number' || !Number.isFinite(c) || c < min || c > max) {
    throw new RangeError(`${what} must be a temperature between ${min} and ${max} °C, got ${String(c)}`);
  }
  return c;
}

export class FridgeSim {
  readonly probe: TemperatureProbe;
  readonly door: DigitalInput;
  readonly compressorCut: DigitalOutput;
  readonly name: string;

  private readonly clock: Clock;
  private readonly o: Required<Omit<FridgeSimOptions, 'clock' | 'name' | 'initialC' | 'ambientC'>>;
  private air: number;
  private ambient: number;
  private compressorOn = false;
  private doorOpen = false;
  private powered = true;
  private cut = false;
  private compressorBroken = false;
  private probeState: { kind: 'ok' } | { kind: 'fault'; fault: ProbeFault } | { kind: 'stuck'; celsius: number } = { kind: 'ok' };
  private lastMono: number;
  private readonly doorListeners = new Set<(open: boolean) => void>();

  constructor(options: FridgeSimOptions) {
    this.clock = options.clock;
    this.name = options.name ?? options.probeId;
    this.o = {
      probeId: options.probeId,
      setpointC: checkC('setpoint', options.setpointC, -40, 20),
      bandC: options.bandC ?? 1,
      leakPerHour: options.leakPerHour ?? 0.1,
      doorLeakPerHour: options.doorLeakPerHour ?? 3,
      coolingCPerHour: options.coolingCPerHour ?? (options.setpointC < -5 ? 10 : 6),
      defrostHeatCPerHour: options.defrostHeatCPerHour ?? 12,
      defrostHeaterOn: options.defrostHeaterOn ?? (() => false),
      stepMs: options.stepMs ?? 10_000,
    };
    this.ambient = checkC('ambient', options.ambientC ?? 21, -30, 50);
    this.air = checkC('initial temperature', options.initialC ?? options.setpointC, -40, 60);
    this.lastMono = this.clock.monotonic();

    const sim = this;
    this.probe = {
      id: options.probeId,
      read: async () => sim.readProbe(),
    };
    this.door = {
      name: `${this.name} door`,
      read: () => sim.doorOpen,
      watch(listener): Unwatch {
        sim.doorListeners.add(listener);
        return () => sim.doorListeners.delete(listener);
      },
    };
    this.compressorCut = {
      name: `${this.name} compressor relay`,
      write(active) {
        sim.advance();
        sim.cut = active;
      },
      read: () => sim.cut,
    };
  }

  /** Integrate the model up to now. */
  advance(): void {
    const nowMono = this.clock.monotonic();
    const nowWall = this.clock.now();
    let t = this.lastMono;
    while (t < nowMono) {
      const dt = Math.min(this.o.stepMs, nowMono - t);
      const at = nowWall - (nowMono - t);
      const heater = this.powered && this.o.defrostHeaterOn(at);
      const k = this.doorOpen ? this.o.doorLeakPerHour : this.o.leakPerHour;
      const half = this.o.bandC / 2;
      if (!this.powered || heater || this.cut || this.compressorBroken) this.compressorOn = false;
      else if (this.air > this.o.setpointC + half) this.compressorOn = true;
      else if (this.air < this.o.setpointC - half) this.compressorOn = false;
      const perHour = -k * (this.air - this.ambient) - (this.compressorOn ? this.o.coolingCPerHour : 0) + (heater ? this.o.defrostHeatCPerHour : 0);
      this.air += (perHour * dt) / HOUR;
      t += dt;
    }
    this.lastMono = nowMono;
  }

  private readProbe(): TemperatureReading {
    this.advance();
    const id = this.o.probeId;
    if (!this.powered) return { ok: false, probeId: id, fault: 'missing', detail: 'no power on the probe bus' };
    const s = this.probeState;
    if (s.kind === 'fault') return { ok: false, probeId: id, fault: s.fault, detail: 'simulated probe fault' };
    if (s.kind === 'stuck') return { ok: true, probeId: id, celsius: s.celsius };
    return { ok: true, probeId: id, celsius: Math.round(this.air * 16) / 16 }; // DS18B20 12-bit steps
  }

  private setDoor(open: boolean): void {
    this.advance();
    if (this.doorOpen === open) return;
    this.doorOpen = open;
    for (const l of [...this.doorListeners]) l(open);
  }

  openDoor(): void {
    this.setDoor(true);
  }

  closeDoor(): void {
    this.setDoor(false);
  }

  cutPower(): void {
    this.advance();
    this.powered = false;
  }

  restorePower(): void {
    this.advance();
    this.powered = true;
  }

  /** The compressor stops working (the fridge keeps power, the probe keeps reading). */
  breakCompressor(): void {
    this.advance();
    this.compressorBroken = true;
  }

  repairCompressor(): void {
    this.advance();
    this.compressorBroken = false;
  }

  setAmbient(celsius: number): void {
    checkC('ambient', celsius, -30, 50);
    this.advance();
    this.ambient = celsius;
  }

  /** The probe reports a fault until repaired. */
  breakProbe(fault: ProbeFault = 'missing'): void {
    this.probeState = { kind: 'fault', fault };
  }

  /** The probe reports this raw value (e.g. 85 °C power-on value, −127 °C) until repaired; deliberately not range-checked. */
  stickProbe(celsius: number): void {
    if (typeof celsius !== 'number' || Number.isNaN(celsius)) throw new RangeError(`a stuck probe value must be a number, got ${String(celsius)}`);
    this.probeState = { kind: 'stuck', celsius };
  }

  repairProbe(): void {
    this.probeState = { kind: 'ok' };
  }

  /** Current air temperature (°C), integrated up to now. */
  airC(): number {
    this.advance();
    return this.air;
  }

  view(): FridgeSimView {
    this.advance();
    const s = this.probeState;
    return {
      name: this.name,
      airC: Math.round(this.air * 10) / 10,
      setpointC: this.o.setpointC,
      ambientC: this.ambient,
      compressorOn: this.compressorOn,
      defrosting: this.powered && this.o.defrostHeaterOn(this.clock.now()),
      doorOpen: this.doorOpen,
      powered: this.powered,
      compressorBroken: this.compressorBroken,
      probe: s.kind === 'ok' ? 'ok' : s.kind === 'stuck' ? 'stuck' : s.fault,
    };
  }
}
