import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSilentLogger } from '../../../firmware-bridge/platform/logger.ts';
import { createPointIo } from '../../../hardware/pointIo.ts';
import { bundledProfilePath, loadHardwareProfile } from '../../../hardware/profile/load.ts';
import { SimulatedPoint } from '../../../hardware/sim/simulatedPoint.ts';
import { createAlarms } from '../../alarms/alarms.ts';
import { ledgerFixture } from '../../ledger/testSupport.ts';
import type { Ledger } from '../../ledger/index.ts';
import { DoorController } from './doorController.ts';

const profile = await loadHardwareProfile(bundledProfilePath('simulated'));
const timing = { grantMs: 5000, exitGrantMs: 5000, heldOpenAfterMs: 30_000 };
const SETTLE_MS = 1000; // longer than every input's debounce

let fx: ReturnType<typeof ledgerFixture>;
let sims: SimulatedPoint[] = [];
beforeEach(() => {
  fx = ledgerFixture();
});
afterEach(() => {
  for (const s of sims) s.stop();
  sims = [];
  fx.cleanup();
});

/** A simulated point's door on a real ledger, with the real alarm model. */
function rig(ledger: Ledger = fx.open(), sim = new SimulatedPoint({ profile, clock: fx.clock })) {
  sims.push(sim);
  const alarms = createAlarms({ clock: fx.clock, logger: createSilentLogger(), ledger });
  alarms.start();
  const io = createPointIo(profile, sim.gpio, fx.clock);
  const door = new DoorController({ io, timing, clock: fx.clock, record: (type, data) => ledger.append(type, data), alarms, logger: createSilentLogger() });
  door.start();
  const settle = (ms = SETTLE_MS): void => fx.clock.advance(ms);
  const open = () => alarms.open().map((a) => [a.key, a.severity]);
  const types = () => ledger.events(1, 1000).map((e) => e.type);
  return { ledger, sim, alarms, door, settle, open, types };
}

describe('the door on the alarm model', () => {
  it('a door held open raises one warning door:held-open (and keeps its own alarm.held-open fact); closing clears it', () => {
    const t = rig();
    expect(t.door.grant({ reason: 'test' }).accepted).toBe(true);
    t.sim.push();
    t.settle();
    expect(t.open()).toEqual([]);
    t.settle(timing.heldOpenAfterMs);
    expect(t.open()).toEqual([['door:held-open', 'warning']]);
    expect(t.types()).toContain('alarm.held-open');
    t.settle(60_000); // still open: no second alarm
    expect(t.types().filter((x) => x === 'alarm.raised')).toHaveLength(1);

    t.sim.close();
    t.settle();
    expect(t.open()).toEqual([]);
    const cleared = t.ledger
      .events(1, 1000)
      .filter((e) => e.type === 'alarm.cleared')
      .map((e) => e.data);
    // the door's own v1 fact and the alarm model's v2 clearing
    expect(cleared).toEqual([
      { alarm: 'held-open', cause: 'closed' },
      { v: 2, key: 'door:held-open', reason: 'door closed' },
    ]);
    t.door.stop();
  });

  it('a forced door raises a critical door:forced-open until it is closed', () => {
    const t = rig();
    t.sim.force();
    t.settle();
    expect(t.open()).toEqual([['door:forced-open', 'critical']]);
    t.sim.close();
    t.settle();
    expect(t.open()).toEqual([]);
    t.door.stop();
  });

  it('the fire input raises a critical door:fire, which ends the forced-open alarm, and clears when the input goes off', () => {
    const t = rig();
    t.sim.force();
    t.settle();
    t.sim.setFireAlarm(true);
    t.settle();
    expect(t.open()).toEqual([['door:fire', 'critical']]);
    t.sim.setFireAlarm(false);
    t.settle();
    expect(t.open()).toEqual([]);
    t.door.stop();
  });

  it('after a restart (kill -9) with the door closed, a stale door:forced-open is cleared at start', () => {
    const first = rig();
    first.sim.force();
    first.settle();
    expect(first.open()).toEqual([['door:forced-open', 'critical']]);
    // the process dies (no stop, nothing more recorded); meanwhile someone shuts the door
    first.ledger.close();
    const sim = new SimulatedPoint({ profile, clock: fx.clock });
    const second = rig(fx.open(), sim);
    expect(second.alarms.open()).toEqual([]);
    const last = second.ledger.events(1, 1000).at(-1);
    expect(last).toMatchObject({ type: 'alarm.cleared', data: { key: 'door:forced-open', reason: 'door closed at start' } });
    second.door.stop();
  });

  it('after a restart with the fire input still active, door:fire stays open (raised once)', () => {
    const first = rig();
    first.sim.setFireAlarm(true);
    first.settle();
    first.ledger.close();
    const sim = new SimulatedPoint({ profile, clock: fx.clock });
    sim.setFireAlarm(true);
    const second = rig(fx.open(), sim);
    second.settle();
    expect(second.open()).toEqual([['door:fire', 'critical']]);
    expect(second.types().filter((x) => x === 'alarm.raised')).toHaveLength(1);
    second.door.stop();
  });

  it('a forced-open alarm left by a restart with the door still open stays until the door is closed', () => {
    const first = rig();
    first.sim.force();
    first.settle(timing.heldOpenAfterMs);
    first.ledger.close();
    const sim = new SimulatedPoint({ profile, clock: fx.clock });
    sim.force(); // still open when the point comes back
    fx.clock.advance(SETTLE_MS);
    const second = rig(fx.open(), sim);
    second.settle();
    expect(second.open().map(([k]) => k)).toContain('door:forced-open'); // not cleared: the door is open
    sim.close();
    second.settle();
    expect(second.open()).toEqual([]);
    second.door.stop();
  });
});
