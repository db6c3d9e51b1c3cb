import Database from 'better-sqlite3';
import type { Logger } from '../../firmware-bridge/platform/logger.ts';
import { LedgerError } from './errors.ts';
import type { Database as Db } from './types.ts';

export const BUSY_TIMEOUT_MS = 5000;
export const JOURNAL_SIZE_LIMIT_BYTES = 64 * 1024 * 1024;
/** `PRAGMA synchronous` value of FULL. */
const SYNCHRONOUS_FULL = 2;

export interface PragmaReport {
  journalMode: string;
  synchronous: number;
  foreignKeys: number;
  busyTimeout: number;
  journalSizeLimit: number;
}

export function readPragmas(db: Db): PragmaReport {
  const num = (name: string): number => Number(db.pragma(name, { simple: true }));
  return {
    journalMode: String(db.pragma('journal_mode', { simple: true })),
    synchronous: num('synchronous'),
    foreignKeys: num('foreign_keys'),
    busyTimeout: num('busy_timeout'),
    journalSizeLimit: num('journal_size_limit'),
  };
}

/**
 * Reads the durability pragmas back and throws a LedgerError('pragma') naming every one that is
 * not what the ledger requires (L1: wal, synchronous=FULL, foreign_keys=1, busy_timeout>0).
 */
export function checkPragmas(db: Db): PragmaReport {
  const p = readPragmas(db);
  const wrong: string[] = [];
  if (p.journalMode !== 'wal') wrong.push(`journal_mode=${p.journalMode} (want wal)`);
  if (p.synchronous !== SYNCHRONOUS_FULL) wrong.push(`synchronous=${p.synchronous} (want 2 = FULL)`);
  if (p.foreignKeys !== 1) wrong.push(`foreign_keys=${p.foreignKeys} (want 1)`);
  if (p.busyTimeout < BUSY_TIMEOUT_MS) wrong.push(`busy_timeout=${p.busyTimeout} (want ${BUSY_TIMEOUT_MS})`);
  if (p.journalSizeLimit !== JOURNAL_SIZE_LIMIT_BYTES) {
    wrong.push(`journal_size_limit=${p.journalSizeLimit} (want ${JOURNAL_SIZE_LIMIT_BYTES})`);
  }
  if (wrong.length > 0) {
    throw new LedgerError('pragma', `ledger database pragmas are not durable: ${wrong.join(', ')}`);
  }
  return p;
}

/**
 * Opens (creating if needed) a ledger SQLite file with the ledger's pragmas, runs
 * `PRAGMA integrity_check` and refuses a damaged file with LedgerError('corrupt').
 * `synchronous=FULL` is set after switching to WAL and read back: under WAL this build silently
 * falls back to NORMAL unless it is set explicitly on every connection.
 */
export function openDatabase(path: string, logger: Logger): Db {
  let db: Db;
  try {
    db = new Database(path, { timeout: BUSY_TIMEOUT_MS });
  } catch (err) {
    throw new LedgerError('corrupt', `cannot open ledger database ${path}: ${message(err)}`, { cause: err });
  }
  try {
    db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    db.pragma(`journal_size_limit = ${JOURNAL_SIZE_LIMIT_BYTES}`);
  } catch (err) {
    db.close();
    throw new LedgerError('corrupt', `ledger database ${path} is not a readable SQLite database (${message(err)}); refusing to start on it`, { cause: err });
  }
  let problems: string[];
  try {
    problems = (db.pragma('integrity_check') as Array<{ integrity_check: string }>).map((r) => r.integrity_check);
  } catch (err) {
    problems = [message(err)];
  }
  if (problems.length !== 1 || problems[0] !== 'ok') {
    db.close();
    const detail = problems.slice(0, 5).join('; ');
    logger.error({ path, problems: problems.slice(0, 20) }, 'ledger database failed integrity_check');
    throw new LedgerError('corrupt', `ledger database ${path} failed integrity_check (${detail}); refusing to start on a corrupt ledger`);
  }
  try {
    checkPragmas(db);
  } catch (err) {
    db.close();
    throw err;
  }
  logger.debug({ path }, 'ledger database opened');
  return db;
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
