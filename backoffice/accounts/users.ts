/** Backoffice users: create, change, list. Usernames are stored lower-case and unique. */
import type { Kysely, Selectable } from 'kysely';
import type { DB, Role, UsersTable } from '../db/schema.ts';
import { newId } from '../platform.ts';
import { hashUserPassword, passwordProblem, type ScryptCost } from './passwords.ts';

export type UserRow = Selectable<UsersTable>;

export const USERNAME_PATTERN = '^[a-z0-9][a-z0-9._-]{1,39}$';
const USERNAME_RE = new RegExp(USERNAME_PATTERN);

export function normaliseUsername(u: string): string {
  return u.trim().toLowerCase();
}

/** What the API shows of a user (never the hash or the secret). */
export interface UserView {
  id: string;
  username: string;
  displayName: string;
  role: Role;
  totpEnabled: boolean;
  disabled: boolean;
  createdAt: number;
  updatedAt: number;
}

export function userView(u: UserRow): UserView {
  return {
    id: u.id,
    username: u.username,
    displayName: u.display_name,
    role: u.role,
    totpEnabled: Number(u.totp_enabled) === 1,
    disabled: Number(u.disabled) === 1,
    createdAt: Number(u.created_at),
    updatedAt: Number(u.updated_at),
  };
}

export class UserInputError extends Error {
  constructor(
    readonly code: 'bad-username' | 'bad-password' | 'username-taken',
    message: string,
  ) {
    super(message);
  }
}

export interface NewUser {
  username: string;
  displayName: string;
  role: Role;
  password: string;
  /** An already confirmed TOTP secret (CLI: the URI is printed once). */
  totpSecret?: string;
}

export async function createUser(db: Kysely<DB>, u: NewUser, now: number, cost?: ScryptCost): Promise<UserRow> {
  const username = normaliseUsername(u.username);
  if (!USERNAME_RE.test(username)) throw new UserInputError('bad-username', 'Benutzername: 2 bis 40 Zeichen a-z, 0-9, Punkt, Bindestrich, Unterstrich');
  const problem = passwordProblem(u.password);
  if (problem) throw new UserInputError('bad-password', problem);
  if (await findUserByName(db, username)) throw new UserInputError('username-taken', `Benutzername ${username} ist vergeben`);
  const row: UserRow = {
    id: newId(now),
    username,
    display_name: u.displayName.trim() || username,
    role: u.role,
    password_hash: await hashUserPassword(u.password, cost),
    totp_secret: u.totpSecret ?? null,
    totp_enabled: u.totpSecret ? 1 : 0,
    totp_last_step: 0,
    disabled: 0,
    created_at: Math.floor(now),
    updated_at: Math.floor(now),
  };
  try {
    await db.insertInto('users').values(row).execute();
  } catch (e) {
    // Two admins creating the same name at once: the unique index decides.
    if (await findUserByName(db, username)) throw new UserInputError('username-taken', `Benutzername ${username} ist vergeben`);
    throw e;
  }
  return row;
}

export function findUserByName(db: Kysely<DB>, username: string): Promise<UserRow | undefined> {
  return db.selectFrom('users').selectAll().where('username', '=', normaliseUsername(username)).executeTakeFirst();
}

export function findUserById(db: Kysely<DB>, id: string): Promise<UserRow | undefined> {
  return db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
}

export function listUsers(db: Kysely<DB>): Promise<UserRow[]> {
  return db.selectFrom('users').selectAll().orderBy('username').execute();
}

export interface UserChange {
  displayName?: string;
  role?: Role;
  password?: string;
  disabled?: boolean;
  /** Clear the TOTP secret: the user enrols again at the next login. */
  resetTotp?: boolean;
}

/**
 * Apply a change; returns the updated row (undefined when unknown). A change of role, password,
 * disabled or TOTP ends every session of the user (they sign in again under the new rules).
 */
export async function updateUser(db: Kysely<DB>, id: string, ch: UserChange, now: number, cost?: ScryptCost): Promise<UserRow | undefined> {
  if (ch.password !== undefined) {
    const problem = passwordProblem(ch.password);
    if (problem) throw new UserInputError('bad-password', problem);
  }
  const hash = ch.password !== undefined ? await hashUserPassword(ch.password, cost) : undefined;
  return db.transaction().execute(async (trx) => {
    const current = await trx.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
    if (!current) return undefined;
    const set: Partial<UserRow> = { updated_at: Math.floor(now) };
    if (ch.displayName !== undefined) set.display_name = ch.displayName.trim() || current.username;
    if (ch.role !== undefined) set.role = ch.role;
    if (hash !== undefined) set.password_hash = hash;
    if (ch.disabled !== undefined) set.disabled = ch.disabled ? 1 : 0;
    if (ch.resetTotp) Object.assign(set, { totp_secret: null, totp_enabled: 0, totp_last_step: 0 });
    await trx.updateTable('users').set(set).where('id', '=', id).execute();
    const endsSessions = (ch.role !== undefined && ch.role !== current.role) || hash !== undefined || ch.disabled === true || ch.resetTotp === true;
    if (endsSessions) await trx.deleteFrom('sessions').where('user_id', '=', id).execute();
    return trx.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  });
}
