import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSystemClock, ManualClock } from '../../firmware-bridge/platform/clock.ts';
import { createSilentLogger } from '../../firmware-bridge/platform/logger.ts';
import { startStandalone, type Standalone } from '../../backoffice/standalone.ts';
import { decodeEvent } from '../../controller/contract/events/index.ts';
import { issuePickupCode } from '../../controller/contract/changes/pickupCode.ts';
import type { DropOffSession } from '../../controller/lockers/dropOff.ts';
import { freePort } from '../support/services.ts';
import { credentialOf, startSimulatedPoint, type PointFixture } from './pointFixture.ts';

/** The event types the flows below must leave in the ledger (the test fails naming any that is missing). */
const EXPECTED_TYPES = [
  'access.decision',
  'door.released',
  'door.opened',
  'door.closed',
  'door.grant-ended',
  'door.exit-request',
  'door.remote-release',
  'pin.lockout',
  'alarm.forced-open',
  'alarm.held-open',
  'alarm.fire',
  'alarm.fire-cleared',
  'alarm.raised',
  'member.upserted',
  'credential.revoked',
  'hardware.status',
  'pickup-code.issued',
  'compartment.reserved',
  'parcel.deposited',
  'parcel.collected',
  'fridge.readings',
  'locker.configured',
  'fridge.configured',
] as const;

const DAY = 86_400_000;

/** Let promises and socket callbacks run, without moving the clock. */
const settle = async (rounds = 5): Promise<void> => {
  for (let i = 0; i < rounds; i++) await new Promise((r) => setImmediate(r));
};

/**
 * Every flow a simulated point has today, driven on one point connected to a real backoffice over
 * a real broker (the embedded Aedes, as `npm start` runs it), then every event checked against the
 * event catalogue on both sides. The point runs on a manual clock started at the real time (so the
 * backoffice's time in its acks agrees with it); the backoffice on the system clock.
 */
describe('every flow of a simulated point decodes with the event catalogue, at the point and at the backoffice', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dorfpunkt-every-flow-'));
  const siteId = 'flow-dorf';
  const clock = new ManualClock(Date.now(), 0);
  let office: Standalone;
  let f: PointFixture;

  /** Move the point's clock in steps, giving sockets and the thread pool a real moment each step, until `done`. */
  async function until(what: string, done: () => boolean, o: { stepMs?: number; maxMs?: number } = {}): Promise<void> {
    const stepMs = o.stepMs ?? 50;
    const maxMs = o.maxMs ?? 20_000;
    for (let t = 0; ; t += stepMs) {
      await settle();
      if (done()) return;
      await new Promise((r) => setTimeout(r, 2));
      await settle();
      if (done()) return;
      if (t >= maxMs) throw new Error(`timed out waiting for ${what} (${maxMs} ms on the point's clock)`);
      clock.advance(stepMs);
    }
  }
  /**
   * Run a promise to its end while the point's clock moves (in 20 ms steps: a lock board's read
   * timeout of 300 ms then spans at least 15 real pauses, enough for its TCP round trip).
   */
  async function run<T>(p: Promise<T>, what: string): Promise<T> {
    let out: { v: T } | undefined;
    let err: unknown;
    void p.then(
      (v) => (out = { v }),
      (e: unknown) => (err = e ?? new Error('rejected')),
    );
    await until(what, () => out !== undefined || err !== undefined, { stepMs: 20 });
    if (err !== undefined) throw err;
    return out!.v;
  }
  const typesSince = (seq: number): string[] => f.point.ledger.events(seq + 1, 100_000).map((e) => e.type);
  const lastOf = (type: string) =>
    f.point.ledger
      .events(1, 100_000)
      .filter((e) => e.type === type)
      .at(-1);
  /** Step the clock by `ms` in steps of `stepMs` (debounces, grants, alarms). */
  async function pass(ms: number, stepMs = 50): Promise<void> {
    for (let t = 0; t < ms; t += stepMs) {
      clock.advance(Math.min(stepMs, ms - t));
      await settle();
    }
    await new Promise((r) => setTimeout(r, 2));
    await settle();
  }

  beforeAll(async () => {
    const brokerPort = await freePort();
    office = await startStandalone({ dataDir: dir, brokerPort, clock: createSystemClock(), logger: createSilentLogger() });
    const password = await office.createSiteCredentials(siteId);
    f = await startSimulatedPoint({ clock, siteId, sync: { brokerUrl: `mqtt://127.0.0.1:${brokerPort}`, username: siteId, password, keepaliveSec: 10 } });
    await until('the point to connect to the broker', () => f.point.sync?.status().connected === true);
  }, 60_000);

  afterAll(async () => {
    await f?.close();
    await office?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('releases the door on an operator’s remote command sent through the broker', async () => {
    const before = f.point.ledger.lastSeq();
    await office.backoffice.downlink.sendCommand(siteId, 'door.release', { operator: 'op-meier', durationMs: 5000 }, 3_600_000);
    await until('the remote release', () => f.sim.strikeReleased);
    await pass(5500);
    expect(f.sim.strikeReleased).toBe(false);
    expect(typesSince(before)).toEqual(expect.arrayContaining(['door.remote-release', 'door.released', 'door.grant-ended']));
  });

  it('applies a members change and a revocation from the backoffice', async () => {
    await office.backoffice.downlink.publishChange(siteId, 'members', {
      members: [{ memberId: 'm-neu', name: 'Neu Mitglied', role: 'member', ageVerified: false }],
    });
    await office.backoffice.downlink.publishChange(siteId, 'revocations', { revoke: [{ credentialId: 'cred-erika-1', reason: 'reported lost' }] });
    await until(
      'both changes applied',
      () => f.point.ledger.state.isRevoked('cred-erika-1') && f.point.ledger.state.members().some((m) => m.memberId === 'm-neu'),
    );
  });

  it('lets a member in with the QR code: door opened and closed; the same code again is refused as replayed', async () => {
    const anna = credentialOf(f, 'm-anna').token!;
    expect(await run(f.point.api.presentToken(anna), 'QR decision')).toMatchObject({ granted: true, memberId: 'm-anna' });
    expect(f.sim.push()).toBe(true);
    await pass(400);
    f.sim.close();
    await pass(400);
    expect(f.point.door.state().state).toBe('locked');
    expect(await run(f.point.api.presentToken(anna), 'replayed decision')).toMatchObject({ granted: false, reason: 'replayed' });
    expect(lastOf('door.closed')).toBeDefined();
  });

  it('locks a card out after five wrong PINs, then lets it in with the right PIN once the lock has passed', async () => {
    const dieter = credentialOf(f, 'm-dieter');
    for (let i = 0; i < 5; i++)
      expect(await run(f.point.api.presentCard(dieter.cardUid!, '0000'), 'wrong PIN')).toMatchObject({ granted: false, reason: 'wrong-pin' });
    expect(await run(f.point.api.presentCard(dieter.cardUid!, dieter.pin!), 'locked card')).toMatchObject({ granted: false, reason: 'pin-locked' });
    expect(lastOf('pin.lockout')).toBeDefined();
    await pass(61_000, 1000);
    expect(await run(f.point.api.presentCard(dieter.cardUid!, dieter.pin!), 'card and PIN')).toMatchObject({ granted: true, memberId: 'm-dieter' });
    await pass(5500); // nobody walks in: the grant ends
    expect(f.sim.strikeReleased).toBe(false);
  });

  it('lets someone out with the exit button', async () => {
    const before = f.point.ledger.lastSeq();
    f.sim.tapExit();
    await pass(400);
    expect(f.sim.push()).toBe(true);
    await pass(400);
    f.sim.close();
    await pass(400);
    expect(typesSince(before)).toEqual(expect.arrayContaining(['door.exit-request', 'door.opened', 'door.closed']));
  });

  it('raises the forced-door alarm and the held-open alarm', async () => {
    f.sim.force();
    await pass(1000);
    expect(f.point.door.state().alarms).toContain('forced-open');
    f.sim.close();
    await pass(1000);
    const bernd = credentialOf(f, 'm-bernd').token!;
    expect(await run(f.point.api.presentToken(bernd), 'grant')).toMatchObject({ granted: true });
    expect(f.sim.push()).toBe(true);
    await until('held-open alarm', () => lastOf('alarm.held-open') !== undefined, { stepMs: 500, maxMs: 60_000 });
    f.sim.close();
    await pass(1000);
  });

  it('releases the strike on fire and locks again when the fire alarm ends', async () => {
    f.sim.setFireAlarm(true);
    await pass(1000);
    expect(f.sim.strikeReleased).toBe(true);
    f.sim.setFireAlarm(false);
    await pass(1000);
    expect(f.sim.strikeReleased).toBe(false);
    expect(lastOf('alarm.fire-cleared')).toBeDefined();
  });

  it('records the lock board lost when its cable is pulled and ok when it is plugged back', async () => {
    const before = f.point.ledger.lastSeq();
    const lockBoard = () =>
      f.point.ledger
        .events(before + 1, 100_000)
        .filter((e) => e.type === 'hardware.status' && e.data['id'] === 'schliessfach-1')
        .map((e) => e.data['status']);
    expect(await f.boards.unplug('schliessfach-1')).toBe(true);
    await until('lock board lost', () => lockBoard().includes('lost'), { stepMs: 20 });
    expect(await f.boards.plug('schliessfach-1')).toBe(true);
    await until('lock board ok again', () => lockBoard().at(-1) === 'ok', { stepMs: 20, maxMs: 60_000 });
    expect(lockBoard()).toEqual(['lost', 'ok']);
  });

  it('takes a courier’s parcel into a compartment and gives it out for its pickup code', async () => {
    // The backoffice issues pool codes (its typed publisher has no `pickup-codes` kind yet, so the
    // change is stored as it will store it and put on the broker by its resend round).
    const now = Date.now();
    const issued = await issuePickupCode({ codeId: 'code-flow-1', slot: 101, validFrom: now - 3_600_000, validUntil: now + 30 * DAY, scryptN: 1024 });
    await storeUncheckedChange(office, siteId, 'pickup-codes', { codes: [issued.wire] });
    await office.backoffice.downlink.resendUnapplied(siteId);
    await until('the pickup code at the point', () => lastOf('pickup-code.issued') !== undefined);

    await until('lock states read', () => f.point.hardware.compartments().every((c) => c.latched !== null), { stepMs: 20 });
    const session = f.point.lockers.startDropOff();
    if (!('sessionId' in session)) throw new Error(session.detail);
    const courier = credentialOf(f, 'c-paket').token!;
    expect((session as DropOffSession).credential(courier)).toMatchObject({ ok: true });
    expect(session.reference('JJD0001234567')).toMatchObject({ ok: true });
    const opened = await run(session.chooseSize('S'), 'compartment to open');
    if (!opened.ok || !opened.compartment) throw new Error(`drop-off did not open: ${JSON.stringify(opened)}`);
    const kerong = f.boards.kerong('schliessfach-1')!;
    const lockOf = (id: string) => f.point.hardware.compartments().find((c) => c.id === id)!.lock;
    kerong.closeDoor(lockOf(opened.compartment));
    await until('parcel deposited', () => lastOf('parcel.deposited') !== undefined, { stepMs: 20 });
    expect(lastOf('parcel.deposited')!.data).toMatchObject({ compartment: opened.compartment, codeId: 'code-flow-1' });
    session.cancel();

    expect(await run(f.point.lockers.pickup(issued.plain.code, 'keypad'), 'pickup')).toMatchObject({ ok: true, compartment: opened.compartment });
    kerong.closeDoor(lockOf(opened.compartment));
    await until('parcel collected', () => lastOf('parcel.collected') !== undefined, { stepMs: 20 });
  });

  it('records fridge readings in batches and raises an alarm for a fridge door left open', async () => {
    const fridges = f.fridges!;
    fridges.control('molkerei', { action: 'open-door' });
    await until('fridge readings and the door-open alarm', () => lastOf('fridge.readings') !== undefined && raisedKeys().some((k) => k.includes('door-open')), {
      stepMs: 5000,
      maxMs: 45 * 60_000,
    });
    fridges.control('molkerei', { action: 'close-door' });
    await pass(1000);
  });
  const raisedKeys = (): string[] =>
    f.point.ledger
      .events(1, 100_000)
      .filter((e) => e.type === 'alarm.raised')
      .map((e) => String(e.data['key']));

  it('has every event in the point’s ledger decode with the catalogue, covering every flow above', () => {
    const events = f.point.ledger.events(1, 100_000);
    const problems = events.map((e) => ({ seq: e.seq, type: e.type, d: decodeEvent(e.type, e.data) })).filter((r) => !r.d.ok);
    expect(problems).toEqual([]);
    const seen = new Set(events.map((e) => e.type));
    expect(EXPECTED_TYPES.filter((t) => !seen.has(t))).toEqual([]);
  });

  it('has the backoffice store every one of them, each decoding with the catalogue, none flagged', async () => {
    const last = f.point.ledger.lastSeq();
    await until('the backoffice to acknowledge everything', () => f.point.ledger.deliveredUpTo() === last, { stepMs: 100, maxMs: 120_000 });
    const db = office.backoffice.db;
    const stored = await db.selectFrom('events').select(['seq', 'type', 'data']).where('site_id', '=', siteId).orderBy('seq').execute();
    expect(stored).toHaveLength(last);
    const problems = stored.map((e) => ({ seq: Number(e.seq), type: e.type, d: decodeEvent(e.type, JSON.parse(e.data)) })).filter((r) => !r.d.ok);
    expect(problems).toEqual([]);
    expect(new Set(stored.map((e) => e.type))).toEqual(new Set(f.point.ledger.events(1, 100_000).map((e) => e.type)));
    expect(await db.selectFrom('flagged_events').selectAll().where('site_id', '=', siteId).execute()).toEqual([]);
  });

  it('flags (and still stores) an event an older point wrote with a payload the catalogue does not accept', async () => {
    const { seq } = f.point.ledger.appendUnchecked('door.opened', { via: 'teleport', extra: true });
    await until('the odd event acknowledged', () => f.point.ledger.deliveredUpTo() >= seq, { stepMs: 100, maxMs: 60_000 });
    const db = office.backoffice.db;
    const flagged = await db.selectFrom('flagged_events').select(['seq', 'type', 'problem']).where('site_id', '=', siteId).execute();
    expect(flagged.map((r) => ({ ...r, seq: Number(r.seq) }))).toEqual([{ seq, type: 'door.opened', problem: 'schema' }]);
    const row = await db.selectFrom('events').select('type').where('site_id', '=', siteId).where('seq', '=', seq).executeTakeFirst();
    expect(row?.type).toBe('door.opened');
  });
});

/** Store a change row (next version) as the backoffice stores it, without its typed publisher; returns its version. */
async function storeUncheckedChange(office: Standalone, siteId: string, kind: string, body: unknown): Promise<number> {
  return office.backoffice.db.transaction().execute(async (trx) => {
    await trx
      .updateTable('sites')
      .set((eb) => ({ change_version: eb('change_version', '+', 1) }))
      .where('site_id', '=', siteId)
      .execute();
    const { change_version: version } = await trx.selectFrom('sites').select('change_version').where('site_id', '=', siteId).executeTakeFirstOrThrow();
    await trx
      .insertInto('changes')
      .values({
        id: `unchecked-${siteId}-${version}`,
        site_id: siteId,
        version,
        kind,
        body: JSON.stringify(body),
        created_at: Date.now(),
        applied_at: null,
        outcome: null,
      })
      .execute();
    return Number(version);
  });
}
