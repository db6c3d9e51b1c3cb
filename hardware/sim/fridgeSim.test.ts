import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../firmware-bridge/platform/clock.ts';
import { FridgeSim } from './fridgeSim.ts';

const MIN = 60_000;
const HOUR = 60 * MIN;

function dairy(extra: Partial<ConstructorParameters<typeof FridgeSim>[0]> = {}) {
  const clock = new ManualClock(Date.UTC(2026, 0, 15, 20, 0));
  const sim = new FridgeSim({ clock, probeId: '28-0316a2790aff', setpointC: 4, ...extra });
  return { clock, sim };
}

describe('fridge thermal model', () => {
  it('holds the setpoint band over a night with the compressor cycling', () => {
    const { clock, sim } = dairy();
    let min = Infinity;
    let max = -Infinity;
    let cycles = 0;
    let was = sim.view().compressorOn;
    for (let t = 0; t < 12 * HOUR; t += MIN) {
      clock.advance(MIN);
      const v = sim.view();
      min = Math.min(min, v.airC);
      max = Math.max(max, v.airC);
      if (v.compressorOn && !was) cycles++;
      was = v.compressorOn;
    }
    expect(min).toBeGreaterThan(3);
    expect(max).toBeLessThan(5);
    expect(cycles).toBeGreaterThan(3);
  });

  it('warms quickly with the door open and recovers once it is closed', async () => {
    const { clock, sim } = dairy();
    sim.openDoor();
    clock.advance(5 * MIN);
    expect(sim.airC()).toBeGreaterThan(7);
    sim.closeDoor();
    clock.advance(2 * HOUR);
    expect(sim.airC()).toBeLessThan(5);
  });

  it('warms towards the ambient in a power cut, with a silent probe', async () => {
    const { clock, sim } = dairy();
    sim.cutPower();
    clock.advance(4 * HOUR);
    expect(sim.airC()).toBeGreaterThan(8);
    expect(await sim.probe.read()).toMatchObject({ ok: false, fault: 'missing' });
    sim.restorePower();
    expect(await sim.probe.read()).toMatchObject({ ok: true });
  });

  it('warms during defrost and cools again afterwards', () => {
    const start = Date.UTC(2026, 0, 15, 20, 0);
    const { clock, sim } = dairy({ defrostHeaterOn: (at) => at >= start + HOUR && at < start + HOUR + 20 * MIN });
    clock.advance(HOUR + 20 * MIN);
    expect(sim.airC()).toBeGreaterThan(7);
    clock.advance(HOUR);
    expect(sim.airC()).toBeLessThan(5);
  });

  it('the compressor relay cuts the compressor; a freezer holds −21 °C', () => {
    const { clock, sim } = dairy();
    sim.compressorCut.write(true);
    clock.advance(3 * HOUR);
    expect(sim.airC()).toBeGreaterThan(7);
    const freezer = new FridgeSim({ clock, probeId: '28-0416b1e2c3ff', setpointC: -21 });
    clock.advance(6 * HOUR);
    expect(freezer.airC()).toBeLessThan(-19);
  });

  it('a broken or stuck probe reports what a real one would', async () => {
    const { sim } = dairy();
    sim.breakProbe('crc');
    expect(await sim.probe.read()).toMatchObject({ ok: false, fault: 'crc' });
    sim.stickProbe(85);
    expect(await sim.probe.read()).toEqual({ ok: true, probeId: '28-0316a2790aff', celsius: 85 });
    sim.repairProbe();
    expect(await sim.probe.read()).toMatchObject({ ok: true });
  });

  it('refuses an implausible ambient or setpoint with a clear message', () => {
    const { sim } = dairy();
    expect(() => sim.setAmbient(Number.NaN)).toThrow('ambient must be a temperature between -30 and 50 °C, got NaN');
    expect(() => sim.setAmbient(400)).toThrow(/got 400/);
    expect(() => dairy({ setpointC: 99 })).toThrow(/setpoint/);
    expect(sim.view().ambientC).toBe(21);
  });

  it('tells door watchers about each change once', () => {
    const { sim } = dairy();
    const seen: boolean[] = [];
    const unwatch = sim.door.watch((o) => seen.push(o));
    sim.openDoor();
    sim.openDoor();
    sim.closeDoor();
    unwatch();
    sim.openDoor();
    expect(seen).toEqual([true, false]);
  });
});
