import type { TemperatureReading } from '../../hardware/ports.ts';

/**
 * Which probe values are temperatures. A fridge or freezer never legitimately reads below
 * −40 °C or above 60 °C; 85.0 °C is the DS18B20's power-on register value (a power glitch or a
 * read before conversion), not a measurement. Such a value is refused with a reason and is never
 * stored as a temperature: it counts as a probe fault.
 */
export const PLAUSIBLE_MIN_TENTHS = -400;
export const PLAUSIBLE_MAX_TENTHS = 600;
const DS18B20_POWER_ON_TENTHS = 850;

export type ProbeFault = 'crc' | 'power-on-value' | 'missing' | 'read-error' | 'implausible' | 'timeout';

export type Plausible = { ok: true; tenths: number } | { ok: false; fault: ProbeFault; reason: string };

/** Classify one raw probe reading: a temperature in integer tenths of °C, or a refusal with its reason. */
export function plausibleTenths(reading: TemperatureReading): Plausible {
  if (!reading.ok) return { ok: false, fault: reading.fault, reason: `probe ${reading.probeId}: ${reading.fault} (${reading.detail})` };
  const c = reading.celsius;
  if (typeof c !== 'number' || !Number.isFinite(c)) {
    return { ok: false, fault: 'implausible', reason: `probe ${reading.probeId}: ${String(c)} is not a number of degrees` };
  }
  const tenths = Math.round(c * 10);
  if (tenths === DS18B20_POWER_ON_TENTHS) {
    return { ok: false, fault: 'power-on-value', reason: `probe ${reading.probeId}: 85.0 °C is the DS18B20 power-on value, not a measurement` };
  }
  if (tenths < PLAUSIBLE_MIN_TENTHS || tenths > PLAUSIBLE_MAX_TENTHS) {
    return {
      ok: false,
      fault: 'implausible',
      reason: `probe ${reading.probeId}: ${c} °C is outside the plausible range −40.0..60.0 °C for a fridge`,
    };
  }
  return { ok: true, tenths: tenths === 0 ? 0 : tenths }; // no -0 in the record
}

/** 42 -> "4.2 °C", -180 -> "-18.0 °C". */
export function formatTenths(tenths: number): string {
  return `${(tenths / 10).toFixed(1)} °C`;
}
