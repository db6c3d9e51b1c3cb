import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../firmware-bridge/platform/clock.ts';
import { FakeGpio } from './fakeGpio.ts';
import { debounce } from './debounce.ts';

describe('fake GPIO', () => {
  it('drives an active-low output electrically low when active and writes the safe level at claim', () => {
    const gpio = new FakeGpio();
    const strike = gpio.output('strike', 17, { activeLow: true, initial: false });
    expect(gpio.electrical(17)).toBe(1);
    strike.write(true);
    expect(gpio.electrical(17)).toBe(0);
    expect(strike.read()).toBe(true);
  });

  it('refuses to hand out one pin twice', () => {
    const gpio = new FakeGpio();
    gpio.output('strike', 17, { activeLow: false, initial: false });
    expect(() => gpio.input('contact', 17, { activeLow: false, pull: 'up' })).toThrow(/already used by "strike"/);
  });

  it('stop drives every output to its safe level except held pins, like the sysfs backend', async () => {
    const gpio = new FakeGpio();
    const strike = gpio.output('strike', 17, { activeLow: true, initial: false });
    const siren = gpio.output('siren', 18, { activeLow: false, initial: false });
    strike.write(true);
    siren.write(true);
    await gpio.stop({ hold: [17] });
    expect(gpio.electrical(17)).toBe(0); // held released
    expect(gpio.electrical(18)).toBe(0); // safe: silent
    expect(gpio.isClaimed(17)).toBe(false);
    expect(() => strike.write(false)).toThrow(/stopped/);
  });

  it('forgetClaims (a killed process) leaves every pin at its last level', () => {
    const gpio = new FakeGpio();
    gpio.output('strike', 17, { activeLow: false, initial: false }).write(true);
    gpio.forgetClaims();
    expect(gpio.electrical(17)).toBe(1);
    expect(gpio.isClaimed(17)).toBe(false);
  });
});

describe('debounce', () => {
  it('swallows contact bounce shorter than the stable time and reports a settled change once', () => {
    const clock = new ManualClock();
    const gpio = new FakeGpio();
    const raw = gpio.input('contact', 27, { activeLow: false, pull: 'down' });
    const contact = debounce(raw, 50, clock);
    const seen: boolean[] = [];
    contact.watch((v) => seen.push(v));
    for (let i = 0; i < 5; i++) {
      gpio.setElectrical(27, 1);
      clock.advance(10);
      gpio.setElectrical(27, 0);
      clock.advance(10);
    }
    clock.advance(100);
    expect(seen).toEqual([]);
    gpio.setElectrical(27, 1);
    clock.advance(49);
    expect(seen).toEqual([]);
    clock.advance(1);
    expect(seen).toEqual([true]);
    expect(contact.read()).toBe(true);
  });
});
