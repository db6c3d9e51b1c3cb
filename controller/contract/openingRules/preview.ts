/**
 * The opening of the next days as the point will see it: the point's own engine (engine.ts)
 * evaluated in Europe/Berlin wall time, merged into segments per local day. The
 * backoffice shows this before and after sending rules to a point, so what the operator reads is
 * what the door will do (holidays of the Bundesland, exceptions and DST included).
 */
import { ZonedTime, type LocalTime, type Weekday } from './berlinTime.ts';
import { OpeningRulesEngine, type Audience } from './engine.ts';
import { minutesOf, type OpeningRulesDocument, type OpeningWindow } from './validate.ts';

export interface PreviewSegment {
  /** Local wall time HH:MM, inclusive. */
  from: string;
  /** Local wall time HH:MM, exclusive; `24:00` = end of the day. */
  to: string;
  audience: Audience;
}

export interface PreviewDay {
  /** Local civil date YYYY-MM-DD. */
  date: string;
  weekday: Weekday;
  /** The public holiday's name when the rules treat holidays specially, else null. */
  holiday: string | null;
  /** True when a dated exception replaces the day's windows. */
  exception: boolean;
  segments: PreviewSegment[];
}

const MINUTE = 60_000;
const HOUR = 3_600_000;
const hhmm = (m: number): string => `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;

/**
 * Europe/Berlin wall time per minute, reading the zone once per UTC hour: Berlin's offsets are whole
 * hours and change on a UTC hour (01:00 UTC), so within one UTC hour the local time advances minute
 * by minute. Falls back to reading every minute if an hour does not start on a local full hour.
 */
function berlinMinutes(): (atMs: number) => LocalTime {
  const zoned = new ZonedTime('Europe/Berlin');
  let hour = Number.NaN;
  let base: LocalTime | null = null;
  return (atMs) => {
    const h = Math.floor(atMs / HOUR);
    if (h !== hour) {
      hour = h;
      const start = zoned.local(h * HOUR);
      base = start.minuteOfDay % 60 === 0 ? start : null;
    }
    if (!base) return zoned.local(atMs);
    return { ...base, minuteOfDay: base.minuteOfDay + Math.floor((atMs - hour * HOUR) / MINUTE) };
  };
}

/**
 * `days` local days starting with the one `fromMs` falls in. `rules` must come from parseOpeningRules.
 * The engine decides at every minute where its answer can change (local midnight, every window's
 * start and end, a DST jump); in between a day's audience stays what the engine last said.
 */
export function previewOpening(rules: OpeningRulesDocument, fromMs: number, days = 14): PreviewDay[] {
  const engine = new OpeningRulesEngine(rules);
  const local = berlinMinutes();
  const exceptions = new Set((rules.exceptions ?? []).map((e) => e.date));
  const boundaries = new Set<number>([0]);
  const add = (ws: readonly OpeningWindow[]): void => ws.forEach((w) => void boundaries.add(minutesOf(w.from)).add(minutesOf(w.to)));
  Object.values(rules.weekly).forEach(add);
  add(rules.holidayWindows ?? []);
  (rules.exceptions ?? []).forEach((e) => add(e.windows));

  const today = local(fromMs);
  // Step back past local midnight (a DST change may shift it by an hour), then forward to it.
  let t = Math.floor(fromMs / MINUTE) * MINUTE - (today.minuteOfDay + 120) * MINUTE;
  while (local(t).date !== today.date) t += MINUTE;
  const out: PreviewDay[] = [];
  let day: PreviewDay | null = null;
  let lastMinute = -2;
  let audience: Audience = 'closed';
  for (;;) {
    const now = local(t);
    const newDay = !day || now.date !== day.date;
    if (newDay) {
      if (out.length === days) break;
      day = { date: now.date, weekday: now.weekday, holiday: null, exception: exceptions.has(now.date), segments: [] };
      out.push(day);
      lastMinute = -2;
    }
    const d = day!;
    if (newDay || now.minuteOfDay !== lastMinute + 1 || boundaries.has(now.minuteOfDay)) {
      const ev = engine.evaluate(t);
      audience = ev.audience;
      if (ev.holiday !== undefined) d.holiday = ev.holiday;
    }
    const last = d.segments.at(-1);
    if (last && last.audience === audience && now.minuteOfDay === lastMinute + 1) last.to = hhmm(now.minuteOfDay + 1);
    else d.segments.push({ from: hhmm(now.minuteOfDay), to: hhmm(now.minuteOfDay + 1), audience });
    lastMinute = now.minuteOfDay;
    t += MINUTE;
  }
  return out;
}
