/**
 * The GS1 application identifiers we understand (subset of the GS1 AI list, as mirrored in
 * arthurdejong/python-stdnum `stdnum/gs1_ai.dat`). Fixed-length AIs need no separator;
 * variable-length ones end at FNC1 (GS, 0x1D) or at the end of the data.
 */
export type AiFormat = 'numeric' | 'alphanumeric' | 'date';

export interface AiSpec {
  ai: string;
  title: string;
  format: AiFormat;
  /** Exact length for fixed AIs; maximum for variable ones. */
  length: number;
  variable: boolean;
}

const spec = (ai: string, title: string, format: AiFormat, length: number, variable = false): AiSpec => ({
  ai,
  title,
  format,
  length,
  variable,
});

const TABLE: AiSpec[] = [
  spec('00', 'SSCC', 'numeric', 18),
  spec('01', 'GTIN', 'numeric', 14),
  spec('02', 'CONTENT', 'numeric', 14),
  spec('10', 'BATCH/LOT', 'alphanumeric', 20, true),
  spec('11', 'PROD DATE', 'date', 6),
  spec('13', 'PACK DATE', 'date', 6),
  spec('15', 'BEST BEFORE', 'date', 6),
  spec('16', 'SELL BY', 'date', 6),
  spec('17', 'USE BY / EXPIRY', 'date', 6),
  spec('21', 'SERIAL', 'alphanumeric', 20, true),
  spec('30', 'VAR. COUNT', 'numeric', 8, true),
  spec('37', 'COUNT', 'numeric', 8, true),
];
for (let n = 0; n <= 5; n++) TABLE.push(spec(`310${n}`, `NET WEIGHT (kg), ${n} decimals`, 'numeric', 6));
for (let n = 0; n <= 3; n++) TABLE.push(spec(`392${n}`, `PRICE, ${n} decimals`, 'numeric', 15, true));
for (let n = 0; n <= 3; n++) TABLE.push(spec(`393${n}`, `PRICE + ISO currency, ${n} decimals`, 'numeric', 18, true));

const BY_AI = new Map(TABLE.map((s) => [s.ai, s]));

/** Find the AI at the start of `s` (AIs are prefix-free: 2, 3 or 4 digits). */
export function lookupAi(s: string, pos: number): AiSpec | undefined {
  for (const len of [2, 3, 4]) {
    const hit = BY_AI.get(s.slice(pos, pos + len));
    if (hit) return hit;
  }
  return undefined;
}

export function aiSpec(ai: string): AiSpec | undefined {
  return BY_AI.get(ai);
}

/** GS1 AI encodable character set 82 (GS1 General Specifications Figure 7.11-1). */
export const CSET82 = /^[!"%&'()*+,\-./0-9:;<=>?A-Z_a-z]*$/;
