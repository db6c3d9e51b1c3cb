/**
 * Failed-login limits of the embedded broker (in memory, on the injected clock): per username and
 * per client address, consecutive failures are counted; at the limit (default 5 per username, 20
 * per address) every login for that username / from that address is refused, the right password
 * included, for `baseLockMs` (60 s); each further failure after a lock ended doubles the lock, up
 * to `maxLockMs` (15 min). A successful login resets the username's count (not the address's: a
 * valid account must not launder guesses at other accounts). A count is forgotten `forgetAfterMs`
 * after its last failure when no lock is active. Attempts refused while locked test nothing and
 * count nothing (they neither extend the lock nor raise the count).
 *
 * Deadlines run on `clock.monotonic()` (a wall-clock jump neither ends nor extends a running lock);
 * for persistence each record also carries its deadline as whole-ms wall time. `restore()` applies
 * the restart rule: a lock still active by the wall clock restarts with its remaining time, at least
 * `restartMinLockMs` (or its whole duration if shorter), at most its whole duration (clock went back).
 */
import type { Clock } from '../platform.ts';

export type LoginKeyKind = 'username' | 'address';

export interface LoginLimitPolicy {
  /** Consecutive failures of one username that start a lock. */
  maxUsernameFailures: number;
  /** Consecutive failures from one client address that start a lock; null = no address limit (e.g. behind a TCP proxy). */
  maxAddressFailures: number | null;
  baseLockMs: number;
  maxLockMs: number;
  /** A count with no failure for this long (and no active lock) is dropped. */
  forgetAfterMs: number;
  /** After a restart a still-active lock lasts at least this long (or its whole duration if shorter). */
  restartMinLockMs: number;
}

export const DEFAULT_LOGIN_LIMIT_POLICY: LoginLimitPolicy = {
  maxUsernameFailures: 5,
  maxAddressFailures: 20,
  baseLockMs: 60_000,
  maxLockMs: 15 * 60_000,
  forgetAfterMs: 60 * 60_000,
  restartMinLockMs: 10_000,
};

/** The persisted form of one count/lock (all times whole ms, wall clock). */
export interface LoginLockRecord {
  kind: LoginKeyKind;
  key: string;
  failures: number;
  /** Duration of the current/last lock (0 = never locked). */
  lockMs: number;
  /** Wall-clock deadline of the current/last lock, null when never locked. */
  lockedUntil: number | null;
  lastFailureAt: number;
}

export interface LockedBy {
  kind: LoginKeyKind;
  key: string;
  failures: number;
  retryInMs: number;
}

export interface LoginStats {
  /** Failed logins (wrong/unknown credentials) since start. */
  failures: number;
  /** Logins refused because the username or address was locked, since start. */
  refusedWhileLocked: number;
  /** Locks started since start. */
  lockouts: number;
  lockedUsernames: string[];
  lockedAddresses: string[];
}

interface Entry {
  kind: LoginKeyKind;
  key: string;
  failures: number;
  lockMs: number;
  lockedUntilMono: number | null;
  lockedUntilWall: number | null;
  lastFailureMono: number;
  lastFailureWall: number;
}

export function resolvePolicy(p: Partial<LoginLimitPolicy> = {}): LoginLimitPolicy {
  const policy = { ...DEFAULT_LOGIN_LIMIT_POLICY, ...p };
  const positiveInt = (name: keyof LoginLimitPolicy, v: number): void => {
    if (!Number.isSafeInteger(v) || v < 1) throw new Error(`broker login limit: ${name} must be a whole number >= 1, got ${String(v)}`);
  };
  positiveInt('maxUsernameFailures', policy.maxUsernameFailures);
  if (policy.maxAddressFailures !== null) positiveInt('maxAddressFailures', policy.maxAddressFailures);
  positiveInt('baseLockMs', policy.baseLockMs);
  positiveInt('maxLockMs', policy.maxLockMs);
  positiveInt('forgetAfterMs', policy.forgetAfterMs);
  if (!Number.isSafeInteger(policy.restartMinLockMs) || policy.restartMinLockMs < 0)
    throw new Error(`broker login limit: restartMinLockMs must be a whole number >= 0`);
  if (policy.maxLockMs < policy.baseLockMs) throw new Error('broker login limit: maxLockMs must be >= baseLockMs');
  if (policy.forgetAfterMs < policy.maxLockMs) throw new Error('broker login limit: forgetAfterMs must be >= maxLockMs (or doubling never reaches the cap)');
  return policy;
}

/** Lock duration after `failures` consecutive failures against a limit of `limit` (0 = no lock). */
export function lockDurationMs(failures: number, limit: number, policy: LoginLimitPolicy): number {
  if (failures < limit) return 0;
  const doublings = Math.min(failures - limit, 30);
  return Math.min(policy.baseLockMs * 2 ** doublings, policy.maxLockMs);
}

function id(kind: LoginKeyKind, key: string): string {
  return `${kind === 'username' ? 'u' : 'a'}:${key}`;
}

export class LoginLimiter {
  readonly policy: LoginLimitPolicy;
  private readonly entries = new Map<string, Entry>();
  private counters = { failures: 0, refusedWhileLocked: 0, lockouts: 0 };

  constructor(
    private readonly clock: Clock,
    policy: Partial<LoginLimitPolicy> = {},
  ) {
    this.policy = resolvePolicy(policy);
  }

  private limit(kind: LoginKeyKind): number | null {
    return kind === 'username' ? this.policy.maxUsernameFailures : this.policy.maxAddressFailures;
  }

  private remaining(e: Entry | undefined): number {
    if (!e || e.lockedUntilMono === null) return 0;
    return Math.max(0, Math.ceil(e.lockedUntilMono - this.clock.monotonic()));
  }

  /** The lock that refuses this attempt (username checked first), or null. Counts the refusal. */
  lockedBy(username: string | null, address: string): LockedBy | null {
    const candidates = [username === null ? undefined : this.entries.get(id('username', username)), this.entries.get(id('address', address))];
    for (const e of candidates) {
      const left = this.remaining(e);
      if (e && left > 0) {
        this.counters.refusedWhileLocked++;
        return { kind: e.kind, key: e.key, failures: e.failures, retryInMs: left };
      }
    }
    return null;
  }

  /**
   * One failed login. Returns the updated counts, the locks this failure started and the records
   * to persist.
   */
  recordFailure(
    username: string | null,
    address: string,
  ): { usernameFailures: number; addressFailures: number; started: LockedBy[]; changed: LoginLockRecord[] } {
    this.counters.failures++;
    const started: LockedBy[] = [];
    const changed: LoginLockRecord[] = [];
    const counts = { username: 0, address: 0 };
    const keys: [LoginKeyKind, string | null][] = [
      ['username', username],
      ['address', address],
    ];
    const mono = this.clock.monotonic();
    const wall = this.clock.now();
    for (const [kind, key] of keys) {
      if (key === null) continue;
      const k = id(kind, key);
      const e: Entry = this.entries.get(k) ?? {
        kind,
        key,
        failures: 0,
        lockMs: 0,
        lockedUntilMono: null,
        lockedUntilWall: null,
        lastFailureMono: mono,
        lastFailureWall: wall,
      };
      e.failures++;
      e.lastFailureMono = mono;
      e.lastFailureWall = Math.floor(wall);
      const limit = this.limit(kind);
      const lockMs = limit === null ? 0 : lockDurationMs(e.failures, limit, this.policy);
      if (lockMs > 0 && this.remaining(e) === 0) {
        e.lockMs = lockMs;
        e.lockedUntilMono = mono + lockMs;
        e.lockedUntilWall = Math.ceil(wall + lockMs);
        this.counters.lockouts++;
        started.push({ kind, key, failures: e.failures, retryInMs: lockMs });
      }
      this.entries.set(k, e);
      counts[kind] = e.failures;
      changed.push(toRecord(e));
    }
    return { usernameFailures: counts.username, addressFailures: counts.address, started, changed };
  }

  /** A successful login: the username's count is reset. Returns the record to delete, if any. */
  recordSuccess(username: string): { kind: LoginKeyKind; key: string } | null {
    const k = id('username', username);
    if (!this.entries.delete(k)) return null;
    return { kind: 'username', key: username };
  }

  /** Forget a key's count and lock (e.g. the site's password was replaced: old guesses are moot). */
  reset(kind: LoginKeyKind, key: string): boolean {
    return this.entries.delete(id(kind, key));
  }

  /** Drop counts with no failure for `forgetAfterMs` and no active lock; returns what was dropped. */
  sweep(): { kind: LoginKeyKind; key: string }[] {
    const mono = this.clock.monotonic();
    const dropped: { kind: LoginKeyKind; key: string }[] = [];
    for (const [k, e] of this.entries) {
      if (this.remaining(e) === 0 && mono - e.lastFailureMono >= this.policy.forgetAfterMs) {
        this.entries.delete(k);
        dropped.push({ kind: e.kind, key: e.key });
      }
    }
    return dropped;
  }

  /**
   * Take over persisted records after a restart (restart rule in the file comment). Returns the
   * records whose stored form changed (deadline moved) and those to delete (forgotten).
   */
  restore(records: readonly LoginLockRecord[]): { changed: LoginLockRecord[]; stale: { kind: LoginKeyKind; key: string }[] } {
    const mono = this.clock.monotonic();
    const wall = this.clock.now();
    const changed: LoginLockRecord[] = [];
    const stale: { kind: LoginKeyKind; key: string }[] = [];
    for (const r of records) {
      const remainingWall = r.lockedUntil === null ? 0 : r.lockedUntil - wall;
      const active = remainingWall > 0 && r.lockMs > 0;
      const age = Math.min(Math.max(0, wall - r.lastFailureAt), this.policy.forgetAfterMs);
      if (!active && age >= this.policy.forgetAfterMs) {
        stale.push({ kind: r.kind, key: r.key });
        continue;
      }
      const e: Entry = {
        kind: r.kind,
        key: r.key,
        failures: Math.max(0, Math.floor(r.failures)),
        lockMs: r.lockMs,
        lockedUntilMono: null,
        lockedUntilWall: r.lockedUntil,
        lastFailureMono: mono - age,
        lastFailureWall: r.lastFailureAt,
      };
      if (active) {
        const floor = Math.min(r.lockMs, this.policy.restartMinLockMs);
        const left = Math.min(r.lockMs, Math.max(Math.ceil(remainingWall), floor));
        e.lockedUntilMono = mono + left;
        e.lockedUntilWall = Math.ceil(wall + left);
        if (e.lockedUntilWall !== r.lockedUntil) changed.push(toRecord(e));
      }
      const k = id(r.kind, r.key);
      const mine = this.entries.get(k);
      if (mine) {
        // Activity before the store was attached: keep the stricter of both.
        mine.failures = Math.max(mine.failures, e.failures);
        if ((e.lockedUntilMono ?? -Infinity) > (mine.lockedUntilMono ?? -Infinity)) {
          mine.lockedUntilMono = e.lockedUntilMono;
          mine.lockedUntilWall = e.lockedUntilWall;
          mine.lockMs = e.lockMs;
        }
        changed.push(toRecord(mine));
      } else this.entries.set(k, e);
    }
    return { changed, stale };
  }

  /** The current record of a key (tests, persistence). */
  record(kind: LoginKeyKind, key: string): LoginLockRecord | null {
    const e = this.entries.get(id(kind, key));
    return e ? toRecord(e) : null;
  }

  stats(): LoginStats {
    const lockedUsernames: string[] = [];
    const lockedAddresses: string[] = [];
    for (const e of this.entries.values()) {
      if (this.remaining(e) === 0) continue;
      (e.kind === 'username' ? lockedUsernames : lockedAddresses).push(e.key);
    }
    return { ...this.counters, lockedUsernames: lockedUsernames.sort(), lockedAddresses: lockedAddresses.sort() };
  }
}

function toRecord(e: Entry): LoginLockRecord {
  return { kind: e.kind, key: e.key, failures: e.failures, lockMs: e.lockMs, lockedUntil: e.lockedUntilWall, lastFailureAt: Math.floor(e.lastFailureWall) };
}
