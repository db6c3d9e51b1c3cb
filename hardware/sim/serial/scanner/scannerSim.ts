/**
 * Simulated serial barcode scanner: a person scans, the scanner sends `[symbology id] data
 * suffix`. Faults: garbage bursts (power glitch), split lines (USB packetising), a pulled cable
 * (the link pair's `unplug()`).
 */
import type { Link } from '../../../../firmware-bridge/transport/link.ts';

export interface ScannerSimOptions {
  link: Link;
  /** Bytes after each scan (default CR LF). */
  suffix?: Uint8Array;
  /** Send AIM symbology identifiers (default true). */
  symbologyIds?: boolean;
}

export class ScannerSim {
  constructor(private readonly o: ScannerSimOptions) {}

  async start(): Promise<void> {
    await this.o.link.start();
  }

  async stop(): Promise<void> {
    await this.o.link.stop();
  }

  /** Scan a code; `symbology` like `]C1` (ignored when ids are off). `splitEvery` sends it in pieces. */
  async scan(data: string, symbology = ']E0', splitEvery = 0): Promise<void> {
    const prefix = this.o.symbologyIds === false ? '' : symbology;
    const bytes = Buffer.concat([Buffer.from(prefix + data, 'latin1'), this.o.suffix ?? Uint8Array.of(0x0d, 0x0a)]);
    const step = splitEvery > 0 ? splitEvery : bytes.length;
    for (let i = 0; i < bytes.length; i += step) await this.o.link.write(bytes.subarray(i, i + step)).catch(() => {});
  }

  /** Line noise, e.g. after a power glitch. */
  async garbage(bytes: Uint8Array): Promise<void> {
    await this.o.link.write(bytes).catch(() => {});
  }
}
