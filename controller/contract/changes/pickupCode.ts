/**
 * Pickup codes, shared by the backoffice (which issues them) and the point (which checks them).
 * Node only (node:crypto): the kiosk does not import this file.
 *
 * A code is 11 digits: a 3-digit slot (000-999, which pool entry; lookup is O(1)) followed by an
 * 8-digit secret. Printed and spoken in groups `123 4567 8901`; a QR code carries the same 11
 * digits (optionally prefixed `DPC1:`). The point stores only `salt` and
 * `hash = scrypt("dorfpunkt-pickup\0" codeId "\0" secret, salt, N, r=8, p=1)`; the code id is bound
 * into the hash so a hash cannot be moved to another slot or code.
 */
import { randomBytes, randomInt, scrypt, timingSafeEqual } from 'node:crypto';

export const PICKUP_SLOT_DIGITS = 3;
export const PICKUP_SECRET_DIGITS = 8;
export const PICKUP_CODE_DIGITS = PICKUP_SLOT_DIGITS + PICKUP_SECRET_DIGITS;
/** ~32 MiB and on the order of 100 ms per check on a Raspberry Pi 4, off the event loop. */
export const DEFAULT_PICKUP_SCRYPT_N = 1 << 15;
const R = 8;
const P = 1;
const KEY_LENGTH = 32;
const QR_PREFIX = 'DPC1:';

export interface ParsedPickupCode {
  slot: number;
  secret: string;
}

/**
 * Reads what a person typed or a scanner read: 11 digits, spaces and hyphens between groups
 * allowed, optional `DPC1:` prefix (QR). Anything else is undefined (a malformed code).
 */
export function parsePickupCode(input: unknown): ParsedPickupCode | undefined {
  if (typeof input !== 'string' || input.length > 40) return undefined;
  let s = input.trim();
  if (s.startsWith(QR_PREFIX)) s = s.slice(QR_PREFIX.length);
  if (!/^[0-9 -]+$/.test(s)) return undefined;
  const digits = s.replace(/[ -]/g, '');
  if (digits.length !== PICKUP_CODE_DIGITS) return undefined;
  return { slot: Number(digits.slice(0, PICKUP_SLOT_DIGITS)), secret: digits.slice(PICKUP_SLOT_DIGITS) };
}

/** `123 4567 8901` for letters and e-mails. */
export function formatPickupCode(slot: number, secret: string): string {
  const d = `${String(slot).padStart(PICKUP_SLOT_DIGITS, '0')}${secret}`;
  return `${d.slice(0, 3)} ${d.slice(3, 7)} ${d.slice(7)}`;
}

/** The QR payload of a code. */
export function pickupQrText(slot: number, secret: string): string {
  return `${QR_PREFIX}${String(slot).padStart(PICKUP_SLOT_DIGITS, '0')}${secret}`;
}

export function pickupHash(codeId: string, secret: string, salt: Buffer, N: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(`dorfpunkt-pickup\0${codeId}\0${secret}`, salt, KEY_LENGTH, { N, r: R, p: P, maxmem: 256 * N * R + 1024 * 1024 }, (err, key) =>
      err ? reject(err) : resolve(key),
    );
  });
}

export interface IssuedPickupCode {
  /** What the backoffice keeps and sends to the recipient (never to the point). */
  plain: { code: string; qr: string };
  /** What goes to the point in a `pickup-codes` change. */
  wire: { codeId: string; slot: number; salt: string; hash: string; scryptN: number; validFrom: number; validUntil: number };
}

/** Backoffice side: a fresh random code for a slot (tests use a small `scryptN`). */
export async function issuePickupCode(o: { codeId: string; slot: number; validFrom: number; validUntil: number; scryptN?: number }): Promise<IssuedPickupCode> {
  const secret = String(randomInt(0, 10 ** PICKUP_SECRET_DIGITS)).padStart(PICKUP_SECRET_DIGITS, '0');
  const salt = randomBytes(16);
  const N = o.scryptN ?? DEFAULT_PICKUP_SCRYPT_N;
  const hash = await pickupHash(o.codeId, secret, salt, N);
  return {
    plain: { code: formatPickupCode(o.slot, secret), qr: pickupQrText(o.slot, secret) },
    wire: {
      codeId: o.codeId,
      slot: o.slot,
      salt: salt.toString('base64url'),
      hash: hash.toString('base64url'),
      scryptN: N,
      validFrom: o.validFrom,
      validUntil: o.validUntil,
    },
  };
}

/** Point side: constant-time check; never throws (a bad stored record does not verify). */
export async function verifyPickupSecret(codeId: string, secret: string, stored: { salt: string; hash: string; scryptN: number }): Promise<boolean> {
  try {
    const salt = Buffer.from(stored.salt, 'base64url');
    const want = Buffer.from(stored.hash, 'base64url');
    if (want.length !== KEY_LENGTH || salt.length < 8) return false;
    const got = await pickupHash(codeId, secret, salt, stored.scryptN);
    return timingSafeEqual(got, want);
  } catch {
    return false;
  }
}
