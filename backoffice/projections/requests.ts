/**
 * `p_help_requests` and `p_age_checks`: what people at the kiosks asked the operators for.
 *
 * - A help request (`help.requested`) is open until a remote door release reaches that point
 *   (`door.remote-release`, which answers every help request of the point raised before it). An
 *   operator may also mark one answered by hand (table `help_answers`, not a projection: see
 *   requests/requests.ts).
 * - A remote age check (`age-check.requested`, method `remote`, with its deadline) is open until
 *   the point records its decision: approved or declined by an operator, or expired
 *   (`remote-timeout`); or until its sale ends undecided (`sale.aborted`, e.g. the customer left or
 *   the point restarted): `ended`. Times come from the events, so a rebuild gives the same rows.
 */
import type { EventPayload as P } from '../../controller/contract/events/index.ts';
import type { Db, ProjectedEvent, Projectors } from './types.ts';

/** Age checks without a deadline (software before it sent one) are given the point's default. */
export const DEFAULT_REMOTE_AGE_MS = 90_000;

async function helpRequested(db: Db, e: ProjectedEvent): Promise<void> {
  const d = e.data as P<'help.requested'>;
  await db
    .insertInto('p_help_requests')
    .values({ site_id: e.siteId, seq: e.seq, at: d.at, screen: d.screen, status: 'open', answered_at: null, answered_by: null })
    .execute();
}

async function doorReleased(db: Db, e: ProjectedEvent): Promise<void> {
  const d = e.data as P<'door.remote-release'>;
  await db
    .updateTable('p_help_requests')
    .set({ status: 'answered', answered_at: e.at, answered_by: d.operator })
    .where('site_id', '=', e.siteId)
    .where('status', '=', 'open')
    .where('seq', '<', e.seq)
    .execute();
}

async function ageRequested(db: Db, e: ProjectedEvent): Promise<void> {
  const d = e.data as P<'age-check.requested'>;
  if (d.method !== 'remote') return;
  await db
    .insertInto('p_age_checks')
    .values({
      site_id: e.siteId,
      check_id: d.checkId,
      sale_id: d.saleId,
      seq: e.seq,
      required_age: d.requiredAge,
      requested_at: e.at,
      deadline_at: d.deadlineAt ?? e.at + DEFAULT_REMOTE_AGE_MS,
      status: 'open',
      decided_at: null,
      operator: null,
    })
    .onConflict((oc) => oc.columns(['site_id', 'check_id']).doNothing())
    .execute();
}

async function ageDecided(db: Db, e: ProjectedEvent): Promise<void> {
  const d = e.data as P<'age-check.decided'>;
  if (d.method !== 'remote') return;
  const status = d.reason === 'remote-timeout' ? 'expired' : d.passed ? 'approved' : 'declined';
  await db
    .updateTable('p_age_checks')
    .set({ status, decided_at: d.decidedAt, operator: d.operator })
    .where('site_id', '=', e.siteId)
    .where('check_id', '=', d.checkId)
    .where('status', '=', 'open')
    .execute();
}

async function saleEnded(db: Db, e: ProjectedEvent): Promise<void> {
  const d = e.data as P<'sale.aborted'>;
  await db
    .updateTable('p_age_checks')
    .set({ status: 'ended', decided_at: e.at })
    .where('site_id', '=', e.siteId)
    .where('sale_id', '=', d.saleId)
    .where('status', '=', 'open')
    .execute();
}

export const requestProjectors: Projectors = {
  'help.requested': helpRequested,
  'door.remote-release': doorReleased,
  'age-check.requested': ageRequested,
  'age-check.decided': ageDecided,
  'sale.aborted': saleEnded,
};
