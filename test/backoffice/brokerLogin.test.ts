/**
 * Guessing a site's broker password against the embedded broker of a real backoffice process (its
 * own process, system clock, SQLite), with the real mqtt.js client: after 5 wrong passwords every
 * login of that site is refused with CONNACK 5, the right password included, each attempt is
 * logged, `/health` shows the lock, and the right password is accepted once the (short, configured)
 * lock ends. The lock is in the database before the refusal goes out: it survives `kill -9`.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../backoffice/db/database.ts';
import { createSiteCredentials } from '../../backoffice/credentials/siteCredentials.ts';
import { hashPassword } from '../../backoffice/credentials/passwordHash.ts';
import { startEmbeddedBroker } from '../../backoffice/broker/embeddedBroker.ts';
import { noLoginLockStore } from '../../backoffice/broker/loginLockStore.ts';
import { startStandalone } from '../../backoffice/standalone.ts';
import { createSystemClock } from '../../firmware-bridge/platform/clock.ts';
import { createRecordingLogger } from '../../firmware-bridge/platform/logger.ts';
import { signIn } from './authFixture.ts';

const CHILD = join(import.meta.dirname, 'brokerLoginChild.ts');
const SITE = 'site-guessed';
const WRONG = 'not-the-password-123';

interface Child {
  dataDir: string;
  brokerUrl: string;
  httpUrl: string;
  logs: () => Record<string, unknown>[];
  kill9: () => Promise<void>;
  stop: () => Promise<void>;
}

const dirs: string[] = [];
let cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanup.reverse()) await c().catch(() => undefined);
  cleanup = [];
});
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

async function startChild(dataDir: string, lockMs: number): Promise<Child> {
  const proc = spawn(process.execPath, ['--import', 'tsx', CHILD, dataDir, '--lock-ms', String(lockMs)], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  const ready = await new Promise<string[]>((resolve, reject) => {
    proc.stdout.on('data', (b: Buffer) => {
      out += b.toString();
      const m = /^ready (\S+) (\S+)$/m.exec(out);
      if (m) resolve([m[1]!, m[2]!]);
    });
    proc.once('exit', () => reject(new Error(`backoffice exited before it was ready: ${out}`)));
  });
  const child: Child = {
    dataDir,
    brokerUrl: ready[0]!,
    httpUrl: ready[1]!,
    logs: () =>
      out
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l) as Record<string, unknown>),
    kill9: async () => {
      proc.kill('SIGKILL');
      await exited;
    },
    stop: async () => {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGTERM');
      await exited;
    },
  };
  cleanup.push(child.stop);
  return child;
}

/** One login with mqtt.js: 0 when accepted, else the CONNACK return code. */
async function login(url: string, password: string, username = SITE): Promise<number> {
  try {
    const c = await mqtt.connectAsync(url, { clientId: username, username, password, protocolVersion: 4, reconnectPeriod: 0, connectTimeout: 5_000 });
    await c.endAsync();
    return 0;
  } catch (e) {
    const code = (e as { code?: unknown }).code;
    if (typeof code !== 'number') throw e;
    return code;
  }
}

/** `/api/health` as a signed-in accountant (a session written into the child's database). */
async function health(child: Child): Promise<{ failures: number; lockouts: number; lockedUsernames: string[]; lockedAddresses: string[] }> {
  const d = await openDatabase({ kind: 'sqlite', path: join(child.dataDir, 'backoffice.db') });
  let who: Awaited<ReturnType<typeof signIn>>;
  try {
    who = await signIn(d.db, 'accountant', Date.now());
  } finally {
    await d.close();
  }
  const r = await fetch(`${child.httpUrl}/api/health`, { headers: who.headers });
  const body = (await r.json()) as { brokerLogins: { failures: number; lockouts: number; lockedUsernames: string[]; lockedAddresses: string[] } };
  return body.brokerLogins;
}

async function freshSite(): Promise<{ dir: string; password: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'dp-brokerlogin-'));
  dirs.push(dir);
  const d = await openDatabase({ kind: 'sqlite', path: join(dir, 'backoffice.db') });
  try {
    return { dir, password: (await createSiteCredentials(d.db, SITE, Date.now())).password };
  } finally {
    await d.close();
  }
}

/** Retry the right password until it is accepted; returns when (Date.now()). */
async function acceptedAt(url: string, password: string, timeoutMs: number): Promise<number> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const rc = await login(url, password);
    if (rc === 0) return Date.now();
    expect(rc, 'refused while locked with CONNACK 5').toBe(5);
    if (Date.now() > until) throw new Error('the right password was never accepted again');
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('guessing a site password on the embedded broker (real backoffice process)', () => {
  it('100 wrong passwords: locked after 5, every attempt logged, the right password refused until the lock ends, then accepted', async () => {
    const { dir, password } = await freshSite();
    const child = await startChild(dir, 1_500);

    const codes: number[] = [];
    const beforeFifth: number[] = [];
    for (let i = 0; i < 100; i++) {
      if (i === 4) beforeFifth.push(Date.now());
      codes.push(await login(child.brokerUrl, WRONG));
      if (i === 4) {
        // The lock has just started: the right password is refused as well.
        expect(await login(child.brokerUrl, password)).toBe(5);
        expect(await health(child)).toMatchObject({ lockedUsernames: [SITE], lockouts: 1, failures: 5 });
      }
    }
    expect(codes.slice(0, 5), 'the first five are ordinary "bad username or password"').toEqual([4, 4, 4, 4, 4]);
    expect(codes[5], 'the sixth is refused as locked').toBe(5);
    expect(codes.every((c) => c === 4 || c === 5)).toBe(true);

    const at = await acceptedAt(child.brokerUrl, password, 30_000);
    expect(at - beforeFifth[0]!, 'not accepted before the 1.5 s lock ended').toBeGreaterThanOrEqual(1_500);

    const logs = child.logs();
    const failed = logs.filter((l) => l.msg === 'broker login failed' && l.username === SITE);
    const lockedRefusals = logs.filter((l) => l.msg === 'broker login refused: locked' && l.username === SITE);
    expect(failed.length, 'every wrong password that was checked is logged as failed').toBe(codes.filter((c) => c === 4).length);
    expect(failed.slice(0, 5).map((l) => [l.failures, l.reason, l.address])).toEqual([1, 2, 3, 4, 5].map((n) => [n, 'bad-password', '127.0.0.1']));
    expect(lockedRefusals.length, 'every refusal while locked is logged (100 guesses + the right password while locked)').toBeGreaterThanOrEqual(
      codes.filter((c) => c === 5).length + 1,
    );
    expect(failed.length + lockedRefusals.length, '100 guesses and the right password while locked, each logged once').toBeGreaterThanOrEqual(101);
    expect(logs.some((l) => l.msg === 'broker logins locked for this username' && l.key === SITE)).toBe(true);
    expect(JSON.stringify(logs)).not.toContain(WRONG);
    expect(JSON.stringify(logs)).not.toContain(password);
    const h = await health(child);
    expect(h.failures).toBe(failed.length);
    expect(h.lockedUsernames).toEqual([]);
  }, 60_000);

  it('the lock holds after kill -9 of the backoffice and a restart, and still ends on time', async () => {
    const { dir, password } = await freshSite();
    const lockMs = 12_000; // long enough for a slow restart on a loaded machine
    const first = await startChild(dir, lockMs);
    const t0 = Date.now();
    for (let i = 0; i < 5; i++) expect(await login(first.brokerUrl, WRONG)).toBe(4);
    // The fifth refusal is out: the lock must already be on disk.
    await first.kill9();

    const second = await startChild(dir, lockMs);
    const restartedAfter = Date.now() - t0;
    expect(restartedAfter, 'the restart must be quicker than the lock for this test to mean anything').toBeLessThan(lockMs - 1_000);
    expect(await login(second.brokerUrl, password), 'the right password is still refused after the restart').toBe(5);
    expect(await health(second)).toMatchObject({ lockedUsernames: [SITE] });
    expect(second.logs().some((l) => l.msg === 'broker logins still locked after restart')).toBe(true);

    const d = await openDatabase({ kind: 'sqlite', path: join(dir, 'backoffice.db') });
    const row = await d.db.selectFrom('broker_login_locks').selectAll().where('kind', '=', 'username').where('key', '=', SITE).executeTakeFirstOrThrow();
    await d.close();
    expect(Number(row.failures)).toBe(5);
    expect(Number.isInteger(Number(row.locked_until))).toBe(true);

    const at = await acceptedAt(second.brokerUrl, password, lockMs + 10_000);
    expect(at, 'not accepted before the persisted deadline').toBeGreaterThanOrEqual(Number(row.locked_until));
    // Restart rule: the remaining time, but at least min(lock, 10 s) from the restart; never a fresh doubling.
    expect(at - t0, 'the lock still ends').toBeLessThan(restartedAfter + Math.min(lockMs, 10_000) + 3_000);
  }, 60_000);
});

describe('guessing across usernames on the embedded broker (in process)', () => {
  it('20 failures from one address over 20 usernames (junk ones included) lock that address: a good site is refused there too', async () => {
    const logger = createRecordingLogger();
    const good = hashPassword('good-password');
    const broker = await startEmbeddedBroker({
      port: 0,
      lookupSiteHash: async (u) => (u === 'site-good' ? good : null),
      serviceAccounts: [],
      loginLimit: { store: 'attach-later' },
      clock: createSystemClock(),
      logger,
    });
    cleanup.push(() => broker.stop());
    // Before the database is attached a site cannot be checked: "server unavailable", not a failure.
    expect(await login(broker.url, 'good-password', 'site-good')).toBe(3);
    await broker.attachLoginStore(noLoginLockStore());
    expect(await login(broker.url, 'good-password', 'site-good')).toBe(0);

    for (let i = 0; i < 20; i++) expect(await login(broker.url, WRONG, i % 2 === 0 ? `site-${i}` : `NOT A SITE ${i}`)).toBe(4);
    expect(await login(broker.url, 'good-password', 'site-good'), 'the address is locked, the right password included').toBe(5);
    expect(broker.logins()).toMatchObject({ failures: 20, lockouts: 1, lockedAddresses: ['127.0.0.1'], lockedUsernames: [] });
    const failed = logger.records
      .filter((r) => r.msg === 'broker login failed')
      .map((r) => r.obj as { addressFailures: number; failures: number; reason: string });
    expect(failed.map((f) => f.addressFailures)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect(
      failed.every((f) => f.failures <= 1),
      'each username failed at most once',
    ).toBe(true);
    expect(new Set(failed.map((f) => f.reason))).toEqual(new Set(['unknown-user']));
  });
});

describe('re-provisioning a locked site (in process)', () => {
  it('a new password for a locked site is accepted at once, the count and the stored lock are gone', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dp-brokerlogin-'));
    dirs.push(dir);
    const sa = await startStandalone({ dataDir: dir, brokerPort: 0, clock: createSystemClock(), logger: createRecordingLogger() });
    cleanup.push(() => sa.stop());
    const old = await sa.createSiteCredentials(SITE);
    for (let i = 0; i < 5; i++) expect(await login(sa.broker.url, WRONG)).toBe(4);
    expect(await login(sa.broker.url, old), 'locked (60 s by default)').toBe(5);
    const fresh = await sa.createSiteCredentials(SITE);
    expect(await login(sa.broker.url, fresh)).toBe(0);
    expect(sa.broker.logins().lockedUsernames).toEqual([]);
    const rows = await sa.backoffice.db.selectFrom('broker_login_locks').select(['kind', 'key']).execute();
    expect(rows).toEqual([{ kind: 'address', key: '127.0.0.1' }]);
  });
});
