/**
 * A thermal receipt printer that reads the same ESC/POS bytes a real one does (see
 * `escposInterpreter.ts`) and answers DLE EOT real-time status queries with the bytes Epson
 * documents (firmware-bridge/escpos/status.ts). Physical behaviours are settable per test:
 * paper out (now, or after N more lines), paper near end, cover open, an error, a printer
 * that does not answer at all; transport faults (late, garbage, cable pulled) come from the
 * shared `FaultPlan`.
 *
 * Like a real printer it keeps printing data it has received while it cannot print: the
 * output waits and comes out when the cover is closed or paper is loaded. A receipt is the
 * paper between two cuts; the last `keep` receipts are kept as lines and text for the
 * virtual point page.
 */
import type { StatusKind } from '../../../../firmware-bridge/escpos/commands.ts';
import { statusByte } from '../../../../firmware-bridge/escpos/status.ts';
import type { Clock } from '../../../../firmware-bridge/platform/clock.ts';
import type { Link, Unsubscribe } from '../../../../firmware-bridge/transport/link.ts';
import { createSeededRandom, FaultPlan, sendReply, type Cable } from '../common/faults.ts';
import { serveLinksOnTcp, type TcpExposure } from '../common/tcpServe.ts';
import { EscPosInterpreter, RealtimeScanner, type PrintedLine, type PrintEvent } from './escposInterpreter.ts';

export type ReceiptItem = { kind: 'line'; line: PrintedLine } | { kind: 'qr'; data: string };

export interface PrintedReceipt {
  /** wall-clock ms when the cut happened */
  at: number;
  items: ReceiptItem[];
  lines: PrintedLine[];
  qrCodes: string[];
  /** the receipt as plain text, `columns` wide, aligned; a QR code shows as `[QR] <data>` */
  text: string[];
}

export interface EscPosSimOptions {
  clock: Clock;
  /** characters per line at normal width (default 42) */
  columns?: number;
  /** receipts kept for `receipts()` (default 20) */
  keep?: number;
  random?: () => number;
}

export interface StatusQueryContext {
  kind: StatusKind;
}

export type PaperState = 'ok' | 'near-end' | 'out';
export type PrinterError = 'autocutter' | 'mechanical' | 'unrecoverable' | 'recoverable';

export class EscPosPrinterSim {
  readonly faults = new FaultPlan<StatusQueryContext>();
  /** every status query received, in order */
  readonly statusQueries: StatusKind[] = [];
  private readonly interpreter: EscPosInterpreter;
  private readonly scanner = new RealtimeScanner();
  private readonly columns: number;
  private readonly keep: number;
  private readonly random: () => number;
  private readonly done: PrintedReceipt[] = [];
  private readonly listeners = new Set<(r: PrintedReceipt) => void>();
  /** printed since the last cut */
  private current: ReceiptItem[] = [];
  /** received but not printed yet (printer offline) */
  private held: PrintEvent[] = [];
  private paper: PaperState = 'ok';
  private linesLeft = Infinity;
  private coverOpen = false;
  private error: PrinterError | null = null;
  private answering = true;
  private bytesReceived = 0;

  constructor(private readonly opts: EscPosSimOptions) {
    this.columns = opts.columns ?? 42;
    this.keep = opts.keep ?? 20;
    this.random = opts.random ?? createSeededRandom(1);
    this.interpreter = new EscPosInterpreter(this.columns);
  }

  /** Listen and answer on a link; `cable` lets the cable-pulled fault pull it. Returns detach. */
  attach(link: Link, cable?: Cable): () => void {
    const off = link.onData((chunk) => this.receive(chunk, link, cable));
    const offStatus = link.onStatus((s) => {
      if (s.state !== 'connected') {
        this.interpreter.reset();
        this.scanner.reset();
      }
    });
    return () => {
      off();
      offStatus();
    };
  }

  serveOnTcp(port: number, host = '127.0.0.1'): Promise<TcpExposure> {
    return serveLinksOnTcp((link) => this.attach(link), port, host);
  }

  // ---- physical world, for tests and the virtual point page -----------------------------

  /** Paper roll state now; `out` stops printing until paper is loaded (`setPaper('ok')`). */
  setPaper(state: PaperState): void {
    this.paper = state;
    if (state !== 'out') this.linesLeft = Infinity;
    this.resume();
  }

  /** The roll runs out after this many more printed lines. */
  paperRunsOutAfter(lines: number): void {
    if (!Number.isInteger(lines) || lines < 0) throw new RangeError(`lines must be a non-negative integer, got ${lines}`);
    this.linesLeft = lines;
    if (lines === 0) this.paper = 'out';
  }

  setCoverOpen(open: boolean): void {
    this.coverOpen = open;
    this.resume();
  }

  setError(error: PrinterError | null): void {
    this.error = error;
    this.resume();
  }

  /** A printer that answers no status query (USB printer class without a back channel, dead firmware). */
  setAnswering(answering: boolean): void {
    this.answering = answering;
  }

  get online(): boolean {
    return !this.coverOpen && this.paper !== 'out' && this.error === null;
  }

  /** Receipts cut so far, oldest first (the last `keep`). */
  receipts(): PrintedReceipt[] {
    return [...this.done];
  }

  /** Called for every receipt when it is cut. */
  onPrinted(listener: (r: PrintedReceipt) => void): Unsubscribe {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Printed since the last cut (a receipt still hanging out of the printer). */
  uncut(): ReceiptItem[] {
    return [...this.current];
  }

  /** Events received while offline, waiting to be printed. */
  get heldEvents(): number {
    return this.held.length;
  }

  get received(): { bytes: number; unknownCommands: number; strayControls: number } {
    return { bytes: this.bytesReceived, unknownCommands: this.interpreter.stats.unknownCommands, strayControls: this.interpreter.stats.strayControls };
  }

  /** The status byte this printer sends for DLE EOT `kind` right now. */
  statusFor(kind: StatusKind): number {
    const err = this.error;
    return statusByte(kind, {
      offline: !this.online,
      coverOpen: this.coverOpen,
      paperEndStop: this.paper === 'out',
      error: err !== null,
      autocutter: err === 'autocutter',
      mechanical: err === 'mechanical',
      unrecoverable: err === 'unrecoverable',
      autoRecoverable: err === 'recoverable',
      nearEnd: this.paper !== 'ok',
      paperOut: this.paper === 'out',
    });
  }

  // ---- protocol --------------------------------------------------------------------------

  private receive(chunk: Buffer, link: Link, cable: Cable | undefined): void {
    this.bytesReceived += chunk.length;
    for (const kind of this.scanner.push(chunk)) void this.answer(kind, link, cable);
    const events = this.interpreter.push(chunk);
    if (events.length === 0) return;
    this.held.push(...events);
    this.resume();
  }

  private async answer(kind: StatusKind, link: Link, cable: Cable | undefined): Promise<void> {
    this.statusQueries.push(kind);
    if (!this.answering) return;
    const fault = this.faults.take({ kind });
    if (fault?.kind === 'no-reply' || fault?.kind === 'busy' || fault?.kind === 'board-reset') return;
    const reply = Buffer.from([this.statusFor(kind)]);
    await sendReply(reply, fault, { link, clock: this.opts.clock, random: this.random, ...(cable ? { cable } : {}) });
  }

  /** Print what is held while the printer can. */
  private resume(): void {
    while (this.held.length > 0 && this.online) this.print(this.held.shift()!);
  }

  private print(e: PrintEvent): void {
    switch (e.type) {
      case 'line':
        this.current.push({ kind: 'line', line: e.line });
        this.usePaper();
        return;
      case 'qr':
        this.current.push({ kind: 'qr', data: e.data });
        this.usePaper();
        return;
      case 'cut':
        this.cut();
        return;
      case 'feed':
      case 'init':
        return;
    }
  }

  private usePaper(): void {
    if (this.linesLeft === Infinity) return;
    this.linesLeft--;
    if (this.linesLeft <= 0) {
      this.linesLeft = 0;
      this.paper = 'out';
    }
  }

  private cut(): void {
    const items = this.current;
    this.current = [];
    const receipt: PrintedReceipt = {
      at: this.opts.clock.now(),
      items,
      lines: items.flatMap((i) => (i.kind === 'line' ? [i.line] : [])),
      qrCodes: items.flatMap((i) => (i.kind === 'qr' ? [i.data] : [])),
      text: items.map((i) => (i.kind === 'qr' ? `[QR] ${i.data}` : renderLine(i.line, this.columns))),
    };
    this.done.push(receipt);
    while (this.done.length > this.keep) this.done.shift();
    for (const l of [...this.listeners]) l(receipt);
  }
}

/** A printed line as text placed in `columns`: a double-width character takes two columns of the paper. */
export function renderLine(line: PrintedLine, columns: number): string {
  const text = line.spans.map((s) => s.text).join('');
  const used = line.spans.reduce((n, s) => n + [...s.text].length * s.width, 0);
  const free = Math.max(0, columns - used);
  const left = line.align === 'center' ? Math.floor(free / 2) : line.align === 'right' ? free : 0;
  return (' '.repeat(left) + text).replace(/\s+$/, '');
}
