/**
 * Modbus RTU message shapes (Modbus Application Protocol v1.1b3, Modbus over Serial Line V1.02).
 *
 * Every RTU frame on the wire:
 *
 * ```
 *  +---------+----------+------------------------+---------+---------+
 *  | address | function | data (0..252 bytes)    | CRC lo  | CRC hi  |
 *  | 1 byte  | 1 byte   |                        | 1 byte  | 1 byte  |
 *  +---------+----------+------------------------+---------+---------+
 *   CRC-16/MODBUS over address..data, transmitted low byte first; frame <= 256 bytes.
 * ```
 *
 * `address` 1..247 addresses one slave; 0 is broadcast (writes only, no slave replies).
 */

export const FC = {
  readCoils: 0x01,
  readDiscreteInputs: 0x02,
  readHoldingRegisters: 0x03,
  readInputRegisters: 0x04,
  writeSingleCoil: 0x05,
  writeSingleRegister: 0x06,
  writeMultipleCoils: 0x0f,
  writeMultipleRegisters: 0x10,
} as const;

export type FunctionName = keyof typeof FC;
export type FunctionCode = (typeof FC)[FunctionName];

export const FUNCTION_CODES: readonly number[] = Object.values(FC);

/** Exception codes (Modbus Application Protocol §7). */
export const ModbusExceptionCode = {
  illegalFunction: 1,
  illegalDataAddress: 2,
  illegalDataValue: 3,
  slaveDeviceFailure: 4,
  acknowledge: 5,
  slaveDeviceBusy: 6,
  memoryParityError: 8,
  gatewayPathUnavailable: 0x0a,
  gatewayTargetFailedToRespond: 0x0b,
} as const;

export const EXCEPTION_NAMES: Record<number, string> = {
  1: 'illegal function',
  2: 'illegal data address',
  3: 'illegal data value',
  4: 'slave device failure',
  5: 'acknowledge',
  6: 'slave device busy',
  8: 'memory parity error',
  10: 'gateway path unavailable',
  11: 'gateway target device failed to respond',
};

/** Spec limits per request. */
export const LIMITS = {
  readBits: 2000,
  readRegisters: 125,
  writeCoils: 1968,
  writeRegisters: 123,
} as const;

export type ReadKind = 'readCoils' | 'readDiscreteInputs' | 'readHoldingRegisters' | 'readInputRegisters';

export type ModbusRequest =
  | { kind: ReadKind; address: number; start: number; quantity: number }
  | { kind: 'writeSingleCoil'; address: number; coil: number; value: boolean }
  | { kind: 'writeSingleRegister'; address: number; register: number; value: number }
  | { kind: 'writeMultipleCoils'; address: number; start: number; values: boolean[] }
  | { kind: 'writeMultipleRegisters'; address: number; start: number; values: number[] };

export type ModbusResponse =
  /** FC 01/02: bit status, 8 per byte, LSB first; `bits.length` is a multiple of 8 (padding included). */
  | { kind: 'readCoils' | 'readDiscreteInputs'; address: number; bits: boolean[] }
  /** FC 03/04: 16-bit registers, big-endian on the wire. */
  | { kind: 'readHoldingRegisters' | 'readInputRegisters'; address: number; registers: number[] }
  /** FC 05: echo of the request. */
  | { kind: 'writeSingleCoil'; address: number; coil: number; value: boolean }
  /** FC 06: echo of the request. */
  | { kind: 'writeSingleRegister'; address: number; register: number; value: number }
  /** FC 0F/10: start and quantity written. */
  | { kind: 'writeMultipleCoils' | 'writeMultipleRegisters'; address: number; start: number; quantity: number }
  /** Exception: function code | 0x80, then one exception code byte. */
  | { kind: 'exception'; address: number; functionCode: number; code: number };

export function isBroadcast(req: ModbusRequest): boolean {
  return req.address === 0;
}
