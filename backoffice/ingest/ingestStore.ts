/**
 * Store validated event batches exactly once, in ONE transaction together with each site's
 * contiguous progress (`sites.up_to`). Several pending batches (of one or many sites) may be
 * committed together (group commit, see ingestQueue.ts); each batch still gets its own outcome,
 * exactly as if the batches had been ingested one after the other in the given order.
 *
 * Policy (decided, see controller/contract/README.md): only the contiguous prefix is stored.
 * seq <= up_to: duplicate, skipped. seq == up_to + 1 ...: stored while contiguous. Anything after
 * a gap is NOT stored; the caller answers with `resendFrom = up_to + 1`. The point resends.
 * Dedupe needs no per-event lookup: the high-water mark read once per site decides.
 *
 * Concurrency (several backoffice instances on one PostgreSQL): the transaction first upserts the
 * site rows (in siteId order, so two instances never wait on each other crosswise), which holds
 * their row locks until commit and returns the current mark, so batches of one site are
 * serialised across instances. `ON CONFLICT (site_id, seq) DO NOTHING` is the last line of defence.
 *
 * Divergence (see divergence.ts): a site marked diverged gets nothing stored and no ack. A duplicate
 * whose `hash` differs from the stored event's hash proves the point's ledger was replaced: the
 * site is marked diverged in the same transaction and nothing of it from this group is stored.
 * Hashes are read only for duplicates, so the common path costs no extra query.
 */
import { decodeEvent } from '../../controller/contract/events/index.ts';
import { CompiledQuery, type Kysely, type Transaction } from 'kysely';
import type { EventBatch } from '../../controller/contract/sync/index.ts';
import type { DB, EventsTable, FlaggedEventsTable } from '../db/schema.ts';
import { markDiverged } from './divergence.ts';
import { projectStoredEvents } from '../projections/projections.ts';

export interface IngestOutcome {
  siteId: string;
  upTo: number;
  stored: number;
  duplicates: number;
  /** Events after a gap, not stored. */
  held: number;
  /** Set when the batch showed a gap: ask the point to resend from here. */
  resendFrom?: number;
  /** The site is diverged: nothing stored, and no ack may be sent. */
  diverged?: boolean;
  /** Stored events that do not decode with the event catalogue (flagged, see flagged_events). */
  flagged?: number;
  /** Set on the one outcome whose batch marked the site diverged (log, count). */
  divergedReason?: string;
  /**
   * Hash of the stored event at `upTo` (for `down/ack.upToHash`); absent when upTo = 0, the event
   * has no hash, or the site is diverged.
   */
  upToHash?: string;
}

export interface IngestTxOptions {
  /** Runs inside the transaction after every write, right before COMMIT (crash tests). */
  beforeCommit?: (outcomes: readonly IngestOutcome[]) => void | Promise<void>;
}

export interface IngestItem {
  batch: EventBatch;
  receivedAt: number;
}

/** A site row as first seen (its `name` stays as the operator set it, or null). */
export function newSiteRow(siteId: string, now: number): Omit<DB['sites'], 'name'> {
  return {
    site_id: siteId,
    created_at: now,
    up_to: 0,
    events_stored: 0,
    last_batch_at: null,
    status: 'unknown',
    session: 0,
    last_seen_at: null,
    status_at: null,
    backlog_pending: null,
    backlog_last_seq: null,
    software: null,
    change_version: 0,
    applied_version: 0,
    events_session: 0,
    diverged_at: null,
    diverged_reason: null,
    epoch: 0,
  };
}

export async function ensureSite(trx: Kysely<DB> | Transaction<DB>, siteId: string, now: number): Promise<void> {
  await trx
    .insertInto('sites')
    .values(newSiteRow(siteId, now))
    .onConflict((oc) => oc.column('site_id').doNothing())
    .execute();
}

/**
 * Rows per multi-row INSERT: 8 columns x 500 = 4,000 bound parameters, far below SQLite's 32,766
 * and PostgreSQL's 65,535.
 */
export const INSERT_CHUNK = 500;

const EVENT_COLUMNS = ['site_id', 'seq', 'type', 'at', 'clock_synced', 'data', 'hash', 'received_at'] as const satisfies readonly (keyof EventsTable)[];

/**
 * SQL text of `INSERT INTO events (...) VALUES (...) x n ON CONFLICT (site_id, seq) DO NOTHING`,
 * compiled by Kysely for the executing dialect once per row count and reused: building an
 * n-row query tree per batch costs more than running it.
 */
const insertSqlCache = new WeakMap<object, Map<number, string>>();
const MAX_CACHED_SHAPES = 64;

function insertEventsSql(trx: Transaction<DB>, cacheKey: object, n: number): string {
  let byCount = insertSqlCache.get(cacheKey);
  if (!byCount) insertSqlCache.set(cacheKey, (byCount = new Map()));
  let sql = byCount.get(n);
  if (sql === undefined) {
    const placeholder: EventsTable = { site_id: '', seq: 0, type: '', at: 0, clock_synced: 0, data: '', hash: null, received_at: 0 };
    const compiled = trx
      .insertInto('events')
      .values(Array.from({ length: n }, () => placeholder))
      .onConflict((oc) => oc.columns(['site_id', 'seq']).doNothing())
      .compile();
    if (compiled.parameters.length !== n * EVENT_COLUMNS.length)
      throw new Error(`unexpected events INSERT shape: ${compiled.parameters.length} parameters for ${n} rows`);
    sql = compiled.sql;
    if (byCount.size >= MAX_CACHED_SHAPES) byCount.clear();
    byCount.set(n, sql);
  }
  return sql;
}

/** Parameters in the order Kysely emits them for rows with EVENT_COLUMNS keys (row-major). */
export function eventParameters(rows: readonly EventsTable[], from: number, to: number): unknown[] {
  const out: unknown[] = new Array((to - from) * EVENT_COLUMNS.length);
  let k = 0;
  for (let i = from; i < to; i++) {
    const r = rows[i]!;
    out[k++] = r.site_id;
    out[k++] = r.seq;
    out[k++] = r.type;
    out[k++] = r.at;
    out[k++] = r.clock_synced;
    out[k++] = r.data;
    out[k++] = r.hash;
    out[k++] = r.received_at;
  }
  return out;
}

export async function insertEvents(trx: Transaction<DB>, cacheKey: object, rows: readonly EventsTable[]): Promise<void> {
  for (let i = 0; i < rows.length; i += INSERT_CHUNK) {
    const end = Math.min(rows.length, i + INSERT_CHUNK);
    await trx.executeQuery(CompiledQuery.raw(insertEventsSql(trx, cacheKey, end - i), eventParameters(rows, i, end)));
  }
}

/**
 * Ingest `items` in one transaction; outcomes are returned in the same order. Throws (and commits
 * nothing) when the database fails.
 */
export async function ingestBatches(db: Kysely<DB>, items: readonly IngestItem[], opts: IngestTxOptions = {}): Promise<IngestOutcome[]> {
  if (items.length === 0) return [];
  const lastReceived = new Map<string, number>();
  for (const it of items) lastReceived.set(it.batch.siteId, Math.max(lastReceived.get(it.batch.siteId) ?? 0, it.receivedAt));
  const siteIds = [...lastReceived.keys()].sort();
  return db.transaction().execute(async (trx) => {
    // Create-or-touch every site row in one statement (row locks taken in siteId order) and read
    // each site's contiguous mark.
    const marks = await trx
      .insertInto('sites')
      .values(siteIds.map((id) => ({ ...newSiteRow(id, lastReceived.get(id)!), last_batch_at: lastReceived.get(id)! })))
      .onConflict((oc) => oc.column('site_id').doUpdateSet((eb) => ({ last_batch_at: eb.ref('excluded.last_batch_at') })))
      .returning(['site_id', 'up_to', 'diverged_at', 'events_session'])
      .execute();
    const start = new Map<string, number>();
    const eventsSession = new Map<string, number>();
    const diverged = new Set<string>();
    for (const m of marks) {
      start.set(m.site_id, Number(m.up_to));
      eventsSession.set(m.site_id, Number(m.events_session));
      if (m.diverged_at !== null) diverged.add(m.site_id);
    }
    const next = new Map<string, number>();
    for (const id of siteIds) {
      const s = start.get(id);
      if (s === undefined) throw new Error(`site row ${id} was not returned by the upsert`);
      next.set(id, s + 1);
    }
    const storedHashes = await storedHashesOfDuplicates(trx, items, start, diverged);
    const groupHashes = new Map<string, Map<number, string | null>>();
    const newlyDiverged = new Map<string, string>();
    const rows: EventsTable[] = [];
    const flaggedRows: FlaggedEventsTable[] = [];
    const outcomes: IngestOutcome[] = [];
    for (const { batch, receivedAt } of items) {
      const siteId = batch.siteId;
      if (diverged.has(siteId)) {
        outcomes.push(divergedOutcome(siteId, start.get(siteId)!));
        continue;
      }
      let n = next.get(siteId)!;
      let duplicates = 0;
      let stored = 0;
      let held = 0;
      let mismatch: string | null = null;
      let flaggedHere = 0;
      const events = batch.events;
      const added = groupHashes.get(siteId);
      for (let i = 0; i < events.length; i++) {
        const e = events[i]!;
        if (e.seq < n) {
          // stored before, or by an earlier batch of this group: the same event, unless its hash differs
          if (e.hash !== undefined) {
            const known = e.seq <= start.get(siteId)! ? storedHashes.get(siteId)?.get(e.seq) : added?.get(e.seq);
            if (known !== undefined && known !== null && known !== e.hash) {
              mismatch = `event seq ${e.seq} arrived with another hash than the stored one: the point's ledger was replaced`;
              break;
            }
          }
          duplicates++;
          continue;
        }
        if (e.seq > n) {
          held = events.length - i; // seqs ascend (checked by decode): everything from here on
          break;
        }
        // Decoded with the catalogue: an event that does not match is still stored (it is a fact
        // the point recorded; exactly-once stays exactly-once) but flagged, counted, and kept out
        // of every projection and report (they read events without a flagged_events row).
        const decoded = decodeEvent(e.type, e.data);
        if (!decoded.ok) flaggedHere++;
        if (!decoded.ok)
          flaggedRows.push({
            site_id: siteId,
            seq: e.seq,
            type: e.type,
            problem: decoded.problem,
            message: decoded.message.slice(0, 1000),
            flagged_at: receivedAt,
          });
        rows.push({
          site_id: siteId,
          seq: e.seq,
          type: e.type,
          at: e.at,
          clock_synced: e.clockSynced ? 1 : 0,
          data: JSON.stringify(e.data ?? null),
          hash: e.hash ?? null,
          received_at: receivedAt,
        });
        // Also without a hash (null): the ack of this mark then knows there is none to look up.
        let m = groupHashes.get(siteId);
        if (!m) groupHashes.set(siteId, (m = new Map()));
        m.set(e.seq, e.hash ?? null);
        stored++;
        n++;
      }
      if (mismatch !== null) {
        diverged.add(siteId);
        newlyDiverged.set(siteId, mismatch);
        outcomes.push({ ...divergedOutcome(siteId, start.get(siteId)!), divergedReason: mismatch });
        continue;
      }
      next.set(siteId, n);
      const outcome: IngestOutcome = { siteId, upTo: n - 1, stored, duplicates, held };
      if (flaggedHere > 0) outcome.flagged = flaggedHere;
      if (held > 0) outcome.resendFrom = n;
      outcomes.push(outcome);
      if (stored > 0) eventsSession.set(siteId, Math.max(eventsSession.get(siteId)!, batch.session));
    }
    const now = Math.max(...lastReceived.values());
    for (const [siteId, reason] of newlyDiverged) {
      // Nothing of a site found diverged is stored from this group: earlier batches of it in the
      // group were the replaced ledger's events too.
      next.set(siteId, start.get(siteId)! + 1);
      for (let i = 0; i < outcomes.length; i++) {
        const o = outcomes[i]!;
        if (o.siteId === siteId && !o.diverged) outcomes[i] = divergedOutcome(siteId, start.get(siteId)!);
      }
      if (!(await markDiverged(trx, siteId, reason, now))) newlyDiverged.delete(siteId);
    }
    const storedRows = newlyDiverged.size === 0 ? rows : rows.filter((r) => !newlyDiverged.has(r.site_id));
    await insertEvents(trx, db, storedRows);
    const flagged = flaggedRows.filter((r) => !newlyDiverged.has(r.site_id));
    if (flagged.length > 0) {
      await trx
        .insertInto('flagged_events')
        .values(flagged)
        .onConflict((oc) => oc.columns(['site_id', 'seq']).doNothing())
        .execute();
    }
    // Read models (backoffice/projections), in this transaction: exactly the events stored now, never a flagged one.
    await projectStoredEvents(trx, storedRows, flagged);
    await fillUpToHashes(trx, outcomes, groupHashes, storedHashes);
    for (const id of siteIds) {
      const added = next.get(id)! - 1 - start.get(id)!;
      if (added === 0) continue;
      await trx
        .updateTable('sites')
        .set((eb) => ({ up_to: next.get(id)! - 1, events_stored: eb('events_stored', '+', added), events_session: eventsSession.get(id)! }))
        .where('site_id', '=', id)
        .execute();
    }
    await opts.beforeCommit?.(outcomes);
    return outcomes;
  });
}

function divergedOutcome(siteId: string, upTo: number): IngestOutcome {
  return { siteId, upTo, stored: 0, duplicates: 0, held: 0, diverged: true };
}

/**
 * Sets `upToHash` on every acknowledgeable outcome. Known without a query when the event at upTo
 * was stored by this group or arrived again as a duplicate; otherwise (a batch of duplicates that
 * does not reach the mark) ONE primary-key lookup per site and mark.
 */
async function fillUpToHashes(
  trx: Transaction<DB>,
  outcomes: IngestOutcome[],
  groupHashes: ReadonlyMap<string, ReadonlyMap<number, string | null>>,
  storedHashes: ReadonlyMap<string, ReadonlyMap<number, string | null>>,
): Promise<void> {
  const looked = new Map<string, string | null>();
  for (const o of outcomes) {
    if (o.diverged || o.upTo === 0) continue;
    let h = groupHashes.get(o.siteId)?.get(o.upTo) ?? storedHashes.get(o.siteId)?.get(o.upTo);
    if (h === undefined) {
      const key = `${o.siteId}\u0000${o.upTo}`;
      h = looked.get(key);
      if (h === undefined) {
        h = await storedHashAt(trx, o.siteId, o.upTo);
        looked.set(key, h);
      }
    }
    if (h !== null) o.upToHash = h;
  }
}

/** The stored hash of one event (null when absent or stored without one): one primary-key lookup. */
export async function storedHashAt(db: Kysely<DB> | Transaction<DB>, siteId: string, seq: number): Promise<string | null> {
  const row = await db.selectFrom('events').select('hash').where('site_id', '=', siteId).where('seq', '=', seq).executeTakeFirst();
  return row?.hash ?? null;
}

/** Stored hashes of the events that arrive again (seq <= the site's mark), one query per such site. */
async function storedHashesOfDuplicates(
  trx: Transaction<DB>,
  items: readonly IngestItem[],
  start: ReadonlyMap<string, number>,
  diverged: ReadonlySet<string>,
): Promise<Map<string, Map<number, string | null>>> {
  const ranges = new Map<string, { min: number; max: number }>();
  for (const { batch } of items) {
    const siteId = batch.siteId;
    if (diverged.has(siteId)) continue;
    const mark = start.get(siteId)!;
    const first = batch.events[0]!;
    if (first.seq > mark) continue;
    let min = Infinity;
    let max = 0;
    for (const e of batch.events) {
      if (e.seq > mark) break;
      if (e.hash === undefined) continue;
      min = Math.min(min, e.seq);
      max = e.seq;
    }
    if (max === 0) continue;
    const r = ranges.get(siteId);
    ranges.set(siteId, r ? { min: Math.min(r.min, min), max: Math.max(r.max, max) } : { min, max });
  }
  const out = new Map<string, Map<number, string | null>>();
  for (const [siteId, r] of ranges) {
    const rows = await trx
      .selectFrom('events')
      .select(['seq', 'hash'])
      .where('site_id', '=', siteId)
      .where('seq', '>=', r.min)
      .where('seq', '<=', r.max)
      .execute();
    out.set(siteId, new Map(rows.map((x) => [Number(x.seq), x.hash])));
  }
  return out;
}

/** Ingest one batch in its own transaction. */
export async function ingestBatch(db: Kysely<DB>, batch: EventBatch, receivedAt: number): Promise<IngestOutcome> {
  const [outcome] = await ingestBatches(db, [{ batch, receivedAt }]);
  return outcome!;
}
