/**
 * The sync client's own tables, passed to `Ledger.open({ migrations: syncMigrations })` so they live
 * in the ledger's SQLite file (one transaction can cover a downlink change and its version).
 */
import type { Database } from 'better-sqlite3';

export interface SyncMigration {
  id: string;
  up(db: Database): void;
}

export const syncMigrations: SyncMigration[] = [
  {
    id: 'sync-001-meta-commands',
    up(db) {
      db.exec(`
        CREATE TABLE sync_meta (
          key TEXT PRIMARY KEY,
          value INTEGER NOT NULL
        ) STRICT;
        CREATE TABLE sync_commands (
          id TEXT PRIMARY KEY,
          kind TEXT NOT NULL,
          status TEXT NOT NULL CHECK (status IN ('executing', 'done', 'failed', 'refused')),
          reason TEXT,
          result TEXT,
          decided_at INTEGER NOT NULL,
          clock_synced INTEGER NOT NULL
        ) STRICT;
      `);
    },
  },
];

/** Small typed accessor for counters in sync_meta (session counter, applied change version). */
export class SyncMeta {
  private readonly getStmt;
  private readonly setStmt;

  constructor(private readonly db: Database) {
    this.getStmt = db.prepare('SELECT value FROM sync_meta WHERE key = ?');
    this.setStmt = db.prepare('INSERT INTO sync_meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value');
  }

  get(key: string): number {
    const row = this.getStmt.get(key) as { value: number } | undefined;
    return row ? row.value : 0;
  }

  set(key: string, value: number): void {
    this.setStmt.run(key, value);
  }

  /** Atomically increments and returns the new value (committed before it is used). */
  increment(key: string): number {
    return this.db.transaction(() => {
      const next = this.get(key) + 1;
      this.set(key, next);
      return next;
    })();
  }
}
