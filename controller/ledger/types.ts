import type { Database } from 'better-sqlite3';

export type { Database };

/** One fact in the point's log, exactly as stored and hashed. */
export interface LedgerEvent {
  /** Per-point sequence number, contiguous from 1. */
  seq: number;
  type: string;
  /** Wall-clock epoch ms at append (may be wrong: see `clockSynced`). */
  at: number;
  clockSynced: boolean;
  data: Record<string, unknown>;
  /** `hash` of the previous event; 64 zeros for seq 1. */
  prevHash: string;
  /** sha256 hex over (prevHash, seq, type, at, clockSynced, canonical data). */
  hash: string;
}

/** A schema change, applied once (in its own transaction) and recorded by `id`. */
export interface Migration {
  id: string;
  up(db: Database): void;
}

export type VerifyResult = { ok: true; count: number } | { ok: false; seq: number; reason: string };
