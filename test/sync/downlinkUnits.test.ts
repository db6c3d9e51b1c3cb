import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../firmware-bridge/platform/clock.ts';
import { createRecordingLogger, createSilentLogger } from '../../firmware-bridge/platform/logger.ts';
import { Backoff, DEFAULT_BACKOFF } from '../../controller/sync/backoff.ts';
import { ChangeApplier, ChangeRejected } from '../../controller/sync/changeApplier.ts';
import { CommandRefused, CommandRunner, type CommandHandler } from '../../controller/sync/commandRunner.ts';
import { syncMigrations } from '../../controller/sync/migrations.ts';
import type { Change, Command } from '../../controller/contract/sync/index.ts';

function db(): Database.Database {
  const d = new Database(':memory:');
  for (const m of syncMigrations) m.up(d);
  d.exec('CREATE TABLE prices (sku TEXT PRIMARY KEY, cents INTEGER NOT NULL)');
  return d;
}
const change = (version: number, kind = 'prices', body: unknown = { sku: `s${version}`, cents: version * 100 }): Change => ({ v: 1, version, kind, body });
const setPrice = (d: Database.Database, body: unknown): void => {
  const b = body as { sku?: unknown; cents?: unknown };
  if (typeof b.sku !== 'string' || !Number.isInteger(b.cents)) throw new ChangeRejected('price change needs sku and integer cents');
  d.prepare('INSERT INTO prices (sku, cents) VALUES (?, ?) ON CONFLICT(sku) DO UPDATE SET cents = excluded.cents').run(b.sku, b.cents);
};

describe('ChangeApplier', () => {
  it('applies each version once, in order, and re-acknowledges duplicates', () => {
    const d = db();
    const a = new ChangeApplier(d, { prices: (tx, body) => setPrice(tx, body) }, createSilentLogger());
    expect(a.apply(change(1))).toEqual({ outcome: 'applied', version: 1 });
    expect(a.apply(change(1))).toEqual({ outcome: 'duplicate', version: 1 });
    expect(a.apply(change(3))).toMatchObject({ outcome: 'gap', version: 1, expected: 2 });
    expect(a.apply(change(2))).toEqual({ outcome: 'applied', version: 2 });
    expect(a.apply(change(3))).toEqual({ outcome: 'applied', version: 3 });
    expect(d.prepare('SELECT COUNT(*) AS n FROM prices').get()).toEqual({ n: 3 });
    expect(a.appliedVersion()).toBe(3);
  });

  it('rolls back the handler and the version together on a failure, so a resend retries it', () => {
    const d = db();
    let fail = true;
    const a = new ChangeApplier(
      d,
      {
        prices: (tx, body) => {
          setPrice(tx, body);
          if (fail) throw new Error('disk full');
        },
      },
      createSilentLogger(),
    );
    expect(a.apply(change(1))).toMatchObject({ outcome: 'failed', version: 0 });
    expect(d.prepare('SELECT COUNT(*) AS n FROM prices').get()).toEqual({ n: 0 });
    fail = false;
    expect(a.apply(change(1))).toEqual({ outcome: 'applied', version: 1 });
  });

  it('rejects an unknown kind or an invalid body, advances the version and changes nothing else', () => {
    const d = db();
    const logger = createRecordingLogger();
    const a = new ChangeApplier(d, { prices: (tx, body) => setPrice(tx, body) }, logger);
    expect(a.apply(change(1, 'toString'))).toMatchObject({ outcome: 'rejected', version: 1, reason: expect.stringContaining('unknown change kind') });
    expect(a.apply(change(2, 'prices', { sku: 5 }))).toMatchObject({ outcome: 'rejected', version: 2, reason: expect.stringContaining('sku') });
    expect(d.prepare('SELECT COUNT(*) AS n FROM prices').get()).toEqual({ n: 0 });
    expect(logger.records.filter((r) => r.level === 'warn')).toHaveLength(2);
  });
});

const YEAR = 365 * 24 * 3600_000;
function runner(handlers: Record<string, CommandHandler>, opts: { synced?: boolean; session?: number } = {}) {
  const clock = new ManualClock(Date.UTC(2026, 10, 21));
  const d = db();
  const r = new CommandRunner({
    db: d,
    clock,
    logger: createSilentLogger(),
    handlers,
    currentSession: () => opts.session ?? 7,
    isClockSynced: () => opts.synced ?? false,
  });
  return { clock, d, r };
}
const cmd = (id: string, over: Partial<Command> = {}): Command => ({
  v: 1,
  id,
  kind: 'door.release',
  issuedAt: Date.UTC(2026, 10, 21),
  ttlMs: 60_000,
  body: { door: 1 },
  ...over,
});

describe('CommandRunner', () => {
  it('executes a command once; replays return the stored result without executing', async () => {
    let runs = 0;
    const { r } = runner({ 'door.release': () => ({ released: ++runs }) });
    const first = await r.receive(cmd('cmd-00000001'));
    expect(first).toMatchObject({ replay: false, result: { status: 'done', result: { released: 1 } } });
    for (let i = 0; i < 3; i++) {
      const again = await r.receive(cmd('cmd-00000001'));
      expect(again.replay).toBe(true);
      expect(again.result).toEqual(first.result);
    }
    expect(runs).toBe(1);
  });

  it('refuses a command held past its ttl even when the wall clock was set back a year', async () => {
    let release!: () => void;
    let doorRuns = 0;
    const { r, clock } = runner(
      {
        slow: () => new Promise<void>((res) => (release = res)),
        'door.release': () => void doorRuns++,
      },
      { synced: true },
    );
    const slow = r.receive(cmd('cmd-slow0001', { kind: 'slow' }));
    const door = r.receive(cmd('cmd-door0001', { ttlMs: 5_000 }));
    clock.setWall(clock.now() - YEAR); // the Pi's clock jumps back a year
    clock.advance(6_000); // the door command waited 6 s behind the slow one
    await Promise.resolve();
    release();
    await slow;
    expect(await door).toMatchObject({ replay: false, result: { status: 'refused', reason: 'expired' } });
    expect(doorRuns).toBe(0);
    expect((await r.receive(cmd('cmd-door0001', { ttlMs: 5_000 }))).result).toMatchObject({ status: 'refused', reason: 'expired' });
    expect(doorRuns).toBe(0);
  });

  it('refuses by the synced wall clock a command that is already past expiresAt', async () => {
    const { r, clock } = runner({ 'door.release': () => undefined }, { synced: true });
    clock.setWall(Date.UTC(2026, 10, 22));
    expect((await r.receive(cmd('cmd-late0001'))).result).toMatchObject({ status: 'refused', reason: 'expired' });
  });

  it('an unsynced wall clock can never make a command valid or stale', async () => {
    let runs = 0;
    const { r, clock } = runner({ 'door.release': () => void runs++ }, { synced: false });
    clock.setWall(0); // 1970
    expect((await r.receive(cmd('cmd-1970a001'))).result.status).toBe('done');
    clock.setWall(Date.UTC(2028, 10, 21)); // +2 years
    expect((await r.receive(cmd('cmd-2028a001'))).result.status).toBe('done');
    expect(runs).toBe(2);
  });

  it('refuses a command issued for another session, an unknown kind and an invalid body', async () => {
    const { r } = runner({
      'door.release': (body) => {
        if (typeof (body as { door?: unknown }).door !== 'number') throw new CommandRefused('invalid-body', 'door must be a number');
        return undefined;
      },
    });
    expect((await r.receive(cmd('cmd-sess0001', { session: 6 }))).result).toMatchObject({ status: 'refused', reason: 'stale-session' });
    expect((await r.receive(cmd('cmd-kind0001', { kind: 'self.destruct' }))).result).toMatchObject({ status: 'refused', reason: 'unknown-kind' });
    expect((await r.receive(cmd('cmd-body0001', { body: { door: 'x' } }))).result).toMatchObject({ status: 'refused', reason: 'invalid-body' });
  });

  it('a command interrupted by a crash is never executed again', async () => {
    const { r, d } = runner({ 'door.release': () => undefined });
    d.prepare(
      "INSERT INTO sync_commands (id, kind, status, reason, result, decided_at, clock_synced) VALUES ('cmd-crash001', 'door.release', 'executing', NULL, NULL, 1, 0)",
    ).run();
    expect(await r.receive(cmd('cmd-crash001'))).toMatchObject({ replay: true, result: { status: 'failed', reason: 'interrupted' } });
  });

  it('reports a handler failure as failed with the reason', async () => {
    const { r } = runner({
      'door.release': () => {
        throw new Error('lock board lost');
      },
    });
    expect((await r.receive(cmd('cmd-fail0001'))).result).toMatchObject({ status: 'failed', reason: 'lock board lost' });
  });
});

describe('Backoff', () => {
  it('grows exponentially with full jitter above a floor, capped, and resets', () => {
    const b = new Backoff({ floorMs: 100, baseMs: 1_000, capMs: 8_000 }, () => 1);
    expect([b.next(), b.next(), b.next(), b.next(), b.next()]).toEqual([1_000, 2_000, 4_000, 8_000, 8_000]);
    b.reset();
    expect(b.next()).toBe(1_000);
    const low = new Backoff({ floorMs: 100, baseMs: 1_000, capMs: 8_000 }, () => 0);
    expect(low.next()).toBe(100);
  });

  it('spreads a fleet of 1,000 points reconnecting at once over >= 55 s at <= 50/s (default options)', () => {
    let seed = 42;
    const rnd = (): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const delays = Array.from({ length: 1000 }, () => {
      const b = new Backoff(DEFAULT_BACKOFF, rnd);
      return b.next();
    });
    const perSecond = new Map<number, number>();
    for (const d of delays) perSecond.set(Math.floor(d / 1000), (perSecond.get(Math.floor(d / 1000)) ?? 0) + 1);
    expect(Math.max(...delays) - Math.min(...delays)).toBeGreaterThanOrEqual(55_000);
    expect(Math.max(...perSecond.values())).toBeLessThanOrEqual(50); // REFERENCE S8
  });

  it('rejects inconsistent options', () => {
    expect(() => new Backoff({ floorMs: 10, baseMs: 5, capMs: 100 })).toThrow(/floorMs <= baseMs/);
  });
});
