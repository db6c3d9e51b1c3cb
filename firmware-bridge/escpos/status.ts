/**
 * Real-time status bytes (reply to DLE EOT n), after Epson's ESC/POS reference "DLE EOT"
 * (transmit real-time status) as printed in e.g. the TM-U220 and TM-L60II technical manuals:
 *
 *   every status byte: bit 0 = 0, bit 1 = 1, bit 4 = 1, bit 7 = 0   → (b & 0x93) === 0x12
 *   n = 1 printer status:     bit 2 drawer kick-out pin 3 high, bit 3 offline
 *   n = 2 offline cause:      bit 2 cover open, bit 3 paper being fed by the FEED button,
 *                             bit 5 printing stopped by paper end, bit 6 error occurred
 *   n = 3 error cause:        bit 2 mechanical error (model-dependent), bit 3 autocutter error,
 *                             bit 5 unrecoverable error, bit 6 automatically recoverable error
 *   n = 4 roll paper sensor:  bits 2+3 near end (0x0C), bits 5+6 paper not present (0x60)
 *
 * A byte without the fixed bits is not a status byte (line noise, a printer in another mode):
 * it parses to `{ known: false }`, never to a guess and never to an exception.
 */
import type { StatusKind } from './commands.ts';

export const STATUS_FIXED_MASK = 0x93;
export const STATUS_FIXED_VALUE = 0x12;

export function isStatusByte(byte: number): boolean {
  return Number.isInteger(byte) && byte >= 0 && byte <= 0xff && (byte & STATUS_FIXED_MASK) === STATUS_FIXED_VALUE;
}

export type Unknown = { known: false; raw: number; detail: string };

export type PrinterStatusByte = { known: true; raw: number; offline: boolean; drawerPin3High: boolean } | Unknown;
export type OfflineCauseByte = { known: true; raw: number; coverOpen: boolean; feedButton: boolean; paperEndStop: boolean; error: boolean } | Unknown;
export type ErrorCauseByte = { known: true; raw: number; mechanical: boolean; autocutter: boolean; unrecoverable: boolean; autoRecoverable: boolean } | Unknown;
export type PaperSensorByte = { known: true; raw: number; nearEnd: boolean; paperOut: boolean } | Unknown;

const bit = (b: number, n: number): boolean => (b & (1 << n)) !== 0;

function unknown(raw: number, what: string): Unknown {
  const shown = Number.isInteger(raw) && raw >= 0 && raw <= 0xff ? `0x${raw.toString(16).padStart(2, '0').toUpperCase()}` : String(raw);
  return { known: false, raw, detail: `${shown} is not a ${what} status byte (fixed bits 0,1,4,7 must read 0,1,1,0)` };
}

export function parsePrinterStatus(b: number): PrinterStatusByte {
  if (!isStatusByte(b)) return unknown(b, 'printer');
  return { known: true, raw: b, offline: bit(b, 3), drawerPin3High: bit(b, 2) };
}

export function parseOfflineCause(b: number): OfflineCauseByte {
  if (!isStatusByte(b)) return unknown(b, 'offline cause');
  return { known: true, raw: b, coverOpen: bit(b, 2), feedButton: bit(b, 3), paperEndStop: bit(b, 5), error: bit(b, 6) };
}

export function parseErrorCause(b: number): ErrorCauseByte {
  if (!isStatusByte(b)) return unknown(b, 'error cause');
  return { known: true, raw: b, mechanical: bit(b, 2), autocutter: bit(b, 3), unrecoverable: bit(b, 5), autoRecoverable: bit(b, 6) };
}

export function parsePaperSensor(b: number): PaperSensorByte {
  if (!isStatusByte(b)) return unknown(b, 'paper sensor');
  // Either bit of a pair set counts: some printers set one bit per sensor (Citizen CT-S2000).
  return { known: true, raw: b, nearEnd: bit(b, 2) || bit(b, 3), paperOut: bit(b, 5) || bit(b, 6) };
}

export function parseStatusByte(kind: StatusKind, b: number): PrinterStatusByte | OfflineCauseByte | ErrorCauseByte | PaperSensorByte {
  switch (kind) {
    case 1:
      return parsePrinterStatus(b);
    case 2:
      return parseOfflineCause(b);
    case 3:
      return parseErrorCause(b);
    case 4:
      return parsePaperSensor(b);
  }
}

/** The bytes a printer sends for a state (for simulators): the inverse of the parsers above. */
export interface StatusBits {
  offline?: boolean;
  drawerPin3High?: boolean;
  coverOpen?: boolean;
  feedButton?: boolean;
  paperEndStop?: boolean;
  error?: boolean;
  mechanical?: boolean;
  autocutter?: boolean;
  unrecoverable?: boolean;
  autoRecoverable?: boolean;
  nearEnd?: boolean;
  paperOut?: boolean;
}

export function statusByte(kind: StatusKind, s: StatusBits): number {
  let b = STATUS_FIXED_VALUE;
  const set = (on: boolean | undefined, mask: number): void => {
    if (on) b |= mask;
  };
  switch (kind) {
    case 1:
      set(s.drawerPin3High, 0x04);
      set(s.offline, 0x08);
      break;
    case 2:
      set(s.coverOpen, 0x04);
      set(s.feedButton, 0x08);
      set(s.paperEndStop, 0x20);
      set(s.error, 0x40);
      break;
    case 3:
      set(s.mechanical, 0x04);
      set(s.autocutter, 0x08);
      set(s.unrecoverable, 0x20);
      set(s.autoRecoverable, 0x40);
      break;
    case 4:
      set(s.nearEnd, 0x0c);
      set(s.paperOut, 0x60);
      break;
  }
  return b;
}
