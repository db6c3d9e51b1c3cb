/**
 * Signing in for backoffice HTTP tests without going through the login form: creates a user of the
 * given role (cheap scrypt cost, TOTP already enabled for roles that need it) and a session that
 * passed TOTP, and returns the headers (session cookie + CSRF token) to send with every request.
 */
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import type { Kysely } from 'kysely';
import type { DB, Role } from '../../backoffice/db/schema.ts';
import { createSession, csrfTokenFor, DEFAULT_SESSION_LIMITS, type SessionLimits } from '../../backoffice/accounts/sessions.ts';
import { createUser, type UserRow } from '../../backoffice/accounts/users.ts';
import { newTotpSecret } from '../../backoffice/accounts/totp.ts';
import { totpRequired } from '../../backoffice/accounts/roles.ts';
import type { ScryptCost } from '../../backoffice/accounts/passwords.ts';

/** A fast scrypt cost for tests (the format records it; production uses the default). */
export const TEST_SCRYPT: ScryptCost = { N: 1024, r: 8, p: 1 };
export const TEST_PASSWORD = 'correct horse battery';

export interface SignedIn {
  user: UserRow;
  sessionId: string;
  csrfToken: string;
  /** Cookie and x-csrf-token: spread into every request. */
  headers: Record<string, string>;
  totpSecret: string | null;
}

let counter = 0;

export async function signIn(
  db: Kysely<DB>,
  role: Role,
  now: number,
  opts: { secureCookie?: boolean; username?: string; totpVerified?: boolean; limits?: SessionLimits } = {},
): Promise<SignedIn> {
  const totpSecret = totpRequired(role) ? newTotpSecret() : null;
  const user = await createUser(
    db,
    {
      username: opts.username ?? `t-${role}-${process.pid}-${++counter}`,
      displayName: `Test ${role}`,
      role,
      password: TEST_PASSWORD,
      ...(totpSecret ? { totpSecret } : {}),
    },
    now,
    TEST_SCRYPT,
  );
  const s = await createSession(db, user.id, opts.totpVerified ?? totpSecret !== null, '127.0.0.1', now, opts.limits ?? DEFAULT_SESSION_LIMITS);
  const csrfToken = csrfTokenFor(s.id);
  const name = opts.secureCookie === false ? 'dorfpunkt_session' : '__Host-dorfpunkt_session';
  return { user, sessionId: s.id, csrfToken, headers: { cookie: `${name}=${s.id}`, 'x-csrf-token': csrfToken }, totpSecret };
}

/** `inject` with the signed-in headers added. */
export function authedInject(app: FastifyInstance, who: SignedIn): (o: InjectOptions | string) => Promise<LightMyRequestResponse> {
  return (o) => {
    const opts: InjectOptions = typeof o === 'string' ? { method: 'GET', url: o } : o;
    return app.inject({ ...opts, headers: { ...who.headers, ...(opts.headers ?? {}) } });
  };
}
