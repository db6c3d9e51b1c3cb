/** Property tests for the I/O board framing (fast-check, fixed seed) and a 10^6-frame stream. */
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createSeededRandom } from '../platform/random.ts';
import { cobsDecode, cobsEncode } from './cobs.ts';
import { IoFrameParser, MAX_PAYLOAD, encodeIoFrame, type IoFrame } from './frame.ts';

const SEED = 20261121;
const corpus = JSON.parse(readFileSync(new URL('./corpus.regressions.json', import.meta.url), 'utf8')) as {
  streams: { hex: string; expectFrames: number }[];
};
const arbFrame: fc.Arbitrary<IoFrame> = fc.record({
  seq: fc.integer({ min: 0, max: 255 }),
  type: fc.integer({ min: 0, max: 255 }),
  payload: fc.uint8Array({ maxLength: MAX_PAYLOAD }),
});

function feedSplit(p: IoFrameParser, bytes: Buffer, cuts: number[]): IoFrame[] {
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const out: IoFrame[] = [];
  let at = 0;
  for (const c of [...points, bytes.length]) {
    out.push(...p.push(bytes.subarray(at, c)));
    at = c;
  }
  return out;
}

describe('I/O board framing properties', () => {
  it('COBS round-trips and never emits 0x00', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 1000 }), (data) => {
        const enc = cobsEncode(data);
        expect(enc.includes(0)).toBe(false);
        expect(cobsDecode(enc)).toEqual(Buffer.from(data));
      }),
      { seed: SEED, numRuns: 500 },
    );
  });

  it('random byte streams in random splits never throw; pending input stays bounded', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 3000 }), fc.array(fc.nat(), { maxLength: 20 }), (bytes, cuts) => {
        const p = new IoFrameParser();
        feedSplit(p, Buffer.from(bytes), cuts);
        return p.stats.droppedBytes <= bytes.length + 1;
      }),
      { seed: SEED, numRuns: 500 },
    );
  });

  it('encode∘decode round-trips in any split', () => {
    fc.assert(
      fc.property(arbFrame, fc.array(fc.nat(), { maxLength: 5 }), (f, cuts) => {
        expect(feedSplit(new IoFrameParser(), encodeIoFrame(f), cuts)).toEqual([f]);
      }),
      { seed: SEED, numRuns: 1000 },
    );
  });

  it('resyncs: garbage then frames A, B: B is always delivered, A unless the garbage had no 0x00', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), arbFrame, arbFrame, (garbage, a, b) => {
        const out = new IoFrameParser().push(Buffer.concat([garbage, encodeIoFrame(a), encodeIoFrame(b)]));
        expect(out.at(-1)).toEqual(b);
        if (garbage.length === 0 || garbage.at(-1) === 0) expect(out.at(-2)).toEqual(a);
      }),
      { seed: SEED, numRuns: 1000 },
    );
  });

  it('regression corpus', () => {
    for (const e of corpus.streams) {
      const bytes = Buffer.from(e.hex.replace(/\s+/g, ''), 'hex');
      expect(new IoFrameParser().push(bytes)).toHaveLength(e.expectFrames);
      const p = new IoFrameParser();
      expect([...bytes].flatMap((x) => p.push(Uint8Array.of(x)))).toHaveLength(e.expectFrames);
    }
  });
});

describe('I/O board parser: 10^6 frames in one long mutated stream', () => {
  it('delivers exactly the untouched frames, in order', () => {
    const random = createSeededRandom(SEED);
    const pool = fc
      .sample(fc.record({ seq: fc.integer({ min: 0, max: 255 }), type: fc.integer({ min: 0, max: 255 }), payload: fc.uint8Array({ maxLength: 12 }) }), {
        seed: SEED,
        numRuns: 500,
      })
      .map((f) => ({ bytes: encodeIoFrame(f), key: `${f.seq}/${f.type}/${Buffer.from(f.payload).toString('hex')}` }));
    const N = 1_000_000;
    const parts: Buffer[] = [];
    const expected: string[] = [];
    for (let i = 0; i < N; i++) {
      const k = Math.floor(random() * pool.length);
      const f = pool[k]!.bytes;
      const r = random();
      if (r < 0.005) {
        const m = Buffer.from(f);
        const at = Math.floor(random() * (m.length - 1));
        const flipped = m[at]! ^ (1 << Math.floor(random() * 8));
        m[at] = flipped === 0 ? m[at]! ^ 0x80 : flipped; // a real change that never creates a delimiter
        parts.push(m);
      } else if (r < 0.01) {
        parts.push(f.subarray(0, Math.floor(random() * (f.length - 1))), Buffer.from([0])); // truncated, then flushed
      } else {
        parts.push(f);
        expected.push(pool[k]!.key);
      }
    }
    const stream = Buffer.concat(parts);
    const p = new IoFrameParser();
    const got: string[] = [];
    for (let at = 0; at < stream.length;) {
      const n = 1 + Math.floor(random() * 8192);
      for (const fr of p.push(stream.subarray(at, at + n))) got.push(`${fr.seq}/${fr.type}/${Buffer.from(fr.payload).toString('hex')}`);
      at += n;
    }
    // a bit flip can (1 in 65536) survive the CRC; everything else must be exact
    expect(got.length).toBeGreaterThanOrEqual(expected.length);
    expect(got.length - expected.length).toBeLessThanOrEqual(2);
    let e = 0;
    for (const g of got) if (g === expected[e]) e++;
    expect(e).toBe(expected.length);
    expect(p.stats.frames).toBe(got.length);
  });
});
