/**
 * Store one validated event batch for one site, exactly once, in ONE transaction together with the
 * site's contiguous progress (`sites.up_to`).
 *
 * Policy (decided, see controller/contract/README.md): only the contiguous prefix is stored.
 * seq <= up_to: duplicate, skipped. seq == up_to + 1 ...: stored while contiguous. Anything after
 * a gap is NOT stored; the caller answers with `resendFrom = up_to + 1`. The point resends.
 *
 * Concurrency (several backoffice instances on one PostgreSQL): the transaction first UPDATEs the
 * site row, which holds its row lock until commit, so batches of one site are serialised across
 * instances; the (site_id, seq) primary key is the last line of defence.
 */
import type { Kysely, Transaction } from 'kysely';
import type { EventBatch } from '../../controller/contract/sync/index.ts';
import type { DB } from '../db/schema.ts';

export interface IngestOutcome {
  siteId: string;
  upTo: number;
  stored: number;
  duplicates: number;
  /** Events after a gap, not stored. */
  held: number;
  /** Set when the batch showed a gap: ask the point to resend from here. */
  resendFrom?: number;
}

export async function ensureSite(trx: Kysely<DB> | Transaction<DB>, siteId: string, now: number): Promise<void> {
  await trx
    .insertInto('sites')
    .values({
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
    })
    .onConflict((oc) => oc.column('site_id').doNothing())
    .execute();
}

/** Multi-row inserts are chunked to stay under SQLite's and pg's bound-parameter limits. */
const INSERT_CHUNK = 100;

export async function ingestBatch(db: Kysely<DB>, batch: EventBatch, receivedAt: number): Promise<IngestOutcome> {
  const siteId = batch.siteId;
  await ensureSite(db, siteId, receivedAt);
  return db.transaction().execute(async (trx) => {
    // Lock the site row first (PostgreSQL row lock / SQLite write lock), then read the progress.
    await trx.updateTable('sites').set({ last_batch_at: receivedAt }).where('site_id', '=', siteId).execute();
    const site = await trx.selectFrom('sites').select(['up_to']).where('site_id', '=', siteId).executeTakeFirstOrThrow();
    const start = Number(site.up_to);
    let next = start + 1;
    let duplicates = 0;
    const rows: DB['events'][] = [];
    let gapAt: number | undefined;
    for (const e of batch.events) {
      if (e.seq < next) {
        if (e.seq <= start) duplicates++;
        continue;
      }
      if (e.seq > next) {
        gapAt = e.seq;
        break;
      }
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
      next++;
    }
    const held = gapAt === undefined ? 0 : batch.events.filter((e) => e.seq >= gapAt).length;
    for (let i = 0; i < rows.length; i += INSERT_CHUNK) {
      await trx.insertInto('events').values(rows.slice(i, i + INSERT_CHUNK)).execute();
    }
    const upTo = start + rows.length;
    if (rows.length > 0) {
      await trx
        .updateTable('sites')
        .set((eb) => ({ up_to: upTo, events_stored: eb('events_stored', '+', rows.length) }))
        .where('site_id', '=', siteId)
        .execute();
    }
    const outcome: IngestOutcome = { siteId, upTo, stored: rows.length, duplicates, held };
    if (gapAt !== undefined) outcome.resendFrom = upTo + 1;
    return outcome;
  });
}
