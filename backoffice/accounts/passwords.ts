/**
 * Passwords of backoffice users: scrypt (node:crypto) with a 16-byte random salt per hash, in a
 * self-describing format `scrypt$<N>$<r>$<p>$<salt b64>$<key b64>` so the cost can be raised
 * later without breaking stored hashes. Default N=2^15, r=8, p=3 (32 MiB, one of OWASP's scrypt
 * settings); tests pass a lower cost. Runs on libuv's thread pool (async), not on the event loop.
 */
import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

export interface ScryptCost {
  N: number;
  r: number;
  p: number;
}

export const DEFAULT_SCRYPT_COST: ScryptCost = { N: 2 ** 15, r: 8, p: 3 };
const KEY_LEN = 32;
const MAX_N = 2 ** 20;

function derive(password: string, salt: Buffer, cost: ScryptCost): Promise<Buffer> {
  const opts: ScryptOptions = { N: cost.N, r: cost.r, p: cost.p, maxmem: 256 * cost.N * cost.r + 1024 * 1024 };
  return new Promise((resolve, reject) => scrypt(password.normalize('NFC'), salt, KEY_LEN, opts, (err, key) => (err ? reject(err) : resolve(key))));
}

export async function hashUserPassword(password: string, cost: ScryptCost = DEFAULT_SCRYPT_COST): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(password, salt, cost);
  return `scrypt$${cost.N}$${cost.r}$${cost.p}$${salt.toString('base64')}$${key.toString('base64')}`;
}

/** False for a wrong password and for anything that is not a hash this module wrote. */
export async function verifyUserPassword(password: string, encoded: string): Promise<boolean> {
  const m = /^scrypt\$(\d{1,8})\$(\d{1,3})\$(\d{1,3})\$([A-Za-z0-9+/=]{4,})\$([A-Za-z0-9+/=]{4,})$/.exec(encoded);
  if (!m) return false;
  const cost = { N: Number(m[1]), r: Number(m[2]), p: Number(m[3]) };
  if (cost.N < 2 || cost.N > MAX_N || (cost.N & (cost.N - 1)) !== 0 || cost.r < 1 || cost.p < 1) return false;
  const expected = Buffer.from(m[5]!, 'base64');
  const actual = await derive(password, Buffer.from(m[4]!, 'base64'), cost);
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}

/** Password rules for new passwords: 12 to 200 characters. */
export function passwordProblem(password: string): string | null {
  if (password.length < 12) return 'Das Passwort muss mindestens 12 Zeichen lang sein';
  if (password.length > 200) return 'Das Passwort darf höchstens 200 Zeichen lang sein';
  return null;
}
