import { afterEach, describe, expect, it } from 'vitest';
import { ledgerFixture } from '../ledger/testSupport.ts';
import type { Ledger } from '../ledger/ledger.ts';
import { createMemberAccountProvider, type AccountTerms } from './memberAccount.ts';

let fx: ReturnType<typeof ledgerFixture>;
afterEach(() => fx?.cleanup());

/** What the checkout writes before it asks the provider: the payment and its member. */
function started(ledger: Ledger, paymentId: string, memberId: string, amountCents: number): { saleId: string; amountCents: number; idempotencyKey: string } {
  ledger.append('payment.started', { saleId: `S-${paymentId}`, paymentId, provider: 'member-account', memberId, amountCents });
  return { saleId: `S-${paymentId}`, amountCents, idempotencyKey: `pay-${paymentId}` };
}

describe('member account provider (offline, on the point ledger)', () => {
  it('prepaid: spends down the balance, refuses beyond it, and a void or refund gives the room back', async () => {
    fx = ledgerFixture();
    const ledger = fx.open();
    const terms = new Map<string, AccountTerms>([['m1', { mode: 'prepaid', limitCents: 1000, openCents: 0, sinceSeq: 0 }]]);
    const acct = createMemberAccountProvider({ ledger, terms: (m) => terms.get(m) });
    const a = await acct.start(started(ledger, 'p1', 'm1', 600));
    expect(a).toEqual({ kind: 'pending', ref: 'acct_pay-p1' });
    expect(await acct.poll('acct_pay-p1')).toMatchObject({ kind: 'approved', amountCents: 600, captured: false });
    expect(await acct.capture('acct_pay-p1', 600, 'pay-p1:capture')).toEqual({ kind: 'captured', ref: 'acct_pay-p1', amountCents: 600 });
    expect(await acct.start(started(ledger, 'p2', 'm1', 500))).toMatchObject({
      kind: 'failed',
      reason: 'rejected',
      detail: expect.stringContaining('400 cents available'),
    });
    const refund = await acct.refund('acct_pay-p1', 600, 'pay-p1:refund');
    expect(refund).toMatchObject({ kind: 'refunded', amountCents: 600 });
    expect(await acct.refund('acct_pay-p1', 600, 'pay-p1:refund')).toEqual(refund); // same key: same answer, one credit
    expect(acct.availableCents('m1')).toBe(1000);
    expect(await acct.start(started(ledger, 'p3', 'm2', 100))).toMatchObject({ kind: 'failed', detail: expect.stringContaining('no account') });
  });

  it('invoice: open amount and holds count against the credit limit, also after a restart (what an offline point can lose is bounded)', async () => {
    fx = ledgerFixture();
    let ledger = fx.open();
    const terms = new Map<string, AccountTerms>([['m1', { mode: 'invoice', limitCents: 5000, openCents: 2000, sinceSeq: 0 }]]);
    let acct = createMemberAccountProvider({ ledger, terms: (m) => terms.get(m) });
    await acct.start(started(ledger, 'p1', 'm1', 2500)); // held, not captured
    ledger.close();
    ledger = fx.open();
    acct = createMemberAccountProvider({ ledger, terms: (m) => terms.get(m) });
    expect(acct.availableCents('m1')).toBe(500);
    // the same key after the restart finds the same hold: no second one
    expect(await acct.start({ saleId: 'S-p1', amountCents: 2500, idempotencyKey: 'pay-p1' })).toEqual({ kind: 'pending', ref: 'acct_pay-p1' });
    expect(acct.availableCents('m1')).toBe(500);
    expect(await acct.cancel('acct_pay-p1', 'pay-p1:cancel')).toEqual({ kind: 'canceled', ref: 'acct_pay-p1' });
    expect(await acct.capture('acct_pay-p1', 2500, 'pay-p1:capture')).toMatchObject({ kind: 'failed', reason: 'not-capturable' });
    expect(acct.availableCents('m1')).toBe(3000);
    // the backoffice's new terms account for everything up to now
    terms.set('m1', { mode: 'invoice', limitCents: 5000, openCents: 0, sinceSeq: ledger.lastSeq() });
    expect(acct.availableCents('m1')).toBe(5000);
  });
});
