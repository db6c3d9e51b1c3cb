import { afterEach, describe, expect, it } from 'vitest';
import type { ManualClock } from '../../firmware-bridge/platform/clock.ts';
import { startSimulatedPoint, type PointFixture } from './pointFixture.ts';

describe('stopping a simulated point', () => {
  let f: PointFixture | undefined;
  afterEach(async () => {
    await f?.close();
    f = undefined;
  });

  it('leaves the escape door strike electrically released when the fire alarm is active at shutdown', async () => {
    f = await startSimulatedPoint();
    f.sim.setFireAlarm(true);
    (f.clock as ManualClock).advance(1000); // past the fire input's debounce
    expect(f.point.door.state().state).toBe('fireClosed');
    expect(f.sim.strikeReleased).toBe(true);
    await f.point.stop();
    expect(f.sim.strikeReleased).toBe(true);
    expect(f.sim.sirenOn).toBe(false);
  });

  it('locks the strike at shutdown when there is no fire alarm, even right after a grant', async () => {
    f = await startSimulatedPoint();
    expect(f.point.door.grant({ reason: 'test' }).accepted).toBe(true);
    expect(f.sim.strikeReleased).toBe(true);
    await f.point.stop();
    expect(f.sim.strikeReleased).toBe(false);
  });
});
