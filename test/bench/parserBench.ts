/**
 * RB6 parser figure: bytes/s of each resyncing stream parser (Kerong, Modbus RTU responses, the
 * dorfpunkt I/O board, scanner lines) over a large generated stream (valid frames with ~1 %
 * garbage bursts, fixed seed), as a ratio to a plain `Buffer.indexOf` scan for the protocol's
 * start-of-frame / delimiter byte over the same bytes, fed in the same 64 KiB chunks. A/B
 * interleaved pairs (>= 5), gate on the median per-pair ratio (REFERENCE §4, gate >= 0.2).
 *
 * Add a protocol: append a `ParserBenchEntry` to `PARSER_BENCHES`.
 * Run alone: `npx tsx test/bench/parserBench.ts [megabytes]`.
 */
import type { StreamParser } from '../../firmware-bridge/framing/types.ts';
import { encodeIoFrame, IoFrameParser } from '../../firmware-bridge/ioboard/frame.ts';
import { toFrame, type IoMessage } from '../../firmware-bridge/ioboard/messages.ts';
import { encodeReply, type KerongReply } from '../../firmware-bridge/kerong/codec.ts';
import { KERONG_COMMANDS, KERONG_STX } from '../../firmware-bridge/kerong/commands.ts';
import { createKerongReplyParser } from '../../firmware-bridge/kerong/parser.ts';
import { encodeResponse } from '../../firmware-bridge/modbus/codec.ts';
import { ModbusResponseParser } from '../../firmware-bridge/modbus/parser.ts';
import type { ModbusResponse } from '../../firmware-bridge/modbus/types.ts';
import { createSeededRandom } from '../../firmware-bridge/platform/random.ts';
import { ScannerLineParser } from '../../firmware-bridge/scanner/lineParser.ts';

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

/** Modbus RTU slave replies as a master reads them (no start byte: anchor = slave address 1). */
const modbusFrames = (): Buffer[] => {
  const out: ModbusResponse[] = [];
  for (let a = 1; a <= 16; a++) {
    out.push({ kind: 'readCoils', address: a, bits: [true, false, true, false, false, false, false, true] });
    out.push({ kind: 'readInputRegisters', address: a, registers: [a * 10, 612] });
    out.push({ kind: 'writeSingleCoil', address: a, coil: a, value: a % 2 === 0 });
    out.push({ kind: 'exception', address: a, functionCode: 5, code: 6 });
  }
  return out.map(encodeResponse);
};

/** dorfpunkt I/O board frames (COBS, 0x00 delimiter = anchor). */
const ioFrames = (): Buffer[] => {
  const msgs: IoMessage[] = [
    { type: 'ack', ackedType: 2 },
    { type: 'temps', centiC: [412, -1850, null] },
    { type: 'inputs', inputs: [true, false, false, true, false, false, false, false] },
    { type: 'boardInfo', info: { fwMajor: 1, fwMinor: 2, relays: 4, inputs: 8, probes: 3, watchdogMs: 1500 } },
  ];
  return Array.from({ length: 64 }, (_, i) => encodeIoFrame(toFrame(i, msgs[i % msgs.length]!)));
};

/** Serial scanner lines, CRLF-terminated (anchor = CR). */
const scanFrames = (): Buffer[] =>
  [']E04006381333931', ']E496385074', ']C10109501101530003172611211' + '0LOT42', 'DP-MEMBER:7f3a9c'].map((s) => Buffer.from(s + '\r\n'));

export const PARSER_BENCHES: ParserBenchEntry[] = [
  { protocol: 'kerong', frames: kerongFrames, createParser: createKerongReplyParser, anchorByte: KERONG_STX },
  { protocol: 'modbus-rtu', frames: modbusFrames, createParser: () => new ModbusResponseParser(), anchorByte: 0x01 },
  { protocol: 'ioboard', frames: ioFrames, createParser: () => new IoFrameParser(), anchorByte: 0x00 },
  { protocol: 'scanner', frames: scanFrames, createParser: () => new ScannerLineParser(), anchorByte: 0x0d },
];

export function buildStream(frames: Buffer[], megabytes: number, seed = 1): Buffer {
  const random = createSeededRandom(seed);
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
    console.log(
      `RB6 ${r.protocol} parser: ${(r.bytesPerSec / 1e6).toFixed(1)} MB/s vs Buffer.indexOf ${(r.anchorBytesPerSec / 1e6).toFixed(1)} MB/s, ratio ${r.ratio.toFixed(3)} (target >= 0.2)`,
    );
  }
}
