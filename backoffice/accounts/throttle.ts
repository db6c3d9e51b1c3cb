/**
 * Login throttling, persisted (survives restarts and `kill -9`, shared by instances on one
 * PostgreSQL). Keys are `user:<name>` (whether or not the user exists, so a lock says nothing
 * about existence) and `addr:<client address>`. After `threshold` consecutive failures a key is
 * locked for `baseMs`, each further failure doubles it up to `maxMs`; a success clears the key.
 * While locked, no password is checked at all (the right one is refused too). Deadlines are whole
 * ms on the injected clock.
 */
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';

export interface ThrottlePolicy {
  threshold: number;
  baseMs: number;
  maxMs: number;
}

export interface ThrottleConfig {
  user: ThrottlePolicy;
  address: ThrottlePolicy;
}

export const DEFAULT_THROTTLE: ThrottleConfig = {
  user: { threshold: 5, baseMs: 60_000, maxMs: 15 * 60_000 },
  address: { threshold: 20, baseMs: 60_000, maxMs: 15 * 60_000 },
};

export function lockMsAfter(failures: number, p: ThrottlePolicy): number {
  if (failures < p.threshold) return 0;
  const doublings = Math.min(failures - p.threshold, 30);
  return Math.min(p.maxMs, p.baseMs * 2 ** doublings);
}

/** The latest lock deadline among the keys, or 0 when none is locked now. */
export async function lockedUntil(db: Kysely<DB>, keys: string[], now: number): Promise<number> {
  const rows = await db.selectFrom('login_throttle').select(['locked_until']).where('key', 'in', keys).execute();
  const until = Math.max(0, ...rows.map((r) => Number(r.locked_until)));
  return until > Math.floor(now) ? until : 0;
}

/** Count one failure per key (atomic upsert) and set its lock; returns the latest deadline set. */
export async function recordFailure(db: Kysely<DB>, keys: { key: string; policy: ThrottlePolicy }[], now: number): Promise<number> {
  const at = Math.floor(now);
  let latest = 0;
  for (const { key, policy } of keys) {
    const r = await db
      .insertInto('login_throttle')
      .values({ key, failures: 1, locked_until: 0, updated_at: at })
      .onConflict((oc) => oc.column('key').doUpdateSet((eb) => ({ failures: eb('login_throttle.failures', '+', 1), updated_at: at })))
      .returning(['failures'])
      .executeTakeFirstOrThrow();
    const lockMs = lockMsAfter(Number(r.failures), policy);
    if (lockMs > 0) {
      await db
        .updateTable('login_throttle')
        .set({ locked_until: at + lockMs })
        .where('key', '=', key)
        .execute();
      latest = Math.max(latest, at + lockMs);
    }
  }
  return latest;
}

export async function clearFailures(db: Kysely<DB>, keys: string[]): Promise<void> {
  await db.deleteFrom('login_throttle').where('key', 'in', keys).execute();
}

/**
 * Forget counters that saw no failure for `quietMs` (default 24 h) and hold no lock: failures
 * count as consecutive within that window, and names sprayed by an attacker do not pile up.
 */
export async function purgeStaleThrottle(db: Kysely<DB>, now: number, quietMs = 24 * 3_600_000): Promise<void> {
  const at = Math.floor(now);
  await db
    .deleteFrom('login_throttle')
    .where('updated_at', '<', at - quietMs)
    .where('locked_until', '<=', at)
    .execute();
}
