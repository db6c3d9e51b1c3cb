import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { TemperatureReading } from '../../hardware/ports.ts';
import { defrostChecker } from './config.ts';
import { initialHaccpState, step, type HaccpConfig, type HaccpEffect, type HaccpInput } from './haccp.ts';
import { plausibleTenths } from './plausibility.ts';

const MIN = 60_000;
const T0 = Date.UTC(2026, 0, 15, 18, 0);

const config = (inDefrost: (at: number) => boolean = () => false): HaccpConfig => ({
  limitTenths: 70,
  hysteresisTenths: 5,
  alarmAfterMs: 30 * MIN,
  blockAfterMs: 120 * MIN,
  maxGapMs: 120 * MIN,
  lostAfterReadings: 3,
  inDefrost,
});

const ok = (celsius: number, probeId = 'p1'): TemperatureReading => ({ ok: true, probeId, celsius });

function runAll(cfg: HaccpConfig, inputs: HaccpInput[]): Array<{ input: HaccpInput; effects: HaccpEffect[] }> {
  let state = initialHaccpState();
  return inputs.map((input) => {
    const r = step(cfg, state, input);
    state = r.state;
    return { input, effects: r.effects };
  });
}

const samples = (celsius: number[], everyMs = 5 * MIN): HaccpInput[] => celsius.map((c, i) => ({ type: 'sample', at: T0 + i * everyMs, readings: [ok(c)] }));

describe('HACCP reducer', () => {
  it('alarms after exactly alarmAfterMs above the limit and blocks after blockAfterMs', () => {
    const out = runAll(config(), samples(Array(30).fill(8)));
    const raiseAt = out.findIndex((o) => o.effects.some((e) => e.type === 'raise'));
    const blockAt = out.findIndex((o) => o.effects.some((e) => e.type === 'block'));
    expect(raiseAt).toBe(6); // 6 × 5 min = 30 min after the first reading above
    expect(blockAt).toBe(24);
  });

  it('does not flap: a value between limit − hysteresis and the limit keeps the fridge "above"', () => {
    const out = runAll(config(), samples([8, 6.8, 7.1, 6.6, 6.5]));
    const crossings = out.flatMap((o) => o.effects.filter((e) => e.type === 'crossed').map((e) => (e as { direction: string }).direction));
    expect(crossings).toEqual(['above', 'below']);
  });

  it('refuses implausible probe values with a clear reason', () => {
    expect(plausibleTenths(ok(85))).toEqual({
      ok: false,
      fault: 'power-on-value',
      reason: 'probe p1: 85.0 °C is the DS18B20 power-on value, not a measurement',
    });
    expect(plausibleTenths(ok(-127))).toEqual({
      ok: false,
      fault: 'implausible',
      reason: 'probe p1: -127 °C is outside the plausible range −40.0..60.0 °C for a fridge',
    });
    expect(plausibleTenths(ok(Number.NaN))).toMatchObject({ ok: false, fault: 'implausible', reason: 'probe p1: NaN is not a number of degrees' });
    expect(plausibleTenths(ok(-18.04))).toEqual({ ok: true, tenths: -180 });
    expect(plausibleTenths(ok(-0.01))).toEqual({ ok: true, tenths: 0 });
  });

  it('takes the warmest plausible probe and ignores a faulty second probe', () => {
    const [o] = runAll(config(), [{ type: 'sample', at: T0, readings: [ok(3.2), ok(85, 'p2'), ok(4.1, 'p3')] }]);
    expect(o!.effects.filter((e) => e.type === 'reading')).toEqual([{ type: 'reading', at: T0, tenths: 41 }]);
  });

  it('defrost windows are Europe/Berlin wall time, also across the DST change', () => {
    const inDefrost = defrostChecker([
      { start: '03:00', minutes: 30 },
      { start: '23:50', minutes: 20 },
    ]);
    expect(inDefrost(Date.UTC(2026, 0, 15, 2, 10))).toBe(true); // 03:10 CET
    expect(inDefrost(Date.UTC(2026, 6, 15, 1, 10))).toBe(true); // 03:10 CEST
    expect(inDefrost(Date.UTC(2026, 6, 15, 2, 10))).toBe(false); // 04:10 CEST
    expect(inDefrost(Date.UTC(2026, 0, 15, 23, 5))).toBe(true); // 00:05 CET, window wraps midnight
    expect(inDefrost(Date.UTC(2026, 0, 15, 23, 15))).toBe(false);
  });

  // one sample per 5 min over a day; windows at arbitrary times; values anywhere (also implausible)
  const raw = fc.oneof(
    { weight: 8, arbitrary: fc.integer({ min: -250, max: 150 }).map((t) => t / 10) },
    { weight: 1, arbitrary: fc.constantFrom(85, -127, 125, 1e9, -1e9, Number.NaN, Number.POSITIVE_INFINITY, 60.04, -40.06) },
  );
  const reading = fc.oneof(
    { weight: 9, arbitrary: raw.map((c) => ok(c)) },
    { weight: 1, arbitrary: fc.constant<TemperatureReading>({ ok: false, probeId: 'p1', fault: 'missing', detail: 'gone' }) },
  );
  const windows = fc.array(fc.record({ start: fc.integer({ min: 0, max: 1439 }), minutes: fc.integer({ min: 1, max: 180 }) }), { maxLength: 4 });
  const scenario = fc.record({
    windows,
    values: fc.array(fc.array(reading, { minLength: 1, maxLength: 2 }), { minLength: 1, maxLength: 300 }),
    gapAt: fc.option(fc.integer({ min: 0, max: 299 })),
    gapMs: fc.integer({ min: 0, max: 6 * 60 * MIN }),
  });

  function inputsOf(s: { values: TemperatureReading[][]; gapAt: number | null; gapMs: number }): HaccpInput[] {
    const out: HaccpInput[] = [];
    let at = T0;
    s.values.forEach((readings, i) => {
      if (s.gapAt === i) {
        out.push({ type: 'gap', fromAt: at, toAt: at + s.gapMs });
        at += s.gapMs;
      }
      out.push({ type: 'sample', at, readings: readings.map((r, k) => ({ ...r, probeId: `p${k}` })) });
      at += 5 * MIN;
    });
    return out;
  }

  it('property: never raises a temperature alarm or blocks at a reading inside a defrost window', () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const pad = (n: number): string => String(n).padStart(2, '0');
        const inDefrost = defrostChecker(s.windows.map((w) => ({ start: `${pad(Math.floor(w.start / 60))}:${pad(w.start % 60)}`, minutes: w.minutes })));
        for (const { input, effects } of runAll(config(inDefrost), inputsOf(s))) {
          if (input.type !== 'sample' || !inDefrost(input.at)) continue;
          expect(effects.filter((e) => (e.type === 'raise' && e.alarm === 'temperature') || e.type === 'block')).toEqual([]);
        }
      }),
      { seed: 20261206, numRuns: 150 },
    );
  });

  it('property: an implausible value is never recorded as a temperature, and a sample without a plausible value records none', () => {
    fc.assert(
      fc.property(scenario, (s) => {
        for (const { input, effects } of runAll(config(), inputsOf(s))) {
          if (input.type !== 'sample') continue;
          const plausible = input.readings.map(plausibleTenths).flatMap((p) => (p.ok ? [p.tenths] : []));
          const recorded = effects.flatMap((e) => (e.type === 'reading' ? [e.tenths] : []));
          expect(recorded).toEqual(plausible.length === 0 ? [] : [Math.max(...plausible)]);
          for (const t of recorded) {
            expect(Number.isInteger(t)).toBe(true);
            expect(t).toBeGreaterThanOrEqual(-400);
            expect(t).toBeLessThanOrEqual(600);
            expect(t).not.toBe(850);
          }
        }
      }),
      { seed: 20261207, numRuns: 150 },
    );
  });
});
