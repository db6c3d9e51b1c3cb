import { describe, expect, it } from 'vitest';
import { ManualClock } from '../firmware-bridge/platform/clock.ts';
import { FakeGpio } from './gpio/fakeGpio.ts';
import { createPointIo } from './pointIo.ts';
import type { DigitalInput, DigitalOutput, GpioBackend, GpioStopOptions, InputOptions, OutputOptions } from './ports.ts';
import { bundledProfilePath, loadHardwareProfile } from './profile/load.ts';

const profile = await loadHardwareProfile(bundledProfilePath('pi4-example'));

/** A FakeGpio that logs the order of claims and can be told to fail one claim. */
class RecordingGpio implements GpioBackend {
  readonly kind = 'fake' as const;
  readonly inner = new FakeGpio();
  readonly calls: string[] = [];
  stopped = 0;
  constructor(private readonly failOn?: string) {}
  output(name: string, bcm: number, options: OutputOptions): DigitalOutput {
    this.calls.push(`output ${name} initial=${String(options.initial)}`);
    return this.inner.output(name, bcm, options);
  }
  input(name: string, bcm: number, options: InputOptions): DigitalInput {
    this.calls.push(`input ${name}`);
    if (name === this.failOn) throw new Error(`EBUSY: ${name}`);
    return this.inner.input(name, bcm, options);
  }
  async stop(options?: GpioStopOptions): Promise<void> {
    this.stopped++;
    await this.inner.stop(options);
  }
}

describe('point I/O', () => {
  it('claims strike and siren first, locked and silent, before touching any input', () => {
    const gpio = new RecordingGpio();
    createPointIo(profile, gpio, new ManualClock());
    expect(gpio.calls).toEqual([
      'output door.strike initial=false',
      'output siren initial=false',
      'input door.contact',
      'input door.exitButton',
      'input fireAlarm',
    ]);
    // pi4-example: active-low relays, so locked/silent = electrically high.
    expect(gpio.inner.electrical(profile.door.strike.bcm)).toBe(1);
    expect(gpio.inner.electrical(profile.siren.bcm)).toBe(1);
  });

  it('debounces the door contact with the profile time, reading current even before anyone watches', () => {
    const clock = new ManualClock();
    const gpio = new FakeGpio();
    gpio.setElectrical(profile.door.contact.bcm, 0); // closed
    const io = createPointIo(profile, gpio, clock);
    gpio.setElectrical(profile.door.contact.bcm, 1); // opened
    clock.advance(profile.door.timing.contactDebounceMs - 1);
    expect(io.contact.read()).toBe(false);
    clock.advance(1);
    expect(io.contact.read()).toBe(true);
  });

  it('swallows a contact blip shorter than the debounce time (no false "forced open")', () => {
    const clock = new ManualClock();
    const gpio = new FakeGpio();
    gpio.setElectrical(profile.door.contact.bcm, 0);
    const io = createPointIo(profile, gpio, clock);
    const seen: boolean[] = [];
    io.contact.watch((v) => seen.push(v));
    gpio.setElectrical(profile.door.contact.bcm, 1);
    clock.advance(50);
    gpio.setElectrical(profile.door.contact.bcm, 0);
    clock.advance(1000);
    expect(seen).toEqual([]);
  });

  it('releases the outputs it claimed when an input claim fails', async () => {
    const gpio = new RecordingGpio('door.exitButton');
    expect(() => createPointIo(profile, gpio, new ManualClock())).toThrow(/EBUSY: door.exitButton/);
    expect(gpio.stopped).toBe(1);
    expect(gpio.inner.isClaimed(profile.door.strike.bcm)).toBe(false);
    expect(gpio.inner.electrical(profile.door.strike.bcm)).toBe(1); // still locked
  });

  it('stop locks the strike, silences the siren, leaves no timers and stops the backend once', async () => {
    const clock = new ManualClock();
    const gpio = new RecordingGpio();
    gpio.inner.setElectrical(profile.fireAlarm.bcm, 0); // fire panel idle
    const io = createPointIo(profile, gpio, clock);
    io.contact.watch(() => {});
    io.strike.write(true);
    io.siren.write(true);
    // Contact idle pulled up (level 1), fire idle (0); a change starts their debounce timers
    // (a fire blip shorter than the debounce time is not a fire: the strike still locks).
    gpio.inner.setElectrical(profile.door.contact.bcm, 0);
    gpio.inner.setElectrical(profile.fireAlarm.bcm, 1);
    expect(clock.pendingTimers()).toBeGreaterThan(0);
    await Promise.all([io.stop(), io.stop()]);
    expect(gpio.inner.electrical(profile.door.strike.bcm)).toBe(1);
    expect(gpio.inner.electrical(profile.siren.bcm)).toBe(1);
    expect(clock.pendingTimers()).toBe(0);
    expect(gpio.stopped).toBe(1);
    expect(() => io.strike.write(true)).toThrow(/stopped/);
  });

  it('stop during an active fire alarm leaves the escape door strike electrically released and held', async () => {
    const clock = new ManualClock();
    const gpio = new RecordingGpio();
    gpio.inner.setElectrical(profile.fireAlarm.bcm, 1); // pi4-example: fire panel contact open = alarm
    const io = createPointIo(profile, gpio, clock);
    expect(io.fireAlarm.read()).toBe(true);
    io.strike.write(true); // the door machine released it for the fire
    io.siren.write(true);
    await io.stop();
    expect(gpio.inner.electrical(profile.door.strike.bcm)).toBe(0); // active-low: released
    expect(gpio.inner.electrical(profile.siren.bcm)).toBe(1); // silent
    expect(gpio.stopped).toBe(1);
  });

  it('stop with the fire alarm active releases a strike that was still locked', async () => {
    const gpio = new FakeGpio();
    gpio.setElectrical(profile.fireAlarm.bcm, 1);
    const io = createPointIo(profile, gpio, new ManualClock());
    expect(gpio.electrical(profile.door.strike.bcm)).toBe(1); // locked at claim
    await io.stop();
    expect(gpio.electrical(profile.door.strike.bcm)).toBe(0);
  });

  it('stop without a fire alarm locks a released strike through the backend safe level', async () => {
    const gpio = new FakeGpio();
    gpio.setElectrical(profile.fireAlarm.bcm, 0);
    const io = createPointIo(profile, gpio, new ManualClock());
    io.strike.write(true);
    await io.stop();
    expect(gpio.electrical(profile.door.strike.bcm)).toBe(1);
  });
});
