import type { TemperatureProbe, TemperatureReading } from '../ports.ts';

type Fault = Extract<TemperatureReading, { ok: false }>['fault'];

/** A temperature probe whose reading the simulation (or a test) sets. */
export class SimulatedTemperatureProbe implements TemperatureProbe {
  private state: { celsius: number } | { fault: Fault; detail: string };

  constructor(
    readonly id: string,
    readonly name: string,
    celsius = 4,
  ) {
    this.state = { celsius };
  }

  setCelsius(celsius: number): void {
    if (!Number.isFinite(celsius)) throw new Error(`celsius must be a finite number, got ${String(celsius)}`);
    this.state = { celsius };
  }

  setFault(fault: Fault, detail = 'simulated fault'): void {
    this.state = { fault, detail };
  }

  async read(): Promise<TemperatureReading> {
    const s = this.state;
    return 'celsius' in s ? { ok: true, probeId: this.id, celsius: s.celsius } : { ok: false, probeId: this.id, fault: s.fault, detail: s.detail };
  }

  /** The last set state, for a UI. */
  peek(): { celsius: number } | { fault: Fault; detail: string } {
    return { ...this.state };
  }
}
