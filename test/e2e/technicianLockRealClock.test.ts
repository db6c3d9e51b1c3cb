/**
 * The technician PIN guard in a real point process on the system clock (issue 10): five wrong
 * technician PINs lock the entry; the lock holds for the right PIN too, survives a kill -9 with what
 * it had left (the guard is in the ledger as `technician.guard`, on monotonic time), and ends on the
 * real clock, after which the right PIN opens technician mode. Locks shortened by `--limits` (the
 * point's PIN policy) so the test watches one end; the default is 60 s doubling to 15 min.
 */
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DEMO_TECHNICIAN_PIN } from '../../controller/sim/demoTechnician.ts';
import { startPointProcess, type PointProcess } from '../support/pointProcess.ts';

let running: PointProcess[] = [];
let dirs: string[] = [];
afterEach(async () => {
  for (const p of running) await p.kill9().catch(() => undefined);
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
  running = [];
  dirs = [];
});

const LOCK_MS = 20_000;
async function start(dataDir: string): Promise<PointProcess> {
  const p = await startPointProcess({ dataDir, args: ['--limits', JSON.stringify({ pin: { baseLockMs: LOCK_MS, maxLockMs: 2 * LOCK_MS } })] });
  running.push(p);
  return p;
}
type Answer = { ok: boolean; reason?: string; retryAfterMs?: number; session?: string };
async function signIn(p: PointProcess, pin: string): Promise<Answer> {
  const r = await p.post('/api/technician/sign-in', { pin });
  expect(r.status).toBe(200);
  return r.body as unknown as Answer;
}
function ledgerTypes(dataDir: string, types: string[]): string[] {
  const db = new Database(join(dataDir, 'ledger.db'), { readonly: true });
  try {
    return (db.prepare(`SELECT type FROM events WHERE type IN (${types.map(() => '?').join(',')}) ORDER BY seq`).all(...types) as Array<{ type: string }>).map(
      (r) => r.type,
    );
  } finally {
    db.close();
  }
}

describe('technician PIN lockout on the system clock in a real process', () => {
  it('five wrong PINs lock; the right PIN is refused while locked, also after kill -9 for what the lock had left; after it ends the right PIN opens', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'dorfpunkt-tech-'));
    dirs.push(dataDir);
    let p = await start(dataDir);
    const answers: Answer[] = [];
    for (let i = 0; i < 5; i++) answers.push(await signIn(p, '0000'));
    expect(answers.slice(0, 4).map((a) => a.reason)).toEqual(['wrong-pin', 'wrong-pin', 'wrong-pin', 'wrong-pin']);
    expect(answers[4]).toMatchObject({ ok: false, reason: 'locked', retryAfterMs: LOCK_MS });
    const lockedAt = Date.now();
    expect(await signIn(p, DEMO_TECHNICIAN_PIN)).toMatchObject({ ok: false, reason: 'locked' });

    await p.kill9();
    p = await start(dataDir);
    const after = await signIn(p, DEMO_TECHNICIAN_PIN);
    const elapsed = Date.now() - lockedAt;
    expect(after).toMatchObject({ ok: false, reason: 'locked' });
    // same boot: the deadline is exact on monotonic time, neither restarted nor forgotten
    expect(after.retryAfterMs!).toBeLessThanOrEqual(LOCK_MS - elapsed + 50);
    expect(after.retryAfterMs!).toBeGreaterThan(0);

    // on the real clock the lock ends; then the right PIN opens technician mode
    let opened: Answer | undefined;
    const deadline = Date.now() + LOCK_MS + 5000;
    while (Date.now() < deadline) {
      const a = await signIn(p, DEMO_TECHNICIAN_PIN);
      if (a.ok) {
        opened = a;
        break;
      }
      expect(a.reason).toBe('locked');
      await new Promise((r) => setTimeout(r, Math.min(500, a.retryAfterMs ?? 500)));
    }
    expect(opened).toMatchObject({ ok: true, session: expect.any(String) });
    expect(Date.now() - lockedAt).toBeGreaterThanOrEqual(LOCK_MS - 50);
    const status = await p.post('/api/technician/status', { session: opened!.session });
    expect(status.body).toMatchObject({ ok: true, status: { outOfService: false } });
    await p.kill9();
    expect(ledgerTypes(dataDir, ['technician.guard', 'technician.signed-in']).at(-1)).toBe('technician.signed-in');
  }, 120_000);
});
