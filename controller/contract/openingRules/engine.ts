/**
 * Opening rules engine: which audience may enter at a given instant, evaluated in Europe/Berlin
 * local wall time. Windows follow the wall clock across DST: on the last Sunday of March a window
 * 02:00-03:00 never happens; on the last Sunday of October it is open for two real hours.
 *
 * Precedence for a day: a dated exception, else a public holiday (like Sunday unless the rules say
 * otherwise), else the weekday's windows. Overlapping windows: the most open audience wins.
 */
import { ZonedTime, type Weekday } from './berlinTime.ts';
import { HolidayCalendar, type Bundesland } from './holidays.ts';
import { minutesOf, type OpeningRulesDocument, type OpeningWindow } from './validate.ts';

export type Audience = 'everyone' | 'members' | 'closed';
export type CourierAccess = 'always' | 'opening-hours';

export interface OpeningEvaluation {
  audience: Audience;
  reason: string;
  holiday?: string;
}

/** What the access decider needs from an opening rules engine. */
export interface OpeningRules {
  evaluate(atMs: number): OpeningEvaluation;
  readonly courierAccess: CourierAccess;
}

export class OpeningRulesEngine implements OpeningRules {
  private readonly zoned = new ZonedTime('Europe/Berlin');
  private readonly calendar: HolidayCalendar;
  private readonly exceptions: Map<string, { windows: readonly OpeningWindow[]; note?: string }>;
  readonly courierAccess: CourierAccess;

  /** `rules` must come from parseOpeningRules (validated). */
  constructor(private readonly rules: OpeningRulesDocument) {
    this.calendar = new HolidayCalendar(rules.state as Bundesland);
    this.exceptions = new Map(
      (rules.exceptions ?? []).map((e) => [e.date, e.note === undefined ? { windows: e.windows } : { windows: e.windows, note: e.note }]),
    );
    this.courierAccess = rules.couriers ?? 'always';
  }

  evaluate(atMs: number): OpeningEvaluation {
    if (!Number.isFinite(atMs)) return { audience: 'closed', reason: 'invalid time' };
    const local = this.zoned.local(atMs);
    const mode = this.rules.holidays ?? 'like-sunday';
    const holiday = mode === 'ignore' ? undefined : this.calendar.holidayOn(local.date);
    let windows: readonly OpeningWindow[];
    let source: string;
    const exception = this.exceptions.get(local.date);
    if (exception) {
      windows = exception.windows;
      source = `exception ${local.date}${exception.note ? ` (${exception.note})` : ''}`;
    } else if (holiday !== undefined) {
      windows = mode === 'own-windows' ? (this.rules.holidayWindows ?? []) : this.rules.weekly.sun;
      source = `holiday ${holiday}`;
    } else {
      windows = this.rules.weekly[local.weekday as Weekday];
      source = `weekly ${local.weekday}`;
    }
    let best: OpeningWindow | undefined;
    for (const w of windows) {
      if (local.minuteOfDay < minutesOf(w.from) || local.minuteOfDay >= minutesOf(w.to)) continue;
      if (!best || (best.audience === 'members' && w.audience === 'everyone')) best = w;
    }
    const result: OpeningEvaluation = best
      ? { audience: best.audience, reason: `${source} ${best.from}-${best.to} ${best.audience}` }
      : { audience: 'closed', reason: `${source}: no window at this time` };
    if (holiday !== undefined) result.holiday = holiday;
    return result;
  }
}

export interface NiedersachsenOptions {
  /** Optional members-only window on Sundays and holidays, at most 3 h (kiosk exemption). */
  sundayMembers?: { from: string; to: string };
  exceptions?: OpeningRulesDocument['exceptions'];
}

/**
 * Niedersachsen (NLöffVZG as read in REFERENCE §3): Mon-Sat 06:00-22:00 for everyone; Sundays
 * and public holidays closed unless an exception applies. Optionally a members-only Sunday window,
 * capped at 180 minutes (the kiosk exemption's 3 h). Couriers may always enter (lockers only).
 */
export function defaultRulesNiedersachsen(options: NiedersachsenOptions = {}): OpeningRulesDocument {
  const day = [{ from: '06:00', to: '22:00', audience: 'everyone' as const }];
  const sun = options.sundayMembers ? [{ ...options.sundayMembers, audience: 'members' as const }] : [];
  return {
    version: 1,
    state: 'NI',
    weekly: { mon: day, tue: day, wed: day, thu: day, fri: day, sat: day, sun },
    holidays: 'like-sunday',
    sundayCapMinutes: 180,
    exceptions: options.exceptions ?? [],
    couriers: 'always',
  };
}
