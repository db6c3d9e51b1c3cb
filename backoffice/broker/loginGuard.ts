/**
 * Wraps one broker login in the failed-login limits (loginLimiter.ts): refuses at once while the
 * username or the client address is locked, otherwise runs the password check, counts and persists
 * a failure (before the CONNACK goes out), logs it (username, address, reason, consecutive counts;
 * never the password) and resets the username's count on success.
 *
 * Attempts are serialised per address and per username, so parallel connections cannot get more
 * guesses past the limit than sequential ones (address first, then username: one global order, no
 * deadlock).
 */
import type { Clock, Logger } from '../platform.ts';
import { LoginLimiter, type LoginKeyKind, type LoginLimitPolicy, type LoginStats } from './loginLimiter.ts';
import type { LoginLockStore } from './loginLockStore.ts';

/** What the password check found. `refuse` = refused for another reason (not a failed guess, not counted). */
export type LoginVerdict =
  { ok: true } | { ok: false; reason: 'no-credentials' | 'unknown-user' | 'bad-password' } | { ok: false; refuse: 2 | 3 | 5; reason: string };

export type LoginOutcome = { ok: true } | { ok: false; returnCode: 2 | 3 | 4 | 5; message: string };

export interface LoginGuardOptions {
  clock: Clock;
  logger: Logger;
  policy?: Partial<LoginLimitPolicy>;
  store: LoginLockStore;
}

/** How often stale counts are swept (monotonic ms). */
const SWEEP_EVERY_MS = 60_000;

export class LoginGuard {
  readonly limiter: LoginLimiter;
  private store: LoginLockStore;
  private readonly tails = new Map<string, Promise<void>>();
  private lastSweep: number;

  constructor(private readonly o: LoginGuardOptions) {
    this.limiter = new LoginLimiter(o.clock, o.policy);
    this.store = o.store;
    this.lastSweep = o.clock.monotonic();
  }

  /** Load persisted counts and locks (at start, or when the database becomes available). */
  async attach(store: LoginLockStore): Promise<void> {
    this.store = store;
    const { changed, stale } = this.limiter.restore(await store.load());
    await store.save(changed);
    await store.remove(stale);
    const s = this.limiter.stats();
    if (s.lockedUsernames.length + s.lockedAddresses.length > 0)
      this.o.logger.warn({ lockedUsernames: s.lockedUsernames, lockedAddresses: s.lockedAddresses }, 'broker logins still locked after restart');
  }

  /** A new password was issued for `username`: its count and lock go (address locks stay). */
  async resetUsername(username: string): Promise<void> {
    const release = await this.acquire(`u:${username}`);
    try {
      if (!this.limiter.reset('username', username)) return;
      await this.persist(() => this.store.remove([{ kind: 'username', key: username }]));
      this.o.logger.info({ username }, 'broker login count reset (new password)');
    } finally {
      release();
    }
  }

  stats(): LoginStats {
    return this.limiter.stats();
  }

  /**
   * One login. `username` is null when none was sent or it can never be an account (it then
   * counts only against the address, so junk usernames cannot fill memory).
   */
  async attempt(
    username: string | null,
    address: string,
    check: () => Promise<LoginVerdict>,
    logged: { clientId: string; username: string | undefined },
  ): Promise<LoginOutcome> {
    const release = [await this.acquire(`a:${address}`), ...(username === null ? [] : [await this.acquire(`u:${username}`)])];
    try {
      return await this.attemptLocked(username, address, check, logged);
    } finally {
      for (const r of release.reverse()) r();
    }
  }

  private async attemptLocked(
    username: string | null,
    address: string,
    check: () => Promise<LoginVerdict>,
    logged: { clientId: string; username: string | undefined },
  ): Promise<LoginOutcome> {
    const log = this.o.logger;
    // Junk usernames / client ids can be 64 KiB long: log a bounded prefix.
    const who = { username: logged.username?.slice(0, 100), clientId: logged.clientId.slice(0, 100), address };
    await this.sweep();
    const locked = this.limiter.lockedBy(username, address);
    if (locked) {
      log.warn({ ...who, reason: 'locked', lockedBy: locked.kind, failures: locked.failures, retryInMs: locked.retryInMs }, 'broker login refused: locked');
      return { ok: false, returnCode: 5, message: 'not authorized (too many failed logins)' };
    }
    let verdict: LoginVerdict;
    try {
      verdict = await check();
    } catch (e) {
      log.error({ ...who, err: String(e) }, 'broker authentication failed');
      return { ok: false, returnCode: 5, message: 'authentication unavailable' };
    }
    if (verdict.ok) {
      const reset = username === null ? null : this.limiter.recordSuccess(username);
      if (reset) await this.persist(() => this.store.remove([reset]));
      return { ok: true };
    }
    if ('refuse' in verdict) {
      log.warn({ ...who, reason: verdict.reason }, 'broker login refused');
      return { ok: false, returnCode: verdict.refuse, message: verdict.reason };
    }
    const r = this.limiter.recordFailure(username, address);
    await this.persist(() => this.store.save(r.changed));
    log.warn({ ...who, reason: verdict.reason, failures: r.usernameFailures, addressFailures: r.addressFailures }, 'broker login failed');
    for (const s of r.started) log.warn({ kind: s.kind, key: s.key, failures: s.failures, lockMs: s.retryInMs }, `broker logins locked for this ${s.kind}`);
    return { ok: false, returnCode: 4, message: 'bad credentials' };
  }

  /** A failed write leaves the lock in memory (it still holds until a restart) and is logged loudly. */
  private async persist(write: () => Promise<void>): Promise<void> {
    try {
      await write();
    } catch (e) {
      this.o.logger.error({ err: String(e) }, 'broker login locks could not be saved (they hold until a restart)');
    }
  }

  private async sweep(): Promise<void> {
    const mono = this.o.clock.monotonic();
    if (mono - this.lastSweep < SWEEP_EVERY_MS) return;
    this.lastSweep = mono;
    const dropped: { kind: LoginKeyKind; key: string }[] = this.limiter.sweep();
    if (dropped.length > 0) await this.persist(() => this.store.remove(dropped));
  }

  /** Wait for earlier attempts on `key`; returns the release function. */
  private async acquire(key: string): Promise<() => void> {
    const prev = this.tails.get(key) ?? Promise.resolve();
    let release!: () => void;
    const mine = new Promise<void>((r) => (release = r));
    const tail = prev.then(() => mine);
    this.tails.set(key, tail);
    await prev;
    return () => {
      release();
      if (this.tails.get(key) === tail) this.tails.delete(key);
    };
  }
}
