/**
 * A simulated RS485 Modbus RTU bus with relay boards, input boards and temperature/humidity
 * sensors behind one device-side Link, answering with the real bytes. Fault behaviours per
 * test through the common `FaultPlan` (`sim.faults.set(...)`): no reply, late reply, busy
 * (exception 6, or `silent`), garbage burst, split frames, bad checksum, board reset (coils off,
 * deaf for `downMs`), cable pulled (needs the `cable`).
 */
import { encodeResponse } from '../../../../firmware-bridge/modbus/codec.ts';
import { ModbusRequestParser } from '../../../../firmware-bridge/modbus/parser.ts';
import type { ModbusRequest, ModbusResponse } from '../../../../firmware-bridge/modbus/types.ts';
import type { Clock } from '../../../../firmware-bridge/platform/clock.ts';
import type { Link, Unsubscribe } from '../../../../firmware-bridge/transport/link.ts';
import { FaultPlan, createSeededRandom, sendReply, type Cable } from '../common/faults.ts';

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
  /** Requests received (for assertions: "written exactly once"). */
  log: ModbusRequest[];
}

export interface SlaveSpec {
  address: number;
  coils?: number;
  discreteInputs?: number;
  holding?: number;
  input?: number;
}

export class ModbusBusSim {
  private readonly parser = new ModbusRequestParser();
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
  ) {
    this.random = createSeededRandom(seed);
  }

  addSlave(spec: SlaveSpec): SimSlave {
    const s: SimSlave = {
      address: spec.address,
      coils: new Array<boolean>(spec.coils ?? 0).fill(false),
      discreteInputs: new Array<boolean>(spec.discreteInputs ?? 0).fill(false),
      holding: new Array<number>(spec.holding ?? 0).fill(0),
      input: new Array<number>(spec.input ?? 0).fill(0),
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
    this.unsub = this.link.onData((chunk) => this.receive(chunk));
    await this.link.start();
  }

  async stop(): Promise<void> {
    this.unsub?.();
    this.unsub = undefined;
    await this.link.stop();
  }

  private receive(chunk: Buffer): void {
    for (const inc of this.parser.push(chunk)) {
      const address = inc.ok ? inc.request.address : inc.address;
      if (address === 0) {
        if (inc.ok) for (const s of this.slaves.values()) this.apply(s, inc.request);
        continue; // broadcast: nobody answers
      }
      const s = this.slaves.get(address);
      if (!s) continue;
      if ((this.downUntil.get(address) ?? -1) > this.clock.monotonic()) continue; // rebooting: deaf
      if (inc.ok) s.log.push(inc.request); // received, whatever happens next
      const fault = this.faults.take({ address, request: inc.ok ? inc.request : null });
      if (fault?.kind === 'no-reply') continue;
      if (fault?.kind === 'board-reset') {
        this.resetBoard(address);
        this.downUntil.set(address, this.clock.monotonic() + fault.downMs);
        if (fault.bootNoise) void this.link.write(fault.bootNoise).catch(() => {});
        continue;
      }
      let reply: ModbusResponse;
      if (!inc.ok) {
        reply = { kind: 'exception', address, functionCode: inc.functionCode, code: inc.exception };
      } else {
        if (fault?.kind === 'busy') {
          if (fault.silent) continue;
          reply = { kind: 'exception', address, functionCode: fcOf(inc.request), code: 6 };
        } else {
          reply = this.apply(s, inc.request);
        }
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
  }

  private apply(s: SimSlave, req: ModbusRequest): ModbusResponse {
    const ex = (code: number): ModbusResponse => ({ kind: 'exception', address: s.address, functionCode: fcOf(req), code });
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

function fcOf(req: ModbusRequest): number {
  return { readCoils: 1, readDiscreteInputs: 2, readHoldingRegisters: 3, readInputRegisters: 4, writeSingleCoil: 5, writeSingleRegister: 6, writeMultipleCoils: 15, writeMultipleRegisters: 16 }[req.kind];
}

/** Set a temperature/humidity sensor's registers (x10, signed temperature). */
export function setTempHumidity(s: SimSlave, temperatureC: number, humidityPct: number): void {
  s.input[1] = Math.round(temperatureC * 10) & 0xffff;
  s.input[2] = Math.round(humidityPct * 10) & 0xffff;
}
