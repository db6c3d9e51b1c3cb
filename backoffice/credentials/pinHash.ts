/**
 * Card PINs as the point verifies them (controller/access/pin.ts): scrypt with a 16-byte random
 * salt, `scrypt$N$r$p$<salt base64url>$<hash base64url>` (32-byte hash). Only this hash goes into
 * the database and down to the points; the clear PIN is shown once in the API answer.
 */
import { randomBytes, randomInt, scrypt } from 'node:crypto';

export interface PinCost {
  N: number;
  r: number;
  p: number;
}

/** The point's default (~16 MiB, tens of ms on a Raspberry Pi 4 per check). */
export const DEFAULT_PIN_COST: PinCost = { N: 16384, r: 8, p: 1 };

export function hashMemberPin(pin: string, cost: PinCost = DEFAULT_PIN_COST): Promise<string> {
  if (!/^[0-9]{4,12}$/.test(pin)) return Promise.reject(new Error('PIN must be 4 to 12 digits'));
  const salt = randomBytes(16);
  return new Promise((resolve, reject) =>
    scrypt(pin, salt, 32, { N: cost.N, r: cost.r, p: cost.p, maxmem: 256 * cost.N * cost.r + 1024 * 1024 }, (err, key) =>
      err ? reject(err) : resolve(`scrypt$${cost.N}$${cost.r}$${cost.p}$${salt.toString('base64url')}$${key.toString('base64url')}`),
    ),
  );
}

/** A random PIN of `digits` digits (uniform, leading zeros allowed). */
export function randomPin(digits = 6): string {
  let s = '';
  for (let i = 0; i < digits; i++) s += String(randomInt(10));
  return s;
}
