/**
 * Paying from a member account, behind the same PaymentProvider port as the card reader: a
 * prepaid balance or a monthly invoice with a per-member credit limit. It works offline: the
 * books are this point's ledger (`account.*` events), the terms (balance or limit) come from the
 * backoffice, and everything the point booked after the terms' `sinceSeq` counts against them —
 * so a point cut off from the backoffice can lose at most the member's limit (or balance).
 *
 * The member is the one the checkout recorded in `payment.started` before the call (found by
 * the idempotency key `pay-<paymentId>`). The ref is derived from the key (`acct_<key>`), so a
 * repeated start after a crash finds the same hold: idempotent by construction.
 */
import type { EventPayload, EventType } from '../contract/events/index.ts';
import type { LedgerEvent } from '../ledger/types.ts';
import type { CancelResult, CaptureResult, PaymentOutcome, PaymentProvider, RefundResult, StartResult } from './ports.ts';

export interface AccountTerms {
  mode: 'prepaid' | 'invoice';
  /** prepaid: the balance; invoice: the credit limit (what may be open at most). */
  limitCents: number;
  /** invoice: amount already billed but unpaid (counts against the limit). */
  openCents: number;
  /** Account events up to this ledger seq are already in `limitCents`/`openCents`. */
  sinceSeq: number;
}

export interface AccountLedger {
  append<T extends EventType>(type: T, data: EventPayload<T>): LedgerEvent;
  eventsOfTypes(types: readonly string[], fromSeq: number, limit: number): LedgerEvent[];
  latestEvent(type: string, where?: { field: string; equals: string | number }): LedgerEvent | undefined;
}

export interface MemberAccountDeps {
  ledger: AccountLedger;
  /** The backoffice's terms for a member; undefined = no account. */
  terms(memberId: string): AccountTerms | undefined;
}

interface Hold {
  memberId: string;
  amountCents: number;
  status: 'held' | 'captured' | 'voided';
  capturedCents: number;
  refundedCents: number;
  refundId: string | null;
  seq: number;
}

const TYPES = ['account.authorised', 'account.captured', 'account.voided', 'account.refunded'];
export const MEMBER_ACCOUNT = 'member-account';

export function createMemberAccountProvider(deps: MemberAccountDeps): PaymentProvider & { availableCents(memberId: string): number | undefined } {
  const holds = new Map<string, Hold>();
  const apply = (e: LedgerEvent): void => {
    const d = e.data as { ref: string; memberId: string; amountCents: number; refundId: string };
    const h = holds.get(d.ref);
    if (e.type === 'account.authorised') {
      holds.set(d.ref, { memberId: d.memberId, amountCents: d.amountCents, status: 'held', capturedCents: 0, refundedCents: 0, refundId: null, seq: e.seq });
    } else if (h && e.type === 'account.captured') {
      h.status = 'captured';
      h.capturedCents = d.amountCents;
    } else if (h && e.type === 'account.voided') {
      h.status = 'voided';
    } else if (h && e.type === 'account.refunded') {
      h.refundedCents += d.amountCents;
      h.refundId = d.refundId;
    }
  };
  for (let from = 1; ;) {
    const page = deps.ledger.eventsOfTypes(TYPES, from, 1000);
    page.forEach(apply);
    if (page.length < 1000) break;
    from = page[page.length - 1]!.seq + 1;
  }
  const record = <T extends EventType>(type: T, data: EventPayload<T>): void => apply(deps.ledger.append(type, data));

  function exposure(memberId: string, sinceSeq: number): number {
    let sum = 0;
    for (const h of holds.values()) {
      if (h.memberId !== memberId || h.seq <= sinceSeq) continue;
      if (h.status === 'held') sum += h.amountCents;
      if (h.status === 'captured') sum += h.capturedCents - h.refundedCents;
    }
    return sum;
  }

  function available(memberId: string): number | undefined {
    const t = deps.terms(memberId);
    if (!t) return undefined;
    return t.limitCents - (t.mode === 'invoice' ? t.openCents : 0) - exposure(memberId, t.sinceSeq);
  }

  const outcome = (ref: string): PaymentOutcome => {
    const h = holds.get(ref);
    if (!h || h.status === 'voided') return { kind: 'canceled', ref };
    return { kind: 'approved', ref, amountCents: h.status === 'captured' ? h.capturedCents : h.amountCents, captured: h.status === 'captured', card: null };
  };

  return {
    name: MEMBER_ACCOUNT,
    availableCents: available,

    async start(req): Promise<StartResult> {
      if (!Number.isInteger(req.amountCents) || req.amountCents <= 0)
        return { kind: 'failed', reason: 'rejected', detail: 'amount must be positive integer cents' };
      const ref = `acct_${req.idempotencyKey}`;
      if (holds.has(ref)) return { kind: 'pending', ref };
      const paymentId = req.idempotencyKey.replace(/^pay-/, '');
      const started = deps.ledger.latestEvent('payment.started', { field: 'paymentId', equals: paymentId });
      const memberId = (started?.data as { memberId?: unknown } | undefined)?.memberId;
      if (typeof memberId !== 'string') return { kind: 'failed', reason: 'rejected', detail: 'no member recorded for this payment' };
      const free = available(memberId);
      if (free === undefined) return { kind: 'failed', reason: 'rejected', detail: `member ${memberId} has no account` };
      if (free < req.amountCents) return { kind: 'failed', reason: 'rejected', detail: `credit limit: ${free} cents available, ${req.amountCents} asked` };
      record('account.authorised', { ref, memberId, saleId: req.saleId, amountCents: req.amountCents, key: req.idempotencyKey });
      return { kind: 'pending', ref };
    },

    async retry(ref) {
      return holds.get(ref)?.status === 'held' ? { kind: 'pending', ref } : { kind: 'failed', reason: 'rejected', detail: 'no hold to collect on', ref };
    },

    async poll(ref) {
      return outcome(ref);
    },

    async cancel(ref): Promise<CancelResult> {
      const h = holds.get(ref);
      if (!h || h.status === 'voided') return { kind: 'canceled', ref };
      if (h.status === 'captured') return { kind: 'failed', reason: 'already-captured', detail: 'booked' };
      record('account.voided', { ref });
      return { kind: 'canceled', ref };
    },

    async capture(ref, amountCents): Promise<CaptureResult> {
      const h = holds.get(ref);
      if (!h || h.status === 'voided') return { kind: 'failed', reason: 'not-capturable', detail: 'no hold' };
      if (h.status === 'captured') return { kind: 'captured', ref, amountCents: h.capturedCents };
      if (!Number.isInteger(amountCents) || amountCents <= 0 || amountCents > h.amountCents)
        return { kind: 'failed', reason: 'rejected', detail: 'amount above the hold' };
      record('account.captured', { ref, amountCents });
      return { kind: 'captured', ref, amountCents };
    },

    async refund(ref, amountCents, idempotencyKey): Promise<RefundResult> {
      const h = holds.get(ref);
      if (!h || h.status !== 'captured') return { kind: 'failed', reason: 'not-refundable', detail: 'not booked' };
      const refundId = `acref_${idempotencyKey}`;
      if (h.refundId === refundId) return { kind: 'refunded', ref, refundId, amountCents };
      if (amountCents > h.capturedCents - h.refundedCents) return { kind: 'failed', reason: 'not-refundable', detail: 'more than booked' };
      record('account.refunded', { ref, refundId, amountCents });
      return { kind: 'refunded', ref, refundId, amountCents };
    },
  };
}
