import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { jsonErrorPosition } from './jsonPosition.ts';
import { HardwareProfileError, bundledProfilePath, loadHardwareProfile, parseHardwareProfile } from './load.ts';

const base = JSON.parse(await readFile(bundledProfilePath('pi4-example'), 'utf8')) as Record<string, unknown>;

/** The example profile with one change applied. */
function variant(change: (p: any) => void): string {
  const p = structuredClone(base);
  change(p);
  return JSON.stringify(p, null, 2);
}

function problemsOf(text: string): string[] {
  try {
    parseHardwareProfile(text, 'test.json');
  } catch (err) {
    expect(err).toBeInstanceOf(HardwareProfileError);
    return (err as HardwareProfileError).problems;
  }
  throw new Error('profile was accepted');
}

describe('hardware profile', () => {
  it('loads both bundled profiles', async () => {
    const sim = await loadHardwareProfile(bundledProfilePath('simulated'));
    expect(sim.gpio.backend).toBe('fake');
    expect(sim.door.strike).toEqual({ bcm: 5, activeLow: true });
    const pi4 = await loadHardwareProfile(bundledProfilePath('pi4-example'));
    expect(pi4.gpio.backend).toBe('sysfs-onoff');
    expect(pi4.temperature?.probes).toHaveLength(2);
  });

  it('fills in documented timing defaults when timing is left out', () => {
    const p = parseHardwareProfile(
      variant((p) => delete p.door.timing),
      't.json',
    );
    expect(p.door.timing).toEqual({ grantMs: 5000, exitGrantMs: 5000, heldOpenAfterMs: 30000, contactDebounceMs: 250, exitButtonDebounceMs: 50 });
    expect(p.fireAlarm.debounceMs).toBe(200);
  });

  it('returns a frozen profile so no one changes wiring at run time', () => {
    const p = parseHardwareProfile(
      variant(() => {}),
      't.json',
    );
    expect(() => {
      (p.door.strike as { bcm: number }).bcm = 9;
    }).toThrow(TypeError);
  });

  it('rejects an out-of-range BCM number naming the field and the allowed range', () => {
    expect(problemsOf(variant((p) => (p.door.strike.bcm = 40)))).toEqual(['door.strike.bcm: must be 0..27, got 40']);
    expect(problemsOf(variant((p) => (p.siren.bcm = -1)))).toEqual(['siren.bcm: must be 0..27, got -1']);
  });

  it('rejects a BCM number that is not an integer', () => {
    expect(problemsOf(variant((p) => (p.door.contact.bcm = '16')))).toEqual(['door.contact.bcm: must be integer, got "16"']);
  });

  it('rejects unknown properties anywhere (a typo must not silently drop a setting)', () => {
    expect(problemsOf(variant((p) => (p.door.strike.activelow = true)))).toEqual(['door.strike.activelow: unknown property']);
    expect(problemsOf(variant((p) => (p.bords = [])))).toEqual(['bords: unknown property']);
  });

  it('rejects a missing polarity instead of guessing one', () => {
    expect(problemsOf(variant((p) => delete p.door.strike.activeLow))).toEqual(['door.strike.activeLow: is required']);
  });

  it('rejects two signals on one GPIO, naming both', () => {
    expect(problemsOf(variant((p) => (p.siren.bcm = 5)))).toEqual(['siren.bcm: GPIO 5 is already used by door.strike']);
  });

  it('rejects a pin on the 1-wire bus GPIO when temperature probes are configured', () => {
    expect(problemsOf(variant((p) => (p.door.exitButton.bcm = 4)))).toEqual(['temperature.busBcm: GPIO 4 is already used by door.exitButton']);
    expect(() =>
      parseHardwareProfile(
        variant((p) => {
          p.door.exitButton.bcm = 4;
          delete p.temperature;
        }),
        't.json',
      ),
    ).not.toThrow();
  });

  it('rejects bad enum values, wrong version and malformed or duplicate probe ids', () => {
    expect(problemsOf(variant((p) => (p.door.contact.pull = 'sideways')))).toEqual(['door.contact.pull: must be one of "up", "down", "none", got "sideways"']);
    expect(problemsOf(variant((p) => (p.gpio.backend = 'pigpio')))).toEqual(['gpio.backend: must be one of "sysfs-onoff", "fake", got "pigpio"']);
    expect(problemsOf(variant((p) => (p.version = 2)))).toEqual(['version: must be 1, got 2']);
    expect(problemsOf(variant((p) => (p.temperature.probes[1].id = '28-XYZ')))).toEqual([
      'temperature.probes[1].id: must match ^28-[0-9a-f]{12}$, got "28-XYZ"',
    ]);
    expect(problemsOf(variant((p) => (p.temperature.probes[1].id = p.temperature.probes[0].id)))).toEqual([
      'temperature.probes[1].id: duplicate of temperature.probes[0].id (28-0316a2790aff)',
    ]);
  });

  it('rejects out-of-range timing', () => {
    expect(problemsOf(variant((p) => (p.door.timing.grantMs = 0)))).toEqual(['door.timing.grantMs: must be 1000..30000, got 0']);
  });

  it('reports every problem at once, in the message too', () => {
    try {
      parseHardwareProfile(
        variant((p) => {
          p.door.strike.bcm = 40;
          p.siren.colour = 'red';
        }),
        'shop.json',
      );
      expect.unreachable();
    } catch (err) {
      expect((err as Error).message).toMatch(/^hardware profile shop\.json is invalid:/);
      expect((err as Error).message).toContain('door.strike.bcm: must be 0..27, got 40');
      expect((err as Error).message).toContain('siren.colour: unknown property');
    }
  });

  it('names the file, line and column of a JSON syntax error', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'profile-'));
    const file = join(dir, 'broken.json');
    await writeFile(file, '{\n  "version": 1,\n  "point": { "id": "x", },\n}\n');
    await expect(loadHardwareProfile(file)).rejects.toThrow(/broken\.json.*\n.*not valid JSON at line 3, column 25/);
  });

  it('names the file when it cannot be read', async () => {
    await expect(loadHardwareProfile('/nonexistent/p.json')).rejects.toThrow(/\/nonexistent\/p\.json.*cannot read.*ENOENT/s);
  });

  it('rejects a profile that is JSON but not an object', () => {
    expect(problemsOf('[]')).toEqual(['(profile): must be object, got []']);
  });
});

describe('JSON error position', () => {
  it('points at the first offending character, where V8 does not say', () => {
    expect(jsonErrorPosition('{"a":}')).toEqual({ offset: 5, line: 1, column: 6 });
    expect(jsonErrorPosition('{"a":1,}')).toEqual({ offset: 7, line: 1, column: 8 });
    expect(jsonErrorPosition('{\n "a": tru\n}')).toEqual({ offset: 8, line: 2, column: 7 });
    expect(jsonErrorPosition('{"a":1')).toEqual({ offset: 6, line: 1, column: 7 });
    expect(jsonErrorPosition('{"a":"x\ny"}')).toEqual({ offset: 7, line: 1, column: 8 });
  });

  it('finds no error in valid JSON', () => {
    expect(jsonErrorPosition('{"a":[1,-2.5e3,true,null,"\\u00e4\\n"],"b":{}}')).toBeUndefined();
  });
});
