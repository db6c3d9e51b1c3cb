/**
 * What a Modbus slave makes of one silence-delimited, CRC-checked frame: a request to execute,
 * or the exception the spec prescribes (Modbus Application Protocol v1.1b3 §6 state diagrams,
 * checked in this order):
 *
 *  - exception 1 (illegal function): function code unknown, or not implemented by this device
 *  - exception 3 (illegal data value): frame length wrong for the function code, quantity 0 or
 *    above the limit (FC 01/02 1..2000, 03/04 1..125, 0F 1..1968, 10 1..123, or the device's
 *    own lower limit), byte count not matching the quantity, FC 05 value not FF00/0000
 *  - exception 2 (illegal data address): start + quantity past 65535 (past the device's tables
 *    is checked by the simulator when it executes)
 */
import { decodeRequest, functionName } from '../../../../firmware-bridge/modbus/codec.ts';
import { FC, LIMITS, ModbusExceptionCode, type ModbusRequest } from '../../../../firmware-bridge/modbus/types.ts';

export type DeviceLimits = Partial<Record<keyof typeof LIMITS, number>>;

export interface SlaveCapabilities {
  /** function codes the device implements */
  functions: ReadonlySet<number>;
  /** the device's own per-request maximums, where lower than the spec's */
  limits: DeviceLimits;
}

export type SlaveDecision = { ok: true; request: ModbusRequest } | { ok: false; functionCode: number; code: number; error: string };

export const ALL_FUNCTIONS: readonly number[] = Object.values(FC);

function quantityOf(req: ModbusRequest): { limit: keyof typeof LIMITS; quantity: number } | null {
  switch (req.kind) {
    case 'readCoils':
    case 'readDiscreteInputs':
      return { limit: 'readBits', quantity: req.quantity };
    case 'readHoldingRegisters':
    case 'readInputRegisters':
      return { limit: 'readRegisters', quantity: req.quantity };
    case 'writeMultipleCoils':
      return { limit: 'writeCoils', quantity: req.values.length };
    case 'writeMultipleRegisters':
      return { limit: 'writeRegisters', quantity: req.values.length };
    default:
      return null;
  }
}

/** `frame` is one whole frame (address .. CRC), CRC already checked, at least 4 bytes. */
export function decideRequest(frame: Uint8Array, device: SlaveCapabilities): SlaveDecision {
  const fc = frame[1] as number;
  const refuse = (code: number, error: string): SlaveDecision => ({ ok: false, functionCode: fc, code, error });
  if (!functionName(fc) || !device.functions.has(fc)) return refuse(ModbusExceptionCode.illegalFunction, `function code 0x${fc.toString(16)} not supported`);
  const len = frame.length;
  const multiple = fc === FC.writeMultipleCoils || fc === FC.writeMultipleRegisters;
  const lengthOk = multiple ? len >= 9 && len === 9 + (frame[6] as number) : len === 8;
  if (!lengthOk) return refuse(ModbusExceptionCode.illegalDataValue, `frame of ${len} bytes does not fit function code 0x${fc.toString(16)}`);
  const r = decodeRequest(frame, 0, len);
  if (!r.ok) return refuse(r.exception ?? ModbusExceptionCode.illegalDataValue, r.error);
  const q = quantityOf(r.value);
  const max = q ? device.limits[q.limit] : undefined;
  if (q && max !== undefined && q.quantity > max) {
    return refuse(ModbusExceptionCode.illegalDataValue, `quantity ${q.quantity} above this device's maximum ${max}`);
  }
  return { ok: true, request: r.value };
}
