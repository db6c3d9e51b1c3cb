/**
 * Server-side sessions in the backoffice DB (survive restarts, shared by every instance on one
 * PostgreSQL). The cookie holds a random 256-bit id; the table holds only its SHA-256, so a
 * leaked database dump yields no usable session. A session ends after 30 min without a request
 * (idle) or 12 h after sign-in (absolute), both on the injected clock in whole ms. `last_seen_at`
 * is written at most once a minute per session, so the idle limit is exact to that minute.
 *
 * The CSRF token is derived from the session id (HMAC-SHA256), so it is bound to the session,
 * needs no storage and changes with every sign-in.
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';
import type { UserRow } from './users.ts';

export interface SessionLimits {
  idleMs: number;
  absoluteMs: number;
}

export const DEFAULT_SESSION_LIMITS: SessionLimits = { idleMs: 30 * 60_000, absoluteMs: 12 * 3_600_000 };
const TOUCH_EVERY_MS = 60_000;
const SESSION_ID_RE = /^[A-Za-z0-9_-]{43}$/;

export function hashSessionId(id: string): string {
  return createHash('sha256').update(id).digest('hex');
}

export function csrfTokenFor(sessionId: string): string {
  return createHmac('sha256', sessionId).update('dorfpunkt-backoffice-csrf').digest('base64url');
}

export function csrfTokenMatches(sessionId: string, token: string | undefined): boolean {
  if (typeof token !== 'string' || token.length === 0) return false;
  const a = Buffer.from(csrfTokenFor(sessionId));
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

export interface NewSession {
  /** The clear id, for the cookie only. */
  id: string;
  expiresAt: number;
}

export async function createSession(
  db: Kysely<DB>,
  userId: string,
  totpVerified: boolean,
  clientAddress: string | null,
  now: number,
  limits: SessionLimits,
): Promise<NewSession> {
  const id = randomBytes(32).toString('base64url');
  const at = Math.floor(now);
  const expiresAt = at + limits.absoluteMs;
  await db
    .insertInto('sessions')
    .values({
      id_hash: hashSessionId(id),
      user_id: userId,
      created_at: at,
      last_seen_at: at,
      expires_at: expiresAt,
      totp_verified: totpVerified ? 1 : 0,
      client_address: clientAddress,
    })
    .execute();
  return { id, expiresAt };
}

export interface ActiveSession {
  idHash: string;
  user: UserRow;
  totpVerified: boolean;
  createdAt: number;
}

/**
 * The session behind a cookie value and its user, or null when unknown, expired (idle or
 * absolute; the row is deleted) or the user is disabled. Refreshes last_seen_at.
 */
export async function lookupSession(db: Kysely<DB>, id: string | undefined, now: number, limits: SessionLimits): Promise<ActiveSession | null> {
  if (!id || !SESSION_ID_RE.test(id)) return null;
  const idHash = hashSessionId(id);
  const row = await db
    .selectFrom('sessions')
    .innerJoin('users', 'users.id', 'sessions.user_id')
    .selectAll('users')
    .select([
      'sessions.last_seen_at as s_last_seen',
      'sessions.expires_at as s_expires',
      'sessions.totp_verified as s_totp',
      'sessions.created_at as s_created',
    ])
    .where('sessions.id_hash', '=', idHash)
    .executeTakeFirst();
  if (!row) return null;
  const at = Math.floor(now);
  const lastSeen = Number(row.s_last_seen);
  if (at >= Number(row.s_expires) || at - lastSeen >= limits.idleMs || Number(row.disabled) === 1) {
    await db.deleteFrom('sessions').where('id_hash', '=', idHash).execute();
    return null;
  }
  if (at - lastSeen >= TOUCH_EVERY_MS) await db.updateTable('sessions').set({ last_seen_at: at }).where('id_hash', '=', idHash).execute();
  const { s_last_seen: _l, s_expires: _e, s_totp, s_created, ...user } = row;
  return { idHash, user, totpVerified: Number(s_totp) === 1, createdAt: Number(s_created) };
}

export async function deleteSession(db: Kysely<DB>, idHash: string): Promise<void> {
  await db.deleteFrom('sessions').where('id_hash', '=', idHash).execute();
}

export async function markSessionTotpVerified(db: Kysely<DB>, idHash: string): Promise<void> {
  await db.updateTable('sessions').set({ totp_verified: 1 }).where('id_hash', '=', idHash).execute();
}

/** Remove sessions past their absolute expiry or idle limit (housekeeping; lookups refuse them anyway). */
export async function purgeExpiredSessions(db: Kysely<DB>, now: number, limits: SessionLimits): Promise<number> {
  const at = Math.floor(now);
  const r = await db
    .deleteFrom('sessions')
    .where((eb) => eb.or([eb('expires_at', '<=', at), eb('last_seen_at', '<=', at - limits.idleMs)]))
    .executeTakeFirst();
  return Number(r.numDeletedRows);
}
