/**
 * Typed messages of the dorfpunkt I/O board protocol v1 (layouts in firmware-bridge/PROTOCOL.md).
 * Multi-byte integers are big-endian. Relay, input and probe numbers are 1-based.
 */
import type { IoFrame } from './frame.ts';

export const MsgType = {
  HELLO: 0x01,
  HEARTBEAT: 0x02,
  SET_RELAY: 0x03,
  READ_INPUTS: 0x04,
  READ_TEMPS: 0x05,
  ACK: 0x80,
  BOARD_INFO: 0x81,
  INPUTS: 0x84,
  TEMPS: 0x85,
  NAK: 0x8f,
  INPUT_CHANGED: 0x90,
  BOOT: 0x91,
  WATCHDOG_TRIPPED: 0x92,
} as const;

export const NakCode = {
  unknownType: 1,
  badLength: 2,
  outOfRange: 3,
  noHeartbeat: 4,
  busy: 5,
  hardwareFault: 6,
} as const;

export const NAK_NAMES: Record<number, string> = {
  1: 'unknown message type',
  2: 'bad payload length',
  3: 'relay/probe number out of range',
  4: 'no heartbeat: relays are held off by the watchdog',
  5: 'busy',
  6: 'hardware fault',
};

/** Probe reading meaning "no probe / probe fault". */
export const TEMP_FAULT = 0x7fff;

export const BootReason = { powerOn: 1, watchdogReset: 2, brownOut: 3, software: 4 } as const;

export interface BoardInfo {
  fwMajor: number;
  fwMinor: number;
  relays: number;
  inputs: number;
  probes: number;
  watchdogMs: number;
}

export type IoMessage =
  | { type: 'hello' }
  | { type: 'heartbeat'; watchdogMs: number }
  | { type: 'setRelay'; relay: number; on: boolean }
  | { type: 'readInputs' }
  | { type: 'readTemps' }
  | { type: 'ack'; ackedType: number }
  | { type: 'boardInfo'; info: BoardInfo }
  | { type: 'inputs'; inputs: boolean[] }
  /** centi-degrees Celsius per probe, null = probe fault */
  | { type: 'temps'; centiC: (number | null)[] }
  | { type: 'nak'; nakedType: number; code: number }
  | { type: 'inputChanged'; inputs: boolean[] }
  | { type: 'boot'; reason: number }
  | { type: 'watchdogTripped' };

const packBits = (bits: boolean[]): number[] => {
  const bytes = new Array<number>(Math.ceil(bits.length / 8)).fill(0);
  bits.forEach((b, i) => {
    if (b) bytes[i >> 3] = (bytes[i >> 3] as number) | (1 << (i & 7));
  });
  return bytes;
};

export function messagePayload(m: IoMessage): { type: number; payload: Uint8Array } {
  const p = (type: number, bytes: number[] = []) => ({ type, payload: Uint8Array.from(bytes) });
  switch (m.type) {
    case 'hello':
      return p(MsgType.HELLO);
    case 'heartbeat':
      return p(MsgType.HEARTBEAT, [(m.watchdogMs >>> 8) & 0xff, m.watchdogMs & 0xff]);
    case 'setRelay':
      return p(MsgType.SET_RELAY, [m.relay, m.on ? 1 : 0]);
    case 'readInputs':
      return p(MsgType.READ_INPUTS);
    case 'readTemps':
      return p(MsgType.READ_TEMPS);
    case 'ack':
      return p(MsgType.ACK, [m.ackedType]);
    case 'boardInfo': {
      const i = m.info;
      return p(MsgType.BOARD_INFO, [i.fwMajor, i.fwMinor, i.relays, i.inputs, i.probes, (i.watchdogMs >>> 8) & 0xff, i.watchdogMs & 0xff]);
    }
    case 'inputs':
      return p(MsgType.INPUTS, [m.inputs.length, ...packBits(m.inputs)]);
    case 'inputChanged':
      return p(MsgType.INPUT_CHANGED, [m.inputs.length, ...packBits(m.inputs)]);
    case 'temps':
      return p(MsgType.TEMPS, [
        m.centiC.length,
        ...m.centiC.flatMap((c) => {
          const v = c === null ? TEMP_FAULT : c & 0xffff;
          return [(v >>> 8) & 0xff, v & 0xff];
        }),
      ]);
    case 'nak':
      return p(MsgType.NAK, [m.nakedType, m.code]);
    case 'boot':
      return p(MsgType.BOOT, [m.reason]);
    case 'watchdogTripped':
      return p(MsgType.WATCHDOG_TRIPPED);
  }
}

export function toFrame(seq: number, m: IoMessage): IoFrame {
  return { seq, ...messagePayload(m) };
}

function bitsPayload(pl: Uint8Array): boolean[] | string {
  const n = pl[0];
  if (n === undefined || pl.length !== 1 + Math.ceil(n / 8)) return 'bit count does not match payload length';
  const out: boolean[] = [];
  for (let i = 0; i < n; i++) out.push((((pl[1 + (i >> 3)] as number) >> (i & 7)) & 1) === 1);
  return out;
}

/** Typed view of a frame, or a clear error for a payload that does not fit its type. Never throws. */
export function decodeMessage(f: IoFrame): { ok: true; message: IoMessage } | { ok: false; error: string } {
  const pl = f.payload;
  const len = (n: number) => pl.length === n;
  const bad = (what: string) => ({ ok: false as const, error: `type 0x${f.type.toString(16)}: ${what}` });
  const ok = (message: IoMessage) => ({ ok: true as const, message });
  switch (f.type) {
    case MsgType.HELLO:
      return len(0) ? ok({ type: 'hello' }) : bad('payload must be empty');
    case MsgType.HEARTBEAT:
      return len(2) ? ok({ type: 'heartbeat', watchdogMs: ((pl[0] as number) << 8) | (pl[1] as number) }) : bad('payload must be 2 bytes');
    case MsgType.SET_RELAY:
      if (!len(2)) return bad('payload must be 2 bytes');
      if (pl[1] !== 0 && pl[1] !== 1) return bad(`relay state ${pl[1]} must be 0 or 1`);
      return ok({ type: 'setRelay', relay: pl[0] as number, on: pl[1] === 1 });
    case MsgType.READ_INPUTS:
      return len(0) ? ok({ type: 'readInputs' }) : bad('payload must be empty');
    case MsgType.READ_TEMPS:
      return len(0) ? ok({ type: 'readTemps' }) : bad('payload must be empty');
    case MsgType.ACK:
      return len(1) ? ok({ type: 'ack', ackedType: pl[0] as number }) : bad('payload must be 1 byte');
    case MsgType.BOARD_INFO:
      if (!len(7)) return bad('payload must be 7 bytes');
      return ok({
        type: 'boardInfo',
        info: {
          fwMajor: pl[0] as number,
          fwMinor: pl[1] as number,
          relays: pl[2] as number,
          inputs: pl[3] as number,
          probes: pl[4] as number,
          watchdogMs: ((pl[5] as number) << 8) | (pl[6] as number),
        },
      });
    case MsgType.INPUTS:
    case MsgType.INPUT_CHANGED: {
      const bits = bitsPayload(pl);
      if (typeof bits === 'string') return bad(bits);
      return ok(f.type === MsgType.INPUTS ? { type: 'inputs', inputs: bits } : { type: 'inputChanged', inputs: bits });
    }
    case MsgType.TEMPS: {
      const n = pl[0];
      if (n === undefined || pl.length !== 1 + 2 * n) return bad('probe count does not match payload length');
      const centiC: (number | null)[] = [];
      for (let i = 0; i < n; i++) {
        const raw = ((pl[1 + 2 * i] as number) << 8) | (pl[2 + 2 * i] as number);
        centiC.push(raw === TEMP_FAULT ? null : raw >= 0x8000 ? raw - 0x10000 : raw);
      }
      return ok({ type: 'temps', centiC });
    }
    case MsgType.NAK:
      return len(2) ? ok({ type: 'nak', nakedType: pl[0] as number, code: pl[1] as number }) : bad('payload must be 2 bytes');
    case MsgType.BOOT:
      return len(1) ? ok({ type: 'boot', reason: pl[0] as number }) : bad('payload must be 1 byte');
    case MsgType.WATCHDOG_TRIPPED:
      return len(0) ? ok({ type: 'watchdogTripped' }) : bad('payload must be empty');
    default:
      return bad('unknown message type');
  }
}
