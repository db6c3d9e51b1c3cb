/**
 * Simulated dorfpunkt I/O board speaking the real bytes (firmware-bridge/PROTOCOL.md): relays,
 * inputs, fridge probes, the heartbeat watchdog that drops every relay when the host goes
 * silent, and the per-seq reply cache that makes retransmits safe. Faults via the common
 * FaultPlan: no reply, late reply, busy (NAK 5), garbage burst, split frames, bad checksum, board
 * reset (relays off, deaf for downMs, then BOOT), cable pulled.
 */
import { IoFrameParser, encodeIoFrame, type IoFrame } from '../../../../firmware-bridge/ioboard/frame.ts';
import { BootReason, NakCode, decodeMessage, toFrame, type IoMessage } from '../../../../firmware-bridge/ioboard/messages.ts';
import type { Clock, TimerHandle } from '../../../../firmware-bridge/platform/clock.ts';
import type { Link, Unsubscribe } from '../../../../firmware-bridge/transport/link.ts';
import { FaultPlan, createSeededRandom, sendReply, type Cable, type Fault } from '../common/faults.ts';

export interface IoBoardSimOptions {
  link: Link;
  clock: Clock;
  relays?: number;
  inputs?: number;
  probes?: number;
  fw?: [number, number];
  /** Watchdog used until the first HEARTBEAT sets one (default 1500 ms). */
  defaultWatchdogMs?: number;
  /** Lets the `cable-pulled` fault unplug the wire. */
  cable?: Cable;
  seed?: number;
}

export class IoBoardSim {
  readonly relays: boolean[];
  readonly inputs: boolean[];
  /** centi-°C, null = broken probe */
  readonly temps: (number | null)[];
  /** Faults armed per test (`sim.faults.set({ kind: 'no-reply' })`); ctx = the request frame. */
  readonly faults = new FaultPlan<IoFrame>();
  /** Requests executed (not replayed from the cache). */
  readonly executed: IoMessage[] = [];
  /** True while a heartbeat arrived within the watchdog time. */
  armed = false;
  private readonly parser = new IoFrameParser();
  private readonly random: () => number;
  private downUntil = -1;
  private watchdogMs: number;
  private watchdog: TimerHandle | undefined;
  private lastSeq = 0;
  private lastReply: Buffer | null = null;
  private eventSeq = 0;
  private unsub: Unsubscribe | undefined;

  constructor(private readonly o: IoBoardSimOptions) {
    this.relays = new Array<boolean>(o.relays ?? 4).fill(false);
    this.inputs = new Array<boolean>(o.inputs ?? 8).fill(false);
    this.temps = new Array<number | null>(o.probes ?? 2).fill(400);
    this.watchdogMs = o.defaultWatchdogMs ?? 1500;
    this.random = createSeededRandom(o.seed ?? 1);
  }

  async start(): Promise<void> {
    this.unsub = this.o.link.onData((c) => this.receive(c));
    await this.o.link.start();
    this.emitEvent({ type: 'boot', reason: BootReason.powerOn });
  }

  async stop(): Promise<void> {
    this.disarm();
    this.unsub?.();
    await this.o.link.stop();
  }

  /** Power-cycle: relays off, caches cleared, BOOT event sent. */
  reset(): void {
    this.disarm();
    this.relays.fill(false);
    this.lastSeq = 0;
    this.lastReply = null;
    this.parser.reset();
    this.emitEvent({ type: 'boot', reason: BootReason.powerOn });
  }

  /** Change an input (the wired contact moved): sends INPUT_CHANGED. */
  setInput(n: number, on: boolean): void {
    if (this.inputs[n - 1] === on) return;
    this.inputs[n - 1] = on;
    this.emitEvent({ type: 'inputChanged', inputs: [...this.inputs] });
  }

  private disarm(): void {
    if (this.watchdog !== undefined) this.o.clock.clearTimeout(this.watchdog);
    this.watchdog = undefined;
    this.armed = false;
  }

  private feed(ms: number): void {
    this.watchdogMs = ms;
    if (this.watchdog !== undefined) this.o.clock.clearTimeout(this.watchdog);
    this.armed = true;
    this.watchdog = this.o.clock.setTimeout(() => {
      this.watchdog = undefined;
      this.armed = false;
      const any = this.relays.some((r) => r);
      this.relays.fill(false);
      if (any) this.emitEvent({ type: 'watchdogTripped' });
    }, this.watchdogMs);
  }

  private emitEvent(m: IoMessage): void {
    this.eventSeq = (this.eventSeq + 1) & 0xff;
    void this.o.link.write(encodeIoFrame(toFrame(this.eventSeq, m))).catch(() => {});
  }

  private receive(chunk: Buffer): void {
    for (const f of this.parser.push(chunk)) {
      if (this.downUntil > this.o.clock.monotonic()) continue; // rebooting
      this.current = this.faults.take(f);
      if (this.current?.kind === 'no-reply') continue;
      if (this.current?.kind === 'board-reset') {
        const down = this.current.downMs;
        this.disarm();
        this.relays.fill(false);
        this.lastSeq = 0;
        this.lastReply = null;
        this.downUntil = this.o.clock.monotonic() + down;
        this.o.clock.setTimeout(() => this.emitEvent({ type: 'boot', reason: BootReason.watchdogReset }), down);
        continue;
      }
      if (this.current?.kind === 'busy') {
        const silent = this.current.silent;
        this.current = undefined;
        if (!silent) this.reply(encodeIoFrame(toFrame(f.seq, { type: 'nak', nakedType: f.type, code: NakCode.busy })));
        continue;
      }
      this.handle(f);
    }
  }

  private current: Fault | undefined;

  private reply(bytes: Buffer): void {
    void sendReply(bytes, this.current, {
      link: this.o.link,
      clock: this.o.clock,
      random: this.random,
      ...(this.o.cable ? { cable: this.o.cable } : {}),
      corrupt: flipCrcByte,
    });
  }

  private handle(f: IoFrame): void {
    // retransmit of the last request: answer from the cache, do not execute again
    if (f.seq === this.lastSeq && f.seq !== 0 && this.lastReply) {
      this.reply(this.lastReply);
      return;
    }
    const answer = (m: IoMessage): void => {
      const bytes = encodeIoFrame(toFrame(f.seq, m));
      this.lastSeq = f.seq;
      this.lastReply = bytes;
      this.reply(bytes);
    };
    const nak = (code: number) => answer({ type: 'nak', nakedType: f.type, code });
    const d = decodeMessage(f);
    if (!d.ok) return nak(d.error.includes('unknown') ? NakCode.unknownType : NakCode.badLength);
    const m = d.message;
    switch (m.type) {
      case 'hello':
        this.executed.push(m);
        this.lastSeq = 0;
        return answer({
          type: 'boardInfo',
          info: {
            fwMajor: this.o.fw?.[0] ?? 1,
            fwMinor: this.o.fw?.[1] ?? 0,
            relays: this.relays.length,
            inputs: this.inputs.length,
            probes: this.temps.length,
            watchdogMs: this.watchdogMs,
          },
        });
      case 'heartbeat':
        if (m.watchdogMs < 100 || m.watchdogMs > 60000) return nak(NakCode.outOfRange);
        this.executed.push(m);
        this.feed(m.watchdogMs);
        return answer({ type: 'ack', ackedType: f.type });
      case 'setRelay':
        if (m.relay < 1 || m.relay > this.relays.length) return nak(NakCode.outOfRange);
        if (m.on && !this.armed) return nak(NakCode.noHeartbeat);
        this.executed.push(m);
        this.relays[m.relay - 1] = m.on;
        return answer({ type: 'ack', ackedType: f.type });
      case 'readInputs':
        return answer({ type: 'inputs', inputs: [...this.inputs] });
      case 'readTemps':
        return answer({ type: 'temps', centiC: [...this.temps] });
      default:
        return nak(NakCode.unknownType); // board-to-host types sent to the board
    }
  }
}

/** Corrupt a stuffed frame's CRC (the byte before the 0x00 delimiter), never creating a 0x00. */
function flipCrcByte(frame: Buffer): Buffer {
  const out = Buffer.from(frame);
  const i = out.length - 2;
  if (i >= 0) out[i] = (out[i] as number) ^ 0x01 || 0x02;
  return out;
}
