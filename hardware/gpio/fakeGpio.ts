import type { DigitalInput, DigitalOutput, GpioBackend, GpioStopOptions, InputOptions, OutputOptions, Unwatch } from '../ports.ts';

/**
 * In-memory GPIO backend. It keeps *electrical* levels per BCM pin, so polarity bugs show up
 * in tests exactly as they would on a Pi: an active-low strike that is "released" reads
 * electrical 0 here. Simulators drive inputs with `setElectrical` and observe outputs with
 * `electrical` / `onOutputChange`.
 */
export class FakeGpio implements GpioBackend {
  readonly kind = 'fake' as const;
  private readonly levels = new Map<number, 0 | 1>();
  private readonly claimed = new Map<number, { name: string; direction: 'in' | 'out'; safeLevel?: 0 | 1 }>();
  private readonly pinListeners = new Map<number, Set<(level: 0 | 1) => void>>();
  private stopped = false;
  /** Every electrical write to an output, in order (for tests that check pulse sequences). */
  readonly writes: Array<{ bcm: number; level: 0 | 1 }> = [];

  output(name: string, bcm: number, options: OutputOptions): DigitalOutput {
    const toElectrical = (active: boolean): 0 | 1 => (active !== options.activeLow ? 1 : 0);
    this.claim(name, bcm, 'out', toElectrical(options.initial));
    this.drive(bcm, toElectrical(options.initial));
    return {
      name,
      write: (active) => {
        if (this.stopped) throw new Error(`GPIO backend stopped; cannot write ${name}`);
        this.drive(bcm, toElectrical(active));
      },
      read: () => (this.levels.get(bcm) === 1) !== options.activeLow,
    };
  }

  input(name: string, bcm: number, options: InputOptions): DigitalInput {
    this.claim(name, bcm, 'in');
    if (!this.levels.has(bcm)) this.levels.set(bcm, options.pull === 'up' ? 1 : 0);
    const logical = (level: 0 | 1): boolean => (level === 1) !== options.activeLow;
    return {
      name,
      read: () => logical(this.levels.get(bcm) ?? 0),
      watch: (listener): Unwatch => {
        let last = logical(this.levels.get(bcm) ?? 0);
        return this.onPin(bcm, (level) => {
          const now = logical(level);
          if (now !== last) {
            last = now;
            listener(now);
          }
        });
      },
    };
  }

  /** Simulator side: set the electrical level seen on an input pin. */
  setElectrical(bcm: number, level: 0 | 1): void {
    if (this.levels.get(bcm) === level) return;
    this.levels.set(bcm, level);
    for (const l of this.pinListeners.get(bcm) ?? []) l(level);
  }

  electrical(bcm: number): 0 | 1 | undefined {
    return this.levels.get(bcm);
  }

  /** Simulator side: observe electrical changes on any pin (outputs included). */
  onPin(bcm: number, listener: (level: 0 | 1) => void): Unwatch {
    let set = this.pinListeners.get(bcm);
    if (!set) {
      set = new Set();
      this.pinListeners.set(bcm, set);
    }
    set.add(listener);
    return () => set.delete(listener);
  }

  isClaimed(bcm: number): boolean {
    return this.claimed.has(bcm);
  }

  /**
   * Like the sysfs backend: drive every claimed output to its safe level, except the pins in
   * `options.hold` (left at their current level), then release every claim.
   */
  async stop(options: GpioStopOptions = {}): Promise<void> {
    const hold = new Set(options.hold ?? []);
    const outputs = [...this.claimed].filter(([bcm, c]) => c.safeLevel !== undefined && !hold.has(bcm));
    this.forgetClaims();
    for (const [bcm, c] of outputs) this.drive(bcm, c.safeLevel!);
  }

  /** The process died (SIGKILL): claims vanish, every pin keeps driving its last level. */
  forgetClaims(): void {
    this.stopped = true;
    this.claimed.clear();
  }

  private drive(bcm: number, level: 0 | 1): void {
    this.writes.push({ bcm, level });
    this.setElectrical(bcm, level);
  }

  private claim(name: string, bcm: number, direction: 'in' | 'out', safeLevel?: 0 | 1): void {
    const existing = this.claimed.get(bcm);
    if (existing) throw new Error(`GPIO ${bcm} is already used by "${existing.name}"; cannot use it for "${name}"`);
    this.claimed.set(bcm, safeLevel === undefined ? { name, direction } : { name, direction, safeLevel });
    this.stopped = false;
  }
}
