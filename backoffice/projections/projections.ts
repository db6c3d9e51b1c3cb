/**
 * The backoffice's read models, built from the stored events exactly once: `projectStoredEvents`
 * runs inside the ingest transaction for the events that transaction newly stores (the ingest's
 * `(site_id, seq)` dedupe makes every event reach it once; a rollback undoes both), and
 * `rebuildProjections` replays every stored event into empty tables with the same projectors, so a
 * rebuild equals the live tables. Flagged events (flagged_events: they did not decode with the
 * catalogue) are never projected.
 *
 * A new read model: a `<name>.ts` with its projectors, its `p_*` table (a migration) and an entry
 * in PROJECTOR_GROUPS and PROJECTION_TABLES; ingest and rebuild pick it up from there (help
 * requests and remote age checks: requests.ts).
 */
import { PostgresAdapter, sql, type Kysely } from 'kysely';
import { decodeEvent } from '../../controller/contract/events/index.ts';
import type { DB, EventsTable } from '../db/schema.ts';
import { alarmProjectors } from './alarms.ts';
import { doorProjectors } from './door.ts';
import { fridgeProjectors } from './fridges.ts';
import { lockerProjectors } from './lockers.ts';
import { memberProjectors } from './members.ts';
import { phonePaymentProjectors } from './phonePayments.ts';
import { requestProjectors } from './requests.ts';
import { saleProjectors } from './sales.ts';
import type { Db, ProjectedEvent, Projector, Projectors } from './types.ts';

/** Every read model's projectors; one event type may feed several (the fire alarm: alarms and door). */
const PROJECTOR_GROUPS: readonly Projectors[] = [
  alarmProjectors,
  doorProjectors,
  fridgeProjectors,
  lockerProjectors,
  memberProjectors,
  requestProjectors,
  phonePaymentProjectors,
  saleProjectors,
];

/** The read-model tables, emptied by a rebuild (and per site when a site's ledger is archived). */
export const PROJECTION_TABLES = [
  'p_alarms',
  'p_door',
  'p_fridges',
  'p_lockers',
  'p_equipment',
  'p_members',
  'p_credentials',
  'p_help_requests',
  'p_age_checks',
  'p_phone_payments',
  'p_sales',
] as const satisfies readonly (keyof DB)[];

const BY_TYPE: ReadonlyMap<string, readonly Projector[]> = (() => {
  const m = new Map<string, Projector[]>();
  for (const group of PROJECTOR_GROUPS) for (const [type, p] of Object.entries(group)) m.set(type, [...(m.get(type) ?? []), p]);
  return m;
})();

/** Event types some read model is built from (others cost the ingest nothing). */
export const PROJECTED_TYPES: readonly string[] = [...BY_TYPE.keys()].sort();

/** Applies one decoded, non-flagged event to every read model it feeds. */
export async function applyEvent(db: Db, e: ProjectedEvent): Promise<void> {
  for (const p of BY_TYPE.get(e.type) ?? []) await p(db, e);
}

/**
 * Called by ingest inside its transaction with the rows it is storing and the rows it flags:
 * applies the non-flagged ones that feed a read model, per site in seq order.
 */
export async function projectStoredEvents(db: Db, rows: readonly EventsTable[], flagged: readonly { site_id: string; seq: number }[]): Promise<number> {
  const skip = new Set(flagged.map((f) => `${f.site_id}\u0000${Number(f.seq)}`));
  const todo = rows.filter((r) => BY_TYPE.has(r.type) && !skip.has(`${r.site_id}\u0000${Number(r.seq)}`));
  todo.sort((a, b) => (a.site_id < b.site_id ? -1 : a.site_id > b.site_id ? 1 : Number(a.seq) - Number(b.seq)));
  for (const r of todo) await applyEvent(db, toProjected(r));
  return todo.length;
}

function toProjected(r: Pick<EventsTable, 'site_id' | 'seq' | 'type' | 'at' | 'data'>): ProjectedEvent {
  return { siteId: r.site_id, seq: Number(r.seq), type: r.type, at: Number(r.at), data: JSON.parse(r.data) as unknown };
}

/** Empties one site's read models (its ledger was archived: its events are gone from `events`). */
export async function clearSiteProjections(db: Db, siteId: string): Promise<void> {
  for (const t of PROJECTION_TABLES) await db.deleteFrom(t).where('site_id', '=', siteId).execute();
}

export interface RebuildResult {
  /** Stored, non-flagged events of a projected type that were replayed. */
  replayed: number;
  /**
   * Stored events that are not flagged but do not decode with the catalogue (stored before ingest
   * flagged events): skipped, as ingest would have skipped them.
   */
  undecodable: number;
}

/** Events read per query while replaying. */
const PAGE = 1000;

export interface RebuildOptions {
  /** Events read per query (default 1000). */
  pageSize?: number;
}

/**
 * Empties every read model and replays all stored, non-flagged events in (site_id, seq) order, in
 * ONE transaction: readers see the old tables or the rebuilt ones, never a half-built state, and a
 * failure leaves the old tables. Ingest waits until the rebuild has committed.
 */
export async function rebuildProjections(db: Kysely<DB>, opts: RebuildOptions = {}): Promise<RebuildResult> {
  const pageSize = opts.pageSize ?? PAGE;
  return db.transaction().execute(async (trx) => {
    // PostgreSQL (several connections): no event may be stored while the replay reads them, or an
    // event committed in between would be applied by its ingest AND by the replay. SHARE waits for
    // ingest transactions that already stored events and blocks new ones until this commits
    // (ingest stores events before it projects them). SQLite has one writer anyway.
    if (trx.getExecutor().adapter instanceof PostgresAdapter) await sql`LOCK TABLE events IN SHARE MODE`.execute(trx);
    for (const t of PROJECTION_TABLES) await trx.deleteFrom(t).execute();
    let replayed = 0;
    let undecodable = 0;
    let after: { siteId: string; seq: number } | null = null;
    for (;;) {
      const from: { siteId: string; seq: number } | null = after;
      const page: Pick<EventsTable, 'site_id' | 'seq' | 'type' | 'at' | 'data'>[] = await trx
        .selectFrom('events as e')
        .leftJoin('flagged_events as f', (j) => j.onRef('f.site_id', '=', 'e.site_id').onRef('f.seq', '=', 'e.seq'))
        .select(['e.site_id', 'e.seq', 'e.type', 'e.at', 'e.data'])
        .where('f.seq', 'is', null)
        .where('e.type', 'in', PROJECTED_TYPES)
        .$if(from !== null, (q) =>
          q.where((eb) => eb.or([eb('e.site_id', '>', from!.siteId), eb.and([eb('e.site_id', '=', from!.siteId), eb('e.seq', '>', from!.seq)])])),
        )
        .orderBy('e.site_id')
        .orderBy('e.seq')
        .limit(pageSize)
        .execute();
      for (const r of page) {
        const e = toProjected(r);
        if (!decodeEvent(e.type, e.data).ok) {
          undecodable++;
          continue;
        }
        await applyEvent(trx, e);
        replayed++;
      }
      if (page.length < pageSize) return { replayed, undecodable };
      const last: Pick<EventsTable, 'site_id' | 'seq'> = page[page.length - 1]!;
      after = { siteId: last.site_id, seq: Number(last.seq) };
    }
  });
}
