/**
 * Issue 8: the backoffice decodes every stored event with the event catalogue. An event that does
 * not match (an "older point" with a bug, or a newer point's version this backoffice does not know)
 * is still stored — it is a fact the point recorded, exactly-once stays exactly-once — but flagged
 * and counted, so no report projects it silently.
 */
import { describe, expect, it } from 'vitest';
import type { EventBatch } from '../../controller/contract/sync/index.ts';
import { ingestBatch } from '../../backoffice/ingest/ingestStore.ts';
import { markDiverged, resolveDivergence } from '../../backoffice/ingest/divergence.ts';
import { openTestDb, postgresSkipReason } from '../support/testDb.ts';

const pgSkip = await postgresSkipReason('PostgreSQL flagged-events tests');
if (pgSkip) console.warn(pgSkip);

/** What an older point with a bug sent: a door.opened without `via`, an unknown type, a future version. */
const olderPoint: EventBatch = {
  v: 1,
  siteId: 'old-point',
  session: 3,
  events: [
    { seq: 1, type: 'door.opened', at: 1_000, clockSynced: true, data: { via: 'grant', grantId: 4 } },
    { seq: 2, type: 'door.opened', at: 1_001, clockSynced: true, data: { door: 'main' } },
    { seq: 3, type: 'sale.legacy', at: 1_002, clockSynced: true, data: { cents: 199 } },
    { seq: 4, type: 'door.closed', at: 1_003, clockSynced: true, data: { v: 7 } },
    {
      seq: 5,
      type: 'access.decision',
      at: 1_004,
      clockSynced: true,
      data: { kind: 'card', granted: false, reason: 'wrong-pin', doorId: 'main', credentialId: 'c1' },
    },
  ],
};

describe.each((pgSkip ? ['sqlite'] : ['sqlite', 'postgres']) as Array<'sqlite' | 'postgres'>)('events that do not decode (%s)', (kind) => {
  it('are stored and acknowledged like every other event, and flagged with their problem', async () => {
    const d = await openTestDb(kind);
    try {
      const out = await ingestBatch(d.db, olderPoint, 2_000);
      expect(out).toMatchObject({ upTo: 5, stored: 5, flagged: 3 });
      const stored = await d.db.selectFrom('events').select(['seq']).where('site_id', '=', 'old-point').orderBy('seq').execute();
      expect(stored.map((r) => Number(r.seq))).toEqual([1, 2, 3, 4, 5]);
      const flagged = await d.db.selectFrom('flagged_events').select(['seq', 'type', 'problem', 'message']).orderBy('seq').execute();
      expect(flagged.map((f) => [Number(f.seq), f.type, f.problem])).toEqual([
        [2, 'door.opened', 'schema'],
        [3, 'sale.legacy', 'unknown-type'],
        [4, 'door.closed', 'unknown-version'],
      ]);
      expect(flagged[0]!.message).toMatch(/via/);
      // The same batch again (a resend): duplicates, nothing flagged twice.
      expect(await ingestBatch(d.db, olderPoint, 3_000)).toMatchObject({ upTo: 5, stored: 0, duplicates: 5 });
      expect(await d.db.selectFrom('flagged_events').selectAll().execute()).toHaveLength(3);
    } finally {
      await d.dispose();
    }
  });
  it("archiving a replaced ledger takes the old events' flags along, so the new ledger's events at those seq numbers are projected", async () => {
    const d = await openTestDb(kind);
    try {
      await ingestBatch(d.db, olderPoint, 2_000);
      expect(await markDiverged(d.db, 'old-point', 'new SD card', 2_500)).toBe(true);
      expect(await resolveDivergence(d.db, 'old-point', 'archive', 2_600)).toMatchObject({ ok: true, archived: 5 });
      expect(await d.db.selectFrom('flagged_events').selectAll().where('site_id', '=', 'old-point').execute()).toEqual([]);
      // The replacement ledger starts again at seq 1; seq 2 is now a valid door event.
      const fresh: EventBatch = {
        v: 1,
        siteId: 'old-point',
        session: 1,
        events: [
          { seq: 1, type: 'door.opened', at: 3_000, clockSynced: true, data: { via: 'exit' } },
          { seq: 2, type: 'door.closed', at: 3_001, clockSynced: true, data: {} },
        ],
      };
      expect(await ingestBatch(d.db, fresh, 3_100)).toMatchObject({ upTo: 2, stored: 2 });
      expect(await d.db.selectFrom('flagged_events').selectAll().where('site_id', '=', 'old-point').execute()).toEqual([]);
      const door = await d.db.selectFrom('p_door').selectAll().where('site_id', '=', 'old-point').executeTakeFirst();
      expect(door).toMatchObject({ state: 'closed' });
    } finally {
      await d.dispose();
    }
  });
});
