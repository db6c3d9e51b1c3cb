import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ledgerFixture } from '../testSupport.ts';
import { SqliteAccessState } from './accessState.ts';
import { dumpState } from './projection.ts';

let fx: ReturnType<typeof ledgerFixture>;
beforeEach(() => {
  fx = ledgerFixture();
});
afterEach(() => fx.cleanup());

const card = (credentialId: string, cardUid: string, memberId = 'm1') => ({
  credentialId,
  memberId,
  kind: 'card',
  cardUid,
  pinHash: 'scrypt$16384$8$1$salt$hash',
  role: 'member',
  ageVerified: true,
  expiresAt: null,
});

describe('materialised state', () => {
  it('projects members, credentials, revocations, opening rules and door state from events', () => {
    const l = fx.open();
    l.appendUnchecked('member.upserted', { memberId: 'm1', name: 'Anna', role: 'member', ageVerified: false });
    l.appendUnchecked('member.upserted', { memberId: 'm1', name: 'Anna B.', role: 'member', ageVerified: true });
    l.appendUnchecked('member.upserted', { memberId: 'm2', name: 'Kurt', role: 'courier', ageVerified: false });
    l.appendUnchecked('credential.issued', card('c1', 'UID-1'));
    l.append('credential.revoked', { credentialId: 'c1', reason: 'lost' });
    l.append('opening-rules.set', { rules: { weekdays: [1, 2], from: '06:00' } });
    fx.clock.advance(5000);
    const door = l.appendUnchecked('door.state', { state: 'locked' });
    l.appendUnchecked('sale.completed', { totalCents: 100 }); // no projection
    expect(l.state.members()).toEqual([
      { memberId: 'm1', name: 'Anna B.', role: 'member', ageVerified: true },
      { memberId: 'm2', name: 'Kurt', role: 'courier', ageVerified: false },
    ]);
    expect(l.state.revocations()).toEqual(['c1']);
    expect(l.state.openingRules()).toEqual({ weekdays: [1, 2], from: '06:00' });
    expect(l.state.doorState()).toEqual({ state: 'locked', at: door.at, seq: door.seq });
    expect(l.state.credential('c1')).toMatchObject({ cardUid: 'UID-1', revoked: true });
  });

  it.each([
    ['door.state', { state: '' }, /"door.state": \/state must not have fewer than 1 characters/],
    ['pin.lockout', { credentialId: 'c1', failures: -1, lockedUntil: null }, /"pin.lockout": \/failures must be >= 0/],
    ['pin.lockout', { credentialId: 'c1', failures: 1, lockedUntil: 'soon' }, /"pin.lockout": \/lockedUntil must be integer/],
    ['opening-rules.set', { rules: [] }, /"opening-rules.set": \/rules must be object/],
    ['credential.revoked', { reason: 'lost' }, /"credential.revoked": \/ must have required properties credentialId/],
    ['credential.issued', { ...card('c1', 'U'), kind: 'qr' }, /"credential.issued": \/kind must be equal to constant/],
  ])('refuses an invalid %s payload, naming the field, and changes nothing', (type, data, message) => {
    const l = fx.open();
    expect(() => l.appendChecked(type as never, data as Record<string, unknown>)).toThrow(message);
    expect(l.lastSeq()).toBe(0);
    expect(dumpState(l.db)).toEqual(Object.fromEntries(Object.keys(dumpState(l.db)).map((k) => [k, []])));
  });

  it('opening rules and door state are undefined before any event', () => {
    const l = fx.open();
    expect(l.state.openingRules()).toBeUndefined();
    expect(l.state.doorState()).toBeUndefined();
    expect(l.state.members()).toEqual([]);
  });

  it('rebuilding from the log gives exactly the incrementally maintained state (random histories)', () => {
    const l = fx.open();
    const ids = fc.constantFrom('a', 'b', 'c');
    const event = fc.oneof(
      fc.record({
        type: fc.constant('member.upserted'),
        data: fc.record({ memberId: ids, name: fc.string(), role: fc.constantFrom('member', 'courier', 'operator'), ageVerified: fc.boolean() }),
      }),
      fc.record({
        type: fc.constant('credential.issued'),
        data: fc.record({
          credentialId: ids,
          memberId: ids,
          kind: fc.constant('token'),
          role: fc.constantFrom('member', 'operator'),
          ageVerified: fc.boolean(),
          expiresAt: fc.option(fc.integer({ min: 0 }), { nil: null }),
        }),
      }),
      fc.record({ type: fc.constant('credential.issued'), data: ids.map((id) => card(id, `UID-${id}`)) }),
      fc.record({ type: fc.constant('credential.revoked'), data: fc.record({ credentialId: ids, reason: fc.string() }) }),
      fc.record({ type: fc.constant('opening-rules.set'), data: fc.record({ rules: fc.dictionary(fc.string(), fc.integer()) }) }),
      fc.record({ type: fc.constant('door.state'), data: fc.record({ state: fc.constantFrom('locked', 'open', 'forced') }) }),
      fc.record({
        type: fc.constant('pin.lockout'),
        data: fc.record({ credentialId: ids, failures: fc.nat(20), lockedUntil: fc.option(fc.nat(), { nil: null }) }),
      }),
      fc.record({ type: fc.constant('entry.granted'), data: fc.record({ credentialId: ids }) }),
    );
    fc.assert(
      fc.property(fc.array(event, { minLength: 1, maxLength: 15 }), (events) => {
        for (const e of events) l.appendUnchecked(e.type, e.data as Record<string, unknown>);
        const incremental = dumpState(l.db);
        expect(l.rebuildState()).toBe(l.lastSeq());
        expect(dumpState(l.db)).toEqual(incremental);
      }),
      { seed: 20261121, numRuns: 20 },
    );
    expect(l.verifyChain().ok).toBe(true);
  });
});

describe('SqliteAccessState', () => {
  it('finds a card, reports revocation, and prefers a non-revoked reissue of the same card', () => {
    const l = fx.open();
    const access = new SqliteAccessState(l);
    expect(access.findCard('UID-1')).toBeUndefined();
    l.appendUnchecked('credential.issued', card('c1', 'UID-1'));
    expect(access.findCard('UID-1')).toEqual({
      cardUid: 'UID-1',
      memberId: 'm1',
      credentialId: 'c1',
      role: 'member',
      pinHash: 'scrypt$16384$8$1$salt$hash',
      ageVerified: true,
      expiresAt: null,
    });
    expect(access.isRevoked('c1')).toBe(false);
    l.append('credential.revoked', { credentialId: 'c1', reason: 'lost' });
    expect(access.isRevoked('c1')).toBe(true);
    expect(access.findCard('UID-1')?.credentialId).toBe('c1');
    l.appendUnchecked('credential.issued', card('c2', 'UID-1'));
    expect(access.findCard('UID-1')?.credentialId).toBe('c2');
  });

  it('PIN lockouts are events in the log and survive a restart', () => {
    const l = fx.open();
    const access = new SqliteAccessState(l);
    const none = { failures: 0, lockedUntil: null, lockMs: 0, bootId: null, monoUntil: null };
    expect(access.pinLockout('c1')).toEqual(none);
    const locked = { failures: 5, lockedUntil: fx.clock.now() + 60_000, lockMs: 60_000, bootId: 'boot-a', monoUntil: 60_001 };
    access.setPinLockout('c1', locked);
    expect(l.events(1, 10).map((e) => e.type)).toEqual(['pin.lockout']);
    l.close();
    const reopened = new SqliteAccessState(fx.open());
    expect(reopened.pinLockout('c1')).toEqual(locked);
    reopened.setPinLockout('c1', none);
    expect(reopened.pinLockout('c1')).toEqual(none);
  });
});
