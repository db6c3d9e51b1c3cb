/**
 * Brute-force limits in a real point process on the system clock (issue 7): the PIN lockout once
 * never engaged there because trusted time is fractional off the manual clock. Locks are shortened
 * by configuration (1.5 s doubling to 6 s) so the test watches them end on the real clock; the
 * promised defaults (60 s doubling to 15 min) are the same code with other numbers.
 */
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startPointProcess, type PointProcess } from '../support/pointProcess.ts';

const DIETER = { uid: '04:A2:19:7C', pin: '4711' };

let running: PointProcess[] = [];
let dirs: string[] = [];
afterEach(async () => {
  for (const p of running) await p.kill9().catch(() => undefined);
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
  running = [];
  dirs = [];
});

async function start(dataDir: string, pin?: { baseLockMs: number; maxLockMs: number }): Promise<PointProcess> {
  const p = await startPointProcess({ dataDir, args: pin ? ['--limits', JSON.stringify({ pin })] : [] });
  running.push(p);
  return p;
}
function tempData(): string {
  const d = mkdtempSync(join(tmpdir(), 'dorfpunkt-limits-'));
  dirs.push(d);
  return d;
}
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
type Answer = { granted: boolean; reason: string; retryAfterMs?: number; seq?: number };
async function card(p: PointProcess, pin: string): Promise<Answer> {
  const r = await p.post('/api/entry/card', { uid: DIETER.uid, pin });
  expect(r.status).toBe(200);
  return r.body as unknown as Answer;
}
function decisionsInLedger(dataDir: string): Map<number, { reason: string; granted: boolean }> {
  const db = new Database(join(dataDir, 'ledger.db'), { readonly: true });
  try {
    const rows = db.prepare("SELECT seq, data FROM events WHERE type = 'access.decision'").all() as Array<{ seq: number; data: string }>;
    return new Map(rows.map((r) => [r.seq, JSON.parse(r.data) as { reason: string; granted: boolean }]));
  } finally {
    db.close();
  }
}

describe('brute-force limits hold on the system clock in a real process', () => {
  it('50 wrong PINs: the fifth locks, the lock doubles to its cap, the right PIN is refused while locked, every refusal is in the ledger', async () => {
    const dataDir = tempData();
    const p = await start(dataDir, { baseLockMs: 1000, maxLockMs: 4000 });
    const answers: Answer[] = [];
    for (let i = 0; i < 50; i++) answers.push(await card(p, '0000'));
    expect(answers.slice(0, 4).map((a) => a.reason)).toEqual(['wrong-pin', 'wrong-pin', 'wrong-pin', 'wrong-pin']);
    expect(answers[4]).toMatchObject({ reason: 'wrong-pin', retryAfterMs: 1000 });
    expect(answers.slice(5).every((a) => a.reason === 'pin-locked')).toBe(true);
    expect(await card(p, DIETER.pin)).toMatchObject({ granted: false, reason: 'pin-locked' });

    // Every refusal is a ledger event with its reason, matched by the seq in the answer.
    const ledger = decisionsInLedger(dataDir);
    for (const a of answers) expect(ledger.get(a.seq!)).toMatchObject({ granted: false, reason: a.reason });

    // The lock ends on the real clock; each further wrong PIN doubles it up to the cap.
    await sleep(1100);
    expect(await card(p, '0000')).toMatchObject({ reason: 'wrong-pin', retryAfterMs: 2000 });
    expect(await card(p, DIETER.pin)).toMatchObject({ reason: 'pin-locked' });
    await sleep(2100);
    expect(await card(p, '0000')).toMatchObject({ reason: 'wrong-pin', retryAfterMs: 4000 });
    await sleep(4100);
    expect(await card(p, '0000')).toMatchObject({ reason: 'wrong-pin', retryAfterMs: 4000 }); // 8 s capped at 4 s
    await sleep(4100);
    expect(await card(p, DIETER.pin)).toMatchObject({ granted: true, reason: 'granted' });
  }, 120_000);

  it('kill -9 while a PIN is locked: after the restart the lock still holds for what it had left, and wrong PINs still count', async () => {
    const dataDir = tempData();
    let p = await start(dataDir, { baseLockMs: 30_000, maxLockMs: 60_000 });
    for (let i = 0; i < 5; i++) await card(p, '0000');
    const lockedAt = Date.now();
    await p.kill9();
    p = await start(dataDir, { baseLockMs: 30_000, maxLockMs: 60_000 });
    const right = await card(p, DIETER.pin);
    const elapsed = Date.now() - lockedAt;
    expect(right).toMatchObject({ granted: false, reason: 'pin-locked' });
    // Same boot: the deadline is exact (monotonic time since boot), neither restarted nor forgotten.
    expect(right.retryAfterMs!).toBeLessThanOrEqual(30_000 - elapsed + 50);
    expect(right.retryAfterMs!).toBeGreaterThan(30_000 - elapsed - 1000);
    expect(await card(p, '0000')).toMatchObject({ reason: 'pin-locked' });
  }, 120_000);

  it('a credential granted, the point killed and restarted within the window: refused as replayed', async () => {
    const dataDir = tempData();
    let p = await start(dataDir);
    const creds = (await p.get('/api/sim/credentials')) as unknown as Array<{ memberId: string; token?: string }>;
    const token = creds.find((c) => c.token)!.token!;
    const first = (await p.post('/api/entry/token', { token })).body as unknown as Answer;
    expect(first).toMatchObject({ granted: true });
    const grantedAt = Date.now();
    await p.kill9();
    p = await start(dataDir);
    const again = (await p.post('/api/entry/token', { token })).body as unknown as Answer;
    expect(again).toMatchObject({ granted: false, reason: 'replayed' });
    expect(again.retryAfterMs!).toBeLessThanOrEqual(60_000 - (Date.now() - grantedAt) + 50);
    expect(again.retryAfterMs!).toBeGreaterThan(0);
  }, 120_000);

  it('wrong pickup codes: the fifth locks the keypad, and after kill -9 the lock still holds for what it had left', async () => {
    const dataDir = tempData();
    let p = await start(dataDir);
    type Pickup = { ok: boolean; reason?: string; retryAfterMs?: number };
    const pickup = async (code: string): Promise<Pickup> => {
      const r = await p.post('/api/lockers/pickup', { code });
      expect(r.status).toBe(200);
      return r.body as unknown as Pickup;
    };
    const answers: Pickup[] = [];
    for (let i = 0; i < 5; i++) answers.push(await pickup(`1019${String(i).padStart(7, '0')}`));
    expect(answers.every((a) => a.ok === false)).toBe(true);
    const locked = answers[4]!;
    expect(locked.retryAfterMs).toBeGreaterThan(55_000);
    expect(locked.retryAfterMs).toBeLessThanOrEqual(60_001);
    const lockedAt = Date.now();
    await p.kill9();
    p = await start(dataDir);
    const after = await pickup('10190000009');
    const elapsed = Date.now() - lockedAt;
    // Same boot: the guard's deadline is exact on monotonic time, neither restarted nor forgotten.
    expect(after).toMatchObject({ ok: false });
    expect(after.retryAfterMs!).toBeLessThanOrEqual(60_001 - elapsed + 50);
    expect(after.retryAfterMs!).toBeGreaterThan(60_000 - elapsed - 2000);
  }, 120_000);
});
