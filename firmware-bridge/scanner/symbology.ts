/**
 * AIM / ISO/IEC 15424 symbology identifiers a scanner may prefix: `]` + code letter + modifier.
 * Only a few matter to us (GS1 vs plain); the rest are named for diagnostics.
 */
export interface Symbology {
  /** The three characters as sent, e.g. `]C1`. */
  id: string;
  name: string;
  /** The data is a GS1 element string (FNC1 in first position). */
  gs1: boolean;
}

const NAMES: Record<string, [string, boolean]> = {
  ']C0': ['Code 128', false],
  ']C1': ['GS1-128', true],
  ']E0': ['EAN-13 / UPC-A', false],
  ']E4': ['EAN-8', false],
  ']e0': ['GS1 DataBar', true],
  ']d1': ['Data Matrix', false],
  ']d2': ['GS1 DataMatrix', true],
  ']Q1': ['QR Code', false],
  ']Q3': ['GS1 QR Code', true],
  ']A0': ['Code 39', false],
  ']I0': ['Interleaved 2 of 5', false],
  ']J1': ['GS1 DotCode', true],
};

/** Split a leading symbology identifier off `text`, if it has one. */
export function splitSymbology(text: string): { symbology?: Symbology; data: string } {
  if (text.length >= 3 && text[0] === ']' && /^[A-Za-z][0-9A-Za-z]$/.test(text.slice(1, 3))) {
    const id = text.slice(0, 3);
    const known = NAMES[id];
    return { symbology: { id, name: known?.[0] ?? 'unknown symbology', gs1: known?.[1] ?? false }, data: text.slice(3) };
  }
  return { data: text };
}
