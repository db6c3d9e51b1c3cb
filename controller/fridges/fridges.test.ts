import { afterEach, describe, expect, it } from 'vitest';
import { createSilentLogger } from '../../firmware-bridge/platform/logger.ts';
import { alarmEvents } from '../contract/events/alarms.ts';
import { catalogueProblems } from '../contract/events/decodeForTests.ts';
import { fridgeEvents } from '../contract/events/fridges.ts';
import { ChangeApplier } from '../sync/changeApplier.ts';
import { DAIRY, HOUR, MIN, fridgeRig, type Rig } from './testRig.ts';

let rig: Rig;
afterEach(() => rig?.cleanup());

const raised = (r: Rig, kind?: string) => r.events('alarm.raised').filter((e) => kind === undefined || e.data.kind === kind);
/** Every recorded reading as [at, tenths]. */
const readings = (r: Rig): Array<[number, number]> =>
  r.events('fridge.readings').flatMap((e) => e.data.offsetsMs.map((o: number, i: number) => [e.data.firstAt + o, e.data.tenths[i]] as [number, number]));

describe('fridges: HACCP on the injected clock (a night in milliseconds)', () => {
  // alarm after 10 min: the defrost keeps the fridge above 7.0 °C for longer than that
  const QUICK = { ...DAIRY, alarmAfterMs: 10 * MIN };

  it('control: the same night without a configured defrost window alarms on the defrost', async () => {
    rig = fridgeRig({ ...QUICK, defrost: [] });
    await rig.run(12 * HOUR);
    expect(raised(rig, 'temperature')).toHaveLength(1);
  });

  it('a quiet night with a defrost above the limit raises nothing, and every reading is on record', async () => {
    rig = fridgeRig(QUICK);
    await rig.run(12 * HOUR);
    await rig.stop();
    rig.restart();
    // the defrost heater really pushed the fridge above 7.0 °C, inside the window
    const above = rig.events('fridge.crossed').filter((e) => e.data.direction === 'above');
    expect(above.length).toBeGreaterThan(0);
    expect(above.every((e) => e.data.inDefrost)).toBe(true);
    expect(readings(rig).some(([, t]) => t > 70)).toBe(true);
    expect(raised(rig)).toEqual([]);
    expect(rig.events('fridge.blocked')).toEqual([]);
    // one reading every 5 min: 12 h -> 145 readings including the first at start
    expect(readings(rig)).toHaveLength(145);
  });

  it('a spike above the limit raises nothing', async () => {
    rig = fridgeRig();
    await rig.run(HOUR);
    rig.sim.stickProbe(12); // one reading at 12 °C (a warm hand on the probe)
    await rig.run(5 * MIN);
    rig.sim.repairProbe();
    await rig.run(3 * HOUR);
    const crossed = rig.events('fridge.crossed').map((e) => [e.data.direction, e.data.tenths]);
    expect(crossed[0]).toEqual(['above', 120]);
    expect(crossed[1]?.[0]).toBe('below');
    expect(raised(rig)).toEqual([]);
    expect(rig.fridges.isBlocked('molkerei')).toBe(false);
  });

  it('a sustained breach alarms exactly alarmAfterMs after the crossing, and clears once cold again', async () => {
    rig = fridgeRig();
    await rig.run(HOUR);
    rig.sim.breakCompressor(); // warms ~1.7 °C/h from 4 °C: above 7.0 °C after about 2 h
    await rig.run(3 * HOUR);
    const crossing = rig.events('fridge.crossed').find((e) => e.data.direction === 'above')!;
    const [alarm] = raised(rig, 'temperature');
    expect(alarm).toBeDefined();
    expect(alarm!.data).toMatchObject({ key: 'fridge:molkerei:temperature', source: 'fridge', severity: 'critical', since: crossing.data.readAt });
    expect(alarm!.at - crossing.data.readAt).toBe(DAIRY.alarmAfterMs);
    rig.sim.repairCompressor();
    await rig.run(2 * HOUR);
    expect(rig.events('alarm.cleared').map((e) => e.data.key)).toEqual(['fridge:molkerei:temperature']);
    expect(rig.alarms.open()).toEqual([]);
  });

  it('a long breach blocks that fridge’s products (also after a kill -9), until a corrective action', async () => {
    rig = fridgeRig();
    rig.sim.breakCompressor();
    await rig.run(5 * HOUR);
    const crossing = rig.events('fridge.crossed').find((e) => e.data.direction === 'above')!;
    const [block] = rig.events('fridge.blocked');
    expect(block!.data).toMatchObject({ fridgeId: 'molkerei', cause: 'breach', since: crossing.data.readAt, limitTenths: 70 });
    expect(block!.at - crossing.data.readAt).toBe(DAIRY.blockAfterMs);
    expect(rig.fridges.isBlocked('molkerei')).toBe(true);
    expect(rig.fridges.blockedFridges()).toEqual([expect.objectContaining({ fridgeId: 'molkerei', cause: 'breach' })]);
    expect(rig.alarms.isOpen('fridge:molkerei:blocked')).toBe(true);

    rig.crash();
    rig.sim.repairCompressor();
    rig.restart();
    expect(rig.fridges.isBlocked('molkerei')).toBe(true); // rebuilt from the ledger, offline
    await rig.run(2 * HOUR);
    expect(rig.fridges.isBlocked('molkerei')).toBe(true); // cold again is not enough
  });

  it('a corrective action lifts the block exactly once, also when the change is delivered twice', async () => {
    rig = fridgeRig();
    rig.sim.breakCompressor();
    await rig.run(5 * HOUR);
    rig.sim.repairCompressor();
    await rig.run(HOUR);
    expect(rig.fridges.isBlocked('molkerei')).toBe(true);

    const applier = new ChangeApplier(rig.ledger.db, {}, createSilentLogger(), { 'fridge.corrective-action': rig.fridges.correctiveActionMapper }, rig.ledger);
    const body = { fridgeId: 'molkerei', actionId: 'ca-17', by: 'op-anna', note: 'Joghurt entsorgt, Kompressor getauscht' };
    expect(applier.apply({ v: 1, version: 1, kind: 'fridge.corrective-action', body })).toEqual({ outcome: 'applied', version: 1 });
    expect(rig.fridges.isBlocked('molkerei')).toBe(false);
    expect(rig.alarms.isOpen('fridge:molkerei:blocked')).toBe(false);
    // the same version again (resend) and the same action as a new version: nothing changes
    expect(applier.apply({ v: 1, version: 1, kind: 'fridge.corrective-action', body }).outcome).toBe('duplicate');
    expect(applier.apply({ v: 1, version: 2, kind: 'fridge.corrective-action', body })).toMatchObject({
      outcome: 'rejected',
      reason: expect.stringContaining('ca-17 was already applied'),
    });
    expect(rig.events('fridge.corrective-action').map((e) => e.data)).toEqual([{ ...body, lifted: true }]);

    // a later breach blocks again; the old action id still cannot lift it, even after a restart
    rig.sim.breakCompressor();
    await rig.run(6 * HOUR);
    expect(rig.fridges.isBlocked('molkerei')).toBe(true);
    await rig.stop();
    rig.restart();
    const again = new ChangeApplier(rig.ledger.db, {}, createSilentLogger(), { 'fridge.corrective-action': rig.fridges.correctiveActionMapper }, rig.ledger);
    expect(again.apply({ v: 1, version: 3, kind: 'fridge.corrective-action', body }).outcome).toBe('rejected');
    expect(rig.fridges.isBlocked('molkerei')).toBe(true);
    expect(again.apply({ v: 1, version: 4, kind: 'fridge.corrective-action', body: { ...body, actionId: 'ca-18' } }).outcome).toBe('applied');
    expect(rig.fridges.isBlocked('molkerei')).toBe(false);
  });

  it('refuses a malformed corrective action or an unknown fridge with a clear reason, changing nothing', async () => {
    rig = fridgeRig();
    rig.sim.breakCompressor();
    await rig.run(5 * HOUR);
    const applier = new ChangeApplier(rig.ledger.db, {}, createSilentLogger(), { 'fridge.corrective-action': rig.fridges.correctiveActionMapper }, rig.ledger);
    const bad = applier.apply({ v: 1, version: 1, kind: 'fridge.corrective-action', body: { fridgeId: 'molkerei', actionId: 'x', by: 'op' } });
    expect(bad).toMatchObject({ outcome: 'rejected', reason: expect.stringMatching(/invalid.*note/) });
    const unknown = applier.apply({ v: 1, version: 2, kind: 'fridge.corrective-action', body: { fridgeId: 'truhe', actionId: 'x', by: 'op', note: 'n' } });
    expect(unknown).toMatchObject({ outcome: 'rejected', reason: 'fridge.corrective-action: no fridge "truhe" at this point' });
    expect(rig.fridges.isBlocked('molkerei')).toBe(true);
    expect(rig.events('fridge.corrective-action')).toEqual([]);
  });

  it('a power cut is recorded as a gap with its length, never interpolated, and a warm first reading after a long gap blocks', async () => {
    rig = fridgeRig();
    await rig.run(HOUR);
    rig.crash();
    rig.sim.cutPower();
    await rig.run(5 * HOUR);
    rig.sim.restorePower();
    rig.restart();
    await rig.run(MIN);
    const [gap] = rig.events('fridge.gap');
    const before = readings(rig).filter(([at]) => at <= gap!.data.fromAt);
    expect(gap!.data.fromAt).toBe(before.at(-1)![0]);
    expect(gap!.data.lengthMs).toBe(gap!.data.toAt - gap!.data.fromAt);
    expect(gap!.data.lengthMs).toBeGreaterThan(5 * HOUR - 30 * MIN); // readings not yet recorded at the cut are lost, not invented
    expect(readings(rig).filter(([at]) => at > gap!.data.fromAt && at < gap!.data.toAt)).toEqual([]);
    expect(rig.events('fridge.blocked').map((e) => e.data)).toEqual([expect.objectContaining({ cause: 'gap-breach', since: gap!.data.fromAt })]);
    expect(rig.fridges.isBlocked('molkerei')).toBe(true);
  });

  it('a short gap followed by a cold reading is recorded and blocks nothing', async () => {
    rig = fridgeRig();
    await rig.run(HOUR);
    await rig.stop();
    await rig.run(40 * MIN);
    rig.restart();
    await rig.run(MIN);
    const [gap] = rig.events('fridge.gap');
    expect(gap!.data.lengthMs).toBe(40 * MIN); // last reading at 60 min, restart at 100 min
    expect(rig.events('fridge.blocked')).toEqual([]);
  });

  it('a lost probe alarms after three readings without a value, and clears when it reads again', async () => {
    rig = fridgeRig();
    await rig.run(HOUR);
    rig.sim.breakProbe('missing');
    await rig.run(20 * MIN);
    expect(rig.events('fridge.probe-fault').map((e) => e.data.fault)).toEqual(['missing']);
    const [alarm] = raised(rig, 'probe-lost');
    expect(alarm!.data.key).toBe('fridge:molkerei:probe:28-0316a2790aff');
    rig.sim.repairProbe();
    await rig.run(5 * MIN);
    expect(rig.alarms.open()).toEqual([]);
  });

  it('an implausible probe value (85 °C power-on, −127 °C) is refused with a reason and never recorded as a temperature', async () => {
    rig = fridgeRig();
    await rig.run(30 * MIN);
    rig.sim.stickProbe(85);
    await rig.run(20 * MIN);
    rig.sim.stickProbe(-127);
    await rig.run(10 * MIN);
    await rig.stop();
    rig.restart();
    const faults = rig.events('fridge.probe-fault').map((e) => e.data);
    expect(faults[0]).toMatchObject({ fault: 'power-on-value', detail: 'probe 28-0316a2790aff: 85.0 °C is the DS18B20 power-on value, not a measurement' });
    expect(raised(rig, 'probe-implausible')).toHaveLength(1);
    expect(readings(rig).filter(([, t]) => t > 600 || t < -400)).toEqual([]);
    expect(rig.events('fridge.crossed')).toEqual([]);
  });

  it('a fridge door left open alarms after the configured time and clears when closed', async () => {
    rig = fridgeRig();
    rig.sim.openDoor();
    await rig.run(2 * MIN);
    rig.sim.closeDoor();
    rig.sim.openDoor();
    await rig.run(4 * MIN);
    const [alarm] = raised(rig, 'door-open');
    expect(alarm!.at - (alarm!.data.since as number)).toBe(DAIRY.doorOpenAlarmMs); // since the last opening, not the first
    expect(rig.alarms.isOpen('fridge:molkerei:door-open')).toBe(true);
    rig.sim.closeDoor();
    expect(rig.alarms.isOpen('fridge:molkerei:door-open')).toBe(false);
    expect(raised(rig, 'door-open')).toHaveLength(1);
  });

  it('a wall-clock jump (NTP setting the clock) neither blocks at once nor writes readings with negative offsets', async () => {
    rig = fridgeRig();
    rig.sim.breakCompressor();
    await rig.run(150 * MIN); // above the limit for a while, not yet for blockAfterMs
    expect(rig.events('fridge.crossed').some((e) => e.data.direction === 'above')).toBe(true);
    rig.clock.setWall(rig.clock.now() + 2 * 24 * HOUR);
    await rig.run(30 * MIN);
    expect(rig.fridges.isBlocked('molkerei')).toBe(false); // "above for two days" would be a lie
    rig.clock.setWall(rig.clock.now() - 3 * 24 * HOUR);
    await rig.run(30 * MIN);
    await rig.stop();
    rig.restart();
    for (const e of rig.events('fridge.readings')) expect(catalogueProblems(fridgeEvents, e.type, e.data)).toEqual([]);
    await rig.run(3 * HOUR);
    expect(rig.fridges.isBlocked('molkerei')).toBe(true); // the breach goes on: blocked after blockAfterMs of real time
  });

  it('every event written over an eventful night decodes with the declared schemas', async () => {
    rig = fridgeRig();
    rig.sim.breakCompressor();
    await rig.run(3 * HOUR);
    rig.sim.breakProbe('crc');
    await rig.run(30 * MIN);
    await rig.stop();
    rig.restart();
    const all = rig.events();
    expect(all.length).toBeGreaterThan(10);
    for (const e of all) expect(catalogueProblems({ ...fridgeEvents, ...alarmEvents }, e.type, e.data)).toEqual([]);
  });
});
