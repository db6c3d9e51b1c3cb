import type { LedgerEvent } from './types.ts';

/** An `events` row as SQLite returns it. */
export interface EventRow {
  seq: number;
  type: string;
  at: number;
  clock_synced: number;
  data: string;
  prev_hash: string;
  hash: string;
}

export function rowToEvent(row: EventRow): LedgerEvent {
  return {
    seq: row.seq,
    type: row.type,
    at: row.at,
    clockSynced: row.clock_synced === 1,
    data: JSON.parse(row.data) as Record<string, unknown>,
    prevHash: row.prev_hash,
    hash: row.hash,
  };
}
