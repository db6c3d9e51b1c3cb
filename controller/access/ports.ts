/**
 * What the access decision needs from the point's stored state. Implemented over the ledger's
 * SQLite state tables (controller/ledger) and by an in-memory fake in access tests.
 */

import type { LockRecord } from './attemptLimiter.ts';

export type Role = 'member' | 'courier' | 'operator';

export interface CardRecord {
  cardUid: string;
  memberId: string;
  credentialId: string;
  role: Role;
  /** Salted slow hash of the PIN, self-describing (e.g. `scrypt$N$r$p$salt$hash`). */
  pinHash: string;
  ageVerified: boolean;
  /** Epoch ms; null = no expiry. */
  expiresAt: number | null;
}

/** A credential's PIN failures and lock (see attemptLimiter.ts for the clock rules). */
export type PinLockout = LockRecord;

export interface AccessState {
  isRevoked(credentialId: string): boolean;
  findCard(cardUid: string): CardRecord | undefined;
  pinLockout(credentialId: string): PinLockout;
  /** Persist a failed PIN attempt and the resulting lockout (if any). */
  setPinLockout(credentialId: string, lockout: PinLockout): void;
}
