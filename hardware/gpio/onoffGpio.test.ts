import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createSilentLogger } from '../../firmware-bridge/platform/logger.ts';
import { OnoffGpio, createOnoffGpio, type OnoffGpioClass, type OnoffLevel } from './onoffGpio.ts';

const pi4 = fileURLToPath(new URL('./fixtures/sys-pi4', import.meta.url));
const pi5 = fileURLToPath(new URL('./fixtures/sys-pi5', import.meta.url));

type Op =
  | { op: 'new'; gpio: number; direction: string; edge: string; activeLow: boolean }
  | { op: 'write'; gpio: number; value: OnoffLevel }
  | { op: 'unexport'; gpio: number };

/** A stand-in for onoff's Gpio class that records what the backend does to sysfs. */
function fakeOnoff(accessible = true) {
  const ops: Op[] = [];
  const levels = new Map<number, OnoffLevel>();
  const watchers = new Map<number, (err: Error | null | undefined, v: OnoffLevel) => void>();
  class FakeOnoffGpio {
    static accessible = accessible;
    constructor(
      private readonly gpio: number,
      direction: 'in' | 'out' | 'high' | 'low',
      edge: string,
      options: { activeLow: boolean },
    ) {
      ops.push({ op: 'new', gpio, direction, edge, activeLow: options.activeLow });
      if (direction === 'high') levels.set(gpio, 1);
      if (direction === 'low') levels.set(gpio, 0);
    }
    readSync(): OnoffLevel {
      return levels.get(this.gpio) ?? 0;
    }
    writeSync(value: OnoffLevel): void {
      ops.push({ op: 'write', gpio: this.gpio, value });
      levels.set(this.gpio, value);
    }
    watch(cb: (err: Error | null | undefined, v: OnoffLevel) => void): void {
      watchers.set(this.gpio, cb);
    }
    unwatchAll(): void {
      watchers.delete(this.gpio);
    }
    unexport(): void {
      ops.push({ op: 'unexport', gpio: this.gpio });
    }
  }
  /** Electrical edge on an input, as the epoll poller would report it. */
  const edge = (gpio: number, v: OnoffLevel): void => {
    levels.set(gpio, v);
    watchers.get(gpio)?.(null, v);
  };
  return { Gpio: FakeOnoffGpio as OnoffGpioClass, ops, levels, watchers, edge };
}

describe('onoff GPIO backend', () => {
  it('addresses pins by chip base + BCM (Pi 4: 512 + 17 = 529; Pi 5: 571 + 17 = 588)', async () => {
    for (const [root, expected] of [
      [pi4, 529],
      [pi5, 588],
    ] as const) {
      const f = fakeOnoff();
      const gpio = await createOnoffGpio({ logger: createSilentLogger(), sysRoot: root, loadGpio: async () => f.Gpio });
      gpio.output('strike', 17, { activeLow: false, initial: false });
      expect(f.ops[0]).toMatchObject({ op: 'new', gpio: expected });
    }
  });

  it('makes an output drive the safe level from the moment it is claimed, before any other write', async () => {
    const f = fakeOnoff();
    const gpio = await createOnoffGpio({ logger: createSilentLogger(), sysRoot: pi4, loadGpio: async () => f.Gpio });
    const strike = gpio.output('strike', 17, { activeLow: false, initial: false });
    strike.write(true);
    expect(f.ops).toEqual([
      { op: 'new', gpio: 529, direction: 'low', edge: 'none', activeLow: false },
      { op: 'write', gpio: 529, value: 0 },
      { op: 'write', gpio: 529, value: 1 },
    ]);
  });

  it('honours activeLow: a locked active-low strike is driven high, released low; inputs invert too', async () => {
    const f = fakeOnoff();
    const gpio = await createOnoffGpio({ logger: createSilentLogger(), sysRoot: pi4, loadGpio: async () => f.Gpio });
    const strike = gpio.output('strike', 17, { activeLow: true, initial: false });
    expect(f.ops[0]).toMatchObject({ direction: 'high', activeLow: false });
    expect(f.levels.get(529)).toBe(1);
    strike.write(true);
    expect(f.levels.get(529)).toBe(0);
    expect(strike.read()).toBe(true);

    f.levels.set(534, 1); // pulled up, alarm contact closed = idle
    const fire = gpio.input('fire', 22, { activeLow: true, pull: 'up' });
    expect(f.ops.at(-1)).toMatchObject({ op: 'new', gpio: 534, direction: 'in', edge: 'both', activeLow: false });
    expect(fire.read()).toBe(false);
    const seen: boolean[] = [];
    fire.watch((v) => seen.push(v));
    f.edge(534, 0);
    f.edge(534, 0); // repeated interrupt with no change is not reported twice
    f.edge(534, 1);
    expect(seen).toEqual([true, false]);
  });

  it('writes safe levels and unexports every pin on stop, and refuses writes afterwards', async () => {
    const f = fakeOnoff();
    const gpio = await createOnoffGpio({ logger: createSilentLogger(), sysRoot: pi4, loadGpio: async () => f.Gpio });
    const strike = gpio.output('strike', 17, { activeLow: true, initial: false });
    const siren = gpio.output('siren', 23, { activeLow: false, initial: false });
    gpio.input('contact', 27, { activeLow: false, pull: 'up' });
    strike.write(true);
    siren.write(true);
    f.ops.length = 0;
    await gpio.stop();
    expect(f.ops).toEqual([
      { op: 'write', gpio: 529, value: 1 },
      { op: 'write', gpio: 535, value: 0 },
      { op: 'unexport', gpio: 529 },
      { op: 'unexport', gpio: 535 },
      { op: 'unexport', gpio: 539 },
    ]);
    expect(f.watchers.size).toBe(0);
    expect(() => strike.write(true)).toThrow(/released/);
  });

  it('stop with hold leaves that output at its current level and exported, and releases the rest', async () => {
    const f = fakeOnoff();
    const gpio = await createOnoffGpio({ logger: createSilentLogger(), sysRoot: pi4, loadGpio: async () => f.Gpio });
    const strike = gpio.output('strike', 17, { activeLow: true, initial: false });
    const siren = gpio.output('siren', 23, { activeLow: false, initial: false });
    gpio.input('fire', 22, { activeLow: false, pull: 'up' });
    strike.write(true);
    siren.write(true);
    f.ops.length = 0;
    await gpio.stop({ hold: [17] });
    expect(f.ops).toEqual([
      { op: 'write', gpio: 535, value: 0 },
      { op: 'unexport', gpio: 535 },
      { op: 'unexport', gpio: 534 },
    ]);
    expect(f.levels.get(529)).toBe(0); // active-low strike still released
  });

  it('refuses a pin claimed twice and a BCM line the chip lacks', async () => {
    const f = fakeOnoff();
    const gpio = await createOnoffGpio({ logger: createSilentLogger(), sysRoot: pi4, loadGpio: async () => f.Gpio });
    gpio.output('strike', 17, { activeLow: false, initial: false });
    expect(() => gpio.input('contact', 17, { activeLow: false, pull: 'up' })).toThrow(/already used by "strike"/);
    expect(() => gpio.output('relay', 60, { activeLow: false, initial: false })).toThrow(/BCM 60 is not a line/);
  });

  it('explains clearly when onoff cannot be loaded or sysfs GPIO is not accessible', async () => {
    const missing = new OnoffGpio({
      logger: createSilentLogger(),
      loadGpio: async () => {
        throw new Error("Cannot find package 'onoff'");
      },
    });
    await expect(missing.start()).rejects.toThrow(/optional package onoff.*Cannot find package 'onoff'.*'fake'/);
    const f = fakeOnoff(false);
    const inaccessible = new OnoffGpio({ logger: createSilentLogger(), sysRoot: pi4, loadGpio: async () => f.Gpio });
    await expect(inaccessible.start()).rejects.toThrow(/not writable/);
    expect(() => inaccessible.output('strike', 17, { activeLow: false, initial: false })).toThrow(/not started/);
  });

  it('fails with a clear message on a machine without Pi GPIO when loading the real onoff', async () => {
    // On this x86 build machine either the epoll addon is missing or Gpio.accessible is false.
    const real = new OnoffGpio({ logger: createSilentLogger(), sysRoot: pi4 });
    await expect(real.start()).rejects.toThrow(/sysfs-onoff/);
  });
});
