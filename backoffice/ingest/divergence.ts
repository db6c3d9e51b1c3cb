/**
 * Divergence: the point's ledger no longer matches what the backoffice stored for the site (the
 * SD card was replaced after a corrupt ledger and the new ledger counts from seq 1 again). Acking
 * by seq would then delete the NEW events from the point's outbox while the backoffice keeps the
 * OLD ones under the same seqs. So a diverged site's events are neither stored nor acknowledged
 * (they stay in the point's outbox) until an operator resolves it:
 *
 * - `archive` (the new ledger is the truth from now on): the site's stored events move to
 *   `archived_events` under the site's current epoch, the epoch goes up, progress (`up_to`,
 *   `events_stored`, `events_session`) starts again at 0, so the new ledger's events are ingested
 *   from seq 1.
 * - `dismiss` (false alarm, e.g. a birth of an older session that arrived late on another
 *   instance): only the flag is cleared; a real mismatch is detected again by the event hashes.
 */
import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../db/schema.ts';
import { clearSiteProjections } from '../projections/projections.ts';

export type DivergenceAction = 'archive' | 'dismiss';

/** Mark the site diverged unless it is already; true when this call marked it. */
export async function markDiverged(trx: Kysely<DB> | Transaction<DB>, siteId: string, reason: string, now: number): Promise<boolean> {
  const r = await trx
    .updateTable('sites')
    .set({ diverged_at: now, diverged_reason: reason.slice(0, 500) })
    .where('site_id', '=', siteId)
    .where('diverged_at', 'is', null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

export type ResolveResult = { ok: true; action: DivergenceAction; archived: number; epoch: number } | { ok: false; code: 'not-found' | 'not-diverged' };

/** `inTransaction` runs inside the resolving transaction after the change (the audit row: both commit or neither). */
export async function resolveDivergence(
  db: Kysely<DB>,
  siteId: string,
  action: DivergenceAction,
  now: number,
  inTransaction?: (trx: Transaction<DB>, r: ResolveResult & { ok: true }) => Promise<void>,
): Promise<ResolveResult> {
  return db.transaction().execute(async (trx): Promise<ResolveResult> => {
    // A no-op write first takes the site's row lock (PostgreSQL), as ingest does, so no batch of
    // the site commits in between.
    const site = await trx
      .updateTable('sites')
      .set((eb) => ({ diverged_at: eb.ref('diverged_at') }))
      .where('site_id', '=', siteId)
      .returning(['diverged_at', 'epoch'])
      .executeTakeFirst();
    if (!site) return { ok: false, code: 'not-found' };
    if (site.diverged_at === null) return { ok: false, code: 'not-diverged' };
    await trx.updateTable('sites').set({ diverged_at: null, diverged_reason: null }).where('site_id', '=', siteId).execute();
    const done = { ok: true as const, action, ...(await applyAction(trx, siteId, action, Number(site.epoch), now)) };
    if (inTransaction) await inTransaction(trx, done);
    return done;
  });
}

async function applyAction(
  trx: Transaction<DB>,
  siteId: string,
  action: DivergenceAction,
  epoch: number,
  now: number,
): Promise<{ archived: number; epoch: number }> {
  if (action === 'dismiss') return { archived: 0, epoch };
  const moved = await trx
    .insertInto('archived_events')
    .columns(['site_id', 'epoch', 'seq', 'type', 'at', 'clock_synced', 'data', 'hash', 'received_at', 'archived_at'])
    .expression((eb) =>
      eb
        .selectFrom('events')
        .select((s) => ['site_id', s.lit(epoch).as('epoch'), 'seq', 'type', 'at', 'clock_synced', 'data', 'hash', 'received_at', s.val(now).as('archived_at')])
        .where('site_id', '=', siteId),
    )
    .executeTakeFirst();
  await trx.deleteFrom('events').where('site_id', '=', siteId).execute();
  // The flags named the archived events by (site, seq); the new ledger reuses those seq numbers, and
  // a stale flag would hide its events from every projection and report. The archived rows keep
  // the data; decoding them again tells which ones did not match the catalogue.
  await trx.deleteFrom('flagged_events').where('site_id', '=', siteId).execute();
  // The site's read models were built from the events just archived; the new ledger rebuilds them.
  await clearSiteProjections(trx, siteId);
  await trx
    .updateTable('sites')
    .set((eb) => ({ up_to: 0, events_stored: 0, events_session: 0, epoch: eb('epoch', '+', 1) }))
    .where('site_id', '=', siteId)
    .execute();
  return { archived: Number(moved.numInsertedOrUpdatedRows ?? 0), epoch: epoch + 1 };
}
