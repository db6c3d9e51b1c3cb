/**
 * Signing in to the backoffice, on the manual clock, on SQLite always and on PostgreSQL when
 * reachable: lockout after repeated failures (the right password refused while locked, doubling
 * locks, per address too, no hint whether a user exists), session idle and absolute expiry,
 * logout, TOTP required for remote-capable roles (enrolment at first login, wrong and replayed
 * codes refused), cookie attributes, and what the database keeps.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LightMyRequestResponse } from 'fastify';
import { totpCode } from '../../backoffice/accounts/totp.ts';
import { AuditLog, performRemoteAction, RemoteActionRefused } from '../../backoffice/accounts/audit.ts';
import { postgresSkipReason } from '../support/testDb.ts';
import { signIn, TEST_PASSWORD } from './authFixture.ts';
import { sessionCookieOf, startHarness, type Harness } from './authHarness.ts';

const pgSkip = await postgresSkipReason('backoffice login tests on PostgreSQL');
if (pgSkip) console.warn(pgSkip);

const variants = [
  { name: 'SQLite', kind: 'sqlite' as const, skip: false },
  { name: 'PostgreSQL', kind: 'postgres' as const, skip: pgSkip !== null },
];

describe.each(variants)('backoffice sign-in on $name', ({ kind, skip }) => {
  let h: Harness;
  beforeAll(async () => {
    if (skip) return;
    h = await startHarness(kind);
  });
  afterAll(async () => {
    await h?.close();
  });

  const login = (username: string, password: string, totp?: string, remoteAddress = '127.0.0.1'): Promise<LightMyRequestResponse> =>
    h.inject({ method: 'POST', url: '/api/auth/login', remoteAddress, payload: { username, password, ...(totp !== undefined ? { totp } : {}) } });
  const errorOf = (r: LightMyRequestResponse): [number, string] => [r.statusCode, (r.json() as { error: string }).error];
  const me = (cookie: string): Promise<LightMyRequestResponse> => h.inject({ method: 'GET', url: '/api/auth/me', headers: { cookie } });

  describe('lockout', () => {
    it.skipIf(skip)('locks a user after 5 wrong passwords: the right one is refused for 60 s, then accepted', async () => {
      const u = await signIn(h.db.db, 'accountant', h.clock.now());
      for (let i = 0; i < 5; i++) expect(errorOf(await login(u.user.username, 'wrong password!'))).toEqual([401, 'invalid-credentials']);
      const locked = await login(u.user.username, TEST_PASSWORD);
      expect(errorOf(locked)).toEqual([429, 'locked']);
      expect(locked.headers['retry-after']).toBe('60');
      h.clock.setWall(h.clock.now() + 59_999);
      expect(errorOf(await login(u.user.username, TEST_PASSWORD))).toEqual([429, 'locked']);
      h.clock.setWall(h.clock.now() + 1);
      expect((await login(u.user.username, TEST_PASSWORD)).statusCode).toBe(200);
    });

    it.skipIf(skip)('doubles the lock with each further failure, up to 15 minutes, and a success clears it', async () => {
      const u = await signIn(h.db.db, 'accountant', h.clock.now());
      for (let i = 0; i < 5; i++) await login(u.user.username, 'wrong password!');
      const locks: number[] = [];
      for (let i = 0; i < 6; i++) {
        const row = await h.db.db.selectFrom('login_throttle').select('locked_until').where('key', '=', `user:${u.user.username}`).executeTakeFirstOrThrow();
        locks.push(Number(row.locked_until) - h.clock.now());
        expect(Number.isInteger(Number(row.locked_until))).toBe(true);
        h.clock.setWall(Number(row.locked_until));
        await login(u.user.username, 'wrong password!');
      }
      expect(locks).toEqual([60_000, 120_000, 240_000, 480_000, 900_000, 900_000]);
      h.clock.setWall(h.clock.now() + 900_000);
      expect((await login(u.user.username, TEST_PASSWORD)).statusCode).toBe(200);
      // cleared: one wrong password is not a lock any more
      expect(errorOf(await login(u.user.username, 'wrong password!'))).toEqual([401, 'invalid-credentials']);
      expect((await login(u.user.username, TEST_PASSWORD)).statusCode).toBe(200);
    });

    it.skipIf(skip)('answers an unknown user exactly like a known one, lock included', async () => {
      const u = await signIn(h.db.db, 'accountant', h.clock.now());
      const known: string[] = [];
      const unknown: string[] = [];
      for (let i = 0; i < 6; i++) {
        const a = await login(u.user.username, 'wrong password!');
        const b = await login('nobody-here', 'wrong password!');
        known.push(`${a.statusCode} ${a.body}`);
        unknown.push(`${b.statusCode} ${b.body}`);
      }
      expect(unknown).toEqual(known);
      expect(known.at(-1)).toContain('429');
    });

    it.skipIf(skip)('locks an address after 20 failures over many user names, for every user from there', async () => {
      const u = await signIn(h.db.db, 'accountant', h.clock.now());
      for (let i = 0; i < 20; i++) await login(`guess-${i}`, 'wrong password!', undefined, '198.51.100.9');
      expect(errorOf(await login(u.user.username, TEST_PASSWORD, undefined, '198.51.100.9'))).toEqual([429, 'locked']);
      expect((await login(u.user.username, TEST_PASSWORD, undefined, '198.51.100.10')).statusCode).toBe(200);
    });

    it.skipIf(skip)('counts failures as consecutive within 24 h: four typos a day apart never lock', async () => {
      const u = await signIn(h.db.db, 'accountant', h.clock.now());
      for (let day = 0; day < 6; day++) {
        expect(errorOf(await login(u.user.username, 'wrong password!'))).toEqual([401, 'invalid-credentials']);
        h.clock.setWall(h.clock.now() + 24 * 3_600_000 + 1);
      }
      expect(
        (await h.db.db.selectFrom('login_throttle').selectAll().where('key', '=', `user:${u.user.username}`).execute()).map((r) => Number(r.failures)),
      ).toEqual([1]);
    });

    it.skipIf(skip)('audits every failed and refused login with the address, and never the password', async () => {
      const u = await signIn(h.db.db, 'accountant', h.clock.now());
      await login(u.user.username, 'secret-typo-xyz', undefined, '203.0.113.5');
      const rows = await h.db.db.selectFrom('audit_log').selectAll().where('action', '=', 'auth.login').where('client_address', '=', '203.0.113.5').execute();
      expect(rows.map((r) => [r.outcome, r.user_id, r.username])).toEqual([['failed', u.user.id, u.user.username]]);
      expect(JSON.stringify(rows)).not.toContain('secret-typo-xyz');
    });
  });

  describe('sessions', () => {
    it.skipIf(skip)('sets an HttpOnly, SameSite=Strict, Secure, Path=/ cookie and stores only the hash of its id', async () => {
      const u = await signIn(h.db.db, 'accountant', h.clock.now());
      const res = await login(u.user.username, TEST_PASSWORD);
      const c = res.cookies.find((k) => k.name === '__Host-dorfpunkt_session')!;
      expect(c).toMatchObject({ httpOnly: true, sameSite: 'Strict', secure: true, path: '/' });
      expect(c.value).toMatch(/^[A-Za-z0-9_-]{43}$/);
      const rows = await h.db.db.selectFrom('sessions').selectAll().execute();
      expect(JSON.stringify(rows)).not.toContain(c.value);
    });

    it.skipIf(skip)('ends a session after 30 minutes without a request, not while it is used', async () => {
      const u = await signIn(h.db.db, 'accountant', h.clock.now());
      const cookie = sessionCookieOf(await login(u.user.username, TEST_PASSWORD));
      for (let i = 0; i < 4; i++) {
        h.clock.setWall(h.clock.now() + 29 * 60_000);
        expect((await me(cookie)).statusCode).toBe(200);
      }
      h.clock.setWall(h.clock.now() + 30 * 60_000);
      expect(errorOf(await me(cookie))).toEqual([401, 'unauthenticated']);
    });

    it.skipIf(skip)('ends a session 12 hours after sign-in however busy it is', async () => {
      const u = await signIn(h.db.db, 'accountant', h.clock.now());
      const cookie = sessionCookieOf(await login(u.user.username, TEST_PASSWORD));
      const start = h.clock.now();
      while (h.clock.now() + 20 * 60_000 < start + 12 * 3_600_000) {
        h.clock.setWall(h.clock.now() + 20 * 60_000);
        expect((await me(cookie)).statusCode).toBe(200);
      }
      h.clock.setWall(start + 12 * 3_600_000);
      expect((await me(cookie)).statusCode).toBe(401);
    });

    it.skipIf(skip)('removes expired sessions from the database at the next sign-in', async () => {
      const u = await signIn(h.db.db, 'accountant', h.clock.now());
      h.clock.setWall(h.clock.now() + 31 * 60_000);
      expect((await login(u.user.username, TEST_PASSWORD)).statusCode).toBe(200);
      const left = await h.db.db.selectFrom('sessions').select('user_id').where('user_id', '=', u.user.id).execute();
      expect(left).toHaveLength(1);
      expect(
        await h.db.db
          .selectFrom('sessions')
          .select('id_hash')
          .where('last_seen_at', '<=', h.clock.now() - 30 * 60_000)
          .execute(),
      ).toEqual([]);
    });

    it.skipIf(skip)('logs out: the cookie is cleared and the old session id no longer works', async () => {
      const u = await signIn(h.db.db, 'accountant', h.clock.now());
      const res = await login(u.user.username, TEST_PASSWORD);
      const cookie = sessionCookieOf(res);
      const out = await h.inject({
        method: 'POST',
        url: '/api/auth/logout',
        headers: { cookie, 'x-csrf-token': (res.json() as { csrfToken: string }).csrfToken },
      });
      expect(out.statusCode).toBe(200);
      expect(out.cookies.find((c) => c.name === '__Host-dorfpunkt_session')?.value).toBe('');
      expect((await me(cookie)).statusCode).toBe(401);
    });

    it.skipIf(skip)('ends the sessions of a user an admin disables or re-roles; a disabled user cannot sign in', async () => {
      const admin = await signIn(h.db.db, 'admin', h.clock.now());
      const u = await signIn(h.db.db, 'accountant', h.clock.now());
      const patch = (payload: object) => h.inject({ method: 'PATCH', url: `/api/users/${u.user.id}`, headers: admin.headers, payload });
      expect((await patch({ disabled: true })).statusCode).toBe(200);
      expect((await me(u.headers.cookie!)).statusCode).toBe(401);
      expect(errorOf(await login(u.user.username, TEST_PASSWORD))).toEqual([401, 'invalid-credentials']);
      expect((await h.inject({ method: 'PATCH', url: `/api/users/${admin.user.id}`, headers: admin.headers, payload: { disabled: true } })).statusCode).toBe(
        409,
      );
    });

    it.skipIf(skip)('changes one’s own password: the old one stops working, other sessions end, this one goes on', async () => {
      const u = await signIn(h.db.db, 'accountant', h.clock.now());
      const other = sessionCookieOf(await login(u.user.username, TEST_PASSWORD));
      const change = (current: string) =>
        h.inject({ method: 'POST', url: '/api/auth/password', headers: u.headers, payload: { current, password: 'a brand new password' } });
      expect(errorOf(await change('not my password'))).toEqual([403, 'wrong-password']);
      expect((await change(TEST_PASSWORD)).statusCode).toBe(200);
      expect((await me(u.headers.cookie!)).statusCode).toBe(200);
      expect((await me(other)).statusCode).toBe(401);
      expect(errorOf(await login(u.user.username, TEST_PASSWORD))).toEqual([401, 'invalid-credentials']);
      expect((await login(u.user.username, 'a brand new password')).statusCode).toBe(200);
    });

    it.skipIf(skip)('never shows password hashes or TOTP secrets in the user list', async () => {
      const admin = await signIn(h.db.db, 'admin', h.clock.now());
      const res = await h.inject({ method: 'GET', url: '/api/users', headers: admin.headers });
      expect(res.statusCode).toBe(200);
      expect(res.body).not.toMatch(/scrypt\$|password|secret/i);
      expect(res.body).toContain(admin.user.username);
    });
  });

  describe('second factor', () => {
    it.skipIf(skip)('asks an operator for the TOTP code, refuses a wrong one and a replayed one', async () => {
      const op = await signIn(h.db.db, 'operator', h.clock.now());
      h.clock.setWall(h.clock.now() + 30_000);
      expect(errorOf(await login(op.user.username, TEST_PASSWORD))).toEqual([401, 'totp-required']);
      const good = totpCode(op.totpSecret!, h.clock.now());
      const wrong = String((Number(good) + 1) % 1_000_000).padStart(6, '0');
      expect(errorOf(await login(op.user.username, TEST_PASSWORD, wrong))).toEqual([401, 'invalid-credentials']);
      expect(errorOf(await login(op.user.username, 'wrong password!', good))).toEqual([401, 'invalid-credentials']);
      const ok = await login(op.user.username, TEST_PASSWORD, good);
      expect(ok.statusCode).toBe(200);
      expect(ok.json()).toMatchObject({ totpVerified: true, enrolmentRequired: false, user: { role: 'operator' } });
      expect(errorOf(await login(op.user.username, TEST_PASSWORD, good))).toEqual([401, 'invalid-credentials']);
    });

    it.skipIf(skip)('makes a new operator enrol at first login before anything else, then lets them in', async () => {
      const admin = await signIn(h.db.db, 'admin', h.clock.now());
      const created = await h.inject({
        method: 'POST',
        url: '/api/users',
        headers: admin.headers,
        payload: { username: 'erika', displayName: 'Erika Betreiberin', role: 'operator', password: 'erikas-long-password' },
      });
      expect(created.json()).toMatchObject({ username: 'erika', role: 'operator', totpEnabled: false });
      const first = await login('erika', 'erikas-long-password');
      expect(first.json()).toMatchObject({ enrolmentRequired: true, totpVerified: false });
      const headers = { cookie: sessionCookieOf(first), 'x-csrf-token': (first.json() as { csrfToken: string }).csrfToken };
      expect(errorOf(await h.inject({ method: 'GET', url: '/api/sites', headers }))).toEqual([403, 'totp-enrolment-required']);
      expect(errorOf(await h.inject({ method: 'POST', url: '/api/sites/x-site/resolve-divergence', headers, payload: { action: 'dismiss' } }))).toEqual([
        403,
        'totp-enrolment-required',
      ]);
      const setup = await h.inject({ method: 'POST', url: '/api/auth/totp/setup', headers });
      const { uri, secret } = setup.json() as { uri: string; secret: string };
      expect(uri).toMatch(/^otpauth:\/\/totp\/dorfpunkt:erika\?/);
      expect(uri).toContain(`secret=${secret}`);
      expect(errorOf(await h.inject({ method: 'POST', url: '/api/auth/totp/confirm', headers, payload: { code: '000000' } }))[0]).toBe(400);
      expect((await h.inject({ method: 'GET', url: '/api/sites', headers })).statusCode).toBe(403);
      const confirmed = await h.inject({ method: 'POST', url: '/api/auth/totp/confirm', headers, payload: { code: totpCode(secret, h.clock.now()) } });
      expect(confirmed.json()).toMatchObject({ enrolmentRequired: false, totpVerified: true, user: { totpEnabled: true } });
      expect((await h.inject({ method: 'GET', url: '/api/sites', headers })).statusCode).toBe(200);
      // from now on the code is required at login
      h.clock.setWall(h.clock.now() + 30_000);
      expect(errorOf(await login('erika', 'erikas-long-password'))).toEqual([401, 'totp-required']);
      expect((await login('erika', 'erikas-long-password', totpCode(secret, h.clock.now()))).statusCode).toBe(200);
    });

    it.skipIf(skip)('lets an accountant in without TOTP (read-only role, no remote actions)', async () => {
      const acc = await signIn(h.db.db, 'accountant', h.clock.now());
      const res = await login(acc.user.username, TEST_PASSWORD);
      expect(res.json()).toMatchObject({ enrolmentRequired: false });
      expect((await h.inject({ method: 'GET', url: '/api/sites', headers: { cookie: sessionCookieOf(res) } })).statusCode).toBe(200);
    });
  });

  describe('remote actions', () => {
    it.skipIf(skip)('runs a door release only for a permitted role with TOTP, and audits the attempt and the outcome', async () => {
      const now = () => h.clock.now();
      const actor = (role: 'operator' | 'accountant', totpVerified: boolean) => ({
        userId: `u-${role}`,
        username: role,
        role,
        clientAddress: '192.0.2.1',
        totpVerified,
      });
      const log = new AuditLog();
      let released = 0;
      const release = async () => ++released;
      await expect(
        performRemoteAction(h.db.db, log, actor('accountant', true), 'door.release', { siteId: 'dorf-1', target: 'door-1' }, now, release),
      ).rejects.toBeInstanceOf(RemoteActionRefused);
      await expect(
        performRemoteAction(h.db.db, log, actor('operator', false), 'door.release', { siteId: 'dorf-1', target: 'door-1' }, now, release),
      ).rejects.toMatchObject({ code: 'totp-required' });
      expect(released).toBe(0);
      expect(await performRemoteAction(h.db.db, log, actor('operator', true), 'door.release', { siteId: 'dorf-1', target: 'door-1' }, now, release)).toBe(1);
      await expect(
        performRemoteAction(h.db.db, log, actor('operator', true), 'locker.open', { siteId: 'dorf-1', target: 'locker-7' }, now, async () => {
          throw new Error('site not online');
        }),
      ).rejects.toThrow('site not online');
      const rows = await h.db.db
        .selectFrom('audit_log')
        .select(['action', 'outcome', 'role', 'site_id', 'target', 'client_address'])
        .where('site_id', '=', 'dorf-1')
        .orderBy('id')
        .execute();
      expect(rows.map((r) => `${r.action} ${r.outcome} ${r.role} ${r.target}`)).toEqual([
        'door.release denied accountant door-1',
        'door.release denied operator door-1',
        'door.release.requested ok operator door-1',
        'door.release ok operator door-1',
        'locker.open.requested ok operator locker-7',
        'locker.open failed operator locker-7',
      ]);
      expect(new Set(rows.map((r) => r.client_address))).toEqual(new Set(['192.0.2.1']));
    });
  });
});
