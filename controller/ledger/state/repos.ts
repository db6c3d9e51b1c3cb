import type { Role } from '../../access/ports.ts';
import type { Database } from '../types.ts';

export interface MemberRecord {
  memberId: string;
  name: string;
  role: Role;
  ageVerified: boolean;
}

export interface CredentialRecord {
  credentialId: string;
  memberId: string;
  kind: 'token' | 'card';
  cardUid: string | null;
  pinHash: string | null;
  role: Role;
  ageVerified: boolean;
  expiresAt: number | null;
  revoked: boolean;
}

export interface DoorStateRecord {
  state: string;
  /** Wall-clock epoch ms of the event that set it. */
  at: number;
  seq: number;
}

interface CredentialRow {
  credential_id: string;
  member_id: string;
  kind: 'token' | 'card';
  card_uid: string | null;
  pin_hash: string | null;
  role: Role;
  age_verified: number;
  expires_at: number | null;
  revoked: number;
}

const CREDENTIAL_SELECT = `SELECT c.*, (r.credential_id IS NOT NULL) AS revoked
  FROM state_credentials c LEFT JOIN state_revocations r ON r.credential_id = c.credential_id`;

/** Read-only queries over the materialised state (writes happen only through ledger events). */
export class StateRepos {
  constructor(private readonly db: Database) {}

  members(): MemberRecord[] {
    const rows = this.db.prepare('SELECT member_id, name, role, age_verified FROM state_members ORDER BY member_id').all() as Array<{
      member_id: string;
      name: string;
      role: Role;
      age_verified: number;
    }>;
    return rows.map((r) => ({ memberId: r.member_id, name: r.name, role: r.role, ageVerified: r.age_verified === 1 }));
  }

  credential(credentialId: string): CredentialRecord | undefined {
    const row = this.db.prepare(`${CREDENTIAL_SELECT} WHERE c.credential_id = ?`).get(credentialId) as CredentialRow | undefined;
    return row ? toCredential(row) : undefined;
  }

  /** The card credential for `cardUid`: a non-revoked one first, else the most recently issued. */
  cardCredential(cardUid: string): CredentialRecord | undefined {
    const row = this.db.prepare(`${CREDENTIAL_SELECT} WHERE c.card_uid = ? AND c.kind = 'card' ORDER BY revoked ASC, c.seq DESC LIMIT 1`).get(cardUid) as
      CredentialRow | undefined;
    return row ? toCredential(row) : undefined;
  }

  openingRules(): object | undefined {
    const row = this.db.prepare('SELECT rules FROM state_opening_rules WHERE id = 1').get() as { rules: string } | undefined;
    return row ? (JSON.parse(row.rules) as object) : undefined;
  }

  doorState(): DoorStateRecord | undefined {
    const row = this.db.prepare('SELECT state, at, seq FROM state_door WHERE id = 1').get() as DoorStateRecord | undefined;
    return row ? { state: row.state, at: row.at, seq: row.seq } : undefined;
  }

  revocations(): string[] {
    return (
      this.db.prepare('SELECT credential_id FROM state_revocations ORDER BY credential_id').all() as Array<{
        credential_id: string;
      }>
    ).map((r) => r.credential_id);
  }

  isRevoked(credentialId: string): boolean {
    return this.db.prepare('SELECT 1 FROM state_revocations WHERE credential_id = ?').get(credentialId) !== undefined;
  }

  pinLockout(credentialId: string): PinLockoutRow | undefined {
    const row = this.db
      .prepare('SELECT failures, locked_until, lock_ms, boot_id, mono_until FROM state_pin_lockouts WHERE credential_id = ?')
      .get(credentialId) as { failures: number; locked_until: number | null; lock_ms: number; boot_id: string | null; mono_until: number | null } | undefined;
    return row ? { failures: row.failures, lockedUntil: row.locked_until, lockMs: row.lock_ms, bootId: row.boot_id, monoUntil: row.mono_until } : undefined;
  }
}

export interface PinLockoutRow {
  failures: number;
  lockedUntil: number | null;
  lockMs: number;
  bootId: string | null;
  monoUntil: number | null;
}

function toCredential(r: CredentialRow): CredentialRecord {
  return {
    credentialId: r.credential_id,
    memberId: r.member_id,
    kind: r.kind,
    cardUid: r.card_uid,
    pinHash: r.pin_hash,
    role: r.role,
    ageVerified: r.age_verified === 1,
    expiresAt: r.expires_at,
    revoked: r.revoked === 1,
  };
}
