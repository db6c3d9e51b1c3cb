import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../firmware-bridge/platform/clock.ts';
import { createSilentLogger } from '../../../firmware-bridge/platform/logger.ts';
import { createPointIo, type PointIo } from '../../../hardware/pointIo.ts';
import type { DigitalOutput, GpioBackend } from '../../../hardware/ports.ts';
import { bundledProfilePath, loadHardwareProfile } from '../../../hardware/profile/load.ts';
import { SimulatedPoint } from '../../../hardware/sim/simulatedPoint.ts';
import { DoorController, type GrantOutcome } from './doorController.ts';

const profile = await loadHardwareProfile(bundledProfilePath('simulated'));
const timing = { grantMs: 5000, exitGrantMs: 5000, heldOpenAfterMs: 30_000 };

/** Simulated point + real point I/O + DoorController; outputs can be told to fail (EIO). */
function rig() {
  const clock = new ManualClock();
  const sim = new SimulatedPoint({ profile, clock });
  const failing = new Map<string, 'once' | 'always'>();
  const guard = (out: DigitalOutput): DigitalOutput => ({
    name: out.name,
    read: () => out.read(),
    write: (active) => {
      const mode = failing.get(out.name);
      if (mode === 'once') failing.delete(out.name);
      if (mode) throw new Error(`EIO writing ${out.name}`);
      out.write(active);
    },
  });
  const backend: GpioBackend = {
    kind: 'fake',
    output: (name, bcm, options) => guard(sim.gpio.output(name, bcm, options)),
    input: (name, bcm, options) => sim.gpio.input(name, bcm, options),
    stop: (options) => sim.gpio.stop(options),
  };
  const io: PointIo = createPointIo(profile, backend, clock);
  const records: Array<{ type: string; data: Record<string, unknown> }> = [];
  const door = new DoorController({
    io,
    timing,
    clock,
    record: (type, data) => records.push({ type, data }),
    logger: createSilentLogger(),
    restartPolicy: { maxRestarts: 3, windowMs: 60_000 },
  });
  door.start();
  const fire = (active: boolean): void => {
    sim.setFireAlarm(active);
    clock.advance(profile.fireAlarm.debounceMs);
  };
  const errors = () => records.filter((r) => r.type === 'door.machine-error').map((r) => r.data['action']);
  return { clock, sim, io, door, records, failing, fire, errors };
}

describe('DoorController when its state machine fails', () => {
  it('records the failure, restarts the machine from the inputs, and the fire alarm still releases the strike', () => {
    const t = rig();
    t.failing.set('door.strike', 'once'); // a transient GPIO error while releasing for a grant
    const outcomes: GrantOutcome[] = [];
    expect(t.door.grant({ reason: 'test', onOutcome: (o) => outcomes.push(o) })).toMatchObject({ accepted: false, reason: 'not-running' });
    expect(outcomes).toEqual([]); // a grant that was not accepted gets no outcome
    expect(t.errors()).toEqual(['restarted']);
    expect(t.records.find((r) => r.type === 'door.machine-error')?.data['error']).toMatch(/EIO writing door.strike/);
    expect(t.door.state()).toMatchObject({ state: 'locked', faulted: false, strikeReleased: false });
    expect(t.sim.strikeReleased).toBe(false);

    t.fire(true);
    expect(t.door.state().state).toBe('fireClosed');
    expect(t.sim.strikeReleased).toBe(true);
    t.fire(false);
    expect(t.sim.strikeReleased).toBe(false);
    // and it grants again
    expect(t.door.grant({ reason: 'test' }).accepted).toBe(true);
    expect(t.sim.strikeReleased).toBe(true);
    t.door.stop();
  });

  it('a grant outcome callback that throws does not kill the door', () => {
    const t = rig();
    expect(
      t.door.grant({
        reason: 'test',
        onOutcome: () => {
          throw new Error('entry flow bug');
        },
      }).accepted,
    ).toBe(true);
    t.clock.advance(timing.grantMs); // grant expires -> outcome callback throws
    expect(t.sim.strikeReleased).toBe(false);
    t.fire(true);
    expect(t.sim.strikeReleased).toBe(true);
    expect(t.errors()).toEqual([]);
    t.door.stop();
  });

  it('boots the restarted machine into the fire state when the fire input is already active', () => {
    const t = rig();
    t.sim.setFireAlarm(true); // raw input active, debounce not yet elapsed
    t.failing.set('door.strike', 'once');
    t.door.grant({ reason: 'test' });
    t.clock.advance(profile.fireAlarm.debounceMs);
    expect(t.sim.strikeReleased).toBe(true);
    expect(t.door.state()).toMatchObject({ state: 'fireClosed', faulted: false });
    t.door.stop();
  });

  it('stays fail-safe and faulted when it keeps failing: locked, released while the fire input is active', () => {
    const t = rig();
    t.failing.set('siren', 'always'); // siren relay driver dead: every machine fails at boot
    t.sim.force(); // door forced: the machine sounds the siren -> fails -> restarts fail too
    t.clock.advance(profile.door.timing.contactDebounceMs);
    expect(t.errors()).toEqual(['restarted', 'restarted', 'restarted', 'faulted']);
    expect(t.door.state()).toMatchObject({ faulted: true, strikeReleased: false, state: 'open' });
    expect(t.door.grant({ reason: 'test' })).toMatchObject({ accepted: false, reason: 'not-running' });

    t.fire(true);
    expect(t.sim.strikeReleased).toBe(true);
    expect(t.door.state()).toMatchObject({ faulted: true, state: 'fireOpen', alarms: ['fire'] });
    t.fire(false);
    expect(t.sim.strikeReleased).toBe(false);
    expect(t.records.map((r) => r.type)).toContain('alarm.fire');

    t.fire(true);
    t.door.stop(); // orderly stop during the fire: still released
    expect(t.sim.strikeReleased).toBe(true);
  });

  it('restarts again once earlier failures are older than the policy window', () => {
    const t = rig();
    for (let i = 0; i < 5; i++) {
      t.failing.set('door.strike', 'once');
      t.door.grant({ reason: 'test' });
      t.clock.advance(30_000);
    }
    expect(t.errors()).toEqual(['restarted', 'restarted', 'restarted', 'restarted', 'restarted']);
    expect(t.door.state().faulted).toBe(false);
    t.door.stop();
  });
});
