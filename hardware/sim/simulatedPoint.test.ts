import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../firmware-bridge/platform/clock.ts';
import { createPointIo } from '../pointIo.ts';
import { bundledProfilePath, loadHardwareProfile, validateHardwareProfile } from '../profile/load.ts';
import type { HardwareProfile } from '../profile/schema.ts';
import { SimulatedDoor } from './simulatedDoor.ts';
import { SimulatedPoint } from './simulatedPoint.ts';

const simProfile = await loadHardwareProfile(bundledProfilePath('simulated'));

/** The simulated profile with every polarity inverted (active-high strike, active-low contact, ...). */
function inverted(p: HardwareProfile): HardwareProfile {
  const q = structuredClone(p) as any;
  for (const pin of [q.door.strike, q.door.contact, q.door.exitButton, q.fireAlarm, q.siren]) pin.activeLow = !pin.activeLow;
  return validateHardwareProfile(q, 'inverted');
}

function setup(profile = simProfile, bounce?: { transitions: number; everyMs: number }) {
  const clock = new ManualClock();
  const sim = new SimulatedPoint({ profile, clock, ...(bounce ? { bounce } : {}) });
  const io = createPointIo(profile, sim.gpio, clock);
  return { clock, sim, io };
}

describe('simulated point', () => {
  for (const [label, profile] of [
    ['as shipped', simProfile],
    ['inverted polarity', inverted(simProfile)],
  ] as const) {
    it(`keeps the door shut against a push while the strike is locked (${label})`, () => {
      const { sim } = setup(profile);
      expect(sim.strikeReleased).toBe(false);
      expect(sim.push()).toBe(false);
      expect(sim.doorOpen).toBe(false);
    });

    it(`lets the door be pushed open once the controller releases the strike (${label})`, () => {
      const { sim, io, clock } = setup(profile);
      io.strike.write(true);
      expect(sim.strikeReleased).toBe(true);
      expect(sim.push()).toBe(true);
      expect(sim.doorOpen).toBe(true);
      clock.advance(profile.door.timing.contactDebounceMs);
      expect(io.contact.read()).toBe(true);
      io.strike.write(false); // relocking does not pull an open door shut
      expect(sim.doorOpen).toBe(true);
      sim.close();
      clock.advance(profile.door.timing.contactDebounceMs);
      expect(io.contact.read()).toBe(false);
    });

    it(`maps exit button and fire alarm through the profile polarity (${label})`, () => {
      const { sim, io, clock } = setup(profile);
      const exitPin = profile.door.exitButton;
      const firePin = profile.fireAlarm;
      expect(sim.gpio.electrical(exitPin.bcm)).toBe(exitPin.activeLow ? 1 : 0);
      expect(sim.gpio.electrical(firePin.bcm)).toBe(firePin.activeLow ? 1 : 0);
      expect(io.exitButton.read()).toBe(false);
      expect(io.fireAlarm.read()).toBe(false);
      sim.pressExit();
      sim.setFireAlarm(true);
      expect(sim.gpio.electrical(exitPin.bcm)).toBe(exitPin.activeLow ? 0 : 1);
      expect(sim.gpio.electrical(firePin.bcm)).toBe(firePin.activeLow ? 0 : 1);
      clock.advance(Math.max(profile.door.timing.exitButtonDebounceMs, firePin.debounceMs));
      expect(io.exitButton.read()).toBe(true);
      expect(io.fireAlarm.read()).toBe(true);
      sim.releaseExit();
      sim.setFireAlarm(false);
      clock.advance(Math.max(profile.door.timing.exitButtonDebounceMs, firePin.debounceMs));
      expect(io.exitButton.read()).toBe(false);
      expect(io.fireAlarm.read()).toBe(false);
    });

    it(`reports the siren per polarity (${label})`, () => {
      const { sim, io } = setup(profile);
      expect(sim.sirenOn).toBe(false);
      io.siren.write(true);
      expect(sim.sirenOn).toBe(true);
    });
  }

  it('lets a break-in force the door open while locked', () => {
    const { sim, io, clock } = setup();
    sim.force();
    expect(sim.doorOpen).toBe(true);
    expect(io.strike.read()).toBe(false);
    clock.advance(simProfile.door.timing.contactDebounceMs);
    expect(io.contact.read()).toBe(true);
  });

  for (const transitions of [3, 4]) {
    it(`bounces the raw contact ${transitions} times, then settles; the debounced contact reports once`, () => {
      const { sim, io, clock } = setup(simProfile, { transitions, everyMs: 10 });
      const contactBcm = simProfile.door.contact.bcm;
      const raw: Array<0 | 1> = [];
      sim.gpio.onPin(contactBcm, (l) => raw.push(l));
      const reported: boolean[] = [];
      io.contact.watch((v) => reported.push(v));
      io.strike.write(true);
      sim.push();
      clock.advance(10 * (transitions + 1));
      const open: 0 | 1 = simProfile.door.contact.activeLow ? 0 : 1;
      expect(raw.length).toBeGreaterThanOrEqual(transitions + 1);
      expect(raw.at(-1)).toBe(open);
      expect(sim.snapshot().contactActive).toBe(true);
      clock.advance(simProfile.door.timing.contactDebounceMs);
      expect(reported).toEqual([true]);
      sim.close();
      clock.advance(10 * (transitions + 1) + simProfile.door.timing.contactDebounceMs);
      expect(reported).toEqual([true, false]);
      expect(sim.gpio.electrical(contactBcm)).toBe(open === 1 ? 0 : 1);
    });
  }

  it('with bounce longer than the debounce window, the debounced contact still ends at the true level', () => {
    const { sim, io, clock } = setup(simProfile, { transitions: 5, everyMs: 300 });
    const reported: boolean[] = [];
    io.contact.watch((v) => reported.push(v));
    sim.force();
    clock.advance(300 * 6 + simProfile.door.timing.contactDebounceMs);
    expect(io.contact.read()).toBe(true);
    expect(reported.at(-1)).toBe(true);
  });

  it('emits a snapshot on every visible change and none after stop', () => {
    const { sim, io, clock } = setup();
    const seen: Array<{ strikeReleased: boolean; doorOpen: boolean }> = [];
    sim.onChange((s) => seen.push({ strikeReleased: s.strikeReleased, doorOpen: s.doorOpen }));
    io.strike.write(true);
    sim.push();
    expect(seen).toEqual([
      { strikeReleased: true, doorOpen: false },
      { strikeReleased: true, doorOpen: true },
    ]);
    expect(JSON.parse(JSON.stringify(sim.snapshot()))).toEqual(sim.snapshot());
    sim.tapExit(1000);
    clock.advance(300); // contact and exit-button debounce done; only the tap's release timer is left
    expect(clock.pendingTimers()).toBe(1);
    sim.stop();
    expect(clock.pendingTimers()).toBe(0);
    const before = seen.length;
    sim.setFireAlarm(true);
    expect(seen.length).toBe(before);
  });

  it('serves the profile temperature probes with settable readings and faults', async () => {
    const { sim } = setup();
    const probe = sim.probes.get('28-0316a2790aff');
    expect(await probe?.read()).toEqual({ ok: true, probeId: '28-0316a2790aff', celsius: 4 });
    probe?.setFault('crc');
    expect(await probe?.read()).toMatchObject({ ok: false, fault: 'crc' });
    expect(sim.snapshot().probes[0]).toMatchObject({ celsius: null, fault: 'crc' });
  });

  it('rejects nonsense bounce settings', () => {
    const clock = new ManualClock();
    expect(() => new SimulatedPoint({ profile: simProfile, clock, bounce: { transitions: -1, everyMs: 10 } })).toThrow(/transitions/);
    expect(() => new SimulatedPoint({ profile: simProfile, clock, bounce: { transitions: 2, everyMs: 0 } })).toThrow(/everyMs/);
  });

  it('a door on an undriven strike pin stays shut', () => {
    const clock = new ManualClock();
    const sim = new SimulatedPoint({ profile: simProfile, clock });
    expect(sim.push()).toBe(false);
    expect(new SimulatedDoor({ gpio: sim.gpio, clock, strike: { bcm: 26, activeLow: true }, contact: { bcm: 25, activeLow: false } }).push()).toBe(false);
  });
});
