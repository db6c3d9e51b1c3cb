/** Open the backoffice database through Kysely: SQLite (better-sqlite3) by default, PostgreSQL (pg) when configured. */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect, type SqliteDatabase, type SqliteStatement } from 'kysely';
import pg from 'pg';
import { migrateToLatest } from './migrations.ts';
import type { DB } from './schema.ts';

export type DbConfig =
  | { kind: 'sqlite'; path: string }
  /** `schema`: optional PostgreSQL schema to use (created if missing), e.g. one per test run. */
  | { kind: 'postgres'; url: string; schema?: string; poolSize?: number };

export interface Database {
  db: Kysely<DB>;
  dialect: 'sqlite' | 'postgres';
  close(): Promise<void>;
}

const INT8_OID = 20;
const NUMERIC_OID = 1700;

/** int8 / count(*) come back from pg as strings; every bigint we store is < 2^53, so parse to number. */
const pgTypes = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === INT8_OID || oid === NUMERIC_OID) return (v: string) => Number(v);
    return pg.types.getTypeParser(oid, format);
  },
};

/**
 * Kysely's SQLite driver prepares every statement anew; re-preparing the same INSERT/UPDATE text
 * per batch costs more than running it. Keep the most recently used prepared statements (a
 * statement still iterating is busy: then prepare a fresh one).
 */
export function withStatementCache(raw: BetterSqlite3.Database, max = 128): SqliteDatabase {
  const cache = new Map<string, BetterSqlite3.Statement>();
  return {
    close: () => {
      cache.clear();
      raw.close();
    },
    prepare: (sql: string) => {
      const hit = cache.get(sql);
      if (hit && !hit.busy) {
        cache.delete(sql);
        cache.set(sql, hit);
        return hit as unknown as SqliteStatement;
      }
      const stmt = raw.prepare(sql);
      if (!hit) {
        if (cache.size >= max) cache.delete(cache.keys().next().value!);
        cache.set(sql, stmt);
      }
      return stmt as unknown as SqliteStatement;
    },
  };
}

export function quoteIdent(name: string): string {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(name)) throw new Error(`invalid PostgreSQL schema name ${JSON.stringify(name)}`);
  return `"${name}"`;
}

export async function openDatabase(config: DbConfig, opts: { migrate?: boolean } = {}): Promise<Database> {
  let database: Database;
  if (config.kind === 'sqlite') {
    if (config.path !== ':memory:') mkdirSync(dirname(config.path), { recursive: true });
    const raw = new BetterSqlite3(config.path);
    raw.pragma('journal_mode = WAL');
    raw.pragma('synchronous = FULL');
    raw.pragma('foreign_keys = ON');
    raw.pragma('busy_timeout = 5000');
    const sync = raw.pragma('synchronous', { simple: true });
    if (sync !== 2 && config.path !== ':memory:') throw new Error(`SQLite synchronous is ${String(sync)}, expected FULL (2)`);
    const db = new Kysely<DB>({ dialect: new SqliteDialect({ database: withStatementCache(raw) }) });
    database = { db, dialect: 'sqlite', close: () => db.destroy() };
  } else {
    if (config.schema) {
      const admin = new pg.Client({ connectionString: config.url });
      await admin.connect();
      try {
        await admin.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(config.schema)}`);
      } finally {
        await admin.end();
      }
    }
    const pool = new pg.Pool({
      connectionString: config.url,
      max: config.poolSize ?? 5,
      types: pgTypes,
      ...(config.schema ? { options: `-c search_path=${config.schema}` } : {}),
    });
    const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
    database = { db, dialect: 'postgres', close: () => db.destroy() };
  }
  if (opts.migrate !== false) {
    try {
      await migrateToLatest(database.db as unknown as Kysely<unknown>, config.kind === 'postgres' ? (config.schema ?? 'public') : undefined);
    } catch (e) {
      await database.close();
      throw e;
    }
  }
  return database;
}

/** Drop a PostgreSQL schema created for a test run. */
export async function dropPostgresSchema(url: string, schema: string): Promise<void> {
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  try {
    await admin.query(`DROP SCHEMA IF EXISTS ${quoteIdent(schema)} CASCADE`);
  } finally {
    await admin.end();
  }
}
