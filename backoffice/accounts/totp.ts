/**
 * TOTP (RFC 6238: SHA-1, 6 digits, 30 s) through `otpauth`, on the injected clock. A code is
 * accepted within ±1 step and never twice: the accepted step is returned so the caller stores it
 * (users.totp_last_step) and refuses any step at or below it.
 */
import { Secret, TOTP } from 'otpauth';

const PERIOD_S = 30;

export function newTotpSecret(): string {
  return new Secret({ size: 20 }).base32;
}

function totp(secret: string, username: string): TOTP {
  return new TOTP({ issuer: 'dorfpunkt', label: username, algorithm: 'SHA1', digits: 6, period: PERIOD_S, secret: Secret.fromBase32(secret) });
}

/** The `otpauth://totp/...` URI an authenticator app reads (as text or QR code). */
export function totpUri(secret: string, username: string): string {
  return totp(secret, username).toString();
}

/** The accepted 30-s step, or null when the code is wrong, malformed or not newer than `lastStep`. */
export function checkTotp(secret: string, username: string, code: string, nowMs: number, lastStep: number): number | null {
  if (!/^[0-9]{6}$/.test(code)) return null;
  const delta = totp(secret, username).validate({ token: code, timestamp: nowMs, window: 1 });
  if (delta === null) return null;
  const step = Math.floor(nowMs / 1000 / PERIOD_S) + delta;
  return step > lastStep ? step : null;
}

/** The current code (tests, and the CLI's enrolment check). */
export function totpCode(secret: string, nowMs: number): string {
  return TOTP.generate({ secret: Secret.fromBase32(secret), algorithm: 'SHA1', digits: 6, period: PERIOD_S, timestamp: nowMs });
}
