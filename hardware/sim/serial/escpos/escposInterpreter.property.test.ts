import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EscPosEncoder } from '../../../../firmware-bridge/escpos/encoder.ts';
import { EscPosInterpreter, RealtimeScanner, type PrintEvent } from './escposInterpreter.ts';

/** Fuzz: whatever arrives on the wire, the simulated printer neither throws nor hangs, and splitting changes nothing. */
const SEED = 20261206;

/** Bytes biased towards command starts, so the fuzzer reaches deep into command parsing. */
const wireByte = fc.oneof(
  { weight: 4, arbitrary: fc.integer({ min: 0, max: 255 }) },
  { weight: 2, arbitrary: fc.constantFrom(0x1b, 0x1d, 0x10, 0x1c, 0x0a, 0x28, 0x6b, 0x31, 0x56, 0x04) },
);
const wire = fc.array(wireByte, { maxLength: 600 }).map((a) => Uint8Array.from(a));

function feed(bytes: Uint8Array, splits: number[]): PrintEvent[] {
  const it = new EscPosInterpreter();
  const out: PrintEvent[] = [];
  let at = 0;
  for (const s of splits) {
    out.push(...it.push(bytes.subarray(at, at + s)));
    at += s;
  }
  out.push(...it.push(bytes.subarray(at)));
  return out;
}

describe('ESC/POS interpreter under random bytes', () => {
  it('never throws on random bytes, prints only lines no wider than the paper, and prints a clean job after a reset', () => {
    fc.assert(
      fc.property(wire, (bytes) => {
        const it = new EscPosInterpreter(42);
        const events = it.push(bytes);
        for (const e of events) {
          if (e.type === 'line') expect(e.line.spans.reduce((n, s) => n + [...s.text].length * s.width, 0)).toBeLessThanOrEqual(42);
        }
        // after the cable is re-plugged (reset), a real job prints normally again
        it.reset();
        const after = it.push(new EscPosEncoder().initialize().align('center').line('Danke').cut().build().bytes);
        expect(after.filter((e) => e.type !== 'init')).toEqual([
          {
            type: 'line',
            line: { text: 'Danke', align: 'center', bold: false, width: 1, height: 1, spans: [{ text: 'Danke', bold: false, width: 1, height: 1 }] },
          },
          { type: 'cut', partial: true, feedUnits: 0 },
        ]);
      }),
      { seed: SEED, numRuns: 400 },
    );
  });

  it('prints the same whether the bytes come at once or in random pieces', () => {
    fc.assert(
      fc.property(wire, fc.array(fc.integer({ min: 0, max: 40 }), { maxLength: 30 }), (bytes, splits) => {
        expect(feed(bytes, splits)).toEqual(feed(bytes, []));
      }),
      { seed: SEED + 1, numRuns: 300 },
    );
  });

  it('finds every DLE EOT n in the raw stream however it is split', () => {
    fc.assert(
      fc.property(wire, fc.array(fc.integer({ min: 1, max: 7 }), { maxLength: 100 }), (bytes, splits) => {
        const whole = new RealtimeScanner().push(bytes);
        const sc = new RealtimeScanner();
        const parts: number[] = [];
        let at = 0;
        for (const s of splits) {
          parts.push(...sc.push(bytes.subarray(at, at + s)));
          at += s;
        }
        parts.push(...sc.push(bytes.subarray(at)));
        expect(parts).toEqual(whole);
      }),
      { seed: SEED + 2, numRuns: 300 },
    );
  });

  it('prints any text the encoder accepts back as the same characters (PC858 round trip)', () => {
    const pc858Text = fc.string({ unit: fc.constantFrom(...'abcxyzÄÖÜäöüß€é0123456789 ,.-:%/'.split('')), maxLength: 40 });
    fc.assert(
      fc.property(pc858Text, (s) => {
        const job = new EscPosEncoder().initialize().line(s).build();
        const lines = new EscPosInterpreter(42).push(job.bytes).filter((e) => e.type === 'line');
        expect(lines.map((e) => (e.type === 'line' ? e.line.text : '')).join('')).toBe(s);
      }),
      { seed: SEED + 3, numRuns: 200 },
    );
  });
});
