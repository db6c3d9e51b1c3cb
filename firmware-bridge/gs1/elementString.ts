/**
 * GS1 element string parser: `01 09501101530003 17 260331 10 AB12 <GS> 21 X` → typed fields.
 *
 * ```
 *  ]C1 | 01 | 14 digits GTIN | 17 | YYMMDD | 10 | batch..20 | GS | 21 | serial..20 | (end)
 *  ^symbology (stripped by the line parser)      ^FNC1 ends a variable-length field
 * ```
 *
 * Also accepts the human-readable form with brackets, `(01)09501101530003(17)260331`.
 * Never throws: returns `{ ok: false, error }` naming the AI and the problem.
 */
import { CSET82, lookupAi, type AiSpec } from './ais.ts';
import { hasValidCheckDigit } from './checkDigit.ts';
import { parseGs1Date, type Gs1Date } from './dates.ts';

export const GS = '\x1d';

export interface Gs1Element {
  ai: string;
  value: string;
}

export interface NetWeight {
  /** The digits as an integer, e.g. 1250 for 3103 001250. */
  raw: number;
  decimals: number;
  kg: number;
}

export interface Gs1Data {
  elements: Gs1Element[];
  gtin?: string;
  batch?: string;
  serial?: string;
  productionDate?: Gs1Date;
  packDate?: Gs1Date;
  bestBefore?: Gs1Date;
  sellBy?: Gs1Date;
  expiry?: Gs1Date;
  netWeight?: NetWeight;
}

export type Gs1Result = { ok: true; value: Gs1Data } | { ok: false; error: string };

export interface Gs1Options {
  /** Year used to pick the century of YY dates (GS1 sliding window); default: 20YY. */
  referenceYear?: number;
}

const MAX_INPUT = 512;

function splitBracketed(s: string): Gs1Element[] | string {
  const out: Gs1Element[] = [];
  const re = /\(([0-9]{2,4})\)([^()]*)/y;
  let pos = 0;
  while (pos < s.length) {
    re.lastIndex = pos;
    const m = re.exec(s);
    if (!m) return `malformed bracketed GS1 string at position ${pos}`;
    out.push({ ai: m[1] as string, value: m[2] as string });
    pos = re.lastIndex;
  }
  return out;
}

function splitRaw(s: string): Gs1Element[] | string {
  const out: Gs1Element[] = [];
  let pos = 0;
  while (pos < s.length) {
    if (s[pos] === GS) {
      pos++;
      continue;
    }
    const spec = lookupAi(s, pos);
    if (!spec) return `unknown or unsupported application identifier at position ${pos} ("${s.slice(pos, pos + 4)}")`;
    pos += spec.ai.length;
    let value: string;
    if (spec.variable) {
      const gs = s.indexOf(GS, pos);
      const stop = gs < 0 ? s.length : gs;
      value = s.slice(pos, stop);
      pos = stop;
    } else {
      value = s.slice(pos, pos + spec.length);
      pos += value.length;
    }
    out.push({ ai: spec.ai, value });
  }
  return out;
}

function checkValue(spec: AiSpec, value: string): string | null {
  const name = `AI (${spec.ai}) ${spec.title}`;
  if (spec.variable) {
    if (value.length === 0 || value.length > spec.length) {
      return `${name}: length ${value.length}, must be 1..${spec.length}`;
    }
  } else if (value.length !== spec.length) {
    return `${name}: length ${value.length}, must be ${spec.length}`;
  }
  if ((spec.format === 'numeric' || spec.format === 'date') && !/^[0-9]+$/.test(value)) {
    return `${name}: "${value}" must be digits only`;
  }
  if (spec.format === 'alphanumeric' && !CSET82.test(value)) {
    return `${name}: "${value}" contains characters outside the GS1 character set`;
  }
  return null;
}

export function parseGs1ElementString(input: string, options: Gs1Options = {}): Gs1Result {
  if (typeof input !== 'string' || input.length === 0) return { ok: false, error: 'empty GS1 element string' };
  if (input.length > MAX_INPUT) return { ok: false, error: `GS1 element string longer than ${MAX_INPUT} characters` };
  const s = input.startsWith(GS) ? input.slice(1) : input;
  const parts = s.startsWith('(') ? splitBracketed(s) : splitRaw(s);
  if (typeof parts === 'string') return { ok: false, error: parts };
  if (parts.length === 0) return { ok: false, error: 'GS1 element string has no elements' };
  const data: Gs1Data = { elements: parts };
  const seen = new Set<string>();
  for (const { ai, value } of parts) {
    const spec = lookupAi(ai, 0);
    if (!spec || spec.ai !== ai) return { ok: false, error: `unknown or unsupported application identifier (${ai})` };
    if (seen.has(ai)) return { ok: false, error: `AI (${ai}) appears twice` };
    seen.add(ai);
    const err = checkValue(spec, value);
    if (err) return { ok: false, error: err };
    if (spec.format === 'date') {
      const d = parseGs1Date(value, options.referenceYear);
      if (typeof d === 'string') return { ok: false, error: `AI (${ai}) ${spec.title}: ${d}` };
      const key = ({ '11': 'productionDate', '13': 'packDate', '15': 'bestBefore', '16': 'sellBy', '17': 'expiry' } as const)[
        ai as '11' | '13' | '15' | '16' | '17'
      ];
      data[key] = d;
    } else if (ai === '01') {
      if (!hasValidCheckDigit(value)) return { ok: false, error: `AI (01) GTIN ${value}: wrong check digit` };
      data.gtin = value;
    } else if (ai === '10') {
      data.batch = value;
    } else if (ai === '21') {
      data.serial = value;
    } else if (ai.startsWith('310')) {
      const decimals = Number(ai[3]);
      const raw = Number(value);
      data.netWeight = { raw, decimals, kg: raw / 10 ** decimals };
    }
  }
  return { ok: true, value: data };
}
