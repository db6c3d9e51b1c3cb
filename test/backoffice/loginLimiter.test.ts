/**
 * The embedded broker's failed-login limits on the manual clock: lock after 5 failures per username
 * / 20 per address, 60 s doubling to 15 min, reset by a success, the restart rule, the guard's
 * serialisation of parallel attempts, and the database store on SQLite (and PostgreSQL when present).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../firmware-bridge/platform/clock.ts';
import { createRecordingLogger } from '../../firmware-bridge/platform/logger.ts';
import { LoginLimiter, resolvePolicy, type LoginLockRecord } from '../../backoffice/broker/loginLimiter.ts';
import { LoginGuard, type LoginVerdict } from '../../backoffice/broker/loginGuard.ts';
import { dbLoginLockStore, noLoginLockStore } from '../../backoffice/broker/loginLockStore.ts';
import { openDatabase, type DbConfig } from '../../backoffice/db/database.ts';
import { freshPgConfig, postgresSkipReason } from './support.ts';

const MIN = 60_000;

function failTimes(l: LoginLimiter, n: number, username: string | null, address: string): void {
  for (let i = 0; i < n; i++) {
    expect(l.lockedBy(username, address), `attempt ${i + 1} of ${n} must not be locked yet`).toBeNull();
    l.recordFailure(username, address);
  }
}

describe('broker login limiter (policy on the manual clock)', () => {
  it('locks a username after 5 failures for 60 s, the right password included, and opens exactly then', () => {
    const clock = new ManualClock();
    const l = new LoginLimiter(clock);
    failTimes(l, 4, 'site-a', '10.0.0.1');
    expect(l.lockedBy('site-a', '10.0.0.1')).toBeNull();
    const fifth = l.recordFailure('site-a', '10.0.0.1');
    expect(fifth.started).toEqual([{ kind: 'username', key: 'site-a', failures: 5, retryInMs: MIN }]);
    // From another address too: the lock is on the username.
    expect(l.lockedBy('site-a', '10.9.9.9')).toMatchObject({ kind: 'username', key: 'site-a', retryInMs: MIN });
    clock.advance(MIN - 1);
    expect(l.lockedBy('site-a', '10.0.0.1')).toMatchObject({ retryInMs: 1 });
    clock.advance(1);
    expect(l.lockedBy('site-a', '10.0.0.1')).toBeNull();
    expect(l.stats()).toMatchObject({ failures: 5, lockouts: 1, refusedWhileLocked: 2, lockedUsernames: [] });
  });

  it('doubles the lock with each failure after a lock ended, up to 15 min', () => {
    const clock = new ManualClock();
    const l = new LoginLimiter(clock);
    failTimes(l, 5, 'site-a', '10.0.0.1');
    const locks: number[] = [MIN];
    for (let i = 0; i < 6; i++) {
      clock.advance(locks[locks.length - 1]!);
      expect(l.lockedBy('site-a', '10.0.0.1')).toBeNull();
      const r = l.recordFailure('site-a', '10.0.0.1');
      expect(r.started, `failure ${6 + i}`).toHaveLength(1);
      locks.push(r.started[0]!.retryInMs);
    }
    expect(locks).toEqual([MIN, 2 * MIN, 4 * MIN, 8 * MIN, 15 * MIN, 15 * MIN, 15 * MIN]);
  });

  it('refusals while locked neither extend the lock nor raise the count', () => {
    const clock = new ManualClock();
    const l = new LoginLimiter(clock);
    failTimes(l, 5, 'site-a', '10.0.0.1');
    for (let i = 0; i < 100; i++) {
      expect(l.lockedBy('site-a', '10.0.0.1')).not.toBeNull();
      clock.advance(500);
    }
    clock.advance(MIN - 50_000);
    expect(l.lockedBy('site-a', '10.0.0.1')).toBeNull();
    expect(l.record('username', 'site-a')).toMatchObject({ failures: 5, lockMs: MIN });
    expect(l.stats()).toMatchObject({ failures: 5, refusedWhileLocked: 100, lockouts: 1 });
  });

  it('a success resets the username count, so 4 + 4 failures around it never lock', () => {
    const clock = new ManualClock();
    const l = new LoginLimiter(clock);
    failTimes(l, 4, 'site-a', '10.0.0.1');
    expect(l.recordSuccess('site-a')).toEqual({ kind: 'username', key: 'site-a' });
    failTimes(l, 4, 'site-a', '10.0.0.1');
    expect(l.lockedBy('site-a', '10.0.0.1')).toBeNull();
    expect(l.record('username', 'site-a')?.failures).toBe(4);
    expect(l.record('address', '10.0.0.1')?.failures).toBe(8);
  });

  it('after a lock, a success starts the doubling over at 60 s', () => {
    const clock = new ManualClock();
    const l = new LoginLimiter(clock);
    failTimes(l, 5, 'site-a', '10.0.0.1');
    clock.advance(MIN);
    l.recordSuccess('site-a');
    failTimes(l, 4, 'site-a', '10.0.0.1');
    expect(l.recordFailure('site-a', '10.0.0.1').started[0]?.retryInMs).toBe(MIN);
  });

  it('the address limit is independent of usernames: 20 failures over 20 usernames lock the address, not the usernames', () => {
    const clock = new ManualClock();
    const l = new LoginLimiter(clock);
    for (let i = 0; i < 19; i++) failTimes(l, 1, `site-${i}`, '203.0.113.7');
    const last = l.recordFailure('site-19', '203.0.113.7');
    expect(last.started).toEqual([{ kind: 'address', key: '203.0.113.7', failures: 20, retryInMs: MIN }]);
    expect(last.usernameFailures).toBe(1);
    // Every username, even a good one, is refused from that address ...
    expect(l.lockedBy('site-good', '203.0.113.7')).toMatchObject({ kind: 'address', key: '203.0.113.7' });
    // ... and none of those usernames is locked from elsewhere.
    expect(l.lockedBy('site-3', '198.51.100.1')).toBeNull();
    expect(l.stats()).toMatchObject({ lockedAddresses: ['203.0.113.7'], lockedUsernames: [] });
  });

  it('a success does not reset the address count (a valid account cannot launder guesses at others)', () => {
    const clock = new ManualClock();
    const l = new LoginLimiter(clock);
    for (let i = 0; i < 19; i++) {
      failTimes(l, 1, `site-${i}`, '203.0.113.7');
      l.recordSuccess('site-own');
    }
    expect(l.recordFailure('site-x', '203.0.113.7').started.map((s) => s.kind)).toEqual(['address']);
  });

  it('the address limit can be switched off (clients behind a TCP proxy share one address)', () => {
    const l = new LoginLimiter(new ManualClock(), { maxAddressFailures: null });
    for (let i = 0; i < 100; i++) failTimes(l, 1, `site-${i}`, '127.0.0.1');
    expect(l.stats().lockedAddresses).toEqual([]);
  });

  it('counts are forgotten an hour after the last failure when no lock is active', () => {
    const clock = new ManualClock();
    const l = new LoginLimiter(clock);
    failTimes(l, 4, 'site-a', '10.0.0.1');
    clock.advance(60 * MIN - 1);
    expect(l.sweep()).toEqual([]);
    clock.advance(1);
    expect(l.sweep()).toEqual([
      { kind: 'username', key: 'site-a' },
      { kind: 'address', key: '10.0.0.1' },
    ]);
    failTimes(l, 4, 'site-a', '10.0.0.1');
    expect(l.lockedBy('site-a', '10.0.0.1')).toBeNull();
  });

  it('a wall-clock jump forward does not end a running lock (deadlines are monotonic)', () => {
    const clock = new ManualClock();
    const l = new LoginLimiter(clock);
    failTimes(l, 5, 'site-a', '10.0.0.1');
    clock.setWall(clock.now() + 24 * 60 * MIN);
    expect(l.lockedBy('site-a', '10.0.0.1')).toMatchObject({ retryInMs: MIN });
  });

  it('persists whole milliseconds although the clocks have fractions', () => {
    const clock = new ManualClock(1_800_000_000_000.4);
    clock.advance(0.7);
    const l = new LoginLimiter(clock, { baseLockMs: 1_500 });
    for (let i = 0; i < 5; i++) l.recordFailure('site-a', '10.0.0.1');
    const r = l.record('username', 'site-a')!;
    for (const v of [r.lockMs, r.lockedUntil!, r.lastFailureAt]) expect(Number.isInteger(v), String(v)).toBe(true);
    expect(r.lockedUntil! - clock.now()).toBeGreaterThanOrEqual(1_500);
  });

  it('refuses a policy that makes no sense with a clear error', () => {
    expect(() => resolvePolicy({ maxUsernameFailures: 0 })).toThrow(/maxUsernameFailures must be a whole number >= 1/);
    expect(() => resolvePolicy({ baseLockMs: 1.5 })).toThrow(/baseLockMs/);
    expect(() => resolvePolicy({ baseLockMs: 10 * MIN, maxLockMs: MIN })).toThrow(/maxLockMs must be >= baseLockMs/);
  });
});

describe('broker login limiter across a restart (restore rule)', () => {
  const at = Date.UTC(2026, 11, 6, 12, 0, 0);
  const rec = (r: Partial<LoginLockRecord>): LoginLockRecord => ({
    kind: 'username',
    key: 'site-a',
    failures: 5,
    lockMs: 4 * MIN,
    lockedUntil: null,
    lastFailureAt: at - 1_000,
    ...r,
  });

  it('a still-active lock keeps its remaining wall time', () => {
    const l = new LoginLimiter(new ManualClock(at));
    const { changed } = l.restore([rec({ lockedUntil: at + 3 * MIN })]);
    expect(changed).toEqual([]);
    expect(l.lockedBy('site-a', 'x')).toMatchObject({ retryInMs: 3 * MIN });
  });

  it('a still-active lock with only a moment left lasts at least 10 s after the restart', () => {
    const clock = new ManualClock(at);
    const l = new LoginLimiter(clock);
    const { changed } = l.restore([rec({ lockedUntil: at + 200 })]);
    expect(l.lockedBy('site-a', 'x')).toMatchObject({ retryInMs: 10_000 });
    expect(changed).toEqual([rec({ lockedUntil: at + 10_000 })]);
  });

  it('... but never longer than its own duration', () => {
    const l = new LoginLimiter(new ManualClock(at), { baseLockMs: 1_500 });
    l.restore([rec({ lockMs: 1_500, lockedUntil: at + 200 })]);
    expect(l.lockedBy('site-a', 'x')).toMatchObject({ retryInMs: 1_500 });
  });

  it('a deadline further away than the lock itself (wall clock went back) is cut to one whole lock', () => {
    const l = new LoginLimiter(new ManualClock(at));
    l.restore([rec({ lockedUntil: at + 365 * 24 * 60 * MIN })]);
    expect(l.lockedBy('site-a', 'x')).toMatchObject({ retryInMs: 4 * MIN });
  });

  it('an ended lock is not restarted, but its count is kept: the next failure doubles', () => {
    const l = new LoginLimiter(new ManualClock(at));
    l.restore([rec({ lockedUntil: at - 1 })]);
    expect(l.lockedBy('site-a', 'x')).toBeNull();
    expect(l.recordFailure('site-a', 'x').started[0]?.retryInMs).toBe(2 * MIN);
  });

  it('counts older than the forget time are dropped at restart', () => {
    const l = new LoginLimiter(new ManualClock(at));
    const { stale } = l.restore([rec({ failures: 3, lastFailureAt: at - 61 * MIN })]);
    expect(stale).toEqual([{ kind: 'username', key: 'site-a' }]);
    expect(l.record('username', 'site-a')).toBeNull();
  });
});

describe('broker login guard', () => {
  it('parallel wrong passwords get no more guesses than sequential ones: 20 at once, 5 checked', async () => {
    const clock = new ManualClock();
    const logger = createRecordingLogger();
    const guard = new LoginGuard({ clock, logger, store: noLoginLockStore() });
    let checks = 0;
    const wrong = async (): Promise<LoginVerdict> => {
      checks++;
      await new Promise((r) => setTimeout(r, 1));
      return { ok: false, reason: 'bad-password' };
    };
    const results = await Promise.all(Array.from({ length: 20 }, () => guard.attempt('site-a', '10.0.0.1', wrong, { clientId: 'site-a', username: 'site-a' })));
    expect(checks).toBe(5);
    expect(results.filter((r) => !r.ok && r.returnCode === 4)).toHaveLength(5);
    expect(results.filter((r) => !r.ok && r.returnCode === 5)).toHaveLength(15);
    const failed = logger.records.filter((r) => r.msg === 'broker login failed').map((r) => (r.obj as { failures: number }).failures);
    expect(failed).toEqual([1, 2, 3, 4, 5]);
    expect(logger.records.filter((r) => r.msg === 'broker login refused: locked')).toHaveLength(15);
    // The right password now: refused too.
    expect(await guard.attempt('site-a', '10.0.0.1', async () => ({ ok: true }), { clientId: 'site-a', username: 'site-a' })).toMatchObject({
      ok: false,
      returnCode: 5,
    });
  });
});

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
const pgSkip = await postgresSkipReason();
if (pgSkip) console.log(`loginLimiter: ${pgSkip} — the PostgreSQL store variant is skipped`);

describe.each([
  {
    name: 'sqlite',
    make: (): { config: DbConfig; cleanup: () => Promise<void> } => {
      const d = mkdtempSync(join(tmpdir(), 'dp-loginlocks-'));
      dirs.push(d);
      return { config: { kind: 'sqlite', path: join(d, 'bo.db') }, cleanup: async () => undefined };
    },
  },
  ...(pgSkip ? [] : [{ name: 'postgres', make: freshPgConfig }]),
])('broker login locks in the database ($name)', ({ make }) => {
  it('saves, reloads and removes counts and deadlines as whole milliseconds', async () => {
    const { config, cleanup } = make();
    try {
      const a = await openDatabase(config);
      const store = dbLoginLockStore(a.db);
      const r1: LoginLockRecord = {
        kind: 'username',
        key: 'site-a',
        failures: 5,
        lockMs: 60_000,
        lockedUntil: 1_800_000_060_000.25,
        lastFailureAt: 1_800_000_000_000.9,
      };
      const r2: LoginLockRecord = { kind: 'address', key: '::1', failures: 2, lockMs: 0, lockedUntil: null, lastFailureAt: 1_800_000_000_000 };
      await store.save([r1, r2]);
      await store.save([{ ...r1, failures: 6 }]);
      await a.close();
      const b = await openDatabase(config);
      const again = dbLoginLockStore(b.db);
      const loaded = (await again.load()).sort((x, y) => x.kind.localeCompare(y.kind));
      expect(loaded).toEqual([r2, { ...r1, failures: 6, lockedUntil: 1_800_000_060_001, lastFailureAt: 1_800_000_000_000 }]);
      await again.remove([{ kind: 'address', key: '::1' }]);
      expect((await again.load()).map((r) => r.key)).toEqual(['site-a']);
      await b.close();
    } finally {
      await cleanup();
    }
  });
});
