/**
 * Site presence from the retained `up/state` birth and the Last Will, in ONE transaction per
 * message. A state whose session is older than the one we know is stale (a late Will of an
 * earlier connection) and ignored; an `offline` for the current session marks the site offline.
 *
 * A birth also tells what the point's ledger holds (`backlog.lastSeq`, `appliedVersion`), which
 * reveals a ledger that was replaced (new SD card after a corrupt ledger: seq and session counters
 * start again at 1):
 * - `lastSeq` below the stored mark `up_to`, in a birth of a session newer than every event batch
 *   stored (so the mark holds only events written before that connection: an intact ledger has
 *   them all), or in a birth of a session older than the known one: the site is marked diverged
 *   (see ingest/divergence.ts) and the birth is accepted, since its session counter restarted.
 * - A birth of an older session whose `appliedVersion` is below the stored one: the same.
 * - `appliedVersion` below the stored applied version (any birth but a redelivery of the one we
 *   already hold): the stored value is lowered and every change above it is resent (revocations
 *   reach the new ledger). For a late birth of an intact point that costs only a few duplicates,
 *   which the point answers with its real applied version.
 */
import type { Kysely } from 'kysely';
import type { SiteState } from '../../controller/contract/sync/index.ts';
import type { DB } from '../db/schema.ts';
import { markDiverged } from '../ingest/divergence.ts';
import { newSiteRow } from '../ingest/ingestStore.ts';

export interface PresenceOutcome {
  applied: boolean;
  status: 'online' | 'offline';
  session: number;
  /** True when this message is an `online` birth we accepted (time to re-send ack and changes). */
  birth: boolean;
  /** The site is diverged (after this message): send it no ack. */
  diverged: boolean;
  /** Set when this message marked the site diverged (log, count). */
  divergedReason?: string;
  /** The stored applied version was lowered to the point's: resend every change above it. */
  appliedLowered: boolean;
}

function restartEvidence(state: SiteState, site: { session: number; upTo: number; appliedVersion: number; eventsSession: number }): string | null {
  if (state.status !== 'online') return null;
  const lastSeq = state.backlog?.lastSeq;
  const behind = lastSeq !== undefined && lastSeq < site.upTo;
  if (behind && state.session > site.eventsSession) {
    return `birth of session ${state.session}: the point's ledger ends at seq ${lastSeq}, below the stored mark ${site.upTo}`;
  }
  if (state.session < site.session) {
    if (behind)
      return `birth of session ${state.session} (known: ${site.session}): the point's ledger ends at seq ${lastSeq}, below the stored mark ${site.upTo}`;
    if (state.appliedVersion !== undefined && state.appliedVersion < site.appliedVersion) {
      return `birth of session ${state.session} (known: ${site.session}): applied change version ${state.appliedVersion}, below the confirmed ${site.appliedVersion}`;
    }
  }
  return null;
}

export async function applyState(db: Kysely<DB>, siteId: string, state: SiteState, now: number): Promise<PresenceOutcome> {
  return db.transaction().execute(async (trx) => {
    const row = await trx
      .insertInto('sites')
      .values({ ...newSiteRow(siteId, now), last_seen_at: now })
      .onConflict((oc) => oc.column('site_id').doUpdateSet({ last_seen_at: now }))
      .returning(['session', 'status', 'up_to', 'applied_version', 'events_session', 'diverged_at'])
      .executeTakeFirstOrThrow();
    const site = {
      session: Number(row.session),
      upTo: Number(row.up_to),
      appliedVersion: Number(row.applied_version),
      eventsSession: Number(row.events_session),
    };
    const evidence = restartEvidence(state, site);
    let diverged = row.diverged_at !== null;
    let divergedReason: string | undefined;
    if (evidence !== null && (await markDiverged(trx, siteId, evidence, now))) divergedReason = evidence;
    if (evidence !== null) diverged = true;

    const online = state.status === 'online';
    const sameBirthAgain = online && state.session === site.session && row.status === 'online' && evidence === null;
    let appliedLowered = false;
    if (online && !sameBirthAgain && state.appliedVersion !== undefined && state.appliedVersion < site.appliedVersion) {
      await trx.updateTable('sites').set({ applied_version: state.appliedVersion }).where('site_id', '=', siteId).execute();
      await trx
        .updateTable('changes')
        .set({ applied_at: null, outcome: null })
        .where('site_id', '=', siteId)
        .where('version', '>', state.appliedVersion)
        .execute();
      appliedLowered = true;
    }

    // Older session: a late Will or replayed birth. Same session already offline: a replayed birth.
    // Not so when the ledger evidently restarted: its session counter starts again.
    const stale = evidence === null && (state.session < site.session || (state.session === site.session && row.status === 'offline' && online));
    const base = { status: state.status, session: state.session, diverged, appliedLowered, ...(divergedReason !== undefined ? { divergedReason } : {}) };
    if (stale) return { ...base, applied: false, birth: false };
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
    return { ...base, applied: true, birth: online };
  });
}

/** Any uplink message proves the site is alive. */
export async function touchSite(db: Kysely<DB>, siteId: string, now: number): Promise<void> {
  await db.updateTable('sites').set({ last_seen_at: now }).where('site_id', '=', siteId).execute();
}
