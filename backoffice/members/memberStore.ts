/** Member and credential rows ↔ API views, and the queries the member service needs. */
import type { Kysely, Transaction } from 'kysely';
import type { DB, MemberAccountsTable, MemberCredentialsTable, MembersTable } from '../db/schema.ts';
import type { AgeVerified, CredentialViewBody, MemberAccount, MemberViewBody } from '../http/schemas/members.ts';

export type MemberSites = 'all' | string[];
type Db = Kysely<DB> | Transaction<DB>;

export function parseSites(json: string): MemberSites {
  const v = JSON.parse(json) as unknown;
  return v === 'all' ? 'all' : (v as string[]);
}

export function ageOf(row: MembersTable): AgeVerified | null {
  return row.age_method !== null && row.age_date !== null ? { method: row.age_method, date: row.age_date } : null;
}

export function credentialView(c: MemberCredentialsTable): CredentialViewBody {
  return {
    id: c.id,
    memberId: c.member_id,
    kind: c.kind,
    cardUid: c.card_uid,
    issuedAt: Number(c.issued_at),
    expiresAt: c.expires_at === null ? null : Number(c.expires_at),
    revokedAt: c.revoked_at === null ? null : Number(c.revoked_at),
    revokeReason: c.revoke_reason,
  };
}

export function accountView(a: MemberAccountsTable | undefined): MemberAccount | null {
  if (!a) return null;
  return { mode: a.mode as MemberAccount['mode'], limitCents: Number(a.limit_cents), openCents: Number(a.open_cents), updatedAt: Number(a.updated_at) };
}

export function memberView(m: MembersTable, creds: MemberCredentialsTable[], account: MemberAccountsTable | undefined = undefined): MemberViewBody {
  return {
    id: m.id,
    name: m.name,
    role: m.role,
    sites: parseSites(m.sites),
    contact: m.contact ?? null,
    ageVerified: ageOf(m),
    createdAt: Number(m.created_at),
    updatedAt: Number(m.updated_at),
    credentials: creds.map(credentialView),
    account: accountView(account),
  };
}

export async function getMember(db: Db, id: string): Promise<MembersTable | undefined> {
  return db.selectFrom('members').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function credentialsOf(db: Db, memberIds: string[]): Promise<MemberCredentialsTable[]> {
  if (memberIds.length === 0) return [];
  return db.selectFrom('member_credentials').selectAll().where('member_id', 'in', memberIds).orderBy('issued_at').orderBy('id').execute();
}

export async function accountOf(db: Db, memberId: string): Promise<MemberAccountsTable | undefined> {
  return db.selectFrom('member_accounts').selectAll().where('member_id', '=', memberId).executeTakeFirst();
}

export async function listMembers(db: Db): Promise<MemberViewBody[]> {
  const members = await db.selectFrom('members').selectAll().orderBy('name').orderBy('id').execute();
  const creds = await db.selectFrom('member_credentials').selectAll().orderBy('issued_at').orderBy('id').execute();
  const accounts = new Map((await db.selectFrom('member_accounts').selectAll().execute()).map((a) => [a.member_id, a]));
  return members.map((m) =>
    memberView(
      m,
      creds.filter((c) => c.member_id === m.id),
      accounts.get(m.id),
    ),
  );
}

/** Every site id the backoffice knows (points that connected or got a change). */
export async function knownSites(db: Db): Promise<string[]> {
  return (await db.selectFrom('sites').select('site_id').orderBy('site_id').execute()).map((r) => r.site_id);
}

/** Site ids of `sites` that the backoffice does not know. */
export async function unknownSites(db: Db, sites: MemberSites): Promise<string[]> {
  if (sites === 'all') return [];
  const known = new Set(await knownSites(db));
  return sites.filter((s) => !known.has(s));
}

/** The sites a member's changes go to. */
export async function targetSites(db: Db, sites: MemberSites): Promise<string[]> {
  return sites === 'all' ? knownSites(db) : [...sites].sort();
}

/** Not revoked and not expired at `now`. */
export function isActive(c: MemberCredentialsTable, now: number): boolean {
  return c.revoked_at === null && (c.expires_at === null || Number(c.expires_at) > now);
}
