/**
 * Range checks for Modbus requests. Out-of-range hardware ids are rejected with a message that
 * names the field and the allowed range, never clamped (DESIGN.md principle 5).
 */
import { LIMITS, type ModbusRequest } from './types.ts';

export class ModbusValidationError extends Error {
  override readonly name = 'ModbusValidationError';
}

const isInt = (n: unknown): n is number => typeof n === 'number' && Number.isInteger(n);

/** Slave address for a request that expects a reply: 1..247. */
export function checkUnicastAddress(address: unknown): string | null {
  if (!isInt(address) || address < 1 || address > 247) {
    return `Modbus slave address ${String(address)} out of range: must be an integer 1..247`;
  }
  return null;
}

function checkRange(what: string, start: unknown, quantity: unknown, max: number): string | null {
  if (!isInt(quantity) || quantity < 1 || quantity > max) {
    return `${what} quantity ${String(quantity)} out of range: must be 1..${max}`;
  }
  if (!isInt(start) || start < 0 || start > 0xffff) {
    return `${what} start address ${String(start)} out of range: must be 0..65535`;
  }
  if (start + quantity > 0x10000) {
    return `${what} ${start}+${quantity} runs past address 65535`;
  }
  return null;
}

/** Returns a clear error message, or null when the request may be sent. */
export function validateRequest(req: ModbusRequest): string | null {
  const isWrite = req.kind.startsWith('write');
  if (isWrite && req.address === 0) {
    // broadcast write: allowed, no reply expected
  } else if (req.address === 0) {
    return `Modbus broadcast (address 0) is only allowed for writes, not ${req.kind}`;
  } else {
    const e = checkUnicastAddress(req.address);
    if (e) return e;
  }
  switch (req.kind) {
    case 'readCoils':
      return checkRange('coil', req.start, req.quantity, LIMITS.readBits);
    case 'readDiscreteInputs':
      return checkRange('discrete input', req.start, req.quantity, LIMITS.readBits);
    case 'readHoldingRegisters':
      return checkRange('holding register', req.start, req.quantity, LIMITS.readRegisters);
    case 'readInputRegisters':
      return checkRange('input register', req.start, req.quantity, LIMITS.readRegisters);
    case 'writeSingleCoil':
      if (typeof req.value !== 'boolean') return `coil value must be a boolean`;
      return checkRange('coil', req.coil, 1, 1);
    case 'writeSingleRegister':
      if (!isInt(req.value) || req.value < 0 || req.value > 0xffff) {
        return `register value ${String(req.value)} out of range: must be 0..65535`;
      }
      return checkRange('register', req.register, 1, 1);
    case 'writeMultipleCoils':
      if (!Array.isArray(req.values) || req.values.some((v) => typeof v !== 'boolean')) {
        return 'coil values must be booleans';
      }
      return checkRange('coil', req.start, req.values.length, LIMITS.writeCoils);
    case 'writeMultipleRegisters':
      if (!Array.isArray(req.values) || req.values.some((v) => !isInt(v) || v < 0 || v > 0xffff)) {
        return 'register values must be integers 0..65535';
      }
      return checkRange('register', req.start, req.values.length, LIMITS.writeRegisters);
    default:
      return `unknown Modbus request kind ${String((req as { kind: unknown }).kind)}`;
  }
}
