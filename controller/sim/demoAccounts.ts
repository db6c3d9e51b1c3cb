/**
 * Member account terms of the demo members (what the backoffice's `account-terms` change would
 * bring, seeded like the demo members themselves): Dieter pays on his monthly invoice up to 100 €,
 * Anna from a prepaid balance of 25 €. Recorded once; the backoffice's terms replace them.
 */
import type { Ledger } from '../ledger/index.ts';

export const DEMO_ACCOUNTS = [
  { memberId: 'm-dieter', mode: 'invoice', limitCents: 10_000, openCents: 0 },
  { memberId: 'm-anna', mode: 'prepaid', limitCents: 2_500, openCents: 0 },
] as const;

export function seedDemoAccounts(ledger: Ledger): void {
  if (ledger.latestEvent('account.terms-set')) return;
  for (const a of DEMO_ACCOUNTS) ledger.append('account.terms-set', { ...a, sinceSeq: 0 });
}
