/**
 * Quiet hours in the user's time zone: inside/outside across midnight, the end instant, and the
 * nights the clocks change in Europe/Berlin (the end is 06:00 local, whatever the UTC offset did).
 */
import { describe, expect, it } from 'vitest';
import { inQuietHours, quietHoursEnd, parseTimeOfDay, formatTimeOfDay, localSecondOfDay } from '../../backoffice/alarms/quietHours.ts';

const night = { start: parseTimeOfDay('22:00'), end: parseTimeOfDay('06:00'), timeZone: 'Europe/Berlin' };

describe('quiet hours', () => {
  it('covers 22:00 to 06:00 Berlin time across midnight, end exclusive', () => {
    // winter: Berlin = UTC+1
    expect(inQuietHours(night, Date.UTC(2027, 0, 10, 20, 59, 59))).toBe(false);
    expect(inQuietHours(night, Date.UTC(2027, 0, 10, 21, 0, 0))).toBe(true);
    expect(inQuietHours(night, Date.UTC(2027, 0, 11, 4, 59, 59))).toBe(true);
    expect(inQuietHours(night, Date.UTC(2027, 0, 11, 5, 0, 0))).toBe(false);
    expect(quietHoursEnd(night, Date.UTC(2027, 0, 11, 12, 0))).toBeNull();
  });

  it('ends at 06:00 local time, in winter and in summer', () => {
    expect(quietHoursEnd(night, Date.UTC(2027, 0, 10, 22, 30, 15, 500))).toBe(Date.UTC(2027, 0, 11, 5, 0));
    expect(quietHoursEnd(night, Date.UTC(2027, 6, 10, 21, 30))).toBe(Date.UTC(2027, 6, 11, 4, 0));
    expect(quietHoursEnd(night, Date.UTC(2027, 6, 11, 3, 59, 59))).toBe(Date.UTC(2027, 6, 11, 4, 0));
  });

  it('ends at 06:00 local time on the nights the clocks change', () => {
    // 28 March 2027: 02:00 CET → 03:00 CEST; 06:00 CEST = 04:00 UTC
    expect(quietHoursEnd(night, Date.UTC(2027, 2, 27, 22, 0))).toBe(Date.UTC(2027, 2, 28, 4, 0));
    // 31 October 2027: 03:00 CEST → 02:00 CET; 06:00 CET = 05:00 UTC
    expect(quietHoursEnd(night, Date.UTC(2027, 9, 30, 21, 0))).toBe(Date.UTC(2027, 9, 31, 5, 0));
  });

  it('reads and writes times of day with optional seconds', () => {
    expect(parseTimeOfDay('06:30')).toBe(6 * 3600 + 1800);
    expect(formatTimeOfDay(parseTimeOfDay('23:59:07'))).toBe('23:59:07');
    expect(formatTimeOfDay(22 * 3600)).toBe('22:00');
    expect(localSecondOfDay(Date.UTC(2027, 0, 10, 23, 0, 5), 'Europe/Berlin')).toBe(5);
  });
});
