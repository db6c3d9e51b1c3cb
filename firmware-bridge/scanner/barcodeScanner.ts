/**
 * Serial barcode scanner driver: bytes from a Link → lines → parsed barcodes. Scanners only
 * talk, so there is no session; a scan that fails to parse is reported as a rejected scan with
 * a clear error (the kiosk says "Code nicht lesbar"), never thrown.
 */
import { parseBarcode, type Barcode } from '../gs1/barcode.ts';
import type { Gs1Options } from '../gs1/elementString.ts';
import type { Logger } from '../platform/logger.ts';
import type { Link, Unsubscribe } from '../transport/link.ts';
import { ScannerLineParser, type ScanLine, type ScannerLineOptions } from './lineParser.ts';

export type ScanEvent = { ok: true; barcode: Barcode; line: ScanLine } | { ok: false; error: string; line: ScanLine };

export interface BarcodeScannerOptions extends ScannerLineOptions {
  link: Link;
  logger: Logger;
  gs1?: Gs1Options;
}

export class BarcodeScanner {
  private readonly parser: ScannerLineParser;
  private readonly listeners = new Set<(e: ScanEvent) => void>();
  private unsubs: Unsubscribe[] = [];

  constructor(private readonly opts: BarcodeScannerOptions) {
    this.parser = new ScannerLineParser(opts);
  }

  get stats() {
    return this.parser.stats;
  }

  onScan(l: (e: ScanEvent) => void): Unsubscribe {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }

  /** Subscribe to the link (the link's owner starts it). */
  start(): void {
    if (this.unsubs.length > 0) return;
    this.unsubs.push(
      this.opts.link.onData((chunk) => this.receive(chunk)),
      this.opts.link.onStatus((s) => {
        if (s.state !== 'connected') this.parser.reset(); // half a line from before a break is garbage
      }),
    );
  }

  stop(): void {
    for (const u of this.unsubs.splice(0)) u();
    this.parser.reset();
  }

  private receive(chunk: Buffer): void {
    for (const line of this.parser.push(chunk)) {
      const r = parseBarcode(line.data, line.symbology?.id, this.opts.gs1);
      const event: ScanEvent = r.ok ? { ok: true, barcode: r.value, line } : { ok: false, error: r.error, line };
      if (!r.ok) this.opts.logger.warn({ error: r.error, symbology: line.symbology?.id }, 'scanner: rejected scan');
      for (const l of [...this.listeners]) l(event);
    }
  }
}
