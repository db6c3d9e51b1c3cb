/**
 * Property tests for the Modbus RTU parsers (fast-check, fixed seed) plus a >= 10^6-frame
 * stream with mutations. Regression inputs live in corpus.regressions.json.
 */
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createSeededRandom } from '../platform/random.ts';
import { encodeRequest, encodeResponse } from './codec.ts';
import { ModbusRequestParser, ModbusResponseParser } from './parser.ts';
import type { ModbusRequest, ModbusResponse } from './types.ts';

const SEED = 20261121;
const corpus = JSON.parse(readFileSync(new URL('./corpus.regressions.json', import.meta.url), 'utf8')) as {
  response: { hex: string; expectFrames: number }[];
  request: { hex: string; expectFrames: number }[];
};
const hex = (s: string) => Buffer.from(s.replace(/\s+/g, ''), 'hex');

const addr = fc.integer({ min: 1, max: 247 });
const u16 = fc.integer({ min: 0, max: 0xffff });
const arbRequest: fc.Arbitrary<ModbusRequest> = fc.oneof(
  fc.record({
    kind: fc.constantFrom('readCoils' as const, 'readDiscreteInputs' as const),
    address: addr,
    start: fc.integer({ min: 0, max: 60000 }),
    quantity: fc.integer({ min: 1, max: 2000 }),
  }),
  fc.record({
    kind: fc.constantFrom('readHoldingRegisters' as const, 'readInputRegisters' as const),
    address: addr,
    start: fc.integer({ min: 0, max: 60000 }),
    quantity: fc.integer({ min: 1, max: 125 }),
  }),
  fc.record({ kind: fc.constant('writeSingleCoil' as const), address: addr, coil: u16, value: fc.boolean() }),
  fc.record({ kind: fc.constant('writeSingleRegister' as const), address: addr, register: u16, value: u16 }),
  fc.record({
    kind: fc.constant('writeMultipleCoils' as const),
    address: addr,
    start: fc.integer({ min: 0, max: 60000 }),
    values: fc.array(fc.boolean(), { minLength: 1, maxLength: 1968 }),
  }),
  fc.record({
    kind: fc.constant('writeMultipleRegisters' as const),
    address: addr,
    start: fc.integer({ min: 0, max: 60000 }),
    values: fc.array(u16, { minLength: 1, maxLength: 123 }),
  }),
);
const bytesToBits = (n: number) => fc.array(fc.boolean(), { minLength: n * 8, maxLength: n * 8 });
const arbResponse: fc.Arbitrary<ModbusResponse> = fc.oneof(
  fc
    .integer({ min: 1, max: 250 })
    .chain((n) => fc.record({ kind: fc.constantFrom('readCoils' as const, 'readDiscreteInputs' as const), address: addr, bits: bytesToBits(n) })),
  fc.record({
    kind: fc.constantFrom('readHoldingRegisters' as const, 'readInputRegisters' as const),
    address: addr,
    registers: fc.array(u16, { minLength: 1, maxLength: 125 }),
  }),
  fc.record({ kind: fc.constant('writeSingleCoil' as const), address: addr, coil: u16, value: fc.boolean() }),
  fc.record({ kind: fc.constant('writeSingleRegister' as const), address: addr, register: u16, value: u16 }),
  fc.record({ kind: fc.constantFrom('writeMultipleCoils' as const, 'writeMultipleRegisters' as const), address: addr, start: u16, quantity: u16 }),
  fc.record({
    kind: fc.constant('exception' as const),
    address: addr,
    functionCode: fc.constantFrom(1, 2, 3, 4, 5, 6, 15, 16),
    code: fc.integer({ min: 0, max: 255 }),
  }),
);

function feedSplit<F>(p: { push(c: Uint8Array): F[] }, bytes: Buffer, cuts: number[]): F[] {
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const out: F[] = [];
  let at = 0;
  for (const c of [...points, bytes.length]) {
    out.push(...p.push(bytes.subarray(at, c)));
    at = c;
  }
  return out;
}

describe('Modbus parser properties', () => {
  it('random byte streams in random splits never throw and keep the buffer bounded', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2000 }), fc.array(fc.nat(), { maxLength: 20 }), (bytes, cuts) => {
        const rp = new ModbusResponseParser();
        const qp = new ModbusRequestParser();
        feedSplit(rp, Buffer.from(bytes), cuts);
        feedSplit(qp, Buffer.from(bytes), cuts);
        return rp.buffered < 256 && rp.stats.droppedBytes <= bytes.length;
      }),
      { seed: SEED, numRuns: 300 },
    );
  });

  it('request encode∘decode round-trips through the stream parser in any split', () => {
    fc.assert(
      fc.property(arbRequest, fc.array(fc.nat(), { maxLength: 5 }), (req, cuts) => {
        if (req.kind !== 'writeSingleCoil' && req.kind !== 'writeSingleRegister') {
          const n = 'quantity' in req ? req.quantity : req.values.length;
          fc.pre(req.start + n <= 0x10000);
        }
        const out = feedSplit(new ModbusRequestParser(), encodeRequest(req), cuts);
        expect(out).toEqual([{ ok: true, request: req }]);
      }),
      { seed: SEED, numRuns: 500 },
    );
  });

  it('response encode∘decode round-trips', () => {
    fc.assert(
      fc.property(arbResponse, fc.array(fc.nat(), { maxLength: 5 }), (res, cuts) => {
        const out = feedSplit(new ModbusResponseParser(), encodeResponse(res), cuts);
        expect(out).toEqual([res]);
      }),
      { seed: SEED, numRuns: 500 },
    );
  });

  it('resyncs: after arbitrary garbage, the next two valid replies are delivered (at least the second)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), arbResponse, arbResponse, (garbage, a, b) => {
        const out = new ModbusResponseParser().push(Buffer.concat([garbage, encodeResponse(a), encodeResponse(b)]));
        expect(out.at(-1)).toEqual(b);
      }),
      { seed: SEED, numRuns: 500 },
    );
  });

  it('regression corpus: no throw, byte-wise and whole, expected frames found', () => {
    for (const [name, entries] of [
      ['response', corpus.response],
      ['request', corpus.request],
    ] as const) {
      for (const e of entries) {
        const mk = (): { push(c: Uint8Array): unknown[] } => (name === 'response' ? new ModbusResponseParser() : new ModbusRequestParser());
        const whole = mk().push(hex(e.hex));
        const p = mk();
        const bytewise: unknown[] = [...hex(e.hex)].flatMap((x) => p.push(Uint8Array.of(x)));
        expect(whole.length).toBeGreaterThanOrEqual(e.expectFrames);
        expect(bytewise.length).toBeGreaterThanOrEqual(e.expectFrames);
      }
    }
  });

  it('worst case input (endless long-frame headers) costs bounded work per byte', () => {
    const evil = Buffer.alloc(199_998);
    for (let i = 0; i < evil.length; i += 3) evil.set([0x01, 0x03, 0xfa], i);
    const p = new ModbusResponseParser();
    const t0 = performance.now();
    for (let i = 0; i < evil.length; i += 4096) p.push(evil.subarray(i, i + 4096));
    const ms = performance.now() - t0;
    expect(ms).toBeLessThan(10_000);
    expect(p.stats.frames).toBe(0);
  });
});

describe('Modbus parser: 10^6 frames in one long mutated stream', () => {
  it('delivers every untouched frame in order, drops the mutated ones, never throws', () => {
    const random = createSeededRandom(SEED);
    const samples = fc.sample(arbResponse, { seed: SEED, numRuns: 400 }).filter((r) => encodeResponse(r).length <= 40);
    const pool = samples.map((r) => ({ res: r, bytes: encodeResponse(r), key: JSON.stringify(r) }));
    const N = 1_000_000;
    const parts: Buffer[] = [];
    const expected: number[] = [];
    let mutated = 0;
    for (let i = 0; i < N; i++) {
      const k = Math.floor(random() * pool.length);
      const f = pool[k]!.bytes;
      const r = random();
      if (r < 0.005) {
        const m = Buffer.from(f);
        m[Math.floor(random() * m.length)]! ^= 1 << Math.floor(random() * 8);
        parts.push(m);
        mutated++;
      } else if (r < 0.01) {
        parts.push(f.subarray(0, Math.floor(random() * f.length)));
        mutated++;
      } else if (r < 0.015) {
        const g = Buffer.alloc(1 + Math.floor(random() * 20));
        for (let j = 0; j < g.length; j++) g[j] = Math.floor(random() * 256);
        parts.push(g, f);
        expected.push(k);
      } else {
        parts.push(f);
        expected.push(k);
      }
    }
    const stream = Buffer.concat(parts);
    const byKey = new Map(pool.map((p, i) => [p.key, i]));
    const p = new ModbusResponseParser();
    const got: number[] = [];
    for (let at = 0; at < stream.length;) {
      const n = 1 + Math.floor(random() * 8192);
      for (const fr of p.push(stream.subarray(at, at + n))) got.push(byKey.get(JSON.stringify(fr)) ?? -1);
      at += n;
    }
    // in-order subsequence match: every expected frame should be found; a corrupted frame may
    // (rarely) swallow its neighbour, so allow a tiny loss, and count false positives
    let e = 0;
    let falsePositives = 0;
    for (const g of got) {
      const idx = expected.indexOf(g, e);
      if (g >= 0 && idx >= 0 && idx - e < 4) e = idx + 1;
      else falsePositives++;
    }
    const found = got.length - falsePositives;
    expect(N).toBeGreaterThanOrEqual(1_000_000);
    expect(found).toBeGreaterThanOrEqual(expected.length * 0.999);
    expect(falsePositives).toBeLessThanOrEqual(expected.length * 0.0005);
    expect(mutated).toBeGreaterThan(5000);
  });
});
