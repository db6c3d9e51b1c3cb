/** Per-site broker credentials stored in the backoffice DB (salted PBKDF2 hash, Mosquitto format). */
import { readFile, writeFile, rename } from 'node:fs/promises';
import type { Kysely } from 'kysely';
import { isValidSiteId } from '../../controller/contract/sync/index.ts';
import type { DB } from '../db/schema.ts';
import { ensureSite } from '../ingest/ingestStore.ts';
import { generatePassword, hashPassword, mosquittoPasswdLine, verifyPassword } from './passwordHash.ts';

export async function createSiteCredentials(db: Kysely<DB>, siteId: string, now: number): Promise<{ password: string; passwordHash: string }> {
  if (!isValidSiteId(siteId)) throw new Error(`invalid siteId ${JSON.stringify(siteId)}: use lowercase letters, digits and '-' (2-63 chars)`);
  const password = generatePassword();
  const passwordHash = hashPassword(password);
  await db
    .insertInto('site_credentials')
    .values({ site_id: siteId, password_hash: passwordHash, created_at: now })
    .onConflict((oc) => oc.column('site_id').doUpdateSet({ password_hash: passwordHash, created_at: now }))
    .execute();
  return { password, passwordHash };
}

/** A point's name for operators: 1–80 characters, no control characters. */
export function siteNameProblem(name: string): string | null {
  const trimmed = name.trim();
  if (trimmed.length < 1 || trimmed.length > 80) return 'a site name must have 1 to 80 characters';
  if (/[\u0000-\u001f\u007f]/.test(trimmed)) return 'a site name must not contain control characters';
  return null;
}

/** Register the site (if the point never connected yet) under the operator's name for it. */
export async function nameSite(db: Kysely<DB>, siteId: string, name: string, now: number): Promise<void> {
  if (!isValidSiteId(siteId)) throw new Error(`invalid siteId ${JSON.stringify(siteId)}: use lowercase letters, digits and '-' (2-63 chars)`);
  const problem = siteNameProblem(name);
  if (problem) throw new Error(`site ${siteId}: ${problem}`);
  await db.transaction().execute(async (trx) => {
    await ensureSite(trx, siteId, now);
    await trx.updateTable('sites').set({ name: name.trim() }).where('site_id', '=', siteId).execute();
  });
}

export type CredentialLookup = (username: string) => Promise<string | null>;

/** The lookup the embedded broker uses: site id -> stored hash. */
export function dbCredentialLookup(db: Kysely<DB>): CredentialLookup {
  return async (username) => {
    if (!isValidSiteId(username)) return null;
    const row = await db.selectFrom('site_credentials').select('password_hash').where('site_id', '=', username).executeTakeFirst();
    return row?.password_hash ?? null;
  };
}

export async function checkSitePassword(lookup: CredentialLookup, username: string, password: Buffer | string): Promise<boolean> {
  const hash = await lookup(username);
  return hash !== null && verifyPassword(password, hash);
}

/** Add or replace a user's line in a Mosquitto password file (written to a temp file, then renamed). */
export async function upsertPasswdFile(path: string, username: string, passwordHash: string): Promise<void> {
  let lines: string[] = [];
  try {
    lines = (await readFile(path, 'utf8')).split('\n').filter((l) => l.trim() !== '');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  lines = lines.filter((l) => !l.startsWith(`${username}:`));
  lines.push(mosquittoPasswdLine(username, passwordHash));
  const tmp = `${path}.tmp-${process.pid}`;
  await writeFile(tmp, lines.join('\n') + '\n', { mode: 0o600 });
  await rename(tmp, path);
}
