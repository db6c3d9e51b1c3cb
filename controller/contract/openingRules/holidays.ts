/**
 * German public holidays per Bundesland. Easter by the Meeus/Jones/Butcher Gregorian algorithm.
 * Dates are civil dates `YYYY-MM-DD`; names are German (they appear on the kiosk as-is).
 *
 * Not covered (municipal, not state-wide): Augsburger Friedensfest, Mariä Himmelfahrt in
 * Catholic Bavarian communes, Corpus Christi in parts of SN/TH.
 */

import { BUNDESLAENDER, type Bundesland } from '../changes/openingRules.ts';

export { BUNDESLAENDER, type Bundesland };

export interface Holiday {
  date: string;
  name: string;
}

/** Easter Sunday as [month 1-12, day]. */
export function easterSunday(year: number): [number, number] {
  const a = year % 19;
  const b = Math.floor(year / 100);
  const c = year % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const day = ((h + l - 7 * m + 114) % 31) + 1;
  return [month, day];
}

function iso(year: number, month: number, day: number): string {
  const d = new Date(Date.UTC(year, month - 1, day));
  return d.toISOString().slice(0, 10);
}

const ALL: readonly Bundesland[] = BUNDESLAENDER;

interface Rule {
  name: string;
  states: readonly Bundesland[];
  /** First year the holiday applies in these states (inclusive). */
  since?: number;
  date: (year: number, easter: (offset: number) => string) => string;
}

const fixed = (month: number, day: number) => (year: number) => iso(year, month, day);

const RULES: readonly Rule[] = [
  { name: 'Neujahr', states: ALL, date: fixed(1, 1) },
  { name: 'Heilige Drei Könige', states: ['BW', 'BY', 'ST'], date: fixed(1, 6) },
  { name: 'Internationaler Frauentag', states: ['BE'], since: 2019, date: fixed(3, 8) },
  { name: 'Internationaler Frauentag', states: ['MV'], since: 2023, date: fixed(3, 8) },
  { name: 'Karfreitag', states: ALL, date: (_y, e) => e(-2) },
  { name: 'Ostersonntag', states: ['BB'], date: (_y, e) => e(0) },
  { name: 'Ostermontag', states: ALL, date: (_y, e) => e(1) },
  { name: 'Tag der Arbeit', states: ALL, date: fixed(5, 1) },
  { name: 'Christi Himmelfahrt', states: ALL, date: (_y, e) => e(39) },
  { name: 'Pfingstsonntag', states: ['BB'], date: (_y, e) => e(49) },
  { name: 'Pfingstmontag', states: ALL, date: (_y, e) => e(50) },
  { name: 'Fronleichnam', states: ['BW', 'BY', 'HE', 'NW', 'RP', 'SL'], date: (_y, e) => e(60) },
  { name: 'Mariä Himmelfahrt', states: ['SL'], date: fixed(8, 15) },
  { name: 'Weltkindertag', states: ['TH'], since: 2019, date: fixed(9, 20) },
  { name: 'Tag der Deutschen Einheit', states: ALL, date: fixed(10, 3) },
  { name: 'Reformationstag', states: ['BB', 'MV', 'SN', 'ST', 'TH'], date: fixed(10, 31) },
  { name: 'Reformationstag', states: ['HB', 'HH', 'NI', 'SH'], since: 2018, date: fixed(10, 31) },
  { name: 'Allerheiligen', states: ['BW', 'BY', 'NW', 'RP', 'SL'], date: fixed(11, 1) },
  {
    name: 'Buß- und Bettag',
    states: ['SN'],
    // The Wednesday strictly before 23 November, i.e. between 16 and 22 November.
    date: (year) => {
      const nov23 = new Date(Date.UTC(year, 10, 23));
      const back = (nov23.getUTCDay() - 3 + 7) % 7 || 7;
      return iso(year, 11, 23 - back);
    },
  },
  { name: '1. Weihnachtstag', states: ALL, date: fixed(12, 25) },
  { name: '2. Weihnachtstag', states: ALL, date: fixed(12, 26) },
];

/** All public holidays of `state` in `year`, keyed by date. */
export function holidaysFor(state: Bundesland, year: number): Map<string, string> {
  const [em, ed] = easterSunday(year);
  const easter = (offset: number): string => iso(year, em, ed + offset);
  const out = new Map<string, string>();
  for (const rule of RULES) {
    if (!rule.states.includes(state)) continue;
    if (rule.since !== undefined && year < rule.since) continue;
    out.set(rule.date(year, easter), rule.name);
  }
  // 2017: the 500th anniversary made Reformationstag a holiday everywhere.
  if (year === 2017) out.set('2017-10-31', 'Reformationstag');
  return out;
}

/** Caches holidays per year for one state. */
export class HolidayCalendar {
  private readonly cache = new Map<number, Map<string, string>>();

  constructor(readonly state: Bundesland) {}

  /** The holiday name on civil date `YYYY-MM-DD`, or undefined. */
  holidayOn(date: string): string | undefined {
    const year = Number(date.slice(0, 4));
    let map = this.cache.get(year);
    if (!map) {
      map = holidaysFor(this.state, year);
      if (this.cache.size > 8) this.cache.clear();
      this.cache.set(year, map);
    }
    return map.get(date);
  }
}
