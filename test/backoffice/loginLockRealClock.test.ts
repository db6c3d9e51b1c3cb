/**
 * The login lock on the system clock in real processes: a lock survives `kill -9` and a restart
 * (it lives in the database as a whole-ms deadline), and a short configured lock ends on its own
 * on the system clock: the right password is refused until the deadline and accepted after it.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import BetterSqlite3 from 'better-sqlite3';
import { TEST_PASSWORD } from './authFixture.ts';

const CHILD = join(import.meta.dirname, 'support', 'authServerChild.ts');

async function start(dbPath: string, lockMs: number): Promise<{ proc: ChildProcess; url: string }> {
  const proc = spawn(process.execPath, ['--import', 'tsx', CHILD, dbPath, String(lockMs)], { stdio: ['ignore', 'pipe', 'inherit'] });
  const lines = createInterface({ input: proc.stdout! });
  const url = await new Promise<string>((resolve, reject) => {
    lines.once('line', (l) => resolve((JSON.parse(l) as { url: string }).url));
    proc.once('exit', (code) => reject(new Error(`auth server exited with ${code}`)));
  });
  return { proc, url };
}

function kill9(proc: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (proc.exitCode !== null || proc.signalCode !== null) return resolve();
    proc.once('exit', () => resolve());
    proc.kill('SIGKILL');
  });
}

describe('login lock on the system clock in a real process', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dorfpunkt-authlock-'));
  const dbPath = join(dir, 'bo.db');
  const procs: ChildProcess[] = [];
  afterAll(async () => {
    for (const p of procs) await kill9(p);
    rmSync(dir, { recursive: true, force: true });
  });

  const login = async (url: string, username: string, password: string): Promise<number> =>
    (await fetch(`${url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password }) }))
      .status;
  const deadline = (username: string): number => {
    const raw = new BetterSqlite3(dbPath, { readonly: true });
    try {
      return (raw.prepare('SELECT locked_until FROM login_throttle WHERE key = ?').get(`user:${username}`) as { locked_until: number }).locked_until;
    } finally {
      raw.close();
    }
  };

  it('keeps a lock across kill -9 and restart, and ends a short lock on the system clock', async () => {
    // a 60 s lock: far longer than a restart
    const a = await start(dbPath, 60_000);
    procs.push(a.proc);
    for (let i = 0; i < 3; i++) expect(await login(a.url, 'lisa', 'wrong password!')).toBe(401);
    expect(await login(a.url, 'lisa', TEST_PASSWORD)).toBe(429);
    expect(Number.isInteger(deadline('lisa'))).toBe(true);
    await kill9(a.proc);

    // restarted with a 1.5 s lock for new failures: lisa's stored deadline still holds
    const b = await start(dbPath, 1500);
    procs.push(b.proc);
    expect(await login(b.url, 'lisa', TEST_PASSWORD)).toBe(429);

    for (let i = 0; i < 3; i++) expect(await login(b.url, 'max', 'wrong password!')).toBe(401);
    const until = deadline('max');
    expect(Number.isInteger(until)).toBe(true);
    expect(until - Date.now()).toBeLessThanOrEqual(1500);
    const statuses: number[] = [];
    for (;;) {
      const before = Date.now();
      const st = await login(b.url, 'max', TEST_PASSWORD);
      statuses.push(st);
      if (st === 200) break;
      expect(st).toBe(429);
      expect(before).toBeLessThan(until + 1);
      if (Date.now() > until + 5000) throw new Error('lock never ended');
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(Date.now()).toBeGreaterThanOrEqual(until);
    expect(statuses[0]).toBe(429);
  }, 30_000);
});
