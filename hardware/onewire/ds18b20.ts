import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { TemperatureProbe, TemperatureReading } from '../ports.ts';

/**
 * DS18B20 probes on the kernel's 1-wire sysfs (`dtoverlay=w1-gpio`). Reading `w1_slave`
 * triggers a conversion (up to 750 ms at 12 bit), so reads use async fs and stay off the hot
 * path. A reading is a temperature only when the kernel confirmed the CRC; everything else is
 * a probe fault, never a number:
 *   - `crc`            line 1 ends in `crc=xx NO`
 *   - `power-on-value` t=85000 (scratchpad reset value: power glitch or read before conversion)
 *   - `missing`        device directory / file gone (probe unplugged, bus down)
 *   - `read-error`     I/O error, malformed text, all-zero scratchpad (data line stuck low,
 *                      whose CRC is 00 and "valid"), or a value outside the sensor's -55..125 °C
 */

/** Family 28 (DS18B20) id: `28-` + 12 hex digits of the serial. */
export const DS18B20_ID_PATTERN = /^28-[0-9a-f]{12}$/;

const POWER_ON_MILLI = 85_000;
const MIN_MILLI = -55_000;
const MAX_MILLI = 125_000;

export interface Ds18b20Options {
  /** sysfs root, default `/sys`; the file read is `<root>/bus/w1/devices/<id>/w1_slave`. */
  root?: string;
}

/** Parse the text of a `w1_slave` file into a reading (pure; exported for tests and tools). */
export function parseW1Slave(probeId: string, text: string): TemperatureReading {
  const fault = (f: 'crc' | 'power-on-value' | 'read-error', detail: string): TemperatureReading => ({
    ok: false,
    probeId,
    fault: f,
    detail,
  });
  const lines = text.split('\n').map((l) => l.trim());
  const crcLine = /^((?:[0-9a-f]{2} ){9}): crc=([0-9a-f]{2}) (YES|NO)$/i.exec(lines[0] ?? '');
  if (!crcLine) return fault('read-error', `malformed w1_slave line 1: ${JSON.stringify((lines[0] ?? '').slice(0, 80))}`);
  if (crcLine[3]?.toUpperCase() !== 'YES') return fault('crc', `CRC check failed (crc=${crcLine[2] ?? '?'} NO)`);
  if (/^(00 ){9}$/.test(crcLine[1] ?? '')) return fault('read-error', 'all-zero scratchpad (data line stuck low?)');
  const tLine = /^(?:[0-9a-f]{2} ){9}t=(-?\d+)$/i.exec(lines[1] ?? '');
  if (!tLine) return fault('read-error', `malformed w1_slave line 2: ${JSON.stringify((lines[1] ?? '').slice(0, 80))}`);
  const milli = Number(tLine[1]);
  if (milli === POWER_ON_MILLI) return fault('power-on-value', 't=85000 is the power-on value, not a measurement');
  if (!Number.isSafeInteger(milli) || milli < MIN_MILLI || milli > MAX_MILLI) {
    return fault('read-error', `t=${tLine[1] ?? '?'} is outside the sensor range -55..125 °C`);
  }
  return { ok: true, probeId, celsius: milli / 1000 };
}

export class Ds18b20Probe implements TemperatureProbe {
  private readonly file: string;

  constructor(
    readonly id: string,
    options: Ds18b20Options = {},
  ) {
    if (!DS18B20_ID_PATTERN.test(id)) {
      throw new Error(`Invalid DS18B20 probe id ${JSON.stringify(id)}: expected 28- followed by 12 lowercase hex digits`);
    }
    this.file = join(options.root ?? '/sys', 'bus', 'w1', 'devices', id, 'w1_slave');
  }

  async read(): Promise<TemperatureReading> {
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENODEV' || code === 'ENXIO') {
        return { ok: false, probeId: this.id, fault: 'missing', detail: `${this.file} not found (${code})` };
      }
      return { ok: false, probeId: this.id, fault: 'read-error', detail: `${this.file}: ${(err as Error).message}` };
    }
    return parseW1Slave(this.id, text);
  }
}

/**
 * Ids of the DS18B20 probes the kernel lists under `<root>/bus/w1/devices` (other 1-wire
 * families and the bus master entries are skipped). No 1-wire bus at all = empty list.
 */
export async function discoverProbes(root = '/sys'): Promise<string[]> {
  try {
    const entries = await readdir(join(root, 'bus', 'w1', 'devices'));
    return entries.filter((e) => DS18B20_ID_PATTERN.test(e)).sort();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
}
