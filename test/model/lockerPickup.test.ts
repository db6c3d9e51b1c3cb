import { afterEach, describe, expect, it } from 'vitest';
import { DAY, LockerRig } from './lockerRig.ts';
import type { DropOffSession } from '../../controller/lockers/dropOff.ts';

let rig: LockerRig;
afterEach(async () => {
  await rig?.close();
});

/** A courier drops one parcel; returns the compartment and the plain code the backoffice would send. */
async function dropOne(
  r: LockerRig,
  plain: Map<string, string>,
  size = 'S',
  reference = 'JJD0001234567',
): Promise<{ compartment: string; code: string; session: DropOffSession }> {
  const session = r.lockers.startDropOff();
  if (!('sessionId' in session)) throw new Error(session.detail);
  expect(session.credential(r.token('courier'))).toMatchObject({ ok: true });
  expect(session.reference(reference)).toMatchObject({ ok: true });
  const opened = await r.run(session.chooseSize(size));
  if (!opened.ok || !opened.compartment) throw new Error(`drop-off did not open: ${JSON.stringify(opened)}`);
  await r.closeDoor(opened.compartment);
  const deposited = r.events('parcel.deposited').at(-1)!.data;
  expect(session.cancel()).toMatchObject({ ok: true, state: 'ended' });
  return { compartment: opened.compartment, code: plain.get(String(deposited['codeId']))!, session };
}

describe('courier drop-off', () => {
  it('opens the best-fitting free compartment once and registers the parcel with a code id, never the code', async () => {
    rig = await LockerRig.create();
    const plain = await rig.issueCodes(3);
    const { compartment, code } = await dropOne(rig, plain, 'S');
    expect(compartment).toBe('A1');
    expect(rig.unlocks()).toBe(1);
    expect(rig.status('A1')).toBe('occupied');
    const ev = rig.events('parcel.deposited')[0]!.data;
    expect(ev).toMatchObject({ compartment: 'A1', size: 'S', reference: 'JJD0001234567', courierId: 'dhl-7' });
    const ledgerText = JSON.stringify(rig.events());
    expect(ledgerText).not.toContain(code.replace(/ /g, ''));
    expect(ledgerText).not.toContain(code.replace(/ /g, '').slice(3));
  });

  it('refuses a member token with a clear reason, records it, and opens nothing', async () => {
    rig = await LockerRig.create();
    await rig.issueCodes(1);
    const s = rig.lockers.startDropOff() as DropOffSession;
    expect(s.credential(rig.token('member'))).toMatchObject({ ok: false, reason: 'not-a-courier', messageKey: 'locker.refusal.not-a-courier' });
    expect(s.credential('DP1.garbage')).toMatchObject({ ok: false, reason: 'credential-invalid' });
    expect(s.state()).toBe('awaitingCredential');
    expect(rig.events('courier.refused').map((e) => e.data['reason'])).toEqual(['not-a-courier', 'malformed']);
    expect(rig.unlocks()).toBe(0);
  });

  it('refuses bad references and sizes without changing the step', async () => {
    rig = await LockerRig.create();
    await rig.issueCodes(1);
    const s = rig.lockers.startDropOff() as DropOffSession;
    s.credential(rig.token('courier'));
    for (const bad of ['', 'ab', 'x'.repeat(65), 'PKG\u0000123', '<script>', 42, null]) {
      expect(s.reference(bad)).toMatchObject({ ok: false, reason: 'reference-invalid' });
    }
    s.reference('PKG-1234');
    for (const bad of ['XL', 's', 3, undefined]) expect(await s.chooseSize(bad)).toMatchObject({ ok: false, reason: 'size-invalid' });
    expect(s.state()).toBe('awaitingSize');
    expect(rig.unlocks()).toBe(0);
  });

  it('says clearly when no compartment of the size or larger is free, and records locker.full for the operator', async () => {
    rig = await LockerRig.create();
    const plain = await rig.issueCodes(20);
    const large = rig.lockers.view().filter((c) => c.size === 'L').length;
    for (let i = 0; i < large; i++) await dropOne(rig, plain, 'L', `LARGE-${i}00`);
    const s = rig.lockers.startDropOff() as DropOffSession;
    s.credential(rig.token('courier'));
    s.reference('PKG-9999');
    const unlocks = rig.unlocks();
    expect(await s.chooseSize('L')).toMatchObject({ ok: false, reason: 'no-free-compartment', messageKey: 'locker.refusal.no-free-compartment' });
    expect(rig.events('locker.full').at(-1)!.data).toMatchObject({ size: 'L', courierId: 'dhl-7' });
    expect(rig.unlocks()).toBe(unlocks);
  });
});

describe('pickup by code', () => {
  it("opens the parcel's compartment with its code once; the used code is refused and nothing opens again", async () => {
    rig = await LockerRig.create();
    const plain = await rig.issueCodes(2);
    const { compartment, code } = await dropOne(rig, plain);
    const before = rig.unlocks();
    expect(await rig.run(rig.lockers.pickup(code, 'keypad'))).toMatchObject({ ok: true, compartment });
    expect(rig.unlocks()).toBe(before + 1);
    await rig.closeDoor(compartment);
    expect(rig.status(compartment)).toBe('free');
    expect(await rig.run(rig.lockers.pickup(code))).toMatchObject({ ok: false, reason: 'code-used', messageKey: 'locker.refusal.code-used' });
    expect(rig.unlocks()).toBe(before + 1);
    rig.clock.setWall(rig.clock.now() - 365 * DAY);
    rig.startLockers(); // and after a restart with the clock a year back
    expect(await rig.run(rig.lockers.pickup(code))).toMatchObject({ ok: false, reason: 'code-used' });
    expect(rig.unlocks()).toBe(before + 1);
  });

  it("refuses an expired code, also with the point's clock set back one year and after a restart", async () => {
    rig = await LockerRig.create();
    const plain = await rig.issueCodes(1, { validForMs: 3 * DAY });
    const { code } = await dropOne(rig, plain);
    rig.clock.advance(4 * DAY);
    const unlocks = rig.unlocks();
    expect(await rig.run(rig.lockers.pickup(code))).toMatchObject({ ok: false, reason: 'code-expired' });
    rig.clock.setWall(rig.clock.now() - 365 * DAY);
    expect(await rig.run(rig.lockers.pickup(code))).toMatchObject({ ok: false, reason: 'code-expired' });
    rig.startLockers();
    expect(await rig.run(rig.lockers.pickup(code))).toMatchObject({ ok: false, reason: 'code-expired' });
    expect(rig.unlocks()).toBe(unlocks);
    expect(rig.events('pickup.failed').map((e) => e.data['reason'])).toEqual(['expired', 'expired', 'expired']);
  });

  it('refuses malformed codes without counting them, wrong codes counting toward the lockout, and nothing opens', async () => {
    rig = await LockerRig.create();
    const plain = await rig.issueCodes(1);
    const { code } = await dropOne(rig, plain);
    const unlocks = rig.unlocks();
    for (const bad of ['', '123', 'abc defg hijk', '1'.repeat(40), 12345678901, null, { code }]) {
      expect(await rig.run(rig.lockers.pickup(bad))).toMatchObject({ ok: false, reason: 'code-malformed' });
    }
    expect(rig.guard.failures).toBe(0);
    const digits = code.replace(/ /g, '');
    const wrong = digits.slice(0, 3) + String((Number(digits.slice(3)) + 1) % 1e8).padStart(8, '0');
    for (let i = 0; i < 5; i++) expect(await rig.run(rig.lockers.pickup(wrong))).toMatchObject({ ok: false, reason: 'code-invalid' });
    expect(await rig.run(rig.lockers.pickup('999 0000 0000'))).toMatchObject({ ok: false, reason: 'locked-out', retryAfterMs: 60_000 });
    // even the right code waits out the lock
    expect(await rig.run(rig.lockers.pickup(code))).toMatchObject({ ok: false, reason: 'locked-out' });
    expect(rig.unlocks()).toBe(unlocks);
    expect(rig.events('pickup.failed').map((e) => e.data['reason'])).toEqual(['wrong-code', 'wrong-code', 'wrong-code', 'wrong-code', 'wrong-code']);
    rig.clock.advance(60_000);
    expect(await rig.run(rig.lockers.pickup(code))).toMatchObject({ ok: true });
  });

  it('a compartment that does not open for its recipient goes out of service with an alarm; the code stays usable', async () => {
    rig = await LockerRig.create();
    const plain = await rig.issueCodes(1);
    const { compartment, code } = await dropOne(rig, plain);
    rig.kerong.jam(rig.lockOf(compartment));
    expect(await rig.run(rig.lockers.pickup(code))).toMatchObject({ ok: false, reason: 'compartment-failed' });
    expect(rig.status(compartment)).toBe('out-of-service');
    expect(rig.alarms.active.has(`locker.pickup-failed:${compartment}`)).toBe(true);
    expect(rig.events('parcel.collected')).toHaveLength(0);
    // the operator frees the lock and resets the compartment: alarm cleared, the same code works
    rig.kerong.jam(rig.lockOf(compartment), false);
    rig.applyChange('compartment.reset', { compartment, operator: 'eva', note: 'latch freed' });
    expect(rig.status(compartment)).toBe('occupied');
    expect(rig.alarms.active.has(`locker.out-of-service:${compartment}`)).toBe(false);
    expect(await rig.run(rig.lockers.pickup(code))).toMatchObject({ ok: true, compartment });
  });
});

describe('operator and time', () => {
  it('remote open: an unknown compartment or a bad body is refused and nothing opens; a take-back is recorded with who asked', async () => {
    rig = await LockerRig.create();
    const plain = await rig.issueCodes(1);
    const { compartment } = await dropOne(rig, plain);
    const unlocks = rig.unlocks();
    expect(await rig.run(rig.lockers.remoteOpen({ compartment: 'Z9', operator: 'eva', reason: 'check' }, 'cmd-1'))).toMatchObject({
      ok: false,
      reason: 'unknown-compartment',
    });
    expect(await rig.run(rig.lockers.remoteOpen({ compartment: 'A1; DROP', operator: 'eva', reason: 'x' }, 'cmd-2'))).toMatchObject({
      ok: false,
      reason: 'wrong-step',
    });
    expect(rig.unlocks()).toBe(unlocks);
    rig.clock.advance(8 * DAY);
    expect(rig.lockers.checkUncollected()).toBe(0);
    rig.clock.advance(DAY + 3_600_000); // the hourly check flags it once
    expect(rig.events('parcel.uncollected')).toHaveLength(1);
    expect(rig.lockers.checkUncollected()).toBe(0);
    expect(rig.events('parcel.uncollected')[0]!.data).toMatchObject({ compartment, days: 9 });
    const handler = rig.lockers.commandHandlers()['locker.open']!;
    expect(
      await rig.run(Promise.resolve(handler({ compartment, operator: 'eva', reason: 'uncollected', takeBack: true }, { id: 'cmd-3' } as never))),
    ).toMatchObject({ opened: true, tookBack: expect.any(String) });
    expect(rig.events('locker.remote-open').at(-1)!.data).toMatchObject({ compartment, commandId: 'cmd-3', operator: 'eva' });
    expect(rig.events('parcel.taken-back')).toHaveLength(1);
    await rig.closeDoor(compartment);
    expect(rig.status(compartment)).toBe('free');
  });

  it('rebuilds compartment state from the ledger at start', async () => {
    rig = await LockerRig.create();
    const plain = await rig.issueCodes(2);
    const { compartment } = await dropOne(rig, plain);
    const s = rig.lockers.startDropOff();
    if ('sessionId' in s) {
      s.credential(rig.token('courier'));
      s.reference('PKG-4321');
    }
    rig.startLockers();
    expect(rig.status(compartment)).toBe('occupied');
    expect(rig.lockers.view().filter((c) => c.status === 'reserved')).toEqual([]);
  });
});
