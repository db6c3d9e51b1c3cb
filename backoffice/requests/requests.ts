/**
 * What the operators answer: open help requests and remote age checks across the fleet (from the
 * read models, projections/requests.ts), and the operators' own "answered" marks on help requests.
 */
import type { Kysely } from 'kysely';
import type { DB, PAgeChecksTable } from '../db/schema.ts';

/** A help request older than this is no longer shown as open (the person has gone): it expired. */
export const HELP_OPEN_MS = 30 * 60_000;

export interface OpenHelp {
  siteId: string;
  seq: number;
  at: number;
  screen: string;
}

export interface OpenAgeCheck {
  siteId: string;
  checkId: string;
  saleId: string;
  requiredAge: number;
  requestedAt: number;
  deadlineAt: number;
}

/** Open help requests (not answered by a door release or by hand, not expired) and age checks still within their deadline. */
export async function openRequests(db: Kysely<DB>, now: number): Promise<{ help: OpenHelp[]; ageChecks: OpenAgeCheck[] }> {
  const [help, checks] = await Promise.all([
    db
      .selectFrom('p_help_requests as h')
      .leftJoin('help_answers as a', (j) => j.onRef('a.site_id', '=', 'h.site_id').onRef('a.seq', '=', 'h.seq'))
      .select(['h.site_id', 'h.seq', 'h.at', 'h.screen'])
      .where('h.status', '=', 'open')
      .where('a.seq', 'is', null)
      .where('h.at', '>', now - HELP_OPEN_MS)
      .orderBy('h.at')
      .orderBy('h.site_id')
      .execute(),
    db.selectFrom('p_age_checks').selectAll().where('status', '=', 'open').where('deadline_at', '>', now).orderBy('deadline_at').execute(),
  ]);
  return {
    help: help.map((h) => ({ siteId: h.site_id, seq: Number(h.seq), at: Number(h.at), screen: h.screen })),
    ageChecks: checks.map((c) => ({
      siteId: c.site_id,
      checkId: c.check_id,
      saleId: c.sale_id,
      requiredAge: Number(c.required_age),
      requestedAt: Number(c.requested_at),
      deadlineAt: Number(c.deadline_at),
    })),
  };
}

export async function findAgeCheck(db: Kysely<DB>, siteId: string, checkId: string): Promise<PAgeChecksTable | undefined> {
  return db.selectFrom('p_age_checks').selectAll().where('site_id', '=', siteId).where('check_id', '=', checkId).executeTakeFirst();
}

export type MarkAnswered = { ok: true } | { ok: false; code: 'not-found' | 'already-answered' };

/** Marks a help request answered by hand; `audit` runs in the same transaction. */
export async function markHelpAnswered(
  db: Kysely<DB>,
  req: { siteId: string; seq: number; by: string; note: string | null; now: number },
  audit: (trx: Kysely<DB>) => Promise<void>,
): Promise<MarkAnswered> {
  return db.transaction().execute(async (trx) => {
    const h = await trx.selectFrom('p_help_requests').select(['status']).where('site_id', '=', req.siteId).where('seq', '=', req.seq).executeTakeFirst();
    if (!h) return { ok: false, code: 'not-found' } as const;
    const marked = await trx.selectFrom('help_answers').select('seq').where('site_id', '=', req.siteId).where('seq', '=', req.seq).executeTakeFirst();
    if (h.status === 'answered' || marked) return { ok: false, code: 'already-answered' } as const;
    await trx.insertInto('help_answers').values({ site_id: req.siteId, seq: req.seq, answered_at: req.now, answered_by: req.by, note: req.note }).execute();
    await audit(trx);
    return { ok: true } as const;
  });
}
