/** GS1 YYMMDD dates (AIs 11, 13, 15, 16, 17). Day 00 means the last day of the month. */

export interface Gs1Date {
  /** ISO calendar date 'YYYY-MM-DD' after resolving day 00. */
  ymd: string;
  /** True when the label said day 00 (only month precision). */
  dayUnspecified: boolean;
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/**
 * Century per GS1 General Specifications §7.12: the year lies from 49 years before to 50 years
 * after `referenceYear`. Without a reference year, 20YY.
 */
function fullYear(yy: number, referenceYear?: number): number {
  if (referenceYear === undefined) return 2000 + yy;
  const century = Math.floor(referenceYear / 100) * 100;
  let y = century + yy;
  if (y - referenceYear > 50) y -= 100;
  else if (referenceYear - y > 49) y += 100;
  return y;
}

export function parseGs1Date(s: string, referenceYear?: number): Gs1Date | string {
  if (!/^[0-9]{6}$/.test(s)) return `date "${s}" is not 6 digits YYMMDD`;
  const yy = Number(s.slice(0, 2));
  const mm = Number(s.slice(2, 4));
  const dd = Number(s.slice(4, 6));
  if (mm < 1 || mm > 12) return `date "${s}" has month ${mm}`;
  const year = fullYear(yy, referenceYear);
  const last = daysInMonth(year, mm);
  if (dd > last) return `date "${s}" has day ${dd}, month ${mm} has ${last} days`;
  const day = dd === 0 ? last : dd;
  const ymd = `${String(year).padStart(4, '0')}-${String(mm).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
  return { ymd, dayUnspecified: dd === 0 };
}
