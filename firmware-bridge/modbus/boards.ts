/**
 * Board drivers on a ModbusMaster. Channel numbers are 1-based as printed on the boards and
 * validated against the board's channel count: out of range is refused, never clamped.
 */
import type { ModbusMaster, ModbusResult } from './master.ts';
import { checkUnicastAddress } from './validate.ts';

const refuse = (detail: string) => ({ ok: false as const, reason: 'invalid-argument' as const, detail, attempts: 0 as const, written: false as const });

function checkBoard(address: number, channels: number): void {
  const e = checkUnicastAddress(address);
  if (e) throw new RangeError(e);
  if (!Number.isInteger(channels) || channels < 1 || channels > 2000) throw new RangeError(`channel count ${channels} must be 1..2000`);
}

export interface RelayBoardOptions {
  address: number;
  channels: number;
  /** Coil address of relay 1 (default 0). */
  firstCoil?: number;
}

/** Relay output board (e.g. R4D3B16, R421A08 in Modbus mode): FC 05 / 0F to switch, FC 01 to read. */
export class RelayBoard {
  readonly address: number;
  readonly channels: number;
  private readonly firstCoil: number;
  constructor(
    private readonly master: ModbusMaster,
    opts: RelayBoardOptions,
  ) {
    checkBoard(opts.address, opts.channels);
    this.address = opts.address;
    this.channels = opts.channels;
    this.firstCoil = opts.firstCoil ?? 0;
  }

  private checkChannel(relay: number): string | null {
    return Number.isInteger(relay) && relay >= 1 && relay <= this.channels
      ? null
      : `relay ${relay} out of range for board ${this.address}: must be 1..${this.channels}`;
  }

  async set(relay: number, on: boolean): Promise<ModbusResult<true>> {
    const e = this.checkChannel(relay);
    if (e) return refuse(e);
    const r = await this.master.request({ kind: 'writeSingleCoil', address: this.address, coil: this.firstCoil + relay - 1, value: on });
    return r.ok ? { ok: true, value: true, attempts: r.attempts } : r;
  }

  /** Switch all relays at once (FC 0F); `states[0]` is relay 1. */
  async setAll(states: boolean[]): Promise<ModbusResult<true>> {
    if (states.length !== this.channels) return refuse(`expected ${this.channels} relay states, got ${states.length}`);
    const r = await this.master.request({ kind: 'writeMultipleCoils', address: this.address, start: this.firstCoil, values: states });
    return r.ok ? { ok: true, value: true, attempts: r.attempts } : r;
  }

  /** Relay states, index 0 = relay 1. */
  read(): Promise<ModbusResult<boolean[]>> {
    return this.master.readBits('readCoils', this.address, this.firstCoil, this.channels);
  }
}

export interface InputBoardOptions {
  address: number;
  channels: number;
  firstInput?: number;
}

/** Digital input board: FC 02 discrete inputs. */
export class InputBoard {
  readonly address: number;
  readonly channels: number;
  private readonly firstInput: number;
  constructor(
    private readonly master: ModbusMaster,
    opts: InputBoardOptions,
  ) {
    checkBoard(opts.address, opts.channels);
    this.address = opts.address;
    this.channels = opts.channels;
    this.firstInput = opts.firstInput ?? 0;
  }

  /** Input states, index 0 = input 1. */
  read(): Promise<ModbusResult<boolean[]>> {
    return this.master.readBits('readDiscreteInputs', this.address, this.firstInput, this.channels);
  }
}

export interface TempHumidityOptions {
  address: number;
  /** Register kind: most XY-MD02/SHT20 clones use input registers (FC 04). */
  registerKind?: 'readInputRegisters' | 'readHoldingRegisters';
  temperatureRegister?: number;
  /** Register of relative humidity, or null when the sensor has none. */
  humidityRegister?: number | null;
  /** Raw value divided by this gives °C / %RH (default 10: 0.1 resolution). */
  scale?: number;
  /** Temperature register is signed two's complement (default true). */
  signed?: boolean;
}

export interface TempHumidityReading {
  temperatureC: number;
  humidityPct: number | null;
}

/** Temperature / humidity sensor (XY-MD02 style): temperature at 0x0001, humidity at 0x0002, x10. */
export class TempHumiditySensor {
  readonly address: number;
  private readonly o: Required<Omit<TempHumidityOptions, 'humidityRegister'>> & { humidityRegister: number | null };
  constructor(
    private readonly master: ModbusMaster,
    opts: TempHumidityOptions,
  ) {
    checkBoard(opts.address, 1);
    this.address = opts.address;
    this.o = {
      address: opts.address,
      registerKind: opts.registerKind ?? 'readInputRegisters',
      temperatureRegister: opts.temperatureRegister ?? 1,
      humidityRegister: opts.humidityRegister === undefined ? 2 : opts.humidityRegister,
      scale: opts.scale ?? 10,
      signed: opts.signed ?? true,
    };
    if (!(this.o.scale > 0)) throw new RangeError(`scale ${this.o.scale} must be > 0`);
  }

  async read(): Promise<ModbusResult<TempHumidityReading>> {
    const t = this.o.temperatureRegister;
    const h = this.o.humidityRegister;
    const start = h === null ? t : Math.min(t, h);
    const quantity = h === null ? 1 : Math.abs(h - t) + 1;
    const r = await this.master.readRegisters(this.o.registerKind, this.address, start, quantity);
    if (!r.ok) return r;
    const rawT = r.value[t - start] ?? 0;
    const signedT = this.o.signed && rawT >= 0x8000 ? rawT - 0x10000 : rawT;
    const humidityPct = h === null ? null : (r.value[h - start] ?? 0) / this.o.scale;
    return { ok: true, attempts: r.attempts, value: { temperatureC: signedT / this.o.scale, humidityPct } };
  }
}
