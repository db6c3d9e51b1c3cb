/**
 * PIN hashing: scrypt with a random salt, stored self-describing as
 * `scrypt$N$r$p$salt$hash` (salt and hash base64url). Verification is constant-time and never
 * throws: a malformed stored hash (or absurd cost parameters) simply does not verify.
 */
import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { PIN_PATTERN } from '../contract/credentialFormats.ts';

/** Re-exported from credentialFormats.ts (the one definition). */
export { PIN_PATTERN };

export interface ScryptParams {
  N: number;
  r: number;
  p: number;
}

/** ~16 MiB and a few tens of ms per check on a Raspberry Pi 4; runs off the event loop. */
export const DEFAULT_SCRYPT: ScryptParams = { N: 16384, r: 8, p: 1 };
const KEY_LENGTH = 32;
const SALT_LENGTH = 16;
const MAX_N = 1 << 20;

export class PinFormatError extends Error {
  override readonly name = 'PinFormatError';
}

function scryptAsync(pin: string, salt: Buffer, params: ScryptParams, keyLen: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(pin, salt, keyLen, { N: params.N, r: params.r, p: params.p, maxmem: 256 * params.N * params.r + 1024 * 1024 }, (err, key) =>
      err ? reject(err) : resolve(key),
    );
  });
}

function validParams(p: ScryptParams): boolean {
  return (
    Number.isInteger(p.N) &&
    p.N >= 2 &&
    p.N <= MAX_N &&
    (p.N & (p.N - 1)) === 0 &&
    Number.isInteger(p.r) &&
    p.r >= 1 &&
    p.r <= 32 &&
    Number.isInteger(p.p) &&
    p.p >= 1 &&
    p.p <= 16
  );
}

/** Hash a PIN (4-12 digits). Throws PinFormatError for anything else. */
export async function hashPin(pin: string, params: ScryptParams = DEFAULT_SCRYPT): Promise<string> {
  if (typeof pin !== 'string' || !PIN_PATTERN.test(pin)) throw new PinFormatError('PIN must be 4 to 12 digits');
  if (!validParams(params)) throw new PinFormatError('scrypt parameters out of range');
  const salt = randomBytes(SALT_LENGTH);
  const hash = await scryptAsync(pin, salt, params, KEY_LENGTH);
  return `scrypt$${params.N}$${params.r}$${params.p}$${salt.toString('base64url')}$${hash.toString('base64url')}`;
}

function parseStored(stored: string): { params: ScryptParams; salt: Buffer; hash: Buffer } | undefined {
  const m = /^scrypt\$([0-9]{1,8})\$([0-9]{1,3})\$([0-9]{1,3})\$([A-Za-z0-9_-]{8,})\$([A-Za-z0-9_-]{16,})$/.exec(stored);
  if (!m) return undefined;
  const params = { N: Number(m[1]), r: Number(m[2]), p: Number(m[3]) };
  if (!validParams(params)) return undefined;
  const salt = Buffer.from(m[4] ?? '', 'base64url');
  const hash = Buffer.from(m[5] ?? '', 'base64url');
  if (hash.length < 16 || hash.length > 64) return undefined;
  return { params, salt, hash };
}

/** True when `pin` matches `stored`. Never throws; malformed input yields false. */
export async function verifyPin(pin: unknown, stored: unknown): Promise<boolean> {
  if (typeof pin !== 'string' || !PIN_PATTERN.test(pin) || typeof stored !== 'string') return false;
  const parsed = parseStored(stored);
  if (!parsed) return false;
  try {
    const candidate = await scryptAsync(pin, parsed.salt, parsed.params, parsed.hash.length);
    return timingSafeEqual(candidate, parsed.hash);
  } catch {
    return false;
  }
}
