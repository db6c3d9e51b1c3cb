import { beforeAll, describe, expect, it } from 'vitest';
import { hashPin, verifyPin, PinFormatError } from './pin.ts';
import { lockDurationMs } from './attemptLimiter.ts';
import type { CardRecord } from './ports.ts';
import { ManualClock } from '../../firmware-bridge/platform/clock.ts';
import { BOOT_A, fixture, type Fixture } from './testSupport.ts';

const FAST = { N: 1024, r: 8, p: 1 };
let pinHash = '';
beforeAll(async () => {
  pinHash = await hashPin('4711', FAST);
});

function withCard(f: Fixture, overrides: Partial<CardRecord> = {}): Fixture {
  f.state.addCard({
    cardUid: '04A1B2C3',
    memberId: 'M2002',
    credentialId: 'card-2002',
    role: 'member',
    pinHash,
    ageVerified: true,
    expiresAt: null,
    ...overrides,
  });
  return f;
}

describe('PIN hashing', () => {
  it('stores a self-describing scrypt string and verifies only the right PIN', async () => {
    expect(pinHash).toMatch(/^scrypt\$1024\$8\$1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
    expect(await verifyPin('4711', pinHash)).toBe(true);
    expect(await verifyPin('4712', pinHash)).toBe(false);
    expect(await hashPin('4711', FAST)).not.toBe(pinHash); // salted
  });

  it('does not verify against a malformed or absurdly expensive stored hash', async () => {
    expect(await verifyPin('4711', 'plain:4711')).toBe(false);
    expect(await verifyPin('4711', pinHash.replace('scrypt$1024', 'scrypt$1000'))).toBe(false);
    expect(await verifyPin('4711', pinHash.replace('scrypt$1024', 'scrypt$67108864'))).toBe(false);
    expect(await verifyPin(4711, pinHash)).toBe(false);
  });

  it('refuses to hash something that is not 4-12 digits', async () => {
    await expect(hashPin('12a4', FAST)).rejects.toThrow(PinFormatError);
    await expect(hashPin('123', FAST)).rejects.toThrow(/4 to 12 digits/);
  });

  it('lock duration: none for 4 failures, 60 s at 5, doubling, capped at 15 min', () => {
    expect([4, 5, 6, 7, 8, 9, 20].map((n) => lockDurationMs(n) / 1000)).toEqual([0, 60, 120, 240, 480, 900, 900]);
  });
});

describe('AccessDecider.decideCardPin', () => {
  it('grants a known card with the right PIN; a card record with ageVerified counts as 18+', async () => {
    const f = withCard(fixture());
    expect(await f.decider.decideCardPin('04A1B2C3', '4711')).toMatchObject({ granted: true, memberId: 'M2002', credentialId: 'card-2002', ageVerified: 18 });
  });

  it('denies an unknown card as unknown-card', async () => {
    const f = withCard(fixture());
    expect(await f.decider.decideCardPin('DEADBEEF', '4711')).toMatchObject({ granted: false, reason: 'unknown-card' });
  });

  it('denies a non-text or oversized uid and a non-digit PIN as malformed without counting a failure', async () => {
    const f = withCard(fixture());
    expect(await f.decider.decideCardPin(null, '4711')).toMatchObject({ reason: 'malformed' });
    expect(await f.decider.decideCardPin('A'.repeat(65), '4711')).toMatchObject({ reason: 'malformed' });
    expect(await f.decider.decideCardPin('04A1B2C3', '47x1')).toMatchObject({ reason: 'malformed' });
    expect(f.state.lockoutWrites).toEqual([]);
  });

  it('denies a revoked card as revoked and an expired card as expired', async () => {
    const f = withCard(fixture(), {});
    f.state.addCard({ cardUid: 'OLD1', memberId: 'M3', credentialId: 'card-old', role: 'member', pinHash, ageVerified: false, expiresAt: f.clock.now() - 1 });
    f.state.revoke('card-2002');
    expect(await f.decider.decideCardPin('04A1B2C3', '4711')).toMatchObject({ reason: 'revoked' });
    expect(await f.decider.decideCardPin('OLD1', '4711')).toMatchObject({ reason: 'expired' });
  });

  it('locks after 5 wrong PINs for 60 s, refusing even the right PIN meanwhile, then doubles', async () => {
    const f = withCard(fixture());
    for (let i = 1; i <= 4; i++) expect(await f.decider.decideCardPin('04A1B2C3', '0000')).toMatchObject({ reason: 'wrong-pin' });
    expect(await f.decider.decideCardPin('04A1B2C3', '0000')).toMatchObject({ reason: 'wrong-pin', retryAfterMs: 60_000 });
    expect(f.state.pinLockout('card-2002')).toMatchObject({ failures: 5, lockedUntil: f.clock.now() + 60_000, lockMs: 60_000, bootId: BOOT_A });
    f.clock.advance(59_000);
    expect(await f.decider.decideCardPin('04A1B2C3', '4711')).toMatchObject({ granted: false, reason: 'pin-locked', retryAfterMs: 1000 });
    f.clock.advance(1000);
    expect(await f.decider.decideCardPin('04A1B2C3', '0000')).toMatchObject({ reason: 'wrong-pin', retryAfterMs: 120_000 });
    f.clock.advance(120_000);
    expect(await f.decider.decideCardPin('04A1B2C3', '0000')).toMatchObject({ reason: 'wrong-pin', retryAfterMs: 240_000 });
    f.clock.advance(240_000);
    expect(await f.decider.decideCardPin('04A1B2C3', '4711')).toMatchObject({ granted: true });
    expect(f.state.pinLockout('card-2002')).toMatchObject({ failures: 0, lockedUntil: null, monoUntil: null });
  });

  it('keeps the lock across a restart: a new decider on the same state still refuses', async () => {
    const f = withCard(fixture());
    for (let i = 0; i < 5; i++) await f.decider.decideCardPin('04A1B2C3', '0000');
    const restarted = f.newDecider();
    f.clock.advance(30_000);
    expect(await restarted.decideCardPin('04A1B2C3', '4711')).toMatchObject({ reason: 'pin-locked', retryAfterMs: 30_000 });
    f.clock.advance(30_000);
    expect(await restarted.decideCardPin('04A1B2C3', '0000')).toMatchObject({ reason: 'wrong-pin', retryAfterMs: 120_000 });
  });

  it('does not end a lock early when the wall clock jumps forward', async () => {
    const f = withCard(fixture());
    for (let i = 0; i < 5; i++) await f.decider.decideCardPin('04A1B2C3', '0000');
    f.clock.setWall(f.clock.now() + 86_400_000);
    expect(await f.decider.decideCardPin('04A1B2C3', '4711')).toMatchObject({ reason: 'pin-locked', retryAfterMs: 60_000 });
  });

  it('a wall clock set back a year before a restart neither stretches nor ends the lock', async () => {
    const f = withCard(fixture());
    for (let i = 0; i < 5; i++) await f.decider.decideCardPin('04A1B2C3', '0000');
    f.clock.advance(10_000);
    f.clock.setWall(f.clock.now() - 365 * 86_400_000);
    const restarted = f.newDecider();
    expect(await restarted.decideCardPin('04A1B2C3', '4711')).toMatchObject({ reason: 'pin-locked', retryAfterMs: 50_000 });
    f.clock.advance(50_000);
    expect(await restarted.decideCardPin('04A1B2C3', '4711')).toMatchObject({ granted: true });
  });

  it('after a reboot (another boot id, monotonic time from 0) the lock is served again from the boot', async () => {
    const f = withCard(fixture());
    for (let i = 0; i < 5; i++) await f.decider.decideCardPin('04A1B2C3', '0000'); // 60 s lock
    f.clock.advance(50_000); // 10 s left when the power goes; the wall clock then says an hour passed
    const afterBoot = new ManualClock(f.clock.now() + 3_600_000, 7_000); // point up 7 s after the boot
    const rebooted = f.newDecider({ bootId: 'boot-b', clock: afterBoot });
    expect(await rebooted.decideCardPin('04A1B2C3', '4711')).toMatchObject({ reason: 'pin-locked', retryAfterMs: 53_000 });
    expect(f.state.pinLockout('card-2002')).toMatchObject({ bootId: 'boot-b', monoUntil: 60_000, failures: 5 });
    afterBoot.advance(53_000);
    expect(await rebooted.decideCardPin('04A1B2C3', '0000')).toMatchObject({ reason: 'wrong-pin', retryAfterMs: 120_000 });
  });

  it('locks on a clock with fractional milliseconds and persists only whole ones', async () => {
    const f = withCard(fixture());
    f.clock.advance(0.37);
    for (let i = 0; i < 4; i++) {
      f.clock.advance(1234.567);
      expect(await f.decider.decideCardPin('04A1B2C3', '0000')).toMatchObject({ reason: 'wrong-pin' });
    }
    f.clock.advance(0.5);
    expect(await f.decider.decideCardPin('04A1B2C3', '0000')).toMatchObject({ reason: 'wrong-pin', retryAfterMs: 60_000 });
    const stored = f.state.pinLockout('card-2002');
    for (const v of [stored.lockedUntil, stored.monoUntil, stored.lockMs]) expect(Number.isSafeInteger(v)).toBe(true);
    f.clock.advance(59_999.2);
    expect(await f.decider.decideCardPin('04A1B2C3', '4711')).toMatchObject({ reason: 'pin-locked' });
    f.clock.advance(1.9); // deadlines round up: at most one millisecond longer, never shorter
    expect(await f.decider.decideCardPin('04A1B2C3', '4711')).toMatchObject({ granted: true });
  });

  it('serialises concurrent attempts so parallel guesses cannot exceed the lockout', async () => {
    const f = withCard(fixture());
    const results = await Promise.all(Array.from({ length: 8 }, () => f.decider.decideCardPin('04A1B2C3', '0000')));
    expect(results.map((r) => r.reason)).toEqual(['wrong-pin', 'wrong-pin', 'wrong-pin', 'wrong-pin', 'wrong-pin', 'pin-locked', 'pin-locked', 'pin-locked']);
    expect(f.state.pinLockout('card-2002').failures).toBe(5);
  });

  it('applies the 60 s replay window to cards too', async () => {
    const f = withCard(fixture());
    expect((await f.decider.decideCardPin('04A1B2C3', '4711')).granted).toBe(true);
    expect(await f.decider.decideCardPin('04A1B2C3', '4711')).toMatchObject({ reason: 'replayed' });
  });
});
