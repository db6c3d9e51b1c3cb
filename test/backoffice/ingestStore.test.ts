import { afterEach, describe, expect, it } from 'vitest';
import {
  DummyDriver,
  Kysely,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  SqliteAdapter,
  SqliteIntrospector,
  SqliteQueryCompiler,
} from 'kysely';
import type { EventBatch, SyncEvent } from '../../controller/contract/sync/index.ts';
import type { DB, EventsTable } from '../../backoffice/db/schema.ts';
import { eventParameters, ingestBatch, ingestBatches, INSERT_CHUNK, type IngestOutcome } from '../../backoffice/ingest/ingestStore.ts';
import { openTestDb, postgresSkipReason, type TestDb } from '../support/testDb.ts';

const pgSkip = await postgresSkipReason('PostgreSQL ingest store tests');
if (pgSkip) console.warn(pgSkip);

function events(from: number, to: number): SyncEvent[] {
  const out: SyncEvent[] = [];
  for (let s = from; s <= to; s++)
    out.push({
      seq: s,
      type: 'hardware.status',
      at: 1_000 + s,
      clockSynced: s % 2 === 0,
      data: { kind: 'board', id: `b${s}`, name: `Kühlschrank é${s}`, status: 'ok', previous: null },
      ...(s % 3 === 0 ? { hash: 'ab'.repeat(16) } : {}),
    });
  return out;
}
const batch = (siteId: string, from: number, to: number): EventBatch => ({ v: 1, siteId, session: 1, events: events(from, to) });

/** Seeded LCG so a failure names a reproducible case. */
function rng(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    return s / 2 ** 31;
  };
}

async function dump(db: Kysely<DB>): Promise<unknown> {
  const ev = await db.selectFrom('events').select(['site_id', 'seq', 'type', 'at', 'clock_synced', 'data', 'hash']).orderBy('site_id').orderBy('seq').execute();
  const sites = await db.selectFrom('sites').select(['site_id', 'up_to', 'events_stored']).orderBy('site_id').execute();
  return {
    ev: ev.map((e) => ({ ...e, seq: Number(e.seq), at: Number(e.at) })),
    sites: sites.map((s) => ({ ...s, up_to: Number(s.up_to), events_stored: Number(s.events_stored) })),
  };
}

describe('multi-row INSERT parameters', () => {
  it('are flattened in the order Kysely binds them, on SQLite and PostgreSQL', () => {
    const rows: EventsTable[] = [1, 2, 3].map((s) => ({
      site_id: `s${s}`,
      seq: s,
      type: `t${s}`,
      at: 10 + s,
      clock_synced: s % 2,
      data: `{"x":${s}}`,
      hash: s === 2 ? null : `h${s}`,
      received_at: 100 + s,
    }));
    for (const [adapter, compiler, introspector] of [
      [SqliteAdapter, SqliteQueryCompiler, SqliteIntrospector],
      [PostgresAdapter, PostgresQueryCompiler, PostgresIntrospector],
    ] as const) {
      const k = new Kysely<DB>({
        dialect: {
          createAdapter: () => new adapter(),
          createDriver: () => new DummyDriver(),
          createIntrospector: (db) => new introspector(db),
          createQueryCompiler: () => new compiler(),
        },
      });
      expect(k.insertInto('events').values(rows).compile().parameters).toEqual(eventParameters(rows, 0, rows.length));
    }
  });
});

for (const kind of ['sqlite', 'postgres'] as const) {
  describe.skipIf(kind === 'postgres' && pgSkip !== null)(`ingestBatches on ${kind}`, () => {
    const open: TestDb[] = [];
    const fresh = async (): Promise<TestDb> => {
      const d = await openTestDb(kind);
      open.push(d);
      return d;
    };
    afterEach(async () => {
      for (const d of open.splice(0)) await d.dispose();
    });

    it('gives every batch of a group the outcome it gets when ingested alone, in order (duplicates, gaps, refills, several sites)', async () => {
      const group = [
        batch('site-a', 1, 3),
        batch('site-b', 1, 2),
        batch('site-a', 7, 9), // gap: held, resend from 4
        batch('site-a', 4, 6), // fills the gap
        batch('site-a', 1, 5), // all duplicates (partly stored earlier in this group)
        batch('site-b', 2, 4), // one duplicate, two new
        batch('site-a', 7, 12), // 7..9 now stored: new
      ];
      const grouped = await fresh();
      const serial = await fresh();
      const got = await ingestBatches(
        grouped.db,
        group.map((b) => ({ batch: b, receivedAt: 5 })),
      );
      const want: IngestOutcome[] = [];
      for (const b of group) want.push(await ingestBatch(serial.db, b, 5));
      expect(got).toEqual(want);
      // upToHash: the stored hash of the event at upTo (every third event carries one here)
      expect(got[2]).toEqual({ siteId: 'site-a', upTo: 3, stored: 0, duplicates: 0, held: 3, resendFrom: 4, upToHash: 'ab'.repeat(16) });
      expect(got[4]).toEqual({ siteId: 'site-a', upTo: 6, stored: 0, duplicates: 5, held: 0, upToHash: 'ab'.repeat(16) });
      expect(got[1]).toEqual({ siteId: 'site-b', upTo: 2, stored: 2, duplicates: 0, held: 0 }); // event 2 has no hash
      expect(await dump(grouped.db)).toEqual(await dump(serial.db));
    });

    it('matches one-by-one ingestion for random shuffled, duplicated batches in random groups (seed 7)', async () => {
      const r = rng(7);
      const all: EventBatch[] = [];
      for (const site of ['r-1', 'r-2', 'r-3']) for (let from = 1; from <= 60; from += 6) all.push(batch(site, from, from + 5));
      const stream = [...all, ...all.filter(() => r() < 0.5)].sort(() => r() - 0.5);
      const grouped = await fresh();
      const serial = await fresh();
      const got: IngestOutcome[] = [];
      for (let i = 0; i < stream.length;) {
        const n = 1 + Math.floor(r() * 12);
        got.push(
          ...(await ingestBatches(
            grouped.db,
            stream.slice(i, i + n).map((b) => ({ batch: b, receivedAt: 9 })),
          )),
        );
        i += n;
      }
      const want: IngestOutcome[] = [];
      for (const b of stream) want.push(await ingestBatch(serial.db, b, 9));
      expect(got).toEqual(want);
      expect(await dump(grouped.db)).toEqual(await dump(serial.db));
    });

    it(`stores groups larger than one INSERT (${INSERT_CHUNK} rows) completely`, async () => {
      const d = await fresh();
      const group = [0, 1, 2, 3, 4].map((k) => batch('big-site', k * 500 + 1, k * 500 + 500));
      const out = await ingestBatches(
        d.db,
        group.map((b) => ({ batch: b, receivedAt: 1 })),
      );
      expect(out.at(-1)).toMatchObject({ upTo: 2500, stored: 500 });
      const n = await d.db
        .selectFrom('events')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('site_id', '=', 'big-site')
        .executeTakeFirstOrThrow();
      expect(Number(n.n)).toBe(2500);
    });

    it('does not fail on a stray row beyond the mark (ON CONFLICT DO NOTHING keeps the first copy)', async () => {
      const d = await fresh();
      await d.db
        .insertInto('events')
        .values({ site_id: 'stray', seq: 2, type: 'sale', at: 1, clock_synced: 0, data: '"first"', hash: null, received_at: 1 })
        .execute();
      const out = await ingestBatch(d.db, batch('stray', 1, 3), 2);
      expect(out.upTo).toBe(3);
      const rows = await d.db.selectFrom('events').select(['seq', 'data']).where('site_id', '=', 'stray').orderBy('seq').execute();
      expect(rows.map((x) => [Number(x.seq), x.data])).toEqual([
        [1, '{"kind":"board","id":"b1","name":"Kühlschrank é1","status":"ok","previous":null}'],
        [2, '"first"'],
        [3, '{"kind":"board","id":"b3","name":"Kühlschrank é3","status":"ok","previous":null}'],
      ]);
    });
  });
}
