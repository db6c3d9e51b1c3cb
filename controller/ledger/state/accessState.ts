import type { AccessState, CardRecord, PinLockout } from '../../access/ports.ts';
import type { LedgerEvent } from '../types.ts';
import type { StateRepos } from './repos.ts';

/** What SqliteAccessState needs of the Ledger (structural, so tests may pass a Ledger directly). */
export interface AccessStateLedger {
  readonly state: StateRepos;
  append(type: string, data: Record<string, unknown>): LedgerEvent;
}

const NO_LOCKOUT: PinLockout = { failures: 0, lockedUntil: null, lockMs: 0, bootId: null, monoUntil: null };

/**
 * AccessState over the ledger's materialised state. `setPinLockout` appends a `pin.lockout`
 * event, so failure counters and lockouts are in the log and survive restarts.
 */
export class SqliteAccessState implements AccessState {
  constructor(private readonly ledger: AccessStateLedger) {}

  isRevoked(credentialId: string): boolean {
    return this.ledger.state.isRevoked(credentialId);
  }

  findCard(cardUid: string): CardRecord | undefined {
    const c = this.ledger.state.cardCredential(cardUid);
    if (!c || c.cardUid === null || c.pinHash === null) return undefined;
    return {
      cardUid: c.cardUid,
      memberId: c.memberId,
      credentialId: c.credentialId,
      role: c.role,
      pinHash: c.pinHash,
      ageVerified: c.ageVerified,
      expiresAt: c.expiresAt,
    };
  }

  pinLockout(credentialId: string): PinLockout {
    return this.ledger.state.pinLockout(credentialId) ?? { ...NO_LOCKOUT };
  }

  setPinLockout(credentialId: string, lockout: PinLockout): void {
    this.ledger.append('pin.lockout', {
      credentialId,
      failures: lockout.failures,
      lockedUntil: lockout.lockedUntil,
      lockMs: lockout.lockMs,
      bootId: lockout.bootId,
      monoUntil: lockout.monoUntil,
    });
  }
}
