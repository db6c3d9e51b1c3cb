/**
 * The access decision: a credential (QR token or card + PIN) plus the opening rules -> granted or
 * a reason. Never throws; an unexpected failure (e.g. the state store) is `internal-error`.
 *
 * Roles: operators are always let in (even when closed). Couriers are let in whenever the rules'
 * `couriers` is `always` (default; they only use the lockers), else only while the point is open
 * to anyone or members. Members need the point open to `everyone` or `members`.
 *
 * Replay (D8): a credential granted within the last 60 s (monotonic) is refused as `replayed`,
 * for every role and both credential kinds. A member coming back for something forgotten waits
 * out the minute (`retryAfterMs` lets the kiosk say how long). When the door reports that a grant
 * was never used (door not opened before relock), `releaseGrant` lifts the window at once.
 */
import type { KeyObject } from 'node:crypto';
import type { Clock } from '../../firmware-bridge/platform/clock.ts';
import type { Logger } from '../../firmware-bridge/platform/logger.ts';
import type { OpeningRules, Audience } from './openingRules.ts';
import { AttemptLimiter, type LockoutPolicy } from './attemptLimiter.ts';
import { CARD_UID_DESCRIPTION, CARD_UID_PATTERN, PIN_DESCRIPTION, PIN_PATTERN } from '../contract/credentialFormats.ts';
import { verifyPin } from './pin.ts';
import type { AccessState, Role } from './ports.ts';
import { ReplayWindow, type ReplaySeed } from './replayWindow.ts';
import { verifyToken } from './token.ts';
import { TrustedTime } from './trustedTime.ts';

export type Reason =
  | 'granted'
  | 'malformed'
  | 'bad-signature'
  | 'unknown-version'
  | 'expired'
  | 'not-yet-valid'
  | 'revoked'
  | 'outside-hours'
  | 'unknown-card'
  | 'wrong-pin'
  | 'pin-locked'
  | 'replayed'
  | 'internal-error';

export interface AccessDecision {
  granted: boolean;
  reason: Reason;
  memberId?: string;
  credentialId?: string;
  role?: Role;
  /** Verified age class (16+ or 18+); absent when not verified. */
  ageVerified?: 16 | 18;
  /** Audience of the opening rules at decision time, when they were consulted. */
  audience?: Audience;
  /** For pin-locked / replayed: how long until a retry can succeed. */
  retryAfterMs?: number;
  /** Log-level detail (English); the kiosk maps `reason` to its i18n text. */
  detail?: string;
  /** For a grant: when it happened on this boot's monotonic clock (whole ms), to be recorded with
   * the decision so the replay window survives a restart (replaySeed.ts). */
  replay?: { bootId: string; mono: number };
}

export interface DecisionContext {
  /** Which door / reader, for the log. */
  doorId?: string;
}

export interface AccessDeciderDeps {
  clock: Clock;
  publicKey: KeyObject;
  state: AccessState;
  openingRules: OpeningRules;
  logger: Logger;
  /** Default 60 000 (D8). */
  replayWindowMs?: number;
  /** Tolerated clock difference for "not yet valid"; default 5 min. */
  clockSkewMs?: number;
  lockoutPolicy?: LockoutPolicy;
  /** A wall time known to have passed (e.g. last ledger event); see TrustedTime. */
  timeFloorMs?: number;
  /** This machine's boot (controller/platform/bootId.ts): monotonic deadlines persist with it. */
  bootId: string;
  /** Grants of the last window before this start, rebuilt from the ledger (replaySeed.ts). */
  replaySeed?: readonly ReplaySeed[];
}

export class AccessDecider {
  private readonly time: TrustedTime;
  private readonly replay: ReplayWindow;
  private readonly skewMs: number;
  private readonly pins: AttemptLimiter;
  private readonly pinQueue = new Map<string, Promise<void>>();

  constructor(private readonly deps: AccessDeciderDeps) {
    this.time = new TrustedTime(deps.clock, deps.timeFloorMs ?? 0);
    this.replay = new ReplayWindow(deps.replayWindowMs ?? 60_000);
    this.replay.seed(deps.replaySeed ?? [], deps.clock.monotonic());
    this.skewMs = deps.clockSkewMs ?? 5 * 60_000;
    this.pins = new AttemptLimiter({
      clock: deps.clock,
      bootId: deps.bootId,
      trustedNow: () => this.time.now(),
      store: { get: (id) => deps.state.pinLockout(id), set: (id, rec) => deps.state.setPinLockout(id, rec) },
      ...(deps.lockoutPolicy ? { policy: deps.lockoutPolicy } : {}),
    });
  }

  /** Server time from the sync client; from then on validity uses it plus monotonic time. */
  setServerTime(serverMs: number): void {
    this.time.setServerTime(serverMs);
  }

  /** The door reports that a grant was not used; the credential may be presented again at once. */
  releaseGrant(credentialId: string): void {
    this.replay.forget(credentialId);
  }

  decideToken(text: unknown, context: DecisionContext = {}): AccessDecision {
    try {
      const verified = verifyToken(text, this.deps.publicKey);
      if (!verified.ok) return this.log(context, { granted: false, reason: verified.reason, detail: verified.detail });
      const c = verified.claims;
      const who: AccessDecision = {
        granted: false,
        reason: 'granted',
        memberId: c.memberId,
        credentialId: c.credentialId,
        role: c.role,
      };
      if (c.age18) who.ageVerified = 18;
      else if (c.age16) who.ageVerified = 16;
      if (this.deps.state.isRevoked(c.credentialId)) return this.log(context, { ...who, reason: 'revoked' });
      const now = this.time.now();
      if (c.issuedAt * 1000 > now + this.skewMs) return this.log(context, { ...who, reason: 'not-yet-valid' });
      if (now >= c.expiresAt * 1000) return this.log(context, { ...who, reason: 'expired' });
      return this.finish(who, now, context);
    } catch (err) {
      return this.internalError(err, context);
    }
  }

  async decideCardPin(uid: unknown, pin: unknown, context: DecisionContext = {}): Promise<AccessDecision> {
    try {
      if (typeof uid !== 'string' || !CARD_UID_PATTERN.test(uid)) {
        return this.log(context, { granted: false, reason: 'malformed', detail: `card uid is not ${CARD_UID_DESCRIPTION}` });
      }
      const card = this.deps.state.findCard(uid);
      if (!card) return this.log(context, { granted: false, reason: 'unknown-card' });
      const who: AccessDecision = {
        granted: false,
        reason: 'granted',
        memberId: card.memberId,
        credentialId: card.credentialId,
        role: card.role,
      };
      // CardRecord.ageVerified is set by the backoffice for verified adults only.
      if (card.ageVerified) who.ageVerified = 18;
      if (this.deps.state.isRevoked(card.credentialId)) return this.log(context, { ...who, reason: 'revoked' });
      if (card.expiresAt !== null && this.time.now() >= card.expiresAt) return this.log(context, { ...who, reason: 'expired' });
      if (typeof pin !== 'string' || !PIN_PATTERN.test(pin)) {
        return this.log(context, { ...who, reason: 'malformed', detail: `PIN is not ${PIN_DESCRIPTION}` });
      }
      const pinDecision = await this.serialised(card.credentialId, () => this.checkPin(card.credentialId, card.pinHash, pin));
      if (pinDecision) return this.log(context, { ...who, ...pinDecision });
      return this.finish(who, this.time.now(), context);
    } catch (err) {
      return this.internalError(err, context);
    }
  }

  /** Returns a denial, or undefined when the PIN is right. While locked the PIN is not even checked. */
  private async checkPin(credentialId: string, pinHash: string, pin: string): Promise<Partial<AccessDecision> | undefined> {
    const status = this.pins.status(credentialId);
    if (status.locked) return { reason: 'pin-locked', retryAfterMs: status.retryAfterMs };
    if (await verifyPin(pin, pinHash)) {
      this.pins.succeeded(credentialId);
      return undefined;
    }
    const next = this.pins.failed(credentialId);
    if (next.lockMs > 0) {
      this.deps.logger.warn({ credentialId, failures: next.failures, lockMs: next.lockMs }, 'PIN locked after repeated wrong PINs');
      return { reason: 'wrong-pin', retryAfterMs: next.lockMs };
    }
    return { reason: 'wrong-pin' };
  }

  private async serialised<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const prev = this.pinQueue.get(key) ?? Promise.resolve();
    let release: () => void = () => {};
    const mine = new Promise<void>((resolve) => (release = resolve));
    const chained = prev.then(() => mine);
    this.pinQueue.set(key, chained);
    await prev;
    try {
      return await fn();
    } finally {
      release();
      if (this.pinQueue.get(key) === chained) this.pinQueue.delete(key);
    }
  }

  private finish(who: AccessDecision, now: number, context: DecisionContext): AccessDecision {
    const role = who.role ?? 'member';
    const credentialId = who.credentialId ?? '';
    let audience: Audience | undefined;
    if (role !== 'operator' && !(role === 'courier' && this.deps.openingRules.courierAccess === 'always')) {
      const opening = this.deps.openingRules.evaluate(now);
      audience = opening.audience;
      if (opening.audience === 'closed') {
        return this.log(context, { ...who, reason: 'outside-hours', audience, detail: opening.reason });
      }
    }
    const mono = this.deps.clock.monotonic();
    const wait = this.replay.remainingMs(credentialId, mono);
    if (wait > 0) {
      return this.log(context, { ...who, reason: 'replayed', retryAfterMs: wait, ...(audience ? { audience } : {}) });
    }
    this.replay.record(credentialId, mono);
    const replay = { bootId: this.deps.bootId, mono: Math.floor(mono) };
    return this.log(context, { ...who, granted: true, reason: 'granted', replay, ...(audience ? { audience } : {}) });
  }

  private internalError(err: unknown, context: DecisionContext): AccessDecision {
    const detail = err instanceof Error ? err.message : String(err);
    this.deps.logger.error({ err: detail, doorId: context.doorId }, 'access decision failed');
    return { granted: false, reason: 'internal-error', detail };
  }

  private log(context: DecisionContext, d: AccessDecision): AccessDecision {
    const fields = { doorId: context.doorId, reason: d.reason, credentialId: d.credentialId, role: d.role, detail: d.detail };
    if (d.granted) this.deps.logger.info(fields, 'access granted');
    else this.deps.logger.warn(fields, 'access denied');
    return d;
  }
}
