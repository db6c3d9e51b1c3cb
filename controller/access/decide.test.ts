import { describe, expect, it } from 'vitest';
import { createRecordingLogger } from '../../firmware-bridge/platform/logger.ts';
import { generateSigningKeyPair } from './keys.ts';
import { defaultRulesNiedersachsen } from './openingRules.ts';
import { parseOpeningRules } from './openingRulesSchema.ts';
import { issueToken } from './token.ts';
import { fixture, SATURDAY_11H } from './testSupport.ts';
import { AccessDecider } from './decide.ts';
import type { AccessState } from './ports.ts';

/** Sunday 22 Nov 2026, 11:00 Berlin (NI: closed to everyone). */
const SUNDAY_11H = Date.UTC(2026, 10, 22, 10, 0, 0);

describe('AccessDecider.decideToken', () => {
  it('grants a valid member token and reports who and the verified age', () => {
    const f = fixture();
    const d = f.decider.decideToken(f.token({ age16: true }), { doorId: 'front' });
    expect(d).toMatchObject({ granted: true, reason: 'granted', memberId: 'M1001', credentialId: 'c7Hq2LmX9aZb', role: 'member', ageVerified: 16 });
  });

  it('denies text that is not a token as malformed', () => {
    const f = fixture();
    expect(f.decider.decideToken('hello')).toMatchObject({ granted: false, reason: 'malformed' });
    expect(f.decider.decideToken(undefined)).toMatchObject({ granted: false, reason: 'malformed' });
  });

  it('denies a token signed by a foreign key as bad-signature', () => {
    const f = fixture();
    const foreign = generateSigningKeyPair();
    const text = issueToken(foreign.privateKey, {
      role: 'operator',
      age16: false,
      age18: false,
      memberId: 'X',
      credentialId: 'X',
      issuedAt: 1,
      expiresAt: 2 ** 32 - 1,
    });
    expect(f.decider.decideToken(text)).toMatchObject({ granted: false, reason: 'bad-signature' });
  });

  it('denies a future token format as unknown-version', () => {
    const f = fixture();
    expect(f.decider.decideToken('DP7.' + f.token().slice(4))).toMatchObject({ granted: false, reason: 'unknown-version' });
  });

  it('denies an expired token, also after the wall clock is set back a year', () => {
    const f = fixture();
    const nowS = Math.floor(f.clock.now() / 1000);
    const text = f.token({ issuedAt: nowS - 7200, expiresAt: nowS - 60 });
    expect(f.decider.decideToken(text)).toMatchObject({ granted: false, reason: 'expired' });
    f.clock.setWall(f.clock.now() - 365 * 86_400_000);
    f.clock.advance(1000);
    expect(f.decider.decideToken(text)).toMatchObject({ granted: false, reason: 'expired' });
  });

  it('lets a token expire by monotonic time even if the wall clock stands still', () => {
    const f = fixture();
    const nowS = Math.floor(f.clock.now() / 1000);
    const text = f.token({ expiresAt: nowS + 120 });
    expect(f.decider.decideToken(text).granted).toBe(true);
    f.clock.advance(200_000);
    f.clock.setWall(SATURDAY_11H);
    expect(f.decider.decideToken(text)).toMatchObject({ reason: 'expired' });
  });

  it('denies a token valid only from tomorrow as not-yet-valid but tolerates 5 min clock skew', () => {
    const f = fixture();
    const nowS = Math.floor(f.clock.now() / 1000);
    expect(f.decider.decideToken(f.token({ issuedAt: nowS + 86_400, expiresAt: nowS + 2 * 86_400 }))).toMatchObject({
      granted: false,
      reason: 'not-yet-valid',
    });
    expect(f.decider.decideToken(f.token({ credentialId: 'skew', issuedAt: nowS + 240 })).granted).toBe(true);
  });

  it('uses server time once known, ignoring a wall clock that jumped two years ahead', () => {
    const f = fixture();
    const text = f.token();
    f.decider.setServerTime(SATURDAY_11H);
    f.clock.setWall(SATURDAY_11H + 2 * 365 * 86_400_000);
    expect(f.decider.decideToken(text).granted).toBe(true);
  });

  it('denies a revoked credential as revoked', () => {
    const f = fixture();
    const text = f.token();
    f.state.revoke('c7Hq2LmX9aZb');
    expect(f.decider.decideToken(text)).toMatchObject({ granted: false, reason: 'revoked', memberId: 'M1001' });
  });

  it('denies a member on a Niedersachsen Sunday as outside-hours', () => {
    const f = fixture({ rules: parseOpeningRules(defaultRulesNiedersachsen()), startMs: SUNDAY_11H });
    expect(f.decider.decideToken(f.token())).toMatchObject({ granted: false, reason: 'outside-hours', audience: 'closed' });
  });

  it('grants a member in a members-only window', () => {
    const rules = parseOpeningRules(defaultRulesNiedersachsen({ sundayMembers: { from: '10:00', to: '13:00' } }));
    const f = fixture({ rules, startMs: SUNDAY_11H });
    expect(f.decider.decideToken(f.token())).toMatchObject({ granted: true, audience: 'members' });
  });

  it('always lets operators in, even when closed', () => {
    const f = fixture({ rules: parseOpeningRules(defaultRulesNiedersachsen()), startMs: SUNDAY_11H });
    expect(f.decider.decideToken(f.token({ role: 'operator' }))).toMatchObject({ granted: true, role: 'operator' });
  });

  it('lets couriers in when closed by default, but not when rules restrict them to opening hours', () => {
    const closed = fixture({ rules: parseOpeningRules(defaultRulesNiedersachsen()), startMs: SUNDAY_11H });
    expect(closed.decider.decideToken(closed.token({ role: 'courier' }))).toMatchObject({ granted: true, role: 'courier' });
    const strict = fixture({ rules: parseOpeningRules({ ...defaultRulesNiedersachsen(), couriers: 'opening-hours' }), startMs: SUNDAY_11H });
    expect(strict.decider.decideToken(strict.token({ role: 'courier' }))).toMatchObject({ granted: false, reason: 'outside-hours' });
  });

  it('denies the same credential again within 60 s as replayed, and grants it after the minute', () => {
    const f = fixture();
    const text = f.token();
    expect(f.decider.decideToken(text).granted).toBe(true);
    f.clock.advance(59_000);
    expect(f.decider.decideToken(text)).toMatchObject({ granted: false, reason: 'replayed', retryAfterMs: 1000 });
    f.clock.advance(1000);
    expect(f.decider.decideToken(text).granted).toBe(true);
  });

  it('lets a member retry at once when the door reports the grant was not used', () => {
    const f = fixture();
    const text = f.token();
    expect(f.decider.decideToken(text).granted).toBe(true);
    f.decider.releaseGrant('c7Hq2LmX9aZb');
    expect(f.decider.decideToken(text).granted).toBe(true);
  });

  it('does not count a denied attempt against the replay window', () => {
    const f = fixture({ rules: parseOpeningRules(defaultRulesNiedersachsen()), startMs: Date.UTC(2026, 10, 21, 20, 59, 30) });
    const text = f.token();
    expect(f.decider.decideToken(text)).toMatchObject({ reason: 'granted' }); // Sat 21:59:30 Berlin
    f.clock.advance(60_000);
    expect(f.decider.decideToken(text)).toMatchObject({ reason: 'outside-hours' });
  });

  it('returns internal-error instead of throwing when the state store fails, and logs it', () => {
    const f = fixture();
    const logger = createRecordingLogger();
    const broken: AccessState = {
      ...f.state,
      isRevoked: () => {
        throw new Error('disk I/O error');
      },
      findCard: () => undefined,
      pinLockout: () => ({ failures: 0, lockedUntil: null, lockMs: 0, bootId: null, monoUntil: null }),
      setPinLockout: () => {},
    };
    const decider = new AccessDecider({ clock: f.clock, bootId: 'boot-a', publicKey: f.keys.publicKey, state: broken, openingRules: f.rules, logger });
    expect(decider.decideToken(f.token())).toMatchObject({ granted: false, reason: 'internal-error', detail: 'disk I/O error' });
    expect(logger.records.some((r) => r.level === 'error')).toBe(true);
  });

  it('never logs the token text (a bearer credential)', () => {
    const logger = createRecordingLogger();
    const f = fixture({ logger });
    const text = f.token();
    f.decider.decideToken(text);
    f.decider.decideToken(text);
    expect(JSON.stringify(logger.records)).not.toContain(text.slice(4, 40));
    expect(logger.records.map((r) => r.msg)).toEqual(['access granted', 'access denied']);
  });
});
