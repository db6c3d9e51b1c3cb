/**
 * Quiet hours in a user's time zone (e.g. 22:00–06:00 Europe/Berlin): whether an instant falls in
 * them and when they end. Times of day are seconds after local midnight; start > end spans midnight,
 * start == end means none. Daylight-saving changes are taken from the zone (Intl), not assumed.
 */

export interface QuietHours {
  /** Seconds after local midnight. */
  start: number;
  end: number;
  timeZone: string;
}

const DAY = 86_400;
const formats = new Map<string, Intl.DateTimeFormat>();

function format(timeZone: string): Intl.DateTimeFormat {
  let f = formats.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-GB', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formats.set(timeZone, f);
  }
  return f;
}

/** True when `timeZone` is an IANA zone this runtime knows. */
export function isTimeZone(timeZone: string): boolean {
  try {
    format(timeZone);
    return true;
  } catch {
    return false;
  }
}

/** The wall clock of `timeZone` at `t`, read as if it were UTC (ms). */
function wallAsUtc(t: number, timeZone: string): number {
  const p = Object.fromEntries(
    format(timeZone)
      .formatToParts(new Date(t))
      .map((x) => [x.type, x.value]),
  );
  return Date.UTC(Number(p.year), Number(p.month) - 1, Number(p.day), Number(p.hour), Number(p.minute), Number(p.second));
}

/** Seconds after local midnight at `t`. */
export function localSecondOfDay(t: number, timeZone: string): number {
  const w = wallAsUtc(t, timeZone);
  return Math.floor((((w % (DAY * 1000)) + DAY * 1000) % (DAY * 1000)) / 1000);
}

export function inQuietHours(q: QuietHours, t: number): boolean {
  if (q.start === q.end) return false;
  const s = localSecondOfDay(t, q.timeZone);
  return q.start < q.end ? s >= q.start && s < q.end : s >= q.start || s < q.end;
}

/** When the quiet hours that `t` falls in end (ms), or null when `t` is not in quiet hours. */
export function quietHoursEnd(q: QuietHours, t: number): number | null {
  if (!inQuietHours(q, t)) return null;
  const whole = Math.floor(t / 1000) * 1000;
  const s = localSecondOfDay(whole, q.timeZone);
  const ahead = (q.end - s + DAY) % DAY || DAY;
  let end = whole + ahead * 1000;
  // A daylight-saving change in between moves the wall clock: correct by the change of offset.
  const offsetNow = wallAsUtc(whole, q.timeZone) - whole;
  const offsetThen = wallAsUtc(end, q.timeZone) - end;
  end += offsetNow - offsetThen;
  return Math.max(end, t);
}

/** `HH:MM` or `HH:MM:SS` → seconds after midnight. */
export function parseTimeOfDay(s: string): number {
  const [h, m, sec] = s.split(':').map(Number);
  return (h ?? 0) * 3600 + (m ?? 0) * 60 + (sec ?? 0);
}

/** Seconds after midnight → `HH:MM`, or `HH:MM:SS` when the seconds are not zero. */
export function formatTimeOfDay(v: number): string {
  const pad = (n: number): string => String(n).padStart(2, '0');
  const base = `${pad(Math.floor(v / 3600))}:${pad(Math.floor((v % 3600) / 60))}`;
  return v % 60 === 0 ? base : `${base}:${pad(v % 60)}`;
}
