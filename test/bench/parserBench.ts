/**
 * RB6 parser figure: bytes/s of each resyncing stream parser over a large generated stream
 * (valid frames with ~1 % garbage bursts), as a ratio to a plain `Buffer.indexOf` scan for the
 * start-of-frame byte over the same bytes. A/B interleaved pairs, median ratio (REFERENCE §4).
 *
 * Add a protocol: append a `ParserBenchEntry` to `PARSER_BENCHES`.
 * Run alone: `npx tsx test/bench/parserBench.ts [megabytes]`.
 */
import type { StreamParser } from '../../firmware-bridge/framing/types.ts';
import { encodeReply, type KerongReply } from '../../firmware-bridge/kerong/codec.ts';
import { KERONG_COMMANDS, KERONG_STX } from '../../firmware-bridge/kerong/commands.ts';
import { createKerongReplyParser } from '../../firmware-bridge/kerong/parser.ts';

export interface ParserBenchEntry {
  protocol: string;
  /** a representative set of encoded frames; the stream is a random mix of them */
  frames(): Buffer[];
  createParser(): StreamParser<unknown>;
  /** the byte the anchor scan looks for (the protocol's start-of-frame / delimiter) */
  anchorByte: number;
}

export interface ParserBenchResult {
  protocol: string;
  bytesPerSec: number;
  anchorBytesPerSec: number;
  /** median over pairs of parser / anchor throughput (gate: >= 0.2) */
  ratio: number;
}

const kerongFrames = (): Buffer[] => {
  const out: KerongReply[] = [];
  for (let board = 0; board < 4; board++) {
    for (let channel = 0; channel < 16; channel += 5) {
      out.push({ type: 'status', cmd: KERONG_COMMANDS.readLock.code, board, channel, hooks: 0xffff ^ (1 << channel), ir: 0x0101 << (channel % 8) });
      out.push({ type: 'status', cmd: KERONG_COMMANDS.unlock.code, board, channel, hooks: 0xfff0, ir: 0 });
      out.push({ type: 'status', cmd: KERONG_COMMANDS.readAll.code, board, channel: 0, hooks: 0x0f0f, ir: 0xf0f0 });
    }
    out.push({ type: 'busy', board, channel: 0 });
  }
  return out.map((f) => encodeReply(f));
};

export const PARSER_BENCHES: ParserBenchEntry[] = [
  { protocol: 'kerong', frames: kerongFrames, createParser: createKerongReplyParser, anchorByte: KERONG_STX },
];

function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function buildStream(frames: Buffer[], megabytes: number, seed = 1): Buffer {
  const random = rng(seed);
  const target = Math.max(1, Math.round(megabytes * 1024 * 1024));
  const out = Buffer.alloc(target + 64);
  let n = 0;
  while (n < target) {
    if (random() < 0.01) {
      const g = 1 + Math.floor(random() * 16);
      for (let i = 0; i < g; i++) out[n++] = Math.floor(random() * 256);
    }
    const f = frames[Math.floor(random() * frames.length)]!;
    n += f.copy(out, n, 0, Math.min(f.length, out.length - n));
  }
  return out.subarray(0, n);
}

const CHUNK = 64 * 1024;

function timeParser(entry: ParserBenchEntry, stream: Buffer): { ms: number; frames: number } {
  const p = entry.createParser();
  const t0 = performance.now();
  let frames = 0;
  for (let at = 0; at < stream.length; at += CHUNK) frames += p.push(stream.subarray(at, at + CHUNK)).length;
  return { ms: performance.now() - t0, frames };
}

function timeAnchor(stream: Buffer, byte: number): { ms: number; hits: number } {
  const t0 = performance.now();
  let hits = 0;
  for (let at = 0; at < stream.length; at += CHUNK) {
    const chunk = stream.subarray(at, at + CHUNK);
    for (let i = chunk.indexOf(byte); i >= 0; i = chunk.indexOf(byte, i + 1)) hits++;
  }
  return { ms: performance.now() - t0, hits };
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

export function benchParsers(opts: { megabytes: number; pairs?: number; entries?: ParserBenchEntry[] }): ParserBenchResult[] {
  if (!(opts.megabytes > 0)) throw new RangeError(`megabytes must be > 0, got ${opts.megabytes}`);
  const pairs = Math.max(5, opts.pairs ?? 5);
  return (opts.entries ?? PARSER_BENCHES).map((entry) => {
    const stream = buildStream(entry.frames(), opts.megabytes);
    timeParser(entry, stream.subarray(0, Math.min(stream.length, 1 << 20))); // warm-up
    const parser: number[] = [];
    const anchor: number[] = [];
    const ratios: number[] = [];
    for (let i = 0; i < pairs; i++) {
      const p = timeParser(entry, stream);
      const a = timeAnchor(stream, entry.anchorByte);
      if (p.frames === 0 || a.hits === 0) throw new Error(`${entry.protocol}: bench stream produced no frames`);
      parser.push(stream.length / (p.ms / 1000));
      anchor.push(stream.length / (a.ms / 1000));
      ratios.push(a.ms / p.ms);
    }
    return { protocol: entry.protocol, bytesPerSec: Math.round(median(parser)), anchorBytesPerSec: Math.round(median(anchor)), ratio: median(ratios) };
  });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const mb = Number(process.argv[2] ?? 100);
  for (const r of benchParsers({ megabytes: mb })) {
    console.log(`RB6 ${r.protocol} parser: ${(r.bytesPerSec / 1e6).toFixed(1)} MB/s vs Buffer.indexOf ${(r.anchorBytesPerSec / 1e6).toFixed(1)} MB/s, ratio ${r.ratio.toFixed(3)} (target >= 0.2)`);
  }
}
