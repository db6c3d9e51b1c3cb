/**
 * Storage for the test-side reference ingest. Deliberately NO unique key on (site, seq): the
 * per-site progress cursor is the only dedupe, so a duplicate that slipped through would be
 * visible to the assertions instead of being swallowed by a constraint.
 */
import Database from 'better-sqlite3';
import pg from 'pg';
import type { SyncEvent } from '../../../controller/contract/sync/index.ts';

export interface CommitResult {
  upTo: number;
  stored: number;
  gap: boolean;
}

export interface StoredEvent {
  seq: number;
  type: string;
  data: unknown;
}

export interface IngestStore {
  readonly kind: 'sqlite' | 'postgres';
  progress(siteId: string): Promise<number>;
  /** One transaction: store the contiguous new prefix, advance progress. `abort` = die before commit. */
  commit(siteId: string, events: SyncEvent[], abort?: boolean): Promise<CommitResult>;
  all(siteId: string): Promise<StoredEvent[]>;
  close(): Promise<void>;
}

function plan(progress: number, events: SyncEvent[]): { rows: SyncEvent[]; gap: boolean } {
  const rows: SyncEvent[] = [];
  let expected = progress + 1;
  let gap = false;
  for (const e of events) {
    if (e.seq < expected) continue;
    if (e.seq > expected) {
      gap = true;
      break;
    }
    rows.push(e);
    expected++;
  }
  return { rows, gap };
}

export class AbortedCommit extends Error {}

export function sqliteStore(file = ':memory:'): IngestStore {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.exec(`CREATE TABLE IF NOT EXISTS events (id INTEGER PRIMARY KEY, site TEXT NOT NULL, seq INTEGER NOT NULL, type TEXT NOT NULL, data TEXT);
           CREATE TABLE IF NOT EXISTS progress (site TEXT PRIMARY KEY, up_to INTEGER NOT NULL);`);
  const getP = db.prepare('SELECT up_to FROM progress WHERE site = ?');
  const setP = db.prepare('INSERT INTO progress (site, up_to) VALUES (?, ?) ON CONFLICT(site) DO UPDATE SET up_to = excluded.up_to');
  const ins = db.prepare('INSERT INTO events (site, seq, type, data) VALUES (?, ?, ?, ?)');
  const progress = (site: string): number => (getP.get(site) as { up_to: number } | undefined)?.up_to ?? 0;
  return {
    kind: 'sqlite',
    progress: async (site) => progress(site),
    commit: async (site, events, abort) =>
      db.transaction(() => {
        const p = progress(site);
        const { rows, gap } = plan(p, events);
        for (const e of rows) ins.run(site, e.seq, e.type, JSON.stringify(e.data ?? null));
        const upTo = p + rows.length;
        if (rows.length > 0) setP.run(site, upTo);
        if (abort) throw new AbortedCommit('died before commit');
        return { upTo, stored: rows.length, gap };
      })(),
    all: async (site) =>
      (db.prepare('SELECT seq, type, data FROM events WHERE site = ? ORDER BY id').all(site) as { seq: number; type: string; data: string }[]).map(
        (r) => ({ seq: r.seq, type: r.type, data: JSON.parse(r.data) as unknown }),
      ),
    close: async () => void db.close(),
  };
}

export async function postgresStore(): Promise<IngestStore> {
  const client = new pg.Client({ host: '127.0.0.1', port: 5432, user: 'postgres', database: 'test' });
  await client.connect();
  const sfx = `${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  const ev = `dp_sync_ev_${sfx}`;
  const pr = `dp_sync_pr_${sfx}`;
  await client.query(`CREATE TABLE ${ev} (id BIGSERIAL PRIMARY KEY, site TEXT NOT NULL, seq BIGINT NOT NULL, type TEXT NOT NULL, data JSONB)`);
  await client.query(`CREATE TABLE ${pr} (site TEXT PRIMARY KEY, up_to BIGINT NOT NULL)`);
  const progress = async (site: string): Promise<number> => {
    const r = await client.query<{ up_to: string }>(`SELECT up_to FROM ${pr} WHERE site = $1 FOR UPDATE`, [site]);
    return r.rows[0] ? Number(r.rows[0].up_to) : 0;
  };
  return {
    kind: 'postgres',
    progress: async (site) => {
      const r = await client.query<{ up_to: string }>(`SELECT up_to FROM ${pr} WHERE site = $1`, [site]);
      return r.rows[0] ? Number(r.rows[0].up_to) : 0;
    },
    commit: async (site, events, abort) => {
      await client.query('BEGIN');
      try {
        const p = await progress(site);
        const { rows, gap } = plan(p, events);
        if (rows.length > 0) {
          const values: unknown[] = [];
          const tuples = rows.map((e, i) => {
            values.push(site, e.seq, e.type, JSON.stringify(e.data ?? null));
            return `($${i * 4 + 1}, $${i * 4 + 2}, $${i * 4 + 3}, $${i * 4 + 4})`;
          });
          await client.query(`INSERT INTO ${ev} (site, seq, type, data) VALUES ${tuples.join(',')}`, values);
          await client.query(`INSERT INTO ${pr} (site, up_to) VALUES ($1, $2) ON CONFLICT (site) DO UPDATE SET up_to = excluded.up_to`, [
            site,
            p + rows.length,
          ]);
        }
        if (abort) throw new AbortedCommit('died before commit');
        await client.query('COMMIT');
        return { upTo: p + rows.length, stored: rows.length, gap };
      } catch (err) {
        await client.query('ROLLBACK');
        throw err;
      }
    },
    all: async (site) =>
      (await client.query<{ seq: string; type: string; data: unknown }>(`SELECT seq, type, data FROM ${ev} WHERE site = $1 ORDER BY id`, [site])).rows.map(
        (r) => ({ seq: Number(r.seq), type: r.type, data: r.data }),
      ),
    close: async () => {
      await client.query(`DROP TABLE IF EXISTS ${ev}; DROP TABLE IF EXISTS ${pr}`).catch(() => undefined);
      await client.end();
    },
  };
}
