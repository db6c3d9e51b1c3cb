/**
 * Site presence from the retained `up/state` birth and the Last Will. A state whose session is
 * older than the one we know is stale (a late Will of an earlier connection) and ignored; an
 * `offline` for the current session marks the site offline.
 */
import type { Kysely } from 'kysely';
import type { SiteState } from '../../controller/contract/sync/index.ts';
import type { DB } from '../db/schema.ts';
import { ensureSite } from '../ingest/ingestStore.ts';

export interface PresenceOutcome {
  applied: boolean;
  status: 'online' | 'offline';
  session: number;
  /** True when this message is an `online` birth we accepted (time to re-send ack and changes). */
  birth: boolean;
}

export async function applyState(db: Kysely<DB>, siteId: string, state: SiteState, now: number): Promise<PresenceOutcome> {
  await ensureSite(db, siteId, now);
  return db.transaction().execute(async (trx) => {
    await trx.updateTable('sites').set({ last_seen_at: now }).where('site_id', '=', siteId).execute();
    const site = await trx.selectFrom('sites').select(['session', 'status']).where('site_id', '=', siteId).executeTakeFirstOrThrow();
    const known = Number(site.session);
    // Older session: a late Will or replayed birth. Same session already offline: a replayed birth.
    const stale = state.session < known || (state.session === known && site.status === 'offline' && state.status === 'online');
    if (stale) return { applied: false, status: state.status, session: state.session, birth: false };
    await trx
      .updateTable('sites')
      .set({
        status: state.status,
        session: state.session,
        status_at: now,
        ...(state.backlog ? { backlog_pending: state.backlog.pending, backlog_last_seq: state.backlog.lastSeq } : {}),
        ...(state.software !== undefined ? { software: state.software } : {}),
      })
      .where('site_id', '=', siteId)
      .execute();
    return { applied: true, status: state.status, session: state.session, birth: state.status === 'online' };
  });
}

/** Any uplink message proves the site is alive. */
export async function touchSite(db: Kysely<DB>, siteId: string, now: number): Promise<void> {
  await db.updateTable('sites').set({ last_seen_at: now }).where('site_id', '=', siteId).execute();
}
