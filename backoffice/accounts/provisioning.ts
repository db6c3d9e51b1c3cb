/**
 * Creating accounts outside the web UI: the first admin (CLI `user add`) and the demo operator of
 * `npm start`. A role that needs TOTP gets its secret right away (the URI is shown once, so no
 * enrolment step is needed); the password is random unless given, and shown once.
 */
import type { Kysely } from 'kysely';
import type { DB, Role } from '../db/schema.ts';
import type { ScryptCost } from './passwords.ts';
import { generatePassword } from '../credentials/passwordHash.ts';
import { hashUserPassword } from './passwords.ts';
import { totpRequired } from './roles.ts';
import { newTotpSecret, totpUri } from './totp.ts';
import { createUser, findUserByName, type UserRow } from './users.ts';

export interface ProvisionedUser {
  user: UserRow;
  password: string;
  /** otpauth:// URI when the role needs TOTP; null otherwise. */
  totpUri: string | null;
}

export async function addUser(
  db: Kysely<DB>,
  u: { username: string; role: Role; displayName?: string; password?: string },
  now: number,
  cost?: ScryptCost,
): Promise<ProvisionedUser> {
  const password = u.password ?? generatePassword();
  const secret = totpRequired(u.role) ? newTotpSecret() : undefined;
  const user = await createUser(
    db,
    { username: u.username, displayName: u.displayName ?? u.username, role: u.role, password, ...(secret ? { totpSecret: secret } : {}) },
    now,
    cost,
  );
  return { user, password, totpUri: secret ? totpUri(secret, user.username) : null };
}

/**
 * The demo operator of `npm start` (username `demo`): created on first start; on every start its
 * password and TOTP secret are renewed so the console can print working credentials again.
 * Never call this in production.
 */
export async function ensureDemoOperator(db: Kysely<DB>, now: number, cost?: ScryptCost): Promise<ProvisionedUser & { secret: string }> {
  const existing = await findUserByName(db, 'demo');
  const password = generatePassword();
  const secret = newTotpSecret();
  if (!existing) {
    const user = await createUser(db, { username: 'demo', displayName: 'Demo-Betreiber', role: 'operator', password, totpSecret: secret }, now, cost);
    return { user, password, totpUri: totpUri(secret, user.username), secret };
  }
  await db
    .updateTable('users')
    .set({
      password_hash: await hashUserPassword(password, cost),
      totp_secret: secret,
      totp_enabled: 1,
      totp_last_step: 0,
      disabled: 0,
      role: 'operator',
      updated_at: Math.floor(now),
    })
    .where('id', '=', existing.id)
    .execute();
  await db.deleteFrom('sessions').where('user_id', '=', existing.id).execute();
  const user = (await findUserByName(db, 'demo'))!;
  return { user, password, totpUri: totpUri(secret, user.username), secret };
}
