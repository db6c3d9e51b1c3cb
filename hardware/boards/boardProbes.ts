import type { TemperatureProbe, TemperatureReading } from '../ports.ts';
import type { Health } from './status.ts';

/**
 * Board temperature sensors as `TemperatureProbe`s for the fridges: the boards are polled by
 * their handles (boardHandles.ts); a probe read returns the last polled value, or a fault when
 * the board is lost or has not answered yet — never a stale number dressed as a reading.
 */

interface Polled {
  health(): Health;
}

function lost(probeId: string, h: Health): TemperatureReading | null {
  if (h.status !== 'lost') return null;
  return { ok: false, probeId, fault: 'missing', detail: `board lost${h.detail ? `: ${h.detail}` : ''}` };
}

/** A Modbus temperature/humidity sensor (ModbusHandle with kind temperature: `last = { temperatureC, humidityPct }`). */
export function modbusTemperatureProbe(id: string, handle: Polled & { last: unknown }): TemperatureProbe {
  return {
    id,
    async read() {
      const down = lost(id, handle.health());
      if (down) return down;
      const last = handle.last as { temperatureC?: unknown } | null;
      const c = last?.temperatureC;
      if (typeof c !== 'number') return { ok: false, probeId: id, fault: 'missing', detail: 'no reading from the sensor yet' };
      return { ok: true, probeId: id, celsius: c };
    },
  };
}

/** One temperature channel (1-based) of a dorfpunkt I/O board (IoBoardHandle: `temps[channel - 1]`, null = no sensor). */
export function ioBoardTemperatureProbe(id: string, handle: Polled & { temps: ReadonlyArray<number | null> }, channel: number): TemperatureProbe {
  if (!Number.isInteger(channel) || channel < 1 || channel > 255) throw new RangeError(`I/O board temperature channel must be 1..255, got ${channel}`);
  return {
    id,
    async read() {
      const down = lost(id, handle.health());
      if (down) return down;
      const c = handle.temps[channel - 1];
      if (typeof c !== 'number') return { ok: false, probeId: id, fault: 'missing', detail: `no sensor reading on channel ${channel}` };
      return { ok: true, probeId: id, celsius: c };
    },
  };
}
