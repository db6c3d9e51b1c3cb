/** In-memory AccessState for tests and simulations (the real one lives over the ledger's SQLite). */
import { NO_LOCK } from './attemptLimiter.ts';
import type { AccessState, CardRecord, PinLockout } from './ports.ts';

export class MemoryAccessState implements AccessState {
  private readonly cards = new Map<string, CardRecord>();
  private readonly revoked = new Set<string>();
  private readonly lockouts = new Map<string, PinLockout>();
  /** Every setPinLockout call, in order (tests assert persistence). */
  readonly lockoutWrites: Array<{ credentialId: string; lockout: PinLockout }> = [];

  addCard(card: CardRecord): void {
    this.cards.set(card.cardUid, { ...card });
  }

  revoke(credentialId: string): void {
    this.revoked.add(credentialId);
  }

  isRevoked(credentialId: string): boolean {
    return this.revoked.has(credentialId);
  }

  findCard(cardUid: string): CardRecord | undefined {
    const card = this.cards.get(cardUid);
    return card ? { ...card } : undefined;
  }

  pinLockout(credentialId: string): PinLockout {
    const l = this.lockouts.get(credentialId);
    return l ? { ...l } : { ...NO_LOCK };
  }

  setPinLockout(credentialId: string, lockout: PinLockout): void {
    this.lockouts.set(credentialId, { ...lockout });
    this.lockoutWrites.push({ credentialId, lockout: { ...lockout } });
  }
}
