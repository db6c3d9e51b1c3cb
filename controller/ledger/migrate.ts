import type { Clock } from '../../firmware-bridge/platform/clock.ts';
import type { Logger } from '../../firmware-bridge/platform/logger.ts';
import { LedgerError } from './errors.ts';
import type { Database, Migration } from './types.ts';

/**
 * Applies every migration of `list` not yet recorded in the `migrations` table, in list order,
 * each in its own transaction together with its record. Returns the ids applied now.
 */
export function runMigrations(db: Database, list: readonly Migration[], clock: Clock, logger: Logger): string[] {
  const seen = new Set<string>();
  for (const m of list) {
    if (typeof m.id !== 'string' || m.id.length === 0) {
      throw new LedgerError('migration', 'a ledger migration has an empty id');
    }
    if (seen.has(m.id)) throw new LedgerError('migration', `ledger migration id "${m.id}" is listed twice`);
    seen.add(m.id);
  }
  db.exec(`CREATE TABLE IF NOT EXISTS migrations (
    id TEXT PRIMARY KEY,
    applied_at INTEGER NOT NULL
  ) STRICT`);
  const done = new Set((db.prepare('SELECT id FROM migrations').all() as Array<{ id: string }>).map((r) => r.id));
  const record = db.prepare('INSERT INTO migrations (id, applied_at) VALUES (?, ?)');
  const applied: string[] = [];
  for (const m of list) {
    if (done.has(m.id)) continue;
    try {
      db.transaction(() => {
        const result: unknown = m.up(db);
        if (result instanceof Promise) throw new Error('up() must be synchronous');
        record.run(m.id, clock.now());
      }).immediate();
    } catch (err) {
      const why = err instanceof Error ? err.message : String(err);
      throw new LedgerError('migration', `ledger migration "${m.id}" failed and was rolled back: ${why}`, {
        cause: err,
      });
    }
    logger.info({ migration: m.id }, 'ledger migration applied');
    applied.push(m.id);
  }
  return applied;
}
