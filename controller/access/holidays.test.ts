import { describe, expect, it } from 'vitest';
import { BUNDESLAENDER, easterSunday, holidaysFor } from './holidays.ts';

describe('German public holidays', () => {
  it('computes Easter Sunday for known years', () => {
    expect(easterSunday(2024)).toEqual([3, 31]);
    expect(easterSunday(2025)).toEqual([4, 20]);
    expect(easterSunday(2026)).toEqual([4, 5]);
    expect(easterSunday(2027)).toEqual([3, 28]);
    expect(easterSunday(2038)).toEqual([4, 25]);
  });

  it('derives the movable feasts of 2026 from Easter', () => {
    const by = holidaysFor('BY', 2026);
    expect(by.get('2026-04-03')).toBe('Karfreitag');
    expect(by.get('2026-04-06')).toBe('Ostermontag');
    expect(by.get('2026-05-14')).toBe('Christi Himmelfahrt');
    expect(by.get('2026-05-25')).toBe('Pfingstmontag');
    expect(by.get('2026-06-04')).toBe('Fronleichnam');
  });

  it('has the nine nationwide holidays in every Bundesland', () => {
    for (const state of BUNDESLAENDER) {
      const days = holidaysFor(state, 2026);
      for (const d of ['2026-01-01', '2026-04-03', '2026-04-06', '2026-05-01', '2026-05-14', '2026-05-25', '2026-10-03', '2026-12-25', '2026-12-26']) {
        expect(days.has(d), `${state} ${d}`).toBe(true);
      }
    }
  });

  it('places state-specific days only in their states', () => {
    const where = (date: string): string[] => BUNDESLAENDER.filter((s) => holidaysFor(s, 2026).has(date));
    expect(where('2026-01-06')).toEqual(['BW', 'BY', 'ST']);
    expect(where('2026-03-08')).toEqual(['BE', 'MV']);
    expect(where('2026-06-04')).toEqual(['BW', 'BY', 'HE', 'NW', 'RP', 'SL']);
    expect(where('2026-08-15')).toEqual(['SL']);
    expect(where('2026-09-20')).toEqual(['TH']);
    expect(where('2026-10-31').sort()).toEqual(['BB', 'HB', 'HH', 'MV', 'NI', 'SH', 'SN', 'ST', 'TH']);
    expect(where('2026-11-01')).toEqual(['BW', 'BY', 'NW', 'RP', 'SL']);
    expect(where('2026-11-18')).toEqual(['SN']);
  });

  it('puts Buß- und Bettag on the Wednesday before 23 November, also when 23 Nov is a Wednesday', () => {
    expect(holidaysFor('SN', 2026).get('2026-11-18')).toBe('Buß- und Bettag');
    expect(holidaysFor('SN', 2022).get('2022-11-16')).toBe('Buß- und Bettag'); // 23 Nov 2022 was a Wednesday
    expect(holidaysFor('SN', 2025).get('2025-11-19')).toBe('Buß- und Bettag');
  });

  it('respects the year a holiday was introduced', () => {
    expect(holidaysFor('MV', 2022).has('2022-03-08')).toBe(false);
    expect(holidaysFor('NI', 2016).has('2016-10-31')).toBe(false);
    expect(holidaysFor('BY', 2017).get('2017-10-31')).toBe('Reformationstag');
  });
});
