/**
 * What the kiosk's scanner reads: a plain GTIN (EAN-13/8, UPC-A) or a GS1 element string
 * (GS1-128 / DataMatrix / GS1 DataBar) with application identifiers, either raw (FNC1 sent as
 * ASCII 29 "GS", optionally after a symbology identifier "]C1", "]d2", "]e0", "]Q3") or in
 * human-readable form "(01)04012345678901(15)261231(10)L42".
 *
 * Understood AIs: 01 GTIN (14, check digit verified), 10 batch/lot (≤ 20, variable),
 * 15 best before (YYMMDD), 17 expiry (YYMMDD). DD = 00 means the last day of the month
 * (GS1 GenSpecs §3.4.4). Anything else (an unknown AI, a bad date, a short field, a bad check
 * digit) is malformed: the scan is refused, never guessed.
 */
import { parseGtin } from './gtin.ts';

export interface Scan {
  gtin14: string;
  batch: string | null;
  /** Best-before (AI 15) or expiry (AI 17) date, as `YYYY-MM-DD`; the earlier if both. */
  bestBefore: string | null;
}

export type ScanResult = { ok: true; scan: Scan } | { ok: false; reason: 'malformed-gs1' | 'bad-gtin'; detail: string };

const GS = '\u001d';
const SYMBOLOGY = /^\][A-Za-z][0-9]/;
const MAX_LEN = 200;

function gs1Date(yymmdd: string): string | null {
  if (!/^[0-9]{6}$/.test(yymmdd)) return null;
  // GS1 century rule, simplified for a shop running now: 00–49 → 20xx, 50–99 → 19xx.
  const yy = Number(yymmdd.slice(0, 2));
  const year = yy < 50 ? 2000 + yy : 1900 + yy;
  const month = Number(yymmdd.slice(2, 4));
  let day = Number(yymmdd.slice(4, 6));
  if (month < 1 || month > 12) return null;
  const last = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (day === 0) day = last;
  if (day > last) return null;
  return `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** Human-readable "(01)…(15)…" → raw with GS separators. */
function fromBrackets(s: string): string | null {
  const parts = s.match(/\(([0-9]{2,4})\)([^()]*)/g);
  if (!parts || parts.join('') !== s) return null;
  return parts.map((p) => p.replace(/^\(([0-9]{2,4})\)/, '$1')).join(GS);
}

export function parseScan(input: unknown): ScanResult {
  if (typeof input !== 'string' || input.length === 0 || input.length > MAX_LEN) {
    return { ok: false, reason: 'malformed-gs1', detail: 'empty or over-long scan' };
  }
  let s = input.trim();
  if (/^[0-9]+$/.test(s) && s.length <= 14) {
    const g = parseGtin(s);
    return g.ok
      ? { ok: true, scan: { gtin14: g.gtin14, batch: null, bestBefore: null } }
      : { ok: false, reason: 'bad-gtin', detail: `GTIN ${s}: ${g.problem}` };
  }
  s = s.replace(SYMBOLOGY, '');
  if (s.startsWith('(')) {
    const raw = fromBrackets(s);
    if (raw === null) return { ok: false, reason: 'malformed-gs1', detail: 'unbalanced or empty AI brackets' };
    s = raw;
  }
  if (s.startsWith(GS)) s = s.slice(1);
  let gtin14: string | null = null;
  let batch: string | null = null;
  const dates: string[] = [];
  const seen = new Set<string>();
  let i = 0;
  while (i < s.length) {
    const ai = s.slice(i, i + 2);
    if (seen.has(ai)) return { ok: false, reason: 'malformed-gs1', detail: `AI ${ai} twice` };
    seen.add(ai);
    i += 2;
    if (ai === '01' || ai === '15' || ai === '17') {
      const len = ai === '01' ? 14 : 6;
      const value = s.slice(i, i + len);
      i += len;
      if (value.length !== len || !/^[0-9]+$/.test(value)) return { ok: false, reason: 'malformed-gs1', detail: `AI ${ai} needs ${len} digits` };
      if (s[i] === GS) i += 1;
      if (ai === '01') {
        const g = parseGtin(value);
        if (!g.ok) return { ok: false, reason: 'bad-gtin', detail: `AI 01 ${value}: ${g.problem}` };
        gtin14 = g.gtin14;
      } else {
        const d = gs1Date(value);
        if (d === null) return { ok: false, reason: 'malformed-gs1', detail: `AI ${ai} ${value} is not a date` };
        dates.push(d);
      }
    } else if (ai === '10') {
      const end = s.indexOf(GS, i);
      const value = end === -1 ? s.slice(i) : s.slice(i, end);
      i = end === -1 ? s.length : end + 1;
      if (!/^[\x21-\x22\x25-\x2f\x30-\x39\x3a-\x3f\x41-\x5a\x5f\x61-\x7a]{1,20}$/.test(value)) {
        return { ok: false, reason: 'malformed-gs1', detail: 'AI 10 batch must be 1–20 GS1 characters' };
      }
      batch = value;
    } else {
      return { ok: false, reason: 'malformed-gs1', detail: `AI ${JSON.stringify(ai)} not understood` };
    }
  }
  if (gtin14 === null) return { ok: false, reason: 'malformed-gs1', detail: 'no GTIN (AI 01)' };
  dates.sort();
  return { ok: true, scan: { gtin14, batch, bestBefore: dates[0] ?? null } };
}
