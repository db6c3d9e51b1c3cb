import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { fridgeLimitC } from './fridgesSchema.ts';
import { HardwareProfileError, bundledProfilePath, loadHardwareProfile, parseHardwareProfile } from './load.ts';

const base = JSON.parse(await readFile(bundledProfilePath('simulated'), 'utf8')) as Record<string, any>;

function problemsOf(change: (p: any) => void): string[] {
  const p = structuredClone(base);
  change(p);
  try {
    parseHardwareProfile(JSON.stringify(p), 'test.json');
  } catch (err) {
    expect(err).toBeInstanceOf(HardwareProfileError);
    return (err as HardwareProfileError).problems;
  }
  throw new Error('profile was accepted');
}

describe('hardware profile: fridges section', () => {
  it('loads the simulated profile with its three fridges and their limits', async () => {
    const p = await loadHardwareProfile(bundledProfilePath('simulated'));
    const f = p.fridges!;
    expect(f.units.map((u) => [u.id, fridgeLimitC(f, u)])).toEqual([
      ['molkerei', 7],
      ['truhe', -18],
      ['getraenke', 10],
    ]);
  });

  it('fills in the HACCP timing defaults when left out', () => {
    const p = structuredClone(base);
    p.fridges = { units: [{ id: 'k1', name: 'K1', productGroup: 'poultry', probes: [{ onewire: '28-0316a2790aff' }] }] };
    const f = parseHardwareProfile(JSON.stringify(p), 't.json').fridges!;
    expect(f).toMatchObject({
      samplingMs: 300_000,
      readingsPerRecord: 6,
      alarmAfterMs: 1_800_000,
      blockAfterMs: 7_200_000,
      hysteresisC: 0.5,
      lostAfterReadings: 3,
    });
    expect(f.units[0]!.defrost).toEqual([]);
    expect(fridgeLimitC(f, f.units[0]!)).toBe(4);
  });

  it('a configured group limit overrides the default', () => {
    const p = structuredClone(base);
    p.fridges.limits = { dairy: 10 };
    expect(fridgeLimitC(parseHardwareProfile(JSON.stringify(p), 't.json').fridges!, { productGroup: 'dairy' })).toBe(10);
  });

  it.each([
    [
      'an unknown 1-wire probe',
      (p: any) => (p.fridges.units[0].probes = [{ onewire: '28-000000000000' }]),
      'fridges.units[0].probes[0].onewire: 1-wire probe 28-000000000000 is not listed in temperature.probes',
    ],
    [
      'a probe on a relay board',
      (p: any) => (p.fridges.units[2].probes = [{ board: 'kuehl-relais' }]),
      'fridges.units[2].probes[0].board: board "kuehl-relais" is not a Modbus temperature sensor or an I/O board',
    ],
    [
      'one probe in two fridges',
      (p: any) => (p.fridges.units[1].probes = [{ onewire: '28-0316a2790aff' }]),
      'fridges.units[1].probes[0]: probe already used by fridges.units[0].probes[0]',
    ],
    [
      'an unknown compressor relay',
      (p: any) => (p.fridges.units[2].compressorRelay = { relay: 'Licht' }),
      'fridges.units[2].compressorRelay.relay: "Licht" is not listed in boards.relays',
    ],
    [
      'a door contact on the strike pin',
      (p: any) => (p.fridges.units[0].door.gpio.bcm = 5),
      'fridges.units[0].door.gpio.bcm: GPIO 5 is already used by door.strike',
    ],
    [
      '"other" without a limit',
      (p: any) => delete p.fridges.units[2].limitC,
      'fridges.units[2].limitC: is required for product group "other" (or set fridges.limits.other)',
    ],
    ['a limit with two decimals', (p: any) => (p.fridges.units[0].limitC = 6.55), 'fridges.units[0].limitC: at most one decimal, got 6.55'],
    [
      'a duplicate fridge id',
      (p: any) => (p.fridges.units[1].id = 'molkerei'),
      'fridges.units[1].id: duplicate fridge id "molkerei" (also fridges.units[0].id)',
    ],
    [
      'a defrost start that is no time',
      (p: any) => (p.fridges.units[0].defrost[0].start = '25:00'),
      'fridges.units[0].defrost[0].start: must match ^([01][0-9]|2[0-3]):[0-5][0-9]$, got "25:00"',
    ],
    ['an unknown property', (p: any) => (p.fridges.units[0].setpoint = 4), 'fridges.units[0].setpoint: unknown property'],
    ['a sampling interval of 1 s', (p: any) => (p.fridges.samplingMs = 1000), 'fridges.samplingMs: must be 10000..3600000, got 1000'],
  ])('refuses %s, naming the field', (_name, change, problem) => {
    expect(problemsOf(change)).toContain(problem);
  });
});
