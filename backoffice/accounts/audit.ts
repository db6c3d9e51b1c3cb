/**
 * The audit log: every change and every remote action, with who (user id, name, role), what
 * (action, outcome, detail), when (injected clock, whole ms), which point (site_id), on what
 * (target) and from where (client address). Rows are only ever inserted.
 */
import type { Kysely, Transaction } from 'kysely';
import type { DB, Role } from '../db/schema.ts';
import { randomBytes } from 'node:crypto';
import { mayPerform, type RemoteAction } from './roles.ts';

export interface Actor {
  userId: string | null;
  username: string | null;
  role: Role | null;
  clientAddress: string | null;
}

export interface AuditEntry {
  action: string;
  outcome: 'ok' | 'denied' | 'failed';
  siteId?: string | null;
  target?: string | null;
  detail?: Record<string, unknown>;
}

/**
 * Writes audit rows with ids that sort in the order this process wrote them (the time in ms, then
 * a counter within the ms, then random bits so instances sharing one PostgreSQL never collide),
 * so the log reads in order even when many entries share a millisecond or the clock steps back.
 */
export class AuditLog {
  private lastMs = 0;
  private counter = 0;

  nextId(now: number): string {
    const ms = Math.max(Math.floor(now), this.lastMs);
    this.counter = ms === this.lastMs ? this.counter + 1 : 0;
    this.lastMs = ms;
    return `${ms.toString(16).padStart(12, '0')}-${this.counter.toString(16).padStart(6, '0')}-${randomBytes(4).toString('hex')}`;
  }

  async record(db: Kysely<DB> | Transaction<DB>, actor: Actor, e: AuditEntry, now: number): Promise<void> {
    await db
      .insertInto('audit_log')
      .values({
        id: this.nextId(now),
        at: Math.floor(now),
        user_id: actor.userId,
        username: actor.username,
        role: actor.role,
        action: e.action,
        outcome: e.outcome,
        site_id: e.siteId ?? null,
        target: e.target ?? null,
        detail: JSON.stringify(e.detail ?? {}),
        client_address: actor.clientAddress,
      })
      .execute();
  }
}

export interface AuditView {
  id: string;
  at: number;
  userId: string | null;
  username: string | null;
  role: string | null;
  action: string;
  outcome: string;
  siteId: string | null;
  target: string | null;
  detail: Record<string, unknown>;
  clientAddress: string | null;
}

export async function recentAudit(db: Kysely<DB>, limit: number): Promise<AuditView[]> {
  const rows = await db.selectFrom('audit_log').selectAll().orderBy('id', 'desc').limit(limit).execute();
  return rows.map((r) => ({
    id: r.id,
    at: Number(r.at),
    userId: r.user_id,
    username: r.username,
    role: r.role,
    action: r.action,
    outcome: r.outcome,
    siteId: r.site_id,
    target: r.target,
    detail: JSON.parse(r.detail) as Record<string, unknown>,
    clientAddress: r.client_address,
  }));
}

export class RemoteActionRefused extends Error {
  constructor(readonly code: 'forbidden' | 'totp-required') {
    super(code === 'forbidden' ? 'Diese Rolle darf das nicht aus der Ferne auslösen' : 'Fernaktionen verlangen eine Anmeldung mit zweitem Faktor');
  }
}

/**
 * The one door every remote action (door release, locker open) goes through: checks the role
 * against REMOTE_ACTIONS and that the session passed TOTP, writes an audit row before and the
 * outcome after (so a crash in `run` still leaves the attempt logged), and returns `run`'s result.
 */
export async function performRemoteAction<T>(
  db: Kysely<DB>,
  log: AuditLog,
  actor: Actor & { totpVerified: boolean },
  action: RemoteAction,
  where: { siteId: string; target?: string; detail?: Record<string, unknown> },
  now: () => number,
  run: () => Promise<T>,
): Promise<T> {
  const base = { action, siteId: where.siteId, target: where.target ?? null, detail: where.detail ?? {} };
  if (actor.role === null || !mayPerform(actor.role, action)) {
    await log.record(db, actor, { ...base, outcome: 'denied', detail: { ...base.detail, reason: 'role' } }, now());
    throw new RemoteActionRefused('forbidden');
  }
  if (!actor.totpVerified) {
    await log.record(db, actor, { ...base, outcome: 'denied', detail: { ...base.detail, reason: 'totp' } }, now());
    throw new RemoteActionRefused('totp-required');
  }
  await log.record(db, actor, { ...base, action: `${action}.requested`, outcome: 'ok' }, now());
  try {
    const result = await run();
    await log.record(db, actor, { ...base, outcome: 'ok' }, now());
    return result;
  } catch (e) {
    await log.record(db, actor, { ...base, outcome: 'failed', detail: { ...base.detail, error: (e as Error).message } }, now());
    throw e;
  }
}
