/**
 * Where the embedded broker keeps failed-login counts and locks so a restart (even `kill -9`) does
 * not reset them: the backoffice database, table `broker_login_locks` (SQLite and PostgreSQL alike).
 * Every write is awaited before the CONNACK goes out, so a client never sees a refusal that a crash
 * right after could undo.
 */
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';
import type { LoginKeyKind, LoginLockRecord } from './loginLimiter.ts';

export interface LoginLockStore {
  load(): Promise<LoginLockRecord[]>;
  save(records: readonly LoginLockRecord[]): Promise<void>;
  remove(keys: readonly { kind: LoginKeyKind; key: string }[]): Promise<void>;
}

function whole(n: number): number {
  if (!Number.isFinite(n)) throw new Error(`broker login lock: ${String(n)} is not a time`);
  return Math.ceil(n);
}

export function dbLoginLockStore(db: Kysely<DB>): LoginLockStore {
  return {
    async load() {
      const rows = await db.selectFrom('broker_login_locks').selectAll().execute();
      const out: LoginLockRecord[] = [];
      for (const r of rows) {
        if (r.kind !== 'username' && r.kind !== 'address') continue;
        out.push({
          kind: r.kind,
          key: r.key,
          failures: Number(r.failures),
          lockMs: Number(r.lock_ms),
          lockedUntil: r.locked_until === null ? null : Number(r.locked_until),
          lastFailureAt: Number(r.last_failure_at),
        });
      }
      return out;
    },
    async save(records) {
      if (records.length === 0) return;
      await db.transaction().execute(async (trx) => {
        for (const r of records) {
          const row = {
            failures: whole(r.failures),
            lock_ms: whole(r.lockMs),
            locked_until: r.lockedUntil === null ? null : whole(r.lockedUntil),
            last_failure_at: Math.floor(r.lastFailureAt),
          };
          await trx
            .insertInto('broker_login_locks')
            .values({ kind: r.kind, key: r.key, ...row })
            .onConflict((oc) => oc.columns(['kind', 'key']).doUpdateSet(row))
            .execute();
        }
      });
    },
    async remove(keys) {
      for (const k of keys) await db.deleteFrom('broker_login_locks').where('kind', '=', k.kind).where('key', '=', k.key).execute();
    },
  };
}

/** A store that keeps nothing (brokers without a database, e.g. tests of the access rules). */
export function noLoginLockStore(): LoginLockStore {
  return { load: async () => [], save: async () => undefined, remove: async () => undefined };
}
