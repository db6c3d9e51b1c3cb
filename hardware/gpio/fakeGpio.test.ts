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
