/**
 * Sign-in: throttle check, password, second factor, session. Unknown user, wrong password,
 * disabled account and wrong code all give the same `invalid-credentials` (and count as a
 * failure); an unknown user costs the same scrypt work as a known one. `totp-required` is
 * answered only after the right password (the UI then asks for the code) and also counts as a
 * failure, so it is no unthrottled password oracle.
 *
 * Enrolment: a user whose role requires TOTP (roles.ts) but who has none yet gets a session
 * flagged `enrolmentRequired`; the permission hook lets such a session reach only /api/auth/*
 * (me, logout, totp/setup, totp/confirm) until the code is confirmed.
 */
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';
import type { AuditLog } from './audit.ts';
import { DEFAULT_SCRYPT_COST, hashUserPassword, verifyUserPassword, type ScryptCost } from './passwords.ts';
import { totpRequired } from './roles.ts';
import { createSession, DEFAULT_SESSION_LIMITS, purgeExpiredSessions, type NewSession, type SessionLimits } from './sessions.ts';
import { clearFailures, DEFAULT_THROTTLE, lockedUntil, purgeStaleThrottle, recordFailure, type ThrottleConfig } from './throttle.ts';
import { checkTotp } from './totp.ts';
import { findUserById, findUserByName, normaliseUsername, UserInputError, type UserRow } from './users.ts';
import { passwordProblem } from './passwords.ts';

export interface AuthConfig {
  /** Set `Secure` on the session cookie (HTTPS). Off only for plain-HTTP development. */
  secureCookie: boolean;
  session: SessionLimits;
  throttle: ThrottleConfig;
  scryptCost: ScryptCost;
}

export const DEFAULT_AUTH: AuthConfig = { secureCookie: true, session: DEFAULT_SESSION_LIMITS, throttle: DEFAULT_THROTTLE, scryptCost: DEFAULT_SCRYPT_COST };

export type LoginResult =
  | { ok: true; user: UserRow; session: NewSession; enrolmentRequired: boolean }
  | { ok: false; code: 'locked'; until: number }
  | { ok: false; code: 'invalid-credentials' | 'totp-required' };

export class LoginService {
  private dummyHash: Promise<string> | null = null;

  constructor(
    private readonly db: Kysely<DB>,
    private readonly cfg: AuthConfig,
    private readonly audit: AuditLog,
    private readonly now: () => number,
  ) {}

  async login(input: { username: string; password: string; totp?: string | undefined }, clientAddress: string | null): Promise<LoginResult> {
    const username = normaliseUsername(input.username);
    const userKey = `user:${username}`;
    const addrKey = `addr:${clientAddress ?? 'unknown'}`;
    const actor = { userId: null, username, role: null, clientAddress };
    await purgeStaleThrottle(this.db, this.now());
    const until = await lockedUntil(this.db, [userKey, addrKey], this.now());
    // Refusals while locked are not audited (they change nothing and cost no scrypt, so they could
    // flood the log); the failure that set the lock is, with its deadline.
    if (until > 0) return { ok: false, code: 'locked', until };
    const user = await findUserByName(this.db, username);
    const passwordOk = await verifyUserPassword(input.password, user?.password_hash ?? (await this.dummy()));
    let failure: 'invalid-credentials' | 'totp-required' | null = null;
    let step: number | null = null;
    if (!user || !passwordOk || Number(user.disabled) === 1) failure = 'invalid-credentials';
    else if (Number(user.totp_enabled) === 1) {
      if (input.totp === undefined || input.totp === '') failure = 'totp-required';
      else {
        step = checkTotp(user.totp_secret ?? '', user.username, input.totp, this.now(), Number(user.totp_last_step));
        if (step === null) failure = 'invalid-credentials';
      }
    }
    if (failure !== null || !user) {
      const lockSet = await recordFailure(
        this.db,
        [
          { key: userKey, policy: this.cfg.throttle.user },
          { key: addrKey, policy: this.cfg.throttle.address },
        ],
        this.now(),
      );
      const who = user ? { ...actor, userId: user.id, role: user.role } : actor;
      await this.audit.record(
        this.db,
        who,
        { action: 'auth.login', outcome: 'failed', detail: { reason: failure, ...(lockSet > 0 ? { lockedUntil: lockSet } : {}) } },
        this.now(),
      );
      return { ok: false, code: failure ?? 'invalid-credentials' };
    }
    if (step !== null) {
      // Claim the step atomically: of two concurrent logins with the same code only one wins.
      const claimed = await this.db
        .updateTable('users')
        .set({ totp_last_step: step })
        .where('id', '=', user.id)
        .where('totp_last_step', '<', step)
        .executeTakeFirst();
      if (Number(claimed.numUpdatedRows) === 0) {
        await this.audit.record(
          this.db,
          { ...actor, userId: user.id, role: user.role },
          { action: 'auth.login', outcome: 'failed', detail: { reason: 'totp-replayed' } },
          this.now(),
        );
        return { ok: false, code: 'invalid-credentials' };
      }
    }
    await clearFailures(this.db, [userKey, addrKey]);
    const enrolmentRequired = totpRequired(user.role) && Number(user.totp_enabled) !== 1;
    await purgeExpiredSessions(this.db, this.now(), this.cfg.session);
    const session = await createSession(this.db, user.id, step !== null, clientAddress, this.now(), this.cfg.session);
    await this.audit.record(
      this.db,
      { ...actor, userId: user.id, role: user.role },
      { action: 'auth.login', outcome: 'ok', detail: { totp: step !== null, enrolmentRequired } },
      this.now(),
    );
    return { ok: true, user, session, enrolmentRequired };
  }

  /**
   * Change one's own password: the current one is checked under the same throttle as the login
   * (a stolen session cannot guess it freely); every other session of the user ends.
   */
  async changePassword(userId: string, keepSessionHash: string, current: string, next: string): Promise<'ok' | 'wrong-password' | 'locked'> {
    const user = await findUserById(this.db, userId);
    if (!user) return 'wrong-password';
    const userKey = `user:${user.username}`;
    if ((await lockedUntil(this.db, [userKey], this.now())) > 0) return 'locked';
    if (!(await verifyUserPassword(current, user.password_hash))) {
      await recordFailure(this.db, [{ key: userKey, policy: this.cfg.throttle.user }], this.now());
      return 'wrong-password';
    }
    const problem = passwordProblem(next);
    if (problem) throw new UserInputError('bad-password', problem);
    const hash = await hashUserPassword(next, this.cfg.scryptCost);
    await this.db.transaction().execute(async (trx) => {
      await trx.updateTable('users').set({ password_hash: hash, updated_at: this.now() }).where('id', '=', userId).execute();
      await trx.deleteFrom('sessions').where('user_id', '=', userId).where('id_hash', '!=', keepSessionHash).execute();
    });
    await clearFailures(this.db, [userKey]);
    return 'ok';
  }

  private dummy(): Promise<string> {
    this.dummyHash ??= hashUserPassword('not-a-password-of-anyone', this.cfg.scryptCost);
    return this.dummyHash;
  }
}
