/**
 * A simulated RS485 Modbus RTU bus with relay boards, input boards and temperature/humidity
 * sensors behind one device-side Link, answering with the real bytes. Like a real slave it
 * frames requests by 3.5 character times of silence on the injected clock (`silenceFramer.ts`;
 * baud option, default 19200 = 2 ms; above 19200 fixed 1.75 ms), drops a frame whose CRC does
 * not match, and answers what it cannot do with the spec's exception (`slaveRequest.ts`):
 * 1 unsupported function code (unknown, or not in the slave's `functions`), 3 bad quantity /
 * byte count / length, 2 address beyond the slave's tables. Broadcast (address 0): writes
 * executed by every slave, never answered.
 *
 * Fault behaviours per test through the common `FaultPlan` (`sim.faults.set(...)`): no reply,
 * late reply, busy (exception 6, or `silent`), garbage burst, split frames, bad checksum, board
 * reset (coils off, deaf for `downMs`), cable pulled (needs the `cable`).
 */
import { encodeResponse } from '../../../../firmware-bridge/modbus/codec.ts';
import { crcResidueOk } from '../../../../firmware-bridge/modbus/crc.ts';
import { FC, type ModbusRequest, type ModbusResponse } from '../../../../firmware-bridge/modbus/types.ts';
import type { Clock } from '../../../../firmware-bridge/platform/clock.ts';
import type { Link, Unsubscribe } from '../../../../firmware-bridge/transport/link.ts';
import { FaultPlan, createSeededRandom, sendReply, type Cable } from '../common/faults.ts';
import { RtuSilenceFramer } from './silenceFramer.ts';
import { ALL_FUNCTIONS, decideRequest, type DeviceLimits } from './slaveRequest.ts';

/** What a fault rule may look at: the slave asked and the request. */
export interface ModbusFaultContext {
  address: number;
  request: ModbusRequest | null;
}

export interface SimSlave {
  address: number;
  coils: boolean[];
  discreteInputs: boolean[];
  holding: number[];
  input: number[];
  /** function codes it implements; others are answered with exception 1 */
  functions: ReadonlySet<number>;
  limits: DeviceLimits;
  /** Requests received (for assertions: "written exactly once"). */
  log: ModbusRequest[];
}

export interface SlaveSpec {
  address: number;
  coils?: number;
  discreteInputs?: number;
  holding?: number;
  input?: number;
  /** function codes the board implements (default: 01-06, 0F, 10); e.g. many relay boards lack 0F */
  functions?: readonly number[];
  /** the board's own per-request maximums where lower than the spec's (exceeding one = exception 3) */
  limits?: DeviceLimits;
}

export interface ModbusBusSimOptions {
  /** line speed, for the 3.5-character silence that ends a frame (default 19200) */
  baud?: number;
}

/** Frames the simulator could not take (for assertions). */
export interface ModbusSimStats {
  /** silence-delimited frames received */
  frames: number;
  /** dropped without an answer: CRC wrong, shorter than 4 bytes, or longer than 256 */
  badFrames: number;
}

export class ModbusBusSim {
  private readonly framer: RtuSilenceFramer;
  private readonly frameStats = { frames: 0, badFrames: 0 };
  private readonly slaves = new Map<number, SimSlave>();
  private unsub: Unsubscribe | undefined;
  private readonly downUntil = new Map<number, number>();
  private readonly random: () => number;
  /** Faults armed per test; rules may filter by `ctx.address` / `ctx.request`. */
  readonly faults = new FaultPlan<ModbusFaultContext>();

  constructor(
    private readonly link: Link,
    private readonly clock: Clock,
    private readonly cable?: Cable,
    seed = 1,
    opts: ModbusBusSimOptions = {},
  ) {
    this.random = createSeededRandom(seed);
    this.framer = new RtuSilenceFramer(clock, opts.baud ?? 19200, (frame) => this.frame(frame));
  }

  get stats(): ModbusSimStats {
    return { frames: this.frameStats.frames, badFrames: this.frameStats.badFrames + this.framer.stats.oversized };
  }

  addSlave(spec: SlaveSpec): SimSlave {
    const s: SimSlave = {
      address: spec.address,
      coils: new Array<boolean>(spec.coils ?? 0).fill(false),
      discreteInputs: new Array<boolean>(spec.discreteInputs ?? 0).fill(false),
      holding: new Array<number>(spec.holding ?? 0).fill(0),
      input: new Array<number>(spec.input ?? 0).fill(0),
      functions: new Set(spec.functions ?? ALL_FUNCTIONS),
      limits: { ...spec.limits },
      log: [],
    };
    this.slaves.set(spec.address, s);
    return s;
  }

  slave(address: number): SimSlave {
    const s = this.slaves.get(address);
    if (!s) throw new Error(`no simulated slave at ${address}`);
    return s;
  }

  /** Power-cycle a board: outputs off, registers zero (inputs keep their physical state). */
  resetBoard(address: number): void {
    const s = this.slave(address);
    s.coils.fill(false);
    s.holding.fill(0);
  }

  /** Send raw bytes onto the bus (noise from another device, a glitch). */
  async inject(bytes: Uint8Array): Promise<void> {
    await this.link.write(bytes);
  }

  async start(): Promise<void> {
    this.unsub = this.link.onData((chunk) => this.framer.push(chunk));
    await this.link.start();
  }

  async stop(): Promise<void> {
    this.unsub?.();
    this.unsub = undefined;
    this.framer.reset();
    await this.link.stop();
  }

  /** One silence-delimited frame: CRC over the whole frame, then answer as the spec says. */
  private frame(frame: Buffer): void {
    this.frameStats.frames++;
    if (frame.length < 4 || !crcResidueOk(frame, 0, frame.length)) {
      this.frameStats.badFrames++; // a real slave discards it and says nothing
      return;
    }
    const address = frame[0] as number;
    if (address === 0) {
      // broadcast: every slave executes a valid write it implements; nobody answers
      for (const s of this.slaves.values()) {
        const d = decideRequest(frame, s);
        if (d.ok && d.request.kind.startsWith('write')) this.apply(s, d.request);
      }
      return;
    }
    const s = this.slaves.get(address);
    if (!s) return;
    if ((this.downUntil.get(address) ?? -1) > this.clock.monotonic()) return; // rebooting: deaf
    const d = decideRequest(frame, s);
    if (d.ok) s.log.push(d.request); // received, whatever happens next
    const fault = this.faults.take({ address, request: d.ok ? d.request : null });
    if (fault?.kind === 'no-reply') return;
    if (fault?.kind === 'board-reset') {
      this.resetBoard(address);
      this.downUntil.set(address, this.clock.monotonic() + fault.downMs);
      if (fault.bootNoise) void this.link.write(fault.bootNoise).catch(() => {});
      return;
    }
    let reply: ModbusResponse;
    if (!d.ok) {
      reply = { kind: 'exception', address, functionCode: d.functionCode, code: d.code };
    } else if (fault?.kind === 'busy') {
      if (fault.silent) return;
      reply = { kind: 'exception', address, functionCode: FC[d.request.kind], code: 6 };
    } else {
      reply = this.apply(s, d.request);
    }
    // `busy` is acted out above as exception 6; the wire itself is then fault-free
    void sendReply(encodeResponse(reply), fault?.kind === 'busy' ? undefined : fault, {
      link: this.link,
      clock: this.clock,
      random: this.random,
      ...(this.cable ? { cable: this.cable } : {}),
      corrupt: flipCrc,
    });
  }

  private apply(s: SimSlave, req: ModbusRequest): ModbusResponse {
    const ex = (code: number): ModbusResponse => ({ kind: 'exception', address: s.address, functionCode: FC[req.kind], code });
    const inRange = (arr: unknown[], start: number, n: number) => start + n <= arr.length;
    switch (req.kind) {
      case 'readCoils':
      case 'readDiscreteInputs': {
        const arr = req.kind === 'readCoils' ? s.coils : s.discreteInputs;
        if (!inRange(arr, req.start, req.quantity)) return ex(2);
        const bits = arr.slice(req.start, req.start + req.quantity);
        while (bits.length % 8) bits.push(false);
        return { kind: req.kind, address: s.address, bits };
      }
      case 'readHoldingRegisters':
      case 'readInputRegisters': {
        const arr = req.kind === 'readHoldingRegisters' ? s.holding : s.input;
        if (!inRange(arr, req.start, req.quantity)) return ex(2);
        return { kind: req.kind, address: s.address, registers: arr.slice(req.start, req.start + req.quantity) };
      }
      case 'writeSingleCoil':
        if (!inRange(s.coils, req.coil, 1)) return ex(2);
        s.coils[req.coil] = req.value;
        return { ...req, address: s.address };
      case 'writeSingleRegister':
        if (!inRange(s.holding, req.register, 1)) return ex(2);
        s.holding[req.register] = req.value;
        return { ...req, address: s.address };
      case 'writeMultipleCoils':
        if (!inRange(s.coils, req.start, req.values.length)) return ex(2);
        req.values.forEach((v, i) => (s.coils[req.start + i] = v));
        return { kind: req.kind, address: s.address, start: req.start, quantity: req.values.length };
      case 'writeMultipleRegisters':
        if (!inRange(s.holding, req.start, req.values.length)) return ex(2);
        req.values.forEach((v, i) => (s.holding[req.start + i] = v));
        return { kind: req.kind, address: s.address, start: req.start, quantity: req.values.length };
    }
  }
}

/** Corrupt the CRC (last byte) of an RTU frame. */
function flipCrc(frame: Buffer): Buffer {
  const out = Buffer.from(frame);
  out[out.length - 1] = (out[out.length - 1] as number) ^ 0x5a;
  return out;
}

/** Set a temperature/humidity sensor's registers (x10, signed temperature). */
export function setTempHumidity(s: SimSlave, temperatureC: number, humidityPct: number): void {
  s.input[1] = Math.round(temperatureC * 10) & 0xffff;
  s.input[2] = Math.round(humidityPct * 10) & 0xffff;
}
