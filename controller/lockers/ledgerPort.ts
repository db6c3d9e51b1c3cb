/** Adapts the point's Ledger to `LockerLedger` (replay by type in one indexed-free scan at start). */
import type { Ledger } from '../ledger/index.ts';
import type { LockerLedger, LockerLedgerEvent } from './ports.ts';

export function lockerLedger(ledger: Ledger): LockerLedger {
  return {
    append: (type, data) => ledger.appendChecked(type, data),
    onAppended: (l) => ledger.onAppended((e) => l({ seq: e.seq, type: e.type, data: e.data })),
    latest(type) {
      const e = ledger.latestEvent(type);
      return e ? { seq: e.seq, type: e.type, data: e.data } : undefined;
    },
    *replay(types) {
      if (types.length === 0) return;
      const stmt = ledger.db.prepare(`SELECT seq, type, data FROM events WHERE type IN (${types.map(() => '?').join(',')}) ORDER BY seq`);
      for (const row of stmt.iterate(...types) as Iterable<{ seq: number; type: string; data: string }>) {
        yield { seq: row.seq, type: row.type, data: JSON.parse(row.data) as Record<string, unknown> } satisfies LockerLedgerEvent;
      }
    },
  };
}
