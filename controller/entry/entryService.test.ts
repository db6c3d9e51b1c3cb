import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createSilentLogger } from '../../firmware-bridge/platform/logger.ts';
import { createPointIo } from '../../hardware/pointIo.ts';
import { bundledProfilePath, parseHardwareProfile } from '../../hardware/profile/load.ts';
import { SimulatedPoint } from '../../hardware/sim/simulatedPoint.ts';
import { hashPin } from '../access/pin.ts';
import { fixture } from '../access/testSupport.ts';
import { DoorController } from '../machines/door/doorController.ts';
import { EntryService, type EntryDecider } from './entryService.ts';

function setup(options: { decider?: EntryDecider } = {}) {
  const access = fixture();
  const clock = access.clock;
  const profile = parseHardwareProfile(readFileSync(bundledProfilePath('simulated'), 'utf8'), 'simulated.json');
  const sim = new SimulatedPoint({ profile, clock });
  const io = createPointIo(profile, sim.gpio, clock);
  const t = profile.door.timing;
  const records: Array<{ type: string; data: Record<string, unknown> }> = [];
  const record = (type: string, data: Record<string, unknown>): number => records.push({ type, data });
  const logger = createSilentLogger();
  const door = new DoorController({
    io,
    clock,
    record,
    logger,
    timing: { grantMs: t.grantMs, exitGrantMs: t.exitGrantMs, heldOpenAfterMs: t.heldOpenAfterMs },
  });
  door.start();
  const entry = new EntryService({ decider: options.decider ?? access.decider, door, record, logger });
  entry.start();
  const settle = t.contactDebounceMs;
  const walkIn = (): void => {
    expect(sim.push()).toBe(true);
    clock.advance(settle);
    sim.close();
    clock.advance(settle);
  };
  const walkOut = (): void => {
    sim.pressExit();
    clock.advance(t.exitButtonDebounceMs);
    sim.releaseExit();
    walkIn();
  };
  const types = (): string[] => records.map((r) => r.type);
  return { access, clock, sim, door, entry, records, types, walkIn, walkOut, timing: t };
}

describe('entry flow', () => {
  it('a valid QR token opens the door; the entry is recorded when the door actually opens', async () => {
    const s = setup();
    const token = s.access.token();
    const result = await s.entry.present({ kind: 'token', token });
    expect(result.decision).toMatchObject({ granted: true, reason: 'granted', memberId: 'M1001' });
    expect(result.door).toMatchObject({ accepted: true });
    expect(s.sim.strikeReleased).toBe(true);
    expect(s.types()).toEqual(['access.decision', 'door.released']);
    s.walkIn();
    expect(s.entry.occupancy()).toBe(1);
    const entry = s.records.find((r) => r.type === 'entry');
    expect(entry?.data).toMatchObject({ memberId: 'M1001', credentialId: 'c7Hq2LmX9aZb', role: 'member' });
    // The token text never reaches the ledger.
    expect(JSON.stringify(s.records)).not.toContain(token.slice(4, 40));
  });

  it('a grant not used before it expires records entry.granted-not-used and lets the same token in again', async () => {
    const s = setup();
    const token = s.access.token();
    await s.entry.present({ kind: 'token', token });
    s.clock.advance(s.timing.grantMs);
    expect(s.sim.strikeReleased).toBe(false);
    expect(s.records.find((r) => r.type === 'entry.granted-not-used')?.data).toMatchObject({ outcome: 'expired' });
    expect(s.entry.occupancy()).toBe(0);
    const again = await s.entry.present({ kind: 'token', token });
    expect(again.decision.granted).toBe(true);
  });

  it('the same credential used for an entry is refused within 60 s (D8 replay)', async () => {
    const s = setup();
    const token = s.access.token();
    await s.entry.present({ kind: 'token', token });
    s.walkIn();
    s.clock.advance(10_000);
    const replay = await s.entry.present({ kind: 'token', token });
    expect(replay.decision).toMatchObject({ granted: false, reason: 'replayed' });
    expect(replay.door).toBeUndefined();
    expect(s.sim.strikeReleased).toBe(false);
  });

  it('malformed credentials are decided `malformed`, recorded, never thrown, strike untouched', async () => {
    const s = setup();
    const bad: unknown[] = [
      null,
      undefined,
      'DP1.abc',
      42,
      {},
      { kind: 'token' },
      { kind: 'token', token: '' },
      { kind: 'token', token: 'x'.repeat(10_000) },
      { kind: 'card', uid: 'A1' },
      { kind: 'card', uid: 'A1', pin: 1234 },
      { kind: 'card', uid: 'A1', pin: '1234', extra: true },
      { kind: 'magic' },
    ];
    for (const credential of bad) {
      const result = await s.entry.present(credential);
      expect(result.decision).toEqual({ granted: false, reason: 'malformed' });
    }
    expect(s.types()).toEqual(bad.map(() => 'access.decision'));
    expect(s.sim.strikeReleased).toBe(false);
  });

  it('a forged token is refused with the decider reason and no grant', async () => {
    const s = setup();
    const token = s.access.token();
    const forged = token.slice(0, -4) + (token.endsWith('AAAA') ? 'BBBB' : 'AAAA');
    const result = await s.entry.present({ kind: 'token', token: forged });
    expect(result.decision.granted).toBe(false);
    expect(['bad-signature', 'malformed']).toContain(result.decision.reason);
    expect(s.sim.strikeReleased).toBe(false);
  });

  it('card + PIN opens the door; the PIN never appears in any recorded event', async () => {
    const s = setup();
    s.access.state.addCard({
      cardUid: '04:A2:19:7F',
      memberId: 'M2002',
      credentialId: 'card-2002',
      role: 'member',
      pinHash: await hashPin('731904', { N: 1024, r: 8, p: 1 }),
      ageVerified: false,
      expiresAt: null,
    });
    const wrong = await s.entry.present({ kind: 'card', uid: '04:A2:19:7F', pin: '000000' });
    expect(wrong.decision).toMatchObject({ granted: false, reason: 'wrong-pin' });
    const right = await s.entry.present({ kind: 'card', uid: '04:A2:19:7F', pin: '731904' });
    expect(right.decision).toMatchObject({ granted: true, memberId: 'M2002' });
    expect(s.sim.strikeReleased).toBe(true);
    const text = JSON.stringify(s.records);
    expect(text).not.toContain('731904');
    expect(text).not.toContain('000000');
  });

  it('occupancy: +1 per entry, −1 per exit-button egress with the door opening, never below 0', async () => {
    const s = setup();
    await s.entry.present({ kind: 'token', token: s.access.token({ credentialId: 'cred-a', memberId: 'MA' }) });
    s.walkIn();
    await s.entry.present({ kind: 'token', token: s.access.token({ credentialId: 'cred-b', memberId: 'MB' }) });
    s.walkIn();
    expect(s.entry.occupancy()).toBe(2);
    s.walkOut();
    expect(s.entry.occupancy()).toBe(1);
    s.walkOut();
    s.walkOut();
    expect(s.entry.occupancy()).toBe(0);
    // An exit press without the door opening does not count.
    await s.entry.present({ kind: 'token', token: s.access.token({ credentialId: 'cred-c', memberId: 'MC' }) });
    s.walkIn();
    s.sim.pressExit();
    s.clock.advance(s.timing.exitButtonDebounceMs);
    s.sim.releaseExit();
    s.clock.advance(s.timing.exitGrantMs);
    expect(s.entry.occupancy()).toBe(1);
  });

  it('a throwing decider is decided `internal-error`, not a crash', async () => {
    const decider: EntryDecider = {
      decideToken: () => {
        throw new Error('state store gone');
      },
      decideCardPin: async () => {
        throw new Error('state store gone');
      },
    };
    const s = setup({ decider });
    const result = await s.entry.present({ kind: 'token', token: 'DP1.whatever' });
    expect(result.decision).toEqual({ granted: false, reason: 'internal-error' });
    expect(s.sim.strikeReleased).toBe(false);
  });

  it('a grant while the fire alarm holds the door released is harmless and recorded as not used', async () => {
    const s = setup();
    s.sim.setFireAlarm(true);
    s.clock.advance(1_000);
    const result = await s.entry.present({ kind: 'token', token: s.access.token() });
    expect(result.door).toMatchObject({ accepted: false, reason: 'fire' });
    expect(s.records.find((r) => r.type === 'entry.granted-not-used')?.data).toMatchObject({ outcome: 'fire' });
    expect(s.sim.strikeReleased).toBe(true);
  });
});
