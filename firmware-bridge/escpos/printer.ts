/**
 * Driver for one ESC/POS receipt printer on a Link (serial, USB-serial, TCP gateway). A job is
 * printed only after the real-time status (DLE EOT 1, 2, 4; 3 when an error is flagged) says
 * the printer is online with paper and a closed cover, and the status is read again after the
 * job has had time to print. Results are typed outcomes, never exceptions:
 *
 *   printed      status fine before and after the job
 *   paper-out    no paper (sent: false), or the paper ran out during the job (sent: true)
 *   cover-open   the roll cover is open
 *   offline      offline for another reason (FEED button held, waiting for recovery)
 *   error        autocutter / mechanical / unrecoverable / recoverable error
 *   no-answer    no status byte came back (USB printer without back channel, cable, power)
 *   status-unknown  bytes came back but not status bytes (wrong baud rate, not ESC/POS)
 *
 * `sent` says whether the job bytes went to the printer: with `sent: false` nothing was
 * printed and the job may be offered again; with `sent: true` a (partial) receipt may exist.
 *
 * Limitation: status replies carry no request id. A reply arriving after its query timed out
 * could be taken as the answer to the next query; the printer answers real-time commands
 * within milliseconds, so the timeout (500 ms) is far above any real answer time.
 */
import type { FrameEncoder, ParserStats, StreamParser } from '../framing/types.ts';
import type { Clock, TimerHandle } from '../platform/clock.ts';
import type { Logger } from '../platform/logger.ts';
import { Session, type CommandResult } from '../session/session.ts';
import type { Link } from '../transport/link.ts';
import { cmd, STATUS_KIND, type StatusKind } from './commands.ts';
import type { EscPosJob } from './encoder.ts';
import {
  isStatusByte,
  parseErrorCause,
  parseOfflineCause,
  parsePaperSensor,
  parsePrinterStatus,
  type ErrorCauseByte,
  type OfflineCauseByte,
} from './status.ts';

/** What the printer said, combined from the status bytes. */
export interface PrinterStatus {
  online: boolean;
  coverOpen: boolean;
  paperOut: boolean;
  /** the roll is nearly used up: print, but tell a technician */
  paperNearEnd: boolean;
  feedButton: boolean;
  error: null | { mechanical: boolean; autocutter: boolean; unrecoverable: boolean; autoRecoverable: boolean };
}

export type PrintOutcome =
  | { outcome: 'printed'; sent: true; status: PrinterStatus }
  | { outcome: 'paper-out' | 'cover-open' | 'offline' | 'error'; sent: boolean; status: PrinterStatus; detail: string }
  | { outcome: 'no-answer' | 'status-unknown'; sent: boolean; detail: string };

export type StatusResult = { ok: true; status: PrinterStatus } | { ok: false; outcome: 'no-answer' | 'status-unknown'; detail: string };

export interface EscPosPrinterOptions {
  link: Link;
  clock: Clock;
  logger: Logger;
  /** reply timeout per status query (default 500 ms) */
  statusTimeoutMs?: number;
  /** attempts per status query (default 2) */
  statusAttempts?: number;
  /** wait after writing a job before reading the status again (default 2000 ms; a receipt prints in ~1 s) */
  printSettleMs?: number;
}

interface StatusQuery {
  kind: StatusKind;
}

const queryEncoder: FrameEncoder<StatusQuery> = { encode: (q) => Buffer.from(cmd.statusQuery(q.kind)) };

/** Every byte the printer sends is one frame; the query's matcher judges it. */
class ByteParser implements StreamParser<number> {
  readonly stats: ParserStats = { droppedBytes: 0, badFrames: 0, frames: 0 };
  push(chunk: Uint8Array): number[] {
    const out = [...chunk];
    for (const b of out) {
      if (isStatusByte(b)) this.stats.frames++;
      else this.stats.badFrames++;
    }
    return out;
  }
  reset(): void {}
}

export class EscPosPrinter {
  private readonly session: Session<StatusQuery, number>;
  private chain: Promise<unknown> = Promise.resolve();
  private running = false;
  /** the wait after a job (cleared by stop) */
  private settle: { timer: TimerHandle; wake: () => void } | undefined;

  constructor(private readonly opts: EscPosPrinterOptions) {
    this.session = new Session<StatusQuery, number>({
      link: opts.link,
      encoder: queryEncoder,
      parser: new ByteParser(),
      clock: opts.clock,
      logger: opts.logger,
      defaultTimeoutMs: opts.statusTimeoutMs ?? 500,
      defaultMaxAttempts: opts.statusAttempts ?? 2,
      defaultRetryDelayMs: 50,
    });
  }

  get link(): Link {
    return this.opts.link;
  }

  /** Subscribes to the link (the owner starts the link). */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.session.start();
  }

  /** Unsubscribes and ends a pending wait; a job in progress ends with a typed outcome. */
  stop(): void {
    if (!this.running) return;
    this.running = false;
    this.session.stop();
    if (this.settle) {
      this.opts.clock.clearTimeout(this.settle.timer);
      this.settle.wake();
      this.settle = undefined;
    }
  }

  /** Read the real-time status (one job or query at a time). */
  status(): Promise<StatusResult> {
    return this.serial(() => this.readStatus());
  }

  /** Check, send, check again. Jobs queue behind each other. */
  print(job: EscPosJob): Promise<PrintOutcome> {
    return this.serial(() => this.runJob(job));
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.chain.then(fn, fn);
    this.chain = next.catch(() => {});
    return next;
  }

  private async runJob(job: EscPosJob): Promise<PrintOutcome> {
    const log = this.opts.logger.child({ printer: this.opts.link.name });
    const before = await this.readStatus();
    if (!before.ok) return { outcome: before.outcome, sent: false, detail: `before printing: ${before.detail}` };
    const refusal = blocking(before.status);
    if (refusal) {
      log.warn({ outcome: refusal.outcome }, `receipt not printed: ${refusal.detail}`);
      return { ...refusal, sent: false, status: before.status };
    }
    try {
      await this.opts.link.write(job.bytes);
    } catch (err) {
      return { outcome: 'no-answer', sent: false, detail: `job not sent: ${err instanceof Error ? err.message : String(err)}` };
    }
    await new Promise<void>((wake) => {
      const timer = this.opts.clock.setTimeout(() => {
        this.settle = undefined;
        wake();
      }, this.opts.printSettleMs ?? 2000);
      this.settle = { timer, wake };
    });
    const after = await this.readStatus();
    if (!after.ok) return { outcome: after.outcome, sent: true, detail: `job sent, status afterwards unknown: ${after.detail}` };
    const problem = blocking(after.status);
    if (problem) {
      log.warn({ outcome: problem.outcome }, `receipt may be incomplete: ${problem.detail}`);
      return { ...problem, sent: true, status: after.status, detail: `${problem.detail} after the job was sent; the receipt may be incomplete` };
    }
    if (after.status.paperNearEnd) log.info({}, 'receipt printed; paper roll near end');
    return { outcome: 'printed', sent: true, status: after.status };
  }

  private async query(kind: StatusKind): Promise<CommandResult<number>> {
    return this.session.request<number>({
      key: 'printer',
      frame: { kind },
      label: `DLE EOT ${kind}`,
      idempotent: true,
      match: (b) => (isStatusByte(b) ? { kind: 'ok', value: b } : { kind: 'bad-reply', detail: `0x${b.toString(16).padStart(2, '0')} is not a status byte` }),
    });
  }

  private async readStatus(): Promise<StatusResult> {
    const fail = (r: Extract<CommandResult<number>, { ok: false }>, what: string): StatusResult => ({
      ok: false,
      outcome: r.reason === 'bad-reply' ? 'status-unknown' : 'no-answer',
      detail: `${what}: ${r.reason} (${r.detail})`,
    });
    const r1 = await this.query(STATUS_KIND.printer);
    if (!r1.ok) return fail(r1, 'printer status (DLE EOT 1)');
    const r2 = await this.query(STATUS_KIND.offlineCause);
    if (!r2.ok) return fail(r2, 'offline cause (DLE EOT 2)');
    const r4 = await this.query(STATUS_KIND.paperSensor);
    if (!r4.ok) return fail(r4, 'paper sensor (DLE EOT 4)');
    const p = parsePrinterStatus(r1.value);
    const o = parseOfflineCause(r2.value);
    const s = parsePaperSensor(r4.value);
    // the matcher only accepts status bytes, so these are known; stay total anyway
    if (!p.known || !o.known || !s.known) return { ok: false, outcome: 'status-unknown', detail: 'unrecognised status byte' };
    let error: PrinterStatus['error'] = null;
    if (o.error) {
      const r3 = await this.query(STATUS_KIND.errorCause);
      const e: ErrorCauseByte | undefined = r3.ok ? parseErrorCause(r3.value) : undefined;
      error = e?.known
        ? { mechanical: e.mechanical, autocutter: e.autocutter, unrecoverable: e.unrecoverable, autoRecoverable: e.autoRecoverable }
        : { mechanical: false, autocutter: false, unrecoverable: false, autoRecoverable: false };
    }
    return { ok: true, status: combine(p.offline, o, s.paperOut, s.nearEnd, error) };
  }
}

function combine(
  offline: boolean,
  o: Extract<OfflineCauseByte, { known: true }>,
  paperOut: boolean,
  nearEnd: boolean,
  error: PrinterStatus['error'],
): PrinterStatus {
  return { online: !offline, coverOpen: o.coverOpen, paperOut: paperOut || o.paperEndStop, paperNearEnd: nearEnd, feedButton: o.feedButton, error };
}

/** Why this status keeps a receipt from printing, or null when it may print. Order: what a person must fix first. */
export function blocking(s: PrinterStatus): { outcome: 'paper-out' | 'cover-open' | 'offline' | 'error'; detail: string } | null {
  if (s.coverOpen) return { outcome: 'cover-open', detail: 'printer cover is open' };
  if (s.paperOut) return { outcome: 'paper-out', detail: 'printer is out of paper' };
  if (s.error) {
    const kinds = Object.entries(s.error)
      .filter(([, on]) => on)
      .map(([k]) => k);
    return { outcome: 'error', detail: `printer reports an error${kinds.length ? ` (${kinds.join(', ')})` : ''}` };
  }
  if (!s.online) return { outcome: 'offline', detail: s.feedButton ? 'printer is offline (paper being fed by the FEED button)' : 'printer is offline' };
  return null;
}
