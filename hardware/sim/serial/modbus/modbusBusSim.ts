/**
 * A simulated RS485 Modbus RTU bus with relay boards, input boards and temperature/humidity
 * sensors behind one device-side Link, answering with the real bytes. Fault behaviours per
 * test: no reply, late reply, busy (exception 6), garbage burst, split frames, bad checksum,
 * board reset (all coils off); a pulled cable is the link pair's `unplug()`.
 */
import { encodeResponse } from '../../../../firmware-bridge/modbus/codec.ts';
import { ModbusRequestParser } from '../../../../firmware-bridge/modbus/parser.ts';
import type { ModbusRequest, ModbusResponse } from '../../../../firmware-bridge/modbus/types.ts';
import type { Clock } from '../../../../firmware-bridge/platform/clock.ts';
import type { Link, Unsubscribe } from '../../../../firmware-bridge/transport/link.ts';
import { sendWithFaults, type ReplyFaults } from './faults.ts';

export interface ModbusFaults extends ReplyFaults {
  /** Answer with exception 6 (slave device busy). */
  busy?: boolean;
}

export interface SimSlave {
  address: number;
  coils: boolean[];
  discreteInputs: boolean[];
  holding: number[];
  input: number[];
  faults: ModbusFaults;
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
  private readonly onceFaults = new Map<number, ModbusFaults[]>();
  private unsub: Unsubscribe | undefined;

  constructor(
    private readonly link: Link,
    private readonly clock: Clock,
  ) {}

  addSlave(spec: SlaveSpec): SimSlave {
    const s: SimSlave = {
      address: spec.address,
      coils: new Array<boolean>(spec.coils ?? 0).fill(false),
      discreteInputs: new Array<boolean>(spec.discreteInputs ?? 0).fill(false),
      holding: new Array<number>(spec.holding ?? 0).fill(0),
      input: new Array<number>(spec.input ?? 0).fill(0),
      faults: {},
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

  /** Apply faults to the next reply of this slave only. */
  faultOnce(address: number, faults: ModbusFaults): void {
    const q = this.onceFaults.get(address) ?? [];
    q.push(faults);
    this.onceFaults.set(address, q);
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
      const once = this.onceFaults.get(address)?.shift();
      const faults = { ...s.faults, ...once };
      let reply: ModbusResponse;
      if (!inc.ok) {
        reply = { kind: 'exception', address, functionCode: inc.functionCode, code: inc.exception };
      } else {
        s.log.push(inc.request);
        reply = faults.busy ? { kind: 'exception', address, functionCode: fcOf(inc.request), code: 6 } : this.apply(s, inc.request);
      }
      sendWithFaults(encodeResponse(reply), faults, (b) => void this.link.write(b).catch(() => {}), this.clock);
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

function fcOf(req: ModbusRequest): number {
  return { readCoils: 1, readDiscreteInputs: 2, readHoldingRegisters: 3, readInputRegisters: 4, writeSingleCoil: 5, writeSingleRegister: 6, writeMultipleCoils: 15, writeMultipleRegisters: 16 }[req.kind];
}

/** Set a temperature/humidity sensor's registers (x10, signed temperature). */
export function setTempHumidity(s: SimSlave, temperatureC: number, humidityPct: number): void {
  s.input[1] = Math.round(temperatureC * 10) & 0xffff;
  s.input[2] = Math.round(humidityPct * 10) & 0xffff;
}
