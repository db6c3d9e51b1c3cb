import { describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import type { EventBatch, SyncEvent } from '../../controller/contract/sync/index.ts';
import { openDatabase } from '../db/database.ts';
import type { Logger } from '../platform.ts';
import { IngestQueue, type Settlement } from './ingestQueue.ts';

const silent: Logger = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {}, child: () => silent };

function batch(siteId: string, from: number, to: number): EventBatch {
  const events: SyncEvent[] = [];
  for (let s = from; s <= to; s++) events.push({ seq: s, type: 'sale', at: s, clockSynced: true, data: { s } });
  return { v: 1, siteId, session: 1, events };
}

function submitAll(q: IngestQueue, batches: EventBatch[]): { log: string[]; done: Promise<Settlement[]> } {
  const log: string[] = [];
  const done = Promise.all(
    batches.map(
      (b) =>
        new Promise<Settlement>((resolve) =>
          q.submit(b, 1, (s) => {
            log.push(`${b.siteId}:${b.events[0]!.seq}`);
            resolve(s);
          }),
        ),
    ),
  );
  return { log, done };
}

describe('ingest group commit', () => {
  it('commits batches submitted in the same turn in one transaction and settles them in submission order', async () => {
    const { db, close } = await openDatabase({ kind: 'sqlite', path: ':memory:' });
    let groups = 0;
    const q = new IngestQueue({ db, logger: silent, onGroupSettled: () => groups++ });
    const batches = [batch('q-a', 1, 5), batch('q-b', 1, 5), batch('q-a', 6, 10), batch('q-c', 1, 1)];
    const { log, done } = submitAll(q, batches);
    const settled = await done;
    expect(q.stats).toMatchObject({ commits: 1, batches: 4, largestGroup: 4 });
    expect(groups).toBe(1);
    expect(log).toEqual(['q-a:1', 'q-b:1', 'q-a:6', 'q-c:1']);
    expect(settled.map((s) => (s.ok ? s.outcome.upTo : -1))).toEqual([5, 5, 10, 1]);
    await close();
  });

  it('gathers batches that keep arriving turn after turn into one commit, within the gather window', async () => {
    const { db, close } = await openDatabase({ kind: 'sqlite', path: ':memory:' });
    const run = async (gatherMs: number): Promise<number> => {
      const q = new IngestQueue({ db, logger: silent, gatherMs });
      const settled: Promise<Settlement>[] = [];
      const submit = (b: EventBatch): void => void settled.push(new Promise((r) => q.submit(b, 1, r)));
      const site = `gather-${gatherMs}`;
      submit(batch(site, 1, 1));
      await new Promise((r) => setImmediate(r));
      submit(batch(site, 2, 2));
      await new Promise((r) => setImmediate(r));
      submit(batch(site, 3, 3));
      await Promise.all(settled);
      return q.stats.commits;
    };
    expect(await run(1_000)).toBe(1);
    expect(await run(0)).toBe(3);
    await close();
  });

  it('respects the per-commit batch limit and goes on with the rest', async () => {
    const { db, close } = await openDatabase({ kind: 'sqlite', path: ':memory:' });
    const q = new IngestQueue({ db, logger: silent, maxBatchesPerCommit: 3 });
    const batches = Array.from({ length: 7 }, (_, i) => batch('lim', i * 2 + 1, i * 2 + 2));
    const settled = await submitAll(q, batches).done;
    expect(q.stats.commits).toBe(3);
    expect(q.stats.largestGroup).toBe(3);
    expect(settled.every((s) => s.ok)).toBe(true);
    await q.whenIdle();
    await close();
  });

  it('retries a failed group batch by batch so one poisoned batch fails alone and the others are stored', async () => {
    const { db, close } = await openDatabase({ kind: 'sqlite', path: ':memory:' });
    await sql`CREATE TRIGGER poison BEFORE INSERT ON events WHEN NEW.site_id = 'poisoned' BEGIN SELECT RAISE(ABORT, 'poisoned row'); END`.execute(db);
    const q = new IngestQueue({ db, logger: silent });
    const settled = await submitAll(q, [batch('good-1', 1, 3), batch('poisoned', 1, 3), batch('good-2', 1, 2)]).done;
    expect(settled.map((s) => s.ok)).toEqual([true, false, true]);
    expect(q.stats.groupFailures).toBe(1);
    const bad = settled[1]!;
    expect(!bad.ok && bad.error.message).toContain('poisoned row');
    const stored = await db.selectFrom('events').select('site_id').distinct().orderBy('site_id').execute();
    expect(stored.map((r) => r.site_id)).toEqual(['good-1', 'good-2']);
    await close();
  });

  it('abort settles waiting batches with the error and commits none of them', async () => {
    const { db, close } = await openDatabase({ kind: 'sqlite', path: ':memory:' });
    const q = new IngestQueue({ db, logger: silent });
    const { done } = submitAll(q, [batch('ab', 1, 2), batch('ab', 3, 4)]);
    await q.abort(new Error('stopping'));
    const settled = await done;
    expect(settled.map((s) => (s.ok ? 'ok' : s.error.message))).toEqual(['stopping', 'stopping']);
    expect(await db.selectFrom('events').selectAll().execute()).toEqual([]);
    await q.whenIdle();
    await close();
  });

  it('reports no room while too many batches wait, and room again once a commit takes them', async () => {
    const { db, close } = await openDatabase({ kind: 'sqlite', path: ':memory:' });
    const q = new IngestQueue({ db, logger: silent, maxPending: 2 });
    const { done } = submitAll(q, [batch('room', 1, 1), batch('room', 2, 2)]);
    expect(q.hasRoom()).toBe(false);
    await q.whenRoom();
    expect(q.hasRoom()).toBe(true);
    await done;
    await close();
  });
});
