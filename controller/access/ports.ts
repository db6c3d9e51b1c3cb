/**
 * What the access decision needs from the point's stored state. Implemented over the ledger's
 * SQLite state tables (controller/ledger) and by an in-memory fake in access tests.
 */

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

export interface PinLockout {
  failures: number;
  /** Monotonic-independent: epoch ms of the wall clock *and* a counter survive restarts. */
  lockedUntil: number | null;
}

export interface AccessState {
  isRevoked(credentialId: string): boolean;
  findCard(cardUid: string): CardRecord | undefined;
  pinLockout(credentialId: string): PinLockout;
  /** Persist a failed PIN attempt and the resulting lockout (if any). */
  setPinLockout(credentialId: string, lockout: PinLockout): void;
}
