/** Property tests for the scanner line parser and the GS1 parser (fast-check, fixed seed). */
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { gs1CheckDigit } from '../gs1/checkDigit.ts';
import { parseBarcode } from '../gs1/barcode.ts';
import { parseGs1ElementString } from '../gs1/elementString.ts';
import { createSeededRandom } from '../platform/random.ts';
import { ScannerLineParser, encodeScanLine } from './lineParser.ts';

const SEED = 20261121;
const corpus = JSON.parse(readFileSync(new URL('./corpus.regressions.json', import.meta.url), 'utf8')) as {
  streams: { hex: string; expectLines: number }[];
};
const printable = fc.string({ unit: fc.integer({ min: 0x21, max: 0x7e }).map((c) => String.fromCharCode(c)), minLength: 1, maxLength: 60 });

describe('scanner line parser properties', () => {
  it('random bytes in random splits never throw; nothing longer than maxLineLength comes out', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 3000 }), fc.array(fc.integer({ min: 1, max: 64 }), { minLength: 1, maxLength: 10 }), (bytes, sizes) => {
        const p = new ScannerLineParser({ maxLineLength: 32 });
        let at = 0;
        let i = 0;
        while (at < bytes.length) {
          const n = sizes[i++ % sizes.length]!;
          for (const l of p.push(bytes.subarray(at, at + n))) expect(l.data.length).toBeLessThanOrEqual(32);
          at += n;
        }
      }),
      { seed: SEED, numRuns: 500 },
    );
  });

  it('encode∘decode round-trips with and without symbology ids, any suffix style', () => {
    fc.assert(
      fc.property(printable, fc.constantFrom(undefined, ']C1', ']E0', ']Q3'), fc.constantFrom('\r', '\n', '\r\n'), (data, id, suffix) => {
        fc.pre(!/^\][A-Za-z][0-9A-Za-z]/.test(data));
        const line = id ? { data, symbology: { id, name: '', gs1: false } } : { data };
        const out = new ScannerLineParser().push(encodeScanLine(line, Buffer.from(suffix)));
        expect(out.map((l) => [l.data, l.symbology?.id])).toEqual([[data, id]]);
      }),
      { seed: SEED, numRuns: 1000 },
    );
  });

  it('resyncs: garbage (then a terminator) costs nothing of the next line', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), printable, (garbage, data) => {
        fc.pre(!data.startsWith(']'));
        const out = new ScannerLineParser().push(Buffer.concat([garbage, Buffer.from('\r' + data + '\r')]));
        expect(out.at(-1)?.data).toBe(data);
      }),
      { seed: SEED, numRuns: 1000 },
    );
  });

  it('regression corpus', () => {
    for (const e of corpus.streams) {
      const bytes = Buffer.from(e.hex.replace(/\s+/g, ''), 'hex');
      expect(new ScannerLineParser().push(bytes)).toHaveLength(e.expectLines);
    }
  });

  it('10^6 scan lines in one stream with 1% noise lines: every clean line delivered in order', () => {
    const random = createSeededRandom(SEED);
    const pool = fc.sample(printable, { seed: SEED, numRuns: 300 }).filter((s) => !s.startsWith(']'));
    const encoded = pool.map((d) => Buffer.from(d + '\r\n'));
    const N = 1_000_000;
    const parts: Buffer[] = [];
    const expected: number[] = [];
    for (let i = 0; i < N; i++) {
      const k = Math.floor(random() * pool.length);
      if (random() < 0.01) parts.push(Buffer.from([0xff, 0x00, 0x80 + (i % 100), 0x0d]));
      parts.push(encoded[k]!);
      expected.push(k);
    }
    const stream = Buffer.concat(parts);
    const p = new ScannerLineParser();
    let e = 0;
    let mismatches = 0;
    for (let at = 0; at < stream.length;) {
      const n = 1 + Math.floor(random() * 8192);
      for (const l of p.push(stream.subarray(at, at + n))) {
        if (l.data === pool[expected[e]!]) e++;
        else mismatches++;
      }
      at += n;
    }
    expect(e).toBe(N);
    expect(mismatches).toBe(0);
  });
});

describe('GS1 parser properties', () => {
  it('arbitrary strings never throw; results are ok or carry an error message', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 120 }), (s) => {
        const r = parseGs1ElementString(s);
        const b = parseBarcode(s, ']C1');
        return (r.ok || r.error.length > 0) && (b.ok || b.error.length > 0);
      }),
      { seed: SEED, numRuns: 2000 },
    );
  });

  it('GTIN + dates + batch + weight compose and parse back', () => {
    const digits = (n: number) => fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: n, maxLength: n });
    const date = fc.date({ min: new Date(Date.UTC(2000, 0, 1)), max: new Date(Date.UTC(2049, 11, 31)), noInvalidDate: true });
    const yymmdd = (d: Date) => d.toISOString().slice(2, 10).replace(/-/g, '');
    fc.assert(
      fc.property(
        digits(13),
        date,
        fc.string({ unit: fc.constantFrom(...'ABCXYZ0189-./'), minLength: 1, maxLength: 20 }),
        digits(6),
        fc.integer({ min: 0, max: 5 }),
        (g, d, batch, w, n) => {
          const gtin = g + String(gs1CheckDigit(g));
          const s = `01${gtin}17${yymmdd(d)}10${batch}\x1d310${n}${w}`;
          const r = parseGs1ElementString(s);
          expect(r.ok).toBe(true);
          if (!r.ok) return;
          expect(r.value.gtin).toBe(gtin);
          expect(r.value.expiry?.ymd).toBe(d.toISOString().slice(0, 10));
          expect(r.value.batch).toBe(batch);
          expect(r.value.netWeight).toEqual({ raw: Number(w), decimals: n, kg: Number(w) / 10 ** n });
        },
      ),
      { seed: SEED, numRuns: 1000 },
    );
  });
});
