import type { Database, LedgerEvent } from '../types.ts';
import { isStateEventType, parsePayload } from './payloads.ts';
import { STATE_TABLES } from './schema.ts';
import { rowToEvent, type EventRow } from '../rows.ts';

type Stmts = ReturnType<typeof prepare>;
const cache = new WeakMap<Database, Stmts>();

function prepare(db: Database) {
  return {
    member: db.prepare(
      `INSERT INTO state_members (member_id, name, role, age_verified, seq) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (member_id) DO UPDATE SET name = excluded.name, role = excluded.role,
         age_verified = excluded.age_verified, seq = excluded.seq`,
    ),
    credential: db.prepare(
      `INSERT INTO state_credentials
         (credential_id, member_id, kind, card_uid, pin_hash, role, age_verified, expires_at, seq)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (credential_id) DO UPDATE SET member_id = excluded.member_id, kind = excluded.kind,
         card_uid = excluded.card_uid, pin_hash = excluded.pin_hash, role = excluded.role,
         age_verified = excluded.age_verified, expires_at = excluded.expires_at, seq = excluded.seq`,
    ),
    revoke: db.prepare(
      `INSERT INTO state_revocations (credential_id, reason, seq) VALUES (?, ?, ?)
       ON CONFLICT (credential_id) DO UPDATE SET reason = excluded.reason, seq = excluded.seq`,
    ),
    rules: db.prepare(
      `INSERT INTO state_opening_rules (id, rules, seq) VALUES (1, ?, ?)
       ON CONFLICT (id) DO UPDATE SET rules = excluded.rules, seq = excluded.seq`,
    ),
    door: db.prepare(
      `INSERT INTO state_door (id, state, at, seq) VALUES (1, ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET state = excluded.state, at = excluded.at, seq = excluded.seq`,
    ),
    lockout: db.prepare(
      `INSERT INTO state_pin_lockouts (credential_id, failures, locked_until, lock_ms, boot_id, mono_until, seq)
       VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (credential_id) DO UPDATE SET failures = excluded.failures,
         locked_until = excluded.locked_until, lock_ms = excluded.lock_ms, boot_id = excluded.boot_id,
         mono_until = excluded.mono_until, seq = excluded.seq`,
    ),
  };
}

function stmts(db: Database): Stmts {
  let s = cache.get(db);
  if (!s) {
    s = prepare(db);
    cache.set(db, s);
  }
  return s;
}

/**
 * Projects one event onto the state tables. Runs inside the append transaction, so a payload that
 * fails validation (LedgerError 'invalid-event') rolls the whole append back. Event types without
 * a projection change nothing.
 */
export function applyEvent(db: Database, event: LedgerEvent): void {
  const { type, seq } = event;
  if (!isStateEventType(type)) return;
  const s = stmts(db);
  switch (type) {
    case 'member.upserted': {
      const p = parsePayload(type, event.data);
      s.member.run(p.memberId, p.name, p.role, p.ageVerified ? 1 : 0, seq);
      return;
    }
    case 'credential.issued': {
      const p = parsePayload(type, event.data);
      s.credential.run(p.credentialId, p.memberId, p.kind, p.cardUid ?? null, p.pinHash ?? null, p.role, p.ageVerified ? 1 : 0, p.expiresAt, seq);
      return;
    }
    case 'credential.revoked': {
      const p = parsePayload(type, event.data);
      s.revoke.run(p.credentialId, p.reason, seq);
      return;
    }
    case 'opening-rules.set': {
      const p = parsePayload(type, event.data);
      s.rules.run(JSON.stringify(p.rules), seq);
      return;
    }
    case 'door.state': {
      const p = parsePayload(type, event.data);
      s.door.run(p.state, event.at, seq);
      return;
    }
    case 'pin.lockout': {
      const p = parsePayload(type, event.data);
      s.lockout.run(p.credentialId, p.failures, p.lockedUntil, p.lockMs ?? 0, p.bootId ?? null, p.monoUntil ?? null, seq);
      return;
    }
  }
}

const PAGE = 500;

/** Empties every state table and replays the whole log through `applyEvent`, in one transaction. */
export function rebuildState(db: Database): number {
  const page = db.prepare('SELECT seq, type, at, clock_synced, data, prev_hash, hash FROM events WHERE seq > ? ORDER BY seq LIMIT ?');
  return db
    .transaction(() => {
      for (const t of STATE_TABLES) db.prepare(`DELETE FROM ${t}`).run();
      let after = 0;
      let count = 0;
      for (;;) {
        const rows = page.all(after, PAGE) as EventRow[];
        for (const row of rows) {
          applyEvent(db, rowToEvent(row));
          after = row.seq;
          count++;
        }
        if (rows.length < PAGE) return count;
      }
    })
    .immediate();
}

/** Every state table's rows in primary-key order: for comparing incremental and rebuilt state. */
export function dumpState(db: Database): Record<string, unknown[]> {
  const out: Record<string, unknown[]> = {};
  for (const t of STATE_TABLES) out[t] = db.prepare(`SELECT * FROM ${t} ORDER BY 1`).all();
  return out;
}
