import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createSeededRandom } from '../platform/random.ts';
import { encodeReply, encodeRequest, type KerongReply, type KerongRequest } from './codec.ts';
import { KERONG_BUSY_REPLY, KERONG_COMMANDS, KERONG_STATUS_REPLY_CODE } from './commands.ts';
import { createKerongReplyParser, createKerongRequestParser, type KerongStreamParser } from './parser.ts';

/**
 * F1: the stream parsers never throw, keep bounded state, resync, and round-trip. The fast
 * parser is checked against a naive oracle written from the frame layout alone: at each STX
 * try a frame of the length its CMD implies; valid -> take it, else move one byte on.
 */
const SEED = 20261121;
const STX = 0x02;
const ETX = 0x03;

const replyLen = new Map<number, number>();
const requestLen = new Map<number, number>();
for (const c of Object.values(KERONG_COMMANDS)) {
  requestLen.set(c.code, 5);
  if (c.reply === 'status') replyLen.set(c.code, 9);
}
replyLen.set(KERONG_STATUS_REPLY_CODE, 9);
if (KERONG_BUSY_REPLY) replyLen.set(KERONG_BUSY_REPLY.code, 5);
const STATUS_CMDS = [...replyLen.entries()].filter(([, l]) => l === 9).map(([c]) => c);

/** Returns frames as hex strings of their bytes. */
function oracle(bytes: Uint8Array, lengths: Map<number, number>): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < bytes.length) {
    if (bytes[i] !== STX) {
      i++;
      continue;
    }
    if (i + 3 > bytes.length) break;
    const len = lengths.get(bytes[i + 2]!);
    if (len === undefined) {
      i++;
      continue;
    }
    if (i + len > bytes.length) break;
    let sum = 0;
    for (let k = i; k < i + len - 1; k++) sum = (sum + bytes[k]!) & 0xff;
    if (bytes[i + len - 2] === ETX && sum === bytes[i + len - 1]) {
      out.push(Buffer.from(bytes.subarray(i, i + len)).toString('hex'));
      i += len;
    } else i++;
  }
  return out;
}

const replyHex = (f: KerongReply) => encodeReply(f).toString('hex');
const requestHex = (f: KerongRequest) => encodeRequest(f).toString('hex');

function feed<F>(parser: KerongStreamParser<F>, bytes: Uint8Array, cuts: number[]): F[] {
  const out: F[] = [];
  let at = 0;
  for (const c of [...cuts].sort((a, b) => a - b)) {
    if (c <= at || c >= bytes.length) continue;
    out.push(...parser.push(bytes.subarray(at, c)));
    expect(parser.bufferedBytes).toBeLessThan(9);
    at = c;
  }
  out.push(...parser.push(bytes.subarray(at)));
  expect(parser.bufferedBytes).toBeLessThan(9);
  return out;
}

const arbReply: fc.Arbitrary<KerongReply> = fc.oneof(
  fc.record({
    type: fc.constant('status' as const),
    cmd: fc.constantFrom(...STATUS_CMDS),
    board: fc.integer({ min: 0, max: 15 }),
    channel: fc.integer({ min: 0, max: 15 }),
    hooks: fc.integer({ min: 0, max: 0xffff }),
    ir: fc.integer({ min: 0, max: 0xffff }),
  }),
  fc.record({ type: fc.constant('busy' as const), board: fc.integer({ min: 0, max: 15 }), channel: fc.integer({ min: 0, max: 15 }) }),
);
const arbRequest: fc.Arbitrary<KerongRequest> = fc.record({
  cmd: fc.constantFrom(
    ...Object.values(KERONG_COMMANDS)
      .filter((c) => c.reply !== 'unknown')
      .map((c) => c.code),
  ),
  board: fc.integer({ min: 0, max: 15 }),
  channel: fc.integer({ min: 0, max: 15 }),
});
/** bytes biased towards the ones that matter to the framer */
const arbByte = fc.oneof(fc.constantFrom(STX, ETX, 0x30, 0x31, 0x32, 0x3f, 0x00, 0xff), fc.integer({ min: 0, max: 255 }));
const arbBytes = (max: number) => fc.array(arbByte, { maxLength: max }).map((a) => Uint8Array.from(a));
const arbCuts = fc.array(fc.integer({ min: 0, max: 2000 }), { maxLength: 12 });

describe('Kerong parser properties (fixed seed)', () => {
  it('encode∘decode round-trips every reply and request, in any split', () => {
    fc.assert(
      fc.property(fc.array(arbReply, { minLength: 1, maxLength: 30 }), arbCuts, (frames, cuts) => {
        const bytes = Buffer.concat(frames.map((f) => encodeReply(f)));
        expect(feed(createKerongReplyParser(), bytes, cuts)).toEqual(frames);
      }),
      { seed: SEED, numRuns: 400 },
    );
    fc.assert(
      fc.property(fc.array(arbRequest, { minLength: 1, maxLength: 30 }), arbCuts, (frames, cuts) => {
        const bytes = Buffer.concat(frames.map((f) => encodeRequest(f)));
        expect(feed(createKerongRequestParser(), bytes, cuts)).toEqual(frames);
      }),
      { seed: SEED, numRuns: 400 },
    );
  });

  it('random and mutated byte streams never throw and match the oracle exactly, in any split', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            arbBytes(24),
            arbReply.map((f) => encodeReply(f) as Uint8Array),
            arbReply.map((f) => encodeReply(f).subarray(0, 5) as Uint8Array),
          ),
          { maxLength: 20 },
        ),
        arbCuts,
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 4 }),
        (parts, cuts, flips) => {
          const bytes = Buffer.concat(parts);
          for (const [at, v] of flips) if (bytes.length > 0) bytes[at % bytes.length] = v;
          const got = feed(createKerongReplyParser(), bytes, cuts).map(replyHex);
          expect(got).toEqual(oracle(bytes, replyLen));
          const req = feed(createKerongRequestParser(), bytes, cuts).map(requestHexSafe);
          expect(req).toEqual(oracle(bytes, requestLen));
        },
      ),
      { seed: SEED, numRuns: 1500 },
    );
  });

  it('resyncs: after any garbage, every frame from the third on is recovered; after STX-free garbage, all of them', () => {
    fc.assert(
      fc.property(arbBytes(64), fc.array(arbReply, { minLength: 3, maxLength: 8 }), arbCuts, (garbage, frames, cuts) => {
        const bytes = Buffer.concat([garbage, ...frames.map((f) => encodeReply(f))]);
        const got = feed(createKerongReplyParser(), bytes, cuts).map(replyHex);
        const want = frames.map(replyHex);
        expect(got.slice(-(want.length - 2))).toEqual(want.slice(2));
        const clean = Uint8Array.from(garbage.filter((b) => b !== STX));
        const all = feed(createKerongReplyParser(), Buffer.concat([clean, ...frames.map((f) => encodeReply(f))]), cuts).map(replyHex);
        expect(all).toEqual(want);
      }),
      { seed: SEED, numRuns: 1500 },
    );
  });

  it('the regression corpus parses as recorded', () => {
    const corpus = JSON.parse(readFileSync(new URL('./corpus.json', import.meta.url), 'utf8')) as {
      entries: Array<{ name: string; direction: 'reply' | 'request'; chunks: string[]; frames: string[] }>;
    };
    for (const e of corpus.entries) {
      const parser = e.direction === 'reply' ? createKerongReplyParser() : createKerongRequestParser();
      const got: string[] = [];
      for (const c of e.chunks) {
        const frames = parser.push(Buffer.from(c, 'hex'));
        for (const f of frames) got.push(e.direction === 'reply' ? replyHex(f as KerongReply) : requestHexSafe(f as KerongRequest));
      }
      expect(got, e.name).toEqual(e.frames);
      expect(got, e.name).toEqual(oracle(Buffer.from(e.chunks.join(''), 'hex'), e.direction === 'reply' ? replyLen : requestLen));
    }
  });
});

/** Requests whose reply format is unknown cannot be re-encoded by encodeRequest; build their bytes directly. */
function requestHexSafe(f: KerongRequest): string {
  try {
    return requestHex(f);
  } catch {
    const b = Buffer.from([STX, (f.board << 4) | f.channel, f.cmd, ETX, 0]);
    b[4] = (b[0]! + b[1]! + b[2]! + b[3]!) & 0xff;
    return b.toString('hex');
  }
}

describe('Kerong parser at volume: >= 10^6 frames per run, bounded work', () => {
  it('1.2 M frames in long mutated streams: no throw, oracle-exact, >= 99.9 % of intact frames recovered', () => {
    const RUNS = 8;
    const FRAMES_PER_RUN = 150_000;
    let total = 0;
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 31 - 1 }), (seed) => {
        const rnd = createSeededRandom(seed);
        const buf = Buffer.alloc(FRAMES_PER_RUN * 24);
        let n = 0;
        let intact = 0;
        for (let f = 0; f < FRAMES_PER_RUN; f++) {
          const r = rnd();
          if (r < 0.03) {
            const g = 1 + Math.floor(rnd() * 12); // garbage burst (may hold STX)
            for (let k = 0; k < g; k++) buf[n++] = Math.floor(rnd() * 256);
          }
          const start = n;
          const busy = rnd() < 0.1;
          buf[n++] = STX;
          buf[n++] = Math.floor(rnd() * 256);
          if (busy) {
            buf[n++] = 0x3f;
          } else {
            buf[n++] = STATUS_CMDS[Math.floor(rnd() * STATUS_CMDS.length)]!;
            for (let k = 0; k < 4; k++) buf[n++] = Math.floor(rnd() * 256);
          }
          buf[n++] = ETX;
          let sum = 0;
          for (let k = start; k < n; k++) sum += buf[k]!;
          buf[n++] = sum & 0xff;
          const m = rnd();
          if (m < 0.02) {
            const at = start + 1 + Math.floor(rnd() * (n - start - 1)); // corrupt one byte
            buf[at] = buf[at]! ^ (1 + Math.floor(rnd() * 255));
          } else if (m < 0.03)
            n = start + 1 + Math.floor(rnd() * (n - start - 1)); // truncate
          else intact++;
        }
        const stream = buf.subarray(0, n);
        const parser = createKerongReplyParser();
        const frames: KerongReply[] = [];
        const t0 = performance.now();
        for (let at = 0; at < n;) {
          const size = 1 + Math.floor(rnd() * 4096);
          frames.push(...parser.push(stream.subarray(at, at + size)));
          at += size;
        }
        const ms = performance.now() - t0;
        const want = oracle(stream, replyLen);
        expect(frames.length).toBe(want.length);
        for (let i = 0; i < frames.length; i += 997) expect(replyHex(frames[i]!)).toBe(want[i]); // sampled field check
        expect(frames.length).toBeGreaterThanOrEqual(Math.floor(intact * 0.999));
        expect(parser.stats.frames).toBe(frames.length);
        expect(parser.bufferedBytes).toBeLessThan(9);
        expect(ms / FRAMES_PER_RUN).toBeLessThan(0.1); // far below F1's 10 ms per frame
        total += FRAMES_PER_RUN;
      }),
      { seed: SEED, numRuns: RUNS },
    );
    expect(total).toBeGreaterThanOrEqual(1_000_000);
  });

  it('adversarial input (every byte a possible frame start) is linear: 1 MB in well under a second', () => {
    const pattern = Buffer.from([0x02, 0x02, 0x30, 0x02, 0x31, 0x03, 0x02, 0x3f, 0x03]);
    const stream = Buffer.alloc(1 << 20);
    for (let i = 0; i < stream.length; i++) stream[i] = pattern[i % pattern.length]!;
    const parser = createKerongReplyParser();
    const t0 = performance.now();
    for (let at = 0; at < stream.length; at += 1000) parser.push(stream.subarray(at, at + 1000));
    expect(performance.now() - t0).toBeLessThan(1500);
    expect(parser.bufferedBytes).toBeLessThan(9);
  });
});
