/**
 * Broker passwords in Mosquitto's own format (mosquitto_passwd, 2.0): `$7$<iterations>$<salt>$<hash>`,
 * salt 12 random bytes and hash = PBKDF2-HMAC-SHA512(password, salt, iterations, 64 bytes), both
 * base64. The same string is stored in the backoffice DB (embedded broker) and written to a
 * Mosquitto password file, so there is one implementation (checked against mosquitto_passwd).
 * 101 iterations is mosquitto_passwd's default; the passwords are 256-bit random tokens, so the
 * low work factor does not weaken them.
 */
import { pbkdf2Sync, randomBytes, timingSafeEqual } from 'node:crypto';

export const DEFAULT_ITERATIONS = 101;

export function hashPassword(password: string, iterations = DEFAULT_ITERATIONS, salt: Buffer = randomBytes(12)): string {
  const hash = pbkdf2Sync(password, salt, iterations, 64, 'sha512');
  return `$7$${iterations}$${salt.toString('base64')}$${hash.toString('base64')}`;
}

export function verifyPassword(password: string | Buffer, encoded: string): boolean {
  const m = /^\$7\$(\d{1,7})\$([A-Za-z0-9+/=]+)\$([A-Za-z0-9+/=]+)$/.exec(encoded);
  if (!m) return false;
  const iterations = Number(m[1]);
  if (iterations < 1) return false;
  const expected = Buffer.from(m[3]!, 'base64');
  const actual = pbkdf2Sync(password, Buffer.from(m[2]!, 'base64'), iterations, expected.length, 'sha512');
  return expected.length > 0 && timingSafeEqual(expected, actual);
}

/** A fresh random broker password (base64url, 256 bits). */
export function generatePassword(): string {
  return randomBytes(32).toString('base64url');
}

/** One line of a Mosquitto password file. */
export function mosquittoPasswdLine(username: string, encodedHash: string): string {
  if (/[:\n\r]/.test(username)) throw new Error(`username ${JSON.stringify(username)} cannot be written to a password file`);
  return `${username}:${encodedHash}`;
}
