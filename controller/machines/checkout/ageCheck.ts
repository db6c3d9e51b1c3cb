/**
 * Who a member is at the kiosk: card + PIN, checked against the ledger's credentials (the same
 * records the door uses). Used by the age check (method a: a member flagged age-verified enters
 * the PIN for this sale) and to pay from the member account.
 */
import { verifyPin } from '../../access/pin.ts';
import type { SalesLedger } from './ports.ts';
import type { RefusalReason } from './refusals.ts';

export type MemberCheck = { ok: true; memberId: string; ageVerified: boolean } | { ok: false; reason: RefusalReason; detail: string };

export async function checkMember(ledger: SalesLedger, cardUid: unknown, pin: unknown, nowMs: number): Promise<MemberCheck> {
  if (typeof cardUid !== 'string' || cardUid.length === 0 || cardUid.length > 64) return { ok: false, reason: 'age-unknown-card', detail: 'no card' };
  const cred = ledger.state.cardCredential(cardUid);
  if (!cred || cred.revoked || (cred.expiresAt !== null && cred.expiresAt <= nowMs)) {
    return { ok: false, reason: 'age-unknown-card', detail: cred ? 'card revoked or expired' : 'unknown card' };
  }
  if (!(await verifyPin(pin, cred.pinHash))) return { ok: false, reason: 'age-wrong-pin', detail: `wrong PIN for ${cred.memberId}` };
  return { ok: true, memberId: cred.memberId, ageVerified: cred.ageVerified };
}
