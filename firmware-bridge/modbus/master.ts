/**
 * Modbus RTU master on a Session: one request in flight per bus (RS485 is half-duplex, all
 * slaves share it), reads retried by the session, writes never repeated. Results are typed;
 * exceptions from the slave come back as `{ ok: false, reason: 'nak' | 'busy', exception: { code, name } }`
 * (code 1 illegal function, 2 illegal data address, 3 illegal data value, 6 busy: `ModbusExceptionCode`).
 */
import type { Clock } from '../platform/clock.ts';
import type { Logger } from '../platform/logger.ts';
import { Session, type CommandResult, type ReplyVerdict } from '../session/session.ts';
import type { Link } from '../transport/link.ts';
import { encodeRequest } from './codec.ts';
import { ModbusResponseParser, expectationFor } from './parser.ts';
import { EXCEPTION_NAMES, FC, ModbusExceptionCode, type ModbusRequest, type ModbusResponse } from './types.ts';
import { validateRequest } from './validate.ts';

export interface ModbusMasterOptions {
  link: Link;
  clock: Clock;
  logger: Logger;
  /** Reply timeout per attempt (default 300 ms: 9600 Bd turnaround plus slave processing). */
  timeoutMs?: number;
  /** Attempts for reads (default 3). */
  readAttempts?: number;
  /** Time a broadcast write is given to settle on the bus before the next request (default 100 ms). */
  broadcastTurnaroundMs?: number;
}

/** The exception a slave answered with (the last one, after retries). */
export interface ModbusException {
  code: number;
  /** e.g. 'illegal function' (`EXCEPTION_NAMES`), 'unknown' for codes the spec does not name */
  name: string;
}

export type ModbusResult<V> =
  | { ok: true; value: V; attempts: number }
  | (Extract<CommandResult<V>, { ok: false }> & { exception?: ModbusException })
  | { ok: false; reason: 'invalid-argument'; detail: string; attempts: 0; written: false };

function sameRequestEcho(req: ModbusRequest, res: ModbusResponse): boolean {
  switch (req.kind) {
    case 'writeSingleCoil':
      return res.kind === req.kind && res.coil === req.coil && res.value === req.value;
    case 'writeSingleRegister':
      return res.kind === req.kind && res.register === req.register && res.value === req.value;
    case 'writeMultipleCoils':
    case 'writeMultipleRegisters':
      return res.kind === req.kind && res.start === req.start && res.quantity === req.values.length;
    default:
      return res.kind === req.kind;
  }
}

export class ModbusMaster {
  readonly parser = new ModbusResponseParser();
  private readonly session: Session<ModbusRequest, ModbusResponse>;
  private readonly turnaround: number;

  constructor(private readonly opts: ModbusMasterOptions) {
    const parser = this.parser;
    this.turnaround = opts.broadcastTurnaroundMs ?? 100;
    this.session = new Session<ModbusRequest, ModbusResponse>({
      link: opts.link,
      clock: opts.clock,
      logger: opts.logger,
      parser,
      // encode() runs right before the write: narrow the parser to the reply we now expect
      encoder: {
        encode(req) {
          const bytes = encodeRequest(req);
          parser.expect(req.address === 0 ? null : expectationFor(req));
          return bytes;
        },
      },
      defaultTimeoutMs: opts.timeoutMs ?? 300,
      defaultMaxAttempts: opts.readAttempts ?? 3,
      defaultRetryDelayMs: 50,
    });
  }

  start(): void {
    this.session.start();
  }

  stop(): void {
    this.session.stop();
  }

  get stats() {
    return this.parser.stats;
  }

  /** Send one request and wait for its reply (or, for broadcast, the turnaround delay). */
  async request(req: ModbusRequest, signal?: AbortSignal): Promise<ModbusResult<ModbusResponse>> {
    const invalid = validateRequest(req);
    if (invalid) return { ok: false, reason: 'invalid-argument', detail: invalid, attempts: 0, written: false };
    const isRead = req.kind.startsWith('read');
    const label = `modbus ${req.kind} @${req.address}`;
    if (req.address === 0) {
      const r = await this.session.request<never>({
        key: 'bus',
        frame: req,
        label,
        idempotent: false,
        timeoutMs: this.turnaround,
        match: () => undefined,
        ...(signal ? { signal } : {}),
      });
      // no slave answers a broadcast: the "timeout" is the expected outcome
      if (!r.ok && r.reason === 'timeout') return { ok: true, value: { kind: 'writeMultipleCoils', address: 0, start: 0, quantity: 0 }, attempts: 1 };
      return r;
    }
    let exception: ModbusException | undefined;
    const r = await this.session.request<ModbusResponse>({
      key: 'bus',
      frame: req,
      label,
      idempotent: isRead,
      match: (res): ReplyVerdict<ModbusResponse> | undefined => {
        if (res.address !== req.address) return undefined;
        if (res.kind === 'exception') {
          if (res.functionCode !== FC[req.kind]) return undefined;
          exception = { code: res.code, name: EXCEPTION_NAMES[res.code] ?? 'unknown' };
          const detail = `slave ${req.address} exception ${res.code} (${exception.name})`;
          return res.code === ModbusExceptionCode.slaveDeviceBusy ? { kind: 'busy', detail } : { kind: 'nak', detail };
        }
        if (res.kind !== req.kind) return undefined;
        if (!sameRequestEcho(req, res)) return { kind: 'bad-reply', detail: `reply does not echo the ${req.kind} request` };
        if ('quantity' in req && 'bits' in res && res.bits.length < req.quantity) {
          return { kind: 'bad-reply', detail: `asked ${req.quantity} bits, got ${res.bits.length}` };
        }
        if ('quantity' in req && 'registers' in res && res.registers.length !== req.quantity) {
          return { kind: 'bad-reply', detail: `asked ${req.quantity} registers, got ${res.registers.length}` };
        }
        return { kind: 'ok', value: res };
      },
      ...(signal ? { signal } : {}),
    });
    return !r.ok && (r.reason === 'nak' || r.reason === 'busy') && exception ? { ...r, exception } : r;
  }

  async readBits(kind: 'readCoils' | 'readDiscreteInputs', address: number, start: number, quantity: number): Promise<ModbusResult<boolean[]>> {
    const r = await this.request({ kind, address, start, quantity });
    if (!r.ok) return r;
    return { ok: true, attempts: r.attempts, value: r.value.kind === kind ? r.value.bits.slice(0, quantity) : [] };
  }

  async readRegisters(kind: 'readHoldingRegisters' | 'readInputRegisters', address: number, start: number, quantity: number): Promise<ModbusResult<number[]>> {
    const r = await this.request({ kind, address, start, quantity });
    if (!r.ok) return r;
    return { ok: true, attempts: r.attempts, value: r.value.kind === kind ? r.value.registers : [] };
  }
}
