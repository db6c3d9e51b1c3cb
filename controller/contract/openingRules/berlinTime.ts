/**
 * Epoch ms -> Europe/Berlin civil date, weekday and minute of day, via Intl (no tz library).
 * Create one instance and reuse it: building an Intl.DateTimeFormat is the expensive part.
 */

export type Weekday = 'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat' | 'sun';

export interface LocalTime {
  /** `YYYY-MM-DD` */
  date: string;
  weekday: Weekday;
  /** 0..1439 */
  minuteOfDay: number;
}

const WEEKDAYS: Record<string, Weekday> = { Mon: 'mon', Tue: 'tue', Wed: 'wed', Thu: 'thu', Fri: 'fri', Sat: 'sat', Sun: 'sun' };

export class ZonedTime {
  private readonly fmt: Intl.DateTimeFormat;

  constructor(readonly timeZone = 'Europe/Berlin') {
    this.fmt = new Intl.DateTimeFormat('en-US', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      weekday: 'short',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
  }

  local(atMs: number): LocalTime {
    const parts: Record<string, string> = {};
    for (const p of this.fmt.formatToParts(atMs)) parts[p.type] = p.value;
    const weekday = WEEKDAYS[parts.weekday ?? ''];
    if (!weekday) throw new Error(`unexpected weekday ${parts.weekday ?? '(none)'}`);
    const hour = Number(parts.hour) % 24;
    return {
      date: `${parts.year}-${parts.month}-${parts.day}`,
      weekday,
      minuteOfDay: hour * 60 + Number(parts.minute),
    };
  }
}
