/**
 * Member account terms (prepaid balance or monthly invoice with a credit limit), set by an operator
 * and sent to each of the member's points as the `account-terms` change. `sinceSeq` per point is
 * the highest event seq the backoffice has stored from it: the balance the operator sets is the one
 * the backoffice knows, and every account booking the point makes after that counts against it —
 * also while the point is offline, so it can lose at most the limit.
 */
import type { Kysely } from 'kysely';
import type { AccountTermsChangeBodyT } from '../../controller/contract/changes/phonePay.ts';
import type { DB } from '../db/schema.ts';
import type { AccountInput, AccountViewBody } from '../http/schemas/members.ts';
import { MemberInputError } from './memberService.ts';
import { getMember, parseSites, targetSites } from './memberStore.ts';

export interface AccountTermsPublisher {
  publishChange(siteId: string, kind: 'account-terms', body: AccountTermsChangeBodyT): Promise<unknown>;
}

export class MemberAccounts {
  constructor(private readonly deps: { db: Kysely<DB>; changes: AccountTermsPublisher; now: () => number }) {}

  async set(memberId: string, input: AccountInput): Promise<AccountViewBody> {
    const { db } = this.deps;
    const m = await getMember(db, memberId);
    if (!m) throw new MemberInputError('not-found', 'Unbekanntes Mitglied');
    const mode = input.mode;
    const limitCents = mode === 'none' ? 0 : input.limitCents;
    const openCents = mode === 'invoice' ? (input.openCents ?? 0) : 0;
    const now = this.deps.now();
    await db
      .insertInto('member_accounts')
      .values({ member_id: memberId, mode, limit_cents: limitCents, open_cents: openCents, updated_at: now })
      .onConflict((oc) => oc.column('member_id').doUpdateSet({ mode, limit_cents: limitCents, open_cents: openCents, updated_at: now }))
      .execute();
    const sites = await targetSites(db, parseSites(m.sites));
    for (const site of sites) {
      const row = await db
        .selectFrom('events')
        .select((eb) => eb.fn.max('seq').as('top'))
        .where('site_id', '=', site)
        .executeTakeFirst();
      const sinceSeq = Number(row?.top ?? 0);
      await this.deps.changes.publishChange(site, 'account-terms', { terms: [{ memberId, mode, limitCents, openCents, sinceSeq }] });
    }
    return { memberId, mode, limitCents, openCents, sites };
  }
}
