import { describe, expect, it } from 'vitest';
import { defaultRulesNiedersachsen, OpeningRulesEngine } from './openingRules.ts';
import { OpeningRulesError, parseOpeningRules, parseOpeningRulesJson, type OpeningRulesDocument } from './openingRulesSchema.ts';

const day = [{ from: '06:00', to: '22:00', audience: 'everyone' as const }];
function weekdayRules(state: OpeningRulesDocument['state'], extra: Partial<OpeningRulesDocument> = {}): OpeningRulesDocument {
  return parseOpeningRules({ version: 1, state, weekly: { mon: day, tue: day, wed: day, thu: day, fri: day, sat: day, sun: [] }, ...extra });
}
/** Epoch ms of a Berlin local time, given its UTC offset in hours. */
const berlin = (iso: string, offsetH: number): number => Date.parse(`${iso}:00Z`) - offsetH * 3_600_000;

describe('opening rules engine', () => {
  const ni = new OpeningRulesEngine(parseOpeningRules(defaultRulesNiedersachsen()));

  it('Niedersachsen default: open to everyone Mon-Sat 06:00-22:00 Berlin time, closed on Sundays', () => {
    expect(ni.evaluate(berlin('2026-11-21T06:00', 1)).audience).toBe('everyone');
    expect(ni.evaluate(berlin('2026-11-21T05:59', 1)).audience).toBe('closed');
    expect(ni.evaluate(berlin('2026-11-21T21:59', 1)).audience).toBe('everyone');
    expect(ni.evaluate(berlin('2026-11-21T22:00', 1)).audience).toBe('closed');
    expect(ni.evaluate(berlin('2026-07-15T21:30', 2)).audience).toBe('everyone'); // summer time
    expect(ni.evaluate(berlin('2026-11-22T12:00', 1))).toMatchObject({ audience: 'closed', reason: expect.stringContaining('weekly sun') });
  });

  it('closes on Easter Monday 2026 (6 April) like a Sunday and names the holiday', () => {
    expect(ni.evaluate(berlin('2026-04-06T12:00', 2))).toEqual({
      audience: 'closed',
      reason: 'holiday Ostermontag: no window at this time',
      holiday: 'Ostermontag',
    });
    expect(ni.evaluate(berlin('2026-04-07T12:00', 2)).audience).toBe('everyone');
  });

  it('Reformation Day 31 Oct 2026 (a Saturday) is closed in NI but open in BY', () => {
    expect(ni.evaluate(berlin('2026-10-31T12:00', 1))).toMatchObject({ audience: 'closed', holiday: 'Reformationstag' });
    const by = new OpeningRulesEngine(weekdayRules('BY'));
    expect(by.evaluate(berlin('2026-10-31T12:00', 1)).audience).toBe('everyone');
  });

  it('All Saints 1 Nov is open in NI but closed in BY (a Monday in 2027)', () => {
    const by = new OpeningRulesEngine(weekdayRules('BY'));
    expect(ni.evaluate(berlin('2027-11-01T12:00', 1)).audience).toBe('everyone');
    expect(by.evaluate(berlin('2027-11-01T12:00', 1))).toMatchObject({ audience: 'closed', holiday: 'Allerheiligen' });
  });

  it('Buß- und Bettag 18 Nov 2026 closes a Saxon shop but not a Lower Saxon one', () => {
    const sn = new OpeningRulesEngine(weekdayRules('SN'));
    expect(sn.evaluate(berlin('2026-11-18T12:00', 1))).toMatchObject({ audience: 'closed', holiday: 'Buß- und Bettag' });
    expect(ni.evaluate(berlin('2026-11-18T12:00', 1)).audience).toBe('everyone');
  });

  it('holidays can have their own windows or be ignored', () => {
    const own = new OpeningRulesEngine(weekdayRules('NI', { holidays: 'own-windows', holidayWindows: [{ from: '08:00', to: '10:00', audience: 'members' }] }));
    expect(own.evaluate(berlin('2026-04-06T09:00', 2)).audience).toBe('members');
    const ignore = new OpeningRulesEngine(weekdayRules('NI', { holidays: 'ignore' }));
    expect(ignore.evaluate(berlin('2026-04-06T12:00', 2))).toEqual({ audience: 'everyone', reason: 'weekly mon 06:00-22:00 everyone' });
  });

  it('a dated exception replaces the day: closed on Christmas Eve afternoon, open on a Sunday market', () => {
    const rules = defaultRulesNiedersachsen({
      exceptions: [
        { date: '2026-12-24', windows: [{ from: '06:00', to: '14:00', audience: 'everyone' }], note: 'Heiligabend' },
        { date: '2026-12-06', windows: [{ from: '11:00', to: '14:00', audience: 'everyone' }] },
      ],
    });
    const e = new OpeningRulesEngine(parseOpeningRules(rules));
    expect(e.evaluate(berlin('2026-12-24T15:00', 1)).audience).toBe('closed');
    expect(e.evaluate(berlin('2026-12-24T13:00', 1)).reason).toContain('Heiligabend');
    expect(e.evaluate(berlin('2026-12-06T12:00', 1)).audience).toBe('everyone');
  });

  it('the most open window wins where windows overlap', () => {
    const e = new OpeningRulesEngine(
      weekdayRules('NI', {
        weekly: { mon: [{ from: '05:00', to: '23:00', audience: 'members' }, ...day], tue: [], wed: [], thu: [], fri: [], sat: [], sun: [] },
      }),
    );
    expect(e.evaluate(berlin('2026-11-23T05:30', 1)).audience).toBe('members');
    expect(e.evaluate(berlin('2026-11-23T12:00', 1)).audience).toBe('everyone');
  });

  describe('across daylight saving changes (Berlin wall time)', () => {
    const night = [{ from: '02:00', to: '03:00', audience: 'members' as const }];
    const e = new OpeningRulesEngine(
      parseOpeningRules({ version: 1, state: 'NI', holidays: 'ignore', weekly: { mon: [], tue: [], wed: [], thu: [], fri: [], sat: [], sun: night } }),
    );
    const openMinutes = (fromUtcMs: number, hours: number): number => {
      let n = 0;
      for (let t = fromUtcMs; t < fromUtcMs + hours * 3_600_000; t += 60_000) if (e.evaluate(t).audience === 'members') n++;
      return n;
    };

    it('a 02:00-03:00 window never opens on 29 March 2026 (clocks jump 02:00 -> 03:00)', () => {
      expect(openMinutes(Date.UTC(2026, 2, 28, 22), 6)).toBe(0);
      expect(e.evaluate(Date.UTC(2026, 2, 29, 1, 0)).audience).toBe('closed'); // 03:00 CEST
      expect(e.evaluate(Date.UTC(2026, 2, 29, 0, 59)).audience).toBe('closed'); // 01:59 CET
    });

    it('a 02:00-03:00 window is open for two real hours on 25 October 2026 (02:00-03:00 happens twice)', () => {
      expect(openMinutes(Date.UTC(2026, 9, 24, 22), 6)).toBe(120);
      expect(e.evaluate(Date.UTC(2026, 9, 25, 0, 0)).audience).toBe('members'); // 02:00 CEST
      expect(e.evaluate(Date.UTC(2026, 9, 25, 1, 59)).audience).toBe('members'); // 02:59 CET
      expect(e.evaluate(Date.UTC(2026, 9, 25, 2, 0)).audience).toBe('closed'); // 03:00 CET
    });

    it('an ordinary Sunday has the window for exactly one hour', () => {
      expect(openMinutes(Date.UTC(2026, 10, 21, 22), 6)).toBe(60);
    });
  });
});

describe('opening rules validation', () => {
  const valid = (): Record<string, unknown> => structuredClone(defaultRulesNiedersachsen()) as unknown as Record<string, unknown>;

  it('accepts the Niedersachsen defaults with a 3 h members window on Sundays', () => {
    expect(() => parseOpeningRules(defaultRulesNiedersachsen({ sundayMembers: { from: '09:00', to: '12:00' } }))).not.toThrow();
  });

  it('names the field for a bad time, an unknown state and an unknown property', () => {
    const badTime = valid();
    (badTime.weekly as Record<string, unknown>).tue = [{ from: '6:00', to: '22:00', audience: 'everyone' }];
    expect(() => parseOpeningRules(badTime)).toThrow(/\/weekly\/tue\/0\/from/);
    expect(() => parseOpeningRules({ ...valid(), state: 'XX' })).toThrow(/\/state/);
    expect(() => parseOpeningRules({ ...valid(), sundays: 'open' })).toThrow(/sundays/);
    expect(() => parseOpeningRules('nope')).toThrow(OpeningRulesError);
  });

  it('refuses a window whose end is not after its start, and a window crossing midnight', () => {
    const rules = valid();
    (rules.weekly as Record<string, unknown>).fri = [{ from: '22:00', to: '02:00', audience: 'everyone' }];
    expect(() => parseOpeningRules(rules)).toThrow('opening rules: /weekly/fri/0/to: must be after from (22:00); split windows that cross midnight');
  });

  it('enforces the Sunday cap on Sunday windows and on exceptions that fall on a Sunday or holiday', () => {
    expect(() => parseOpeningRules(defaultRulesNiedersachsen({ sundayMembers: { from: '08:00', to: '12:00' } }))).toThrow(/\/weekly\/sun: open 240 min.*180/);
    expect(() =>
      parseOpeningRules(defaultRulesNiedersachsen({ exceptions: [{ date: '2026-04-06', windows: [{ from: '08:00', to: '18:00', audience: 'everyone' }] }] })),
    ).toThrow(/\/exceptions\/0\/windows/);
    expect(() =>
      parseOpeningRules(defaultRulesNiedersachsen({ exceptions: [{ date: '2026-04-07', windows: [{ from: '08:00', to: '18:00', audience: 'everyone' }] }] })),
    ).not.toThrow();
  });

  it('refuses impossible and duplicate exception dates', () => {
    expect(() => parseOpeningRules(defaultRulesNiedersachsen({ exceptions: [{ date: '2026-02-30', windows: [] }] }))).toThrow(
      /2026-02-30 is not a calendar date/,
    );
    expect(() =>
      parseOpeningRules(
        defaultRulesNiedersachsen({
          exceptions: [
            { date: '2026-12-24', windows: [] },
            { date: '2026-12-24', windows: [] },
          ],
        }),
      ),
    ).toThrow(/appears twice/);
  });

  it('requires holidayWindows when holidays use their own windows, and reports JSON syntax errors', () => {
    expect(() => parseOpeningRules({ ...valid(), holidays: 'own-windows' })).toThrow(/\/holidayWindows: required/);
    expect(() => parseOpeningRulesJson('{"version":1,')).toThrow(/not valid JSON/);
  });
});
