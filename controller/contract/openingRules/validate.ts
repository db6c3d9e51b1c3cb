/**
 * The opening rules document (JSON, from config or the backoffice downlink), as a TypeBox
 * schema, plus the checks a schema cannot express. `parseOpeningRules` returns typed rules or
 * throws OpeningRulesError naming the offending field.
 */
import { Compile } from 'typebox/compile';
import { OpeningRulesSchema, WindowSchema, type OpeningRulesDocument, type OpeningWindow } from '../changes/openingRules.ts';
import { type Bundesland, holidaysFor } from './holidays.ts';

export { OpeningRulesSchema, WindowSchema, type OpeningRulesDocument, type OpeningWindow };

export class OpeningRulesError extends Error {
  override readonly name = 'OpeningRulesError';
  constructor(
    readonly field: string,
    problem: string,
  ) {
    super(`opening rules: ${field || '(document)'}: ${problem}`);
  }
}

const compiled = Compile(OpeningRulesSchema);

export function minutesOf(time: string): number {
  return Number(time.slice(0, 2)) * 60 + Number(time.slice(3, 5));
}

/** Total minutes covered by the union of the windows. */
export function openMinutes(windows: readonly OpeningWindow[]): number {
  const spans = windows.map((w) => [minutesOf(w.from), minutesOf(w.to)] as const).sort((a, b) => a[0] - b[0]);
  let total = 0;
  let curStart = -1;
  let curEnd = -1;
  for (const [s, e] of spans) {
    if (s > curEnd) {
      total += curEnd - curStart;
      curStart = s;
      curEnd = e;
    } else curEnd = Math.max(curEnd, e);
  }
  return total + (curEnd - curStart);
}

function checkWindows(windows: readonly OpeningWindow[], path: string): void {
  windows.forEach((w, i) => {
    if (minutesOf(w.from) >= minutesOf(w.to)) {
      throw new OpeningRulesError(`${path}/${i}/to`, `must be after from (${w.from}); split windows that cross midnight`);
    }
  });
}

function checkCap(windows: readonly OpeningWindow[], cap: number | undefined, path: string): void {
  if (cap === undefined) return;
  const open = openMinutes(windows);
  if (open > cap) throw new OpeningRulesError(path, `open ${open} min on a Sunday/holiday, more than sundayCapMinutes ${cap}`);
}

function isRealDate(date: string): boolean {
  const d = new Date(`${date}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === date;
}

/** Validate an untrusted value as opening rules. Throws OpeningRulesError naming the field. */
export function parseOpeningRules(value: unknown): OpeningRulesDocument {
  if (!compiled.Check(value)) {
    const errors = [...compiled.Errors(value)];
    // Prefer the most specific error (deepest path), which names the field most precisely.
    const first = errors.sort((a, b) => b.instancePath.length - a.instancePath.length)[0];
    if (!first) throw new OpeningRulesError('', 'invalid');
    const extra = (first.params as { additionalProperties?: unknown }).additionalProperties;
    const detail = Array.isArray(extra) ? `${first.message}: ${extra.join(', ')}` : first.message;
    throw new OpeningRulesError(first.instancePath, detail);
  }
  const rules = value;
  for (const [day, windows] of Object.entries(rules.weekly)) checkWindows(windows, `/weekly/${day}`);
  if (rules.holidayWindows) checkWindows(rules.holidayWindows, '/holidayWindows');
  if ((rules.holidays ?? 'like-sunday') === 'own-windows' && !rules.holidayWindows) {
    throw new OpeningRulesError('/holidayWindows', 'required when holidays is own-windows');
  }
  const cap = rules.sundayCapMinutes;
  checkCap(rules.weekly.sun, cap, '/weekly/sun');
  if (rules.holidays === 'own-windows' && rules.holidayWindows) checkCap(rules.holidayWindows, cap, '/holidayWindows');
  const seen = new Set<string>();
  (rules.exceptions ?? []).forEach((ex, i) => {
    if (!isRealDate(ex.date)) throw new OpeningRulesError(`/exceptions/${i}/date`, `${ex.date} is not a calendar date`);
    if (seen.has(ex.date)) throw new OpeningRulesError(`/exceptions/${i}/date`, `${ex.date} appears twice`);
    seen.add(ex.date);
    checkWindows(ex.windows, `/exceptions/${i}/windows`);
    const sunday = new Date(`${ex.date}T12:00:00Z`).getUTCDay() === 0;
    const holiday = holidaysFor(rules.state as Bundesland, Number(ex.date.slice(0, 4))).has(ex.date);
    if (sunday || (holiday && rules.holidays !== 'ignore')) checkCap(ex.windows, cap, `/exceptions/${i}/windows`);
  });
  return rules;
}

/** Parse JSON text as opening rules; a JSON syntax error is reported as such. */
export function parseOpeningRulesJson(text: string): OpeningRulesDocument {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new OpeningRulesError('', `not valid JSON (${(err as Error).message})`);
  }
  return parseOpeningRules(value);
}
