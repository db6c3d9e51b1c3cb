/**
 * The opening of the next days as the point will see it: the point's own engine (engine.ts)
 * evaluated minute by minute in Europe/Berlin wall time, merged into segments per local day. The
 * backoffice shows this before and after sending rules to a point, so what the operator reads is
 * what the door will do (holidays of the Bundesland, exceptions and DST included).
 */
import { ZonedTime, type Weekday } from './berlinTime.ts';
import { OpeningRulesEngine, type Audience } from './engine.ts';
import type { OpeningRulesDocument } from './validate.ts';

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
const hhmm = (m: number): string => `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;

/** `days` local days starting with the one `fromMs` falls in. `rules` must come from parseOpeningRules. */
export function previewOpening(rules: OpeningRulesDocument, fromMs: number, days = 14): PreviewDay[] {
  const engine = new OpeningRulesEngine(rules);
  const zoned = new ZonedTime('Europe/Berlin');
  const exceptions = new Set((rules.exceptions ?? []).map((e) => e.date));
  const today = zoned.local(fromMs);
  // Step back past local midnight (a DST change may shift it by an hour), then forward to it.
  let t = Math.floor(fromMs / MINUTE) * MINUTE - (today.minuteOfDay + 120) * MINUTE;
  while (zoned.local(t).date !== today.date) t += MINUTE;
  const out: PreviewDay[] = [];
  let day: PreviewDay | null = null;
  let lastMinute = -2;
  for (;;) {
    const local = zoned.local(t);
    if (!day || local.date !== day.date) {
      if (out.length === days) break;
      day = { date: local.date, weekday: local.weekday, holiday: null, exception: exceptions.has(local.date), segments: [] };
      out.push(day);
      lastMinute = -2;
    }
    const ev = engine.evaluate(t);
    if (ev.holiday !== undefined) day.holiday = ev.holiday;
    const last = day.segments.at(-1);
    if (last && last.audience === ev.audience && local.minuteOfDay === lastMinute + 1) last.to = hhmm(local.minuteOfDay + 1);
    else day.segments.push({ from: hhmm(local.minuteOfDay), to: hhmm(local.minuteOfDay + 1), audience: ev.audience });
    lastMinute = local.minuteOfDay;
    t += MINUTE;
  }
  return out;
}
