/**
 * Host-side driver for the dorfpunkt I/O board. One command in flight (the board has one UART),
 * every request carries a fresh sequence number; retransmits reuse the bytes, so the SAME seq
 * goes out again and the board answers from its reply cache instead of executing twice (which
 * is why SET_RELAY may be retried here, unlike a lock "open"). A heartbeat timer keeps the
 * board's relay watchdog fed; when it stops (process dead, cable pulled), the board drops all
 * relays by itself.
 */
import type { Clock, TimerHandle } from '../platform/clock.ts';
import type { Logger } from '../platform/logger.ts';
import { Session, type CommandResult, type ReplyVerdict } from '../session/session.ts';
import type { Link, Unsubscribe } from '../transport/link.ts';
import { IoFrameParser, ioFrameEncoder, type IoFrame } from './frame.ts';
import { MsgType, NAK_NAMES, NakCode, decodeMessage, toFrame, type BoardInfo, type IoMessage } from './messages.ts';

export interface IoBoardOptions {
  link: Link;
  clock: Clock;
  logger: Logger;
  /** Board drops relays after this long without a heartbeat (default 1500 ms, 100..60000). */
  watchdogMs?: number;
  /** Heartbeat period (default watchdogMs / 3). */
  heartbeatEveryMs?: number;
  /** Reply timeout per attempt (default 200 ms). */
  timeoutMs?: number;
  /** Attempts for retransmittable commands (default 3). */
  attempts?: number;
  /** Consecutive failed heartbeats before the board counts as lost (default 3). */
  lostAfter?: number;
}

export type IoBoardHealth = 'ok' | 'degraded' | 'lost';

export type IoBoardEvent =
  | { type: 'inputChanged'; inputs: boolean[] }
  | { type: 'boot'; reason: number }
  | { type: 'watchdogTripped' }
  | { type: 'health'; health: IoBoardHealth; detail: string };

type Invalid = { ok: false; reason: 'invalid-argument'; detail: string; attempts: 0; written: false };
export type IoResult<V> = CommandResult<V> | Invalid;

const invalid = (detail: string): Invalid => ({ ok: false, reason: 'invalid-argument', detail, attempts: 0, written: false });

export class IoBoard {
  private readonly session: Session<IoFrame, IoFrame>;
  private readonly parser = new IoFrameParser();
  private readonly listeners = new Set<(e: IoBoardEvent) => void>();
  private readonly watchdogMs: number;
  private readonly heartbeatEveryMs: number;
  private seq = 0;
  private timer: TimerHandle | undefined;
  private unsub: Unsubscribe | undefined;
  private running = false;
  private failedBeats = 0;
  private currentHealth: IoBoardHealth = 'lost';
  info: BoardInfo | null = null;

  constructor(private readonly opts: IoBoardOptions) {
    this.watchdogMs = opts.watchdogMs ?? 1500;
    if (!Number.isInteger(this.watchdogMs) || this.watchdogMs < 100 || this.watchdogMs > 60000) {
      throw new RangeError(`watchdogMs ${this.watchdogMs} must be 100..60000`);
    }
    this.heartbeatEveryMs = opts.heartbeatEveryMs ?? Math.floor(this.watchdogMs / 3);
    if (this.heartbeatEveryMs >= this.watchdogMs) throw new RangeError('heartbeatEveryMs must be shorter than watchdogMs');
    this.session = new Session<IoFrame, IoFrame>({
      link: opts.link,
      clock: opts.clock,
      logger: opts.logger,
      encoder: ioFrameEncoder,
      parser: this.parser,
      defaultTimeoutMs: opts.timeoutMs ?? 200,
      defaultMaxAttempts: opts.attempts ?? 3,
      defaultRetryDelayMs: 20,
    });
  }

  get health(): IoBoardHealth {
    return this.currentHealth;
  }

  get stats() {
    return this.parser.stats;
  }

  onEvent(l: (e: IoBoardEvent) => void): Unsubscribe {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }

  /** Subscribe, say HELLO, start the heartbeat. Resolves after the first HELLO settled. */
  async start(): Promise<IoResult<BoardInfo>> {
    if (this.running) return this.hello();
    this.running = true;
    this.session.start();
    this.unsub = this.session.onFrame((f, matched) => {
      if (!matched) this.unsolicited(f);
    });
    const r = await this.hello();
    this.scheduleBeat(0);
    return r;
  }

  stop(): void {
    if (!this.running) return;
    this.running = false;
    if (this.timer !== undefined) this.opts.clock.clearTimeout(this.timer);
    this.timer = undefined;
    this.unsub?.();
    this.session.stop();
  }

  async hello(): Promise<IoResult<BoardInfo>> {
    const r = await this.send({ type: 'hello' }, 'boardInfo', true);
    if (r.ok && r.value.type === 'boardInfo') {
      this.info = r.value.info;
      this.setHealth('ok', 'board answered HELLO');
      return { ok: true, value: r.value.info, attempts: r.attempts };
    }
    if (!r.ok) this.setHealth(this.currentHealth === 'ok' ? 'degraded' : this.currentHealth, `HELLO failed: ${r.detail}`);
    return r.ok ? invalid('unexpected reply') : r;
  }

  /** Switch one relay (1-based). Refused when out of the board's range. */
  async setRelay(relay: number, on: boolean): Promise<IoResult<true>> {
    const max = this.info?.relays ?? 0;
    if (!Number.isInteger(relay) || relay < 1 || relay > max) {
      return invalid(this.info ? `relay ${relay} out of range: board has relays 1..${max}` : `relay ${relay}: board not identified yet (no HELLO reply)`);
    }
    const r = await this.send({ type: 'setRelay', relay, on }, 'ack', true);
    return r.ok ? { ok: true, value: true, attempts: r.attempts } : r;
  }

  async readInputs(): Promise<IoResult<boolean[]>> {
    const r = await this.send({ type: 'readInputs' }, 'inputs', true);
    return r.ok && r.value.type === 'inputs' ? { ok: true, value: r.value.inputs, attempts: r.attempts } : r.ok ? invalid('unexpected reply') : r;
  }

  /** Probe temperatures in °C, null = probe fault (never a number for a broken probe). */
  async readTemps(): Promise<IoResult<(number | null)[]>> {
    const r = await this.send({ type: 'readTemps' }, 'temps', true);
    if (!r.ok) return r;
    if (r.value.type !== 'temps') return invalid('unexpected reply');
    return { ok: true, value: r.value.centiC.map((c) => (c === null ? null : c / 100)), attempts: r.attempts };
  }

  private nextSeq(): number {
    this.seq = (this.seq % 255) + 1; // 1..255; 0 is never used by the host
    return this.seq;
  }

  private send(m: IoMessage, want: IoMessage['type'], retransmit: boolean, timeoutMs?: number): Promise<CommandResult<IoMessage>> {
    const frame = toFrame(this.nextSeq(), m);
    return this.session.request<IoMessage>({
      key: 'board',
      frame,
      label: `ioboard ${m.type} seq ${frame.seq}`,
      idempotent: retransmit,
      ...(timeoutMs !== undefined ? { timeoutMs } : {}),
      match: (f): ReplyVerdict<IoMessage> | undefined => {
        if (f.seq !== frame.seq || f.type < 0x80 || f.type >= 0x90) return undefined;
        const d = decodeMessage(f);
        if (!d.ok) return { kind: 'bad-reply', detail: d.error };
        const msg = d.message;
        if (msg.type === 'nak') {
          const detail = `board NAK ${msg.code} (${NAK_NAMES[msg.code] ?? 'unknown'})`;
          return msg.code === NakCode.busy ? { kind: 'busy', detail } : { kind: 'nak', detail };
        }
        if (msg.type !== want) return { kind: 'bad-reply', detail: `expected ${want}, got ${msg.type}` };
        return { kind: 'ok', value: msg };
      },
    });
  }

  private scheduleBeat(delay: number): void {
    if (!this.running) return;
    this.timer = this.opts.clock.setTimeout(() => void this.beat(), delay);
  }

  private async beat(): Promise<void> {
    this.timer = undefined;
    // one attempt with a short timeout: a late heartbeat is superseded by the next one
    const r = await this.send({ type: 'heartbeat', watchdogMs: this.watchdogMs }, 'ack', false, Math.min(200, this.heartbeatEveryMs));
    if (!this.running) return;
    if (r.ok) {
      if (this.failedBeats > 0 || this.currentHealth !== 'ok') {
        this.failedBeats = 0;
        if (!this.info) await this.hello();
        else this.setHealth('ok', 'heartbeat answered');
      }
    } else {
      this.failedBeats++;
      const lostAfter = this.opts.lostAfter ?? 3;
      this.setHealth(this.failedBeats >= lostAfter ? 'lost' : 'degraded', `heartbeat failed: ${r.detail}`);
    }
    this.scheduleBeat(this.heartbeatEveryMs);
  }

  private unsolicited(f: IoFrame): void {
    const d = decodeMessage(f);
    if (!d.ok) {
      this.opts.logger.warn({ error: d.error }, 'ioboard: undecodable unsolicited frame');
      return;
    }
    const m = d.message;
    if (m.type === 'inputChanged') this.emit({ type: 'inputChanged', inputs: m.inputs });
    else if (m.type === 'boot') {
      this.emit({ type: 'boot', reason: m.reason });
      this.setHealth('degraded', 'board rebooted: relays are off');
    } else if (m.type === 'watchdogTripped') {
      this.emit({ type: 'watchdogTripped' });
      this.setHealth('degraded', 'board watchdog dropped the relays');
    }
  }

  private setHealth(h: IoBoardHealth, detail: string): void {
    if (h === this.currentHealth) return;
    this.currentHealth = h;
    this.emit({ type: 'health', health: h, detail });
  }

  private emit(e: IoBoardEvent): void {
    for (const l of [...this.listeners]) l(e);
  }
}
