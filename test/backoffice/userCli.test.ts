/**
 * `dorfpunkt backoffice user add` creates the first admin with a one-time password and TOTP URI
 * that really sign in; bad input is refused with a usage line and creates nothing; `user unlock`
 * clears a login lock. Also the demo operator of `npm start`.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../backoffice/cli.ts';
import { openDatabase } from '../../backoffice/db/database.ts';
import { LoginService, DEFAULT_AUTH } from '../../backoffice/accounts/login.ts';
import { AuditLog } from '../../backoffice/accounts/audit.ts';
import { ensureDemoOperator } from '../../backoffice/accounts/provisioning.ts';
import { totpCode } from '../../backoffice/accounts/totp.ts';
import { createSilentLogger } from '../../firmware-bridge/platform/logger.ts';
import { TEST_SCRYPT } from './authFixture.ts';

describe('backoffice user CLI', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dorfpunkt-usercli-'));
  const db = `sqlite:${join(dir, 'bo.db')}`;
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const cli = async (args: string[]): Promise<{ code: number; out: string[] }> => {
    const out: string[] = [];
    const code = await runCli(args, (l) => out.push(l), createSilentLogger());
    return { code, out };
  };

  it('creates an admin whose printed password and TOTP URI sign in', async () => {
    const r = await cli(['user', 'add', 'Chefin', '--role', 'admin', '--name', 'Die Chefin', '--db', db]);
    expect(r.code).toBe(0);
    const password = /^password: (\S+)$/.exec(r.out.find((l) => l.startsWith('password: '))!)![1]!;
    const uri = r.out.find((l) => l.includes('otpauth://'))!;
    const secret = /secret=([A-Z2-7]+)/.exec(uri)![1]!;
    const database = await openDatabase({ kind: 'sqlite', path: join(dir, 'bo.db') });
    try {
      const now = Date.now();
      const login = new LoginService(database.db, { ...DEFAULT_AUTH, scryptCost: TEST_SCRYPT }, new AuditLog(), () => now);
      expect(await login.login({ username: 'chefin', password }, '127.0.0.1')).toMatchObject({ ok: false, code: 'totp-required' });
      const ok = await login.login({ username: 'chefin', password, totp: totpCode(secret, now) }, '127.0.0.1');
      expect(ok).toMatchObject({ ok: true, enrolmentRequired: false, user: { role: 'admin', display_name: 'Die Chefin' } });
    } finally {
      await database.close();
    }
  });

  it('refuses a missing or unknown role and a taken name, creating nothing', async () => {
    expect((await cli(['user', 'add', 'otto', '--db', db])).code).toBe(2);
    expect((await cli(['user', 'add', 'otto', '--role', 'king', '--db', db])).code).toBe(2);
    const taken = await cli(['user', 'add', 'chefin', '--role', 'operator', '--db', db]);
    expect(taken.code).toBe(1);
    expect(taken.out.join('\n')).toMatch(/vergeben/);
    const database = await openDatabase({ kind: 'sqlite', path: join(dir, 'bo.db') });
    try {
      expect((await database.db.selectFrom('users').select('username').execute()).map((u) => u.username)).toEqual(['chefin']);
    } finally {
      await database.close();
    }
  });

  it('clears a login lock with user unlock', async () => {
    const database = await openDatabase({ kind: 'sqlite', path: join(dir, 'bo.db') });
    try {
      await database.db
        .insertInto('login_throttle')
        .values({ key: 'user:chefin', failures: 9, locked_until: Date.now() + 900_000, updated_at: Date.now() })
        .execute();
      expect((await cli(['user', 'unlock', 'Chefin', '--db', db])).code).toBe(0);
      expect(await database.db.selectFrom('login_throttle').selectAll().execute()).toEqual([]);
    } finally {
      await database.close();
    }
  });

  it('renews the demo operator’s password and TOTP on every start, ending its old sessions', async () => {
    const database = await openDatabase({ kind: 'sqlite', path: ':memory:' });
    try {
      const now = Date.now();
      const first = await ensureDemoOperator(database.db, now, TEST_SCRYPT);
      const second = await ensureDemoOperator(database.db, now, TEST_SCRYPT);
      expect(second.user.id).toBe(first.user.id);
      expect(second.password).not.toBe(first.password);
      const login = new LoginService(database.db, { ...DEFAULT_AUTH, scryptCost: TEST_SCRYPT }, new AuditLog(), () => now);
      expect(await login.login({ username: 'demo', password: first.password, totp: totpCode(second.secret, now) }, null)).toMatchObject({ ok: false });
      expect(await login.login({ username: 'demo', password: second.password, totp: totpCode(second.secret, now) }, null)).toMatchObject({
        ok: true,
        user: { role: 'operator' },
      });
    } finally {
      await database.close();
    }
  });
});
