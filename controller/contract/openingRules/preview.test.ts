import { describe, expect, it } from 'vitest';
import { ZonedTime } from './berlinTime.ts';
import { OpeningRulesEngine } from './engine.ts';
import { parseOpeningRules } from './validate.ts';
import { previewOpening } from './preview.ts';

const minutes = (hhmm: string): number => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/** Odd minutes, overlapping audiences, own holiday hours, an exception, and a window across a DST jump. */
const rules = parseOpeningRules({
  version: 1,
  state: 'BY',
  weekly: {
    mon: [
      { from: '07:13', to: '07:14', audience: 'everyone' },
      { from: '07:00', to: '09:30', audience: 'members' },
    ],
    tue: [{ from: '00:00', to: '24:00', audience: 'everyone' }],
    wed: [],
    thu: [{ from: '22:59', to: '24:00', audience: 'members' }],
    fri: [{ from: '06:00', to: '12:00', audience: 'everyone' }],
    sat: [{ from: '05:45', to: '20:15', audience: 'everyone' }],
    sun: [{ from: '01:30', to: '03:30', audience: 'members' }],
  },
  holidays: 'own-windows',
  holidayWindows: [{ from: '11:00', to: '12:00', audience: 'members' }],
  sundayCapMinutes: 180,
  exceptions: [{ date: '2027-10-29', windows: [{ from: '08:00', to: '08:01', audience: 'everyone' }], note: 'Inventur' }],
});

describe('opening preview', () => {
  // Both 2027 DST changes (28 March, 31 October), Good Friday / Easter Monday and Allerheiligen in Bavaria.
  it.each([Date.UTC(2027, 2, 22, 11, 0), Date.UTC(2027, 9, 25, 11, 0)])('says at every minute of 14 days what the engine says (from %i)', (from) => {
    const days = previewOpening(rules, from);
    const engine = new OpeningRulesEngine(rules);
    const zoned = new ZonedTime();
    const byDate = new Map(days.map((d) => [d.date, d]));
    expect(days).toHaveLength(14);
    let checked = 0;
    for (let t = from - (from % 60_000); ; t += 60_000) {
      const local = zoned.local(t);
      const day = byDate.get(local.date);
      if (!day) {
        if (checked > 0) break;
        continue;
      }
      // On the October day the hour 02:00-03:00 happens twice: the segment for this instant is the one the walk reached.
      const candidates = day.segments.filter((s) => minutes(s.from) <= local.minuteOfDay && local.minuteOfDay < minutes(s.to));
      expect(
        candidates.map((s) => s.audience),
        `${local.date} ${local.minuteOfDay}`,
      ).toContain(engine.evaluate(t).audience);
      checked++;
    }
    expect(checked).toBeGreaterThan(13 * 1440);
    const holidays = days.filter((d) => d.holiday !== null).map((d) => `${d.date} ${d.holiday}`);
    expect(holidays).toEqual(from < Date.UTC(2027, 5, 1) ? ['2027-03-26 Karfreitag', '2027-03-29 Ostermontag'] : ['2027-11-01 Allerheiligen']);
    expect(days.find((d) => d.date === '2027-10-29')?.segments ?? []).toEqual(
      from < Date.UTC(2027, 5, 1)
        ? []
        : [
            { from: '00:00', to: '08:00', audience: 'closed' },
            { from: '08:00', to: '08:01', audience: 'everyone' },
            { from: '08:01', to: '24:00', audience: 'closed' },
          ],
    );
  });

  it('starts with the local day of `from` and skips the hour the clocks jump over', () => {
    const [sunday] = previewOpening(rules, Date.UTC(2027, 2, 28, 10, 0), 1);
    expect(sunday).toMatchObject({ date: '2027-03-28', weekday: 'sun' });
    expect(sunday!.segments).toEqual([
      { from: '00:00', to: '01:30', audience: 'closed' },
      { from: '01:30', to: '02:00', audience: 'members' },
      { from: '03:00', to: '03:30', audience: 'members' },
      { from: '03:30', to: '24:00', audience: 'closed' },
    ]);
  });
});
