/**
 * RB6 parser benchmark entries for Modbus RTU, the dorfpunkt I/O board and serial scanners:
 * bytes/s of each resyncing stream parser over a large generated stream (with 1 % garbage),
 * as a ratio to a plain `Buffer.indexOf` scan of the same bytes. Interleaved A/B pairs, median
 * ratio (REFERENCE.md §4). Run alone: `npx tsx test/bench/protocolParsers.ts [MB]`.
 */
import { encodeIoFrame } from '../../firmware-bridge/ioboard/frame.ts';
import { toFrame, type IoMessage } from '../../firmware-bridge/ioboard/messages.ts';
import { encodeResponse } from '../../firmware-bridge/modbus/codec.ts';
import { ModbusResponseParser } from '../../firmware-bridge/modbus/parser.ts';
import type { ModbusResponse } from '../../firmware-bridge/modbus/types.ts';
import { IoFrameParser } from '../../firmware-bridge/ioboard/frame.ts';
import { ScannerLineParser } from '../../firmware-bridge/scanner/lineParser.ts';
import type { StreamParser } from '../../firmware-bridge/framing/types.ts';

export interface ParserBenchResult {
  name: string;
  bytes: number;
  frames: number;
  parserBytesPerSec: number;
  indexOfBytesPerSec: number;
  /** median over pairs of parser/indexOf throughput (gate: >= 0.2) */
  ratio: number;
}

export interface ProtocolParserBench {
  name: string;
  run(opts?: { megabytes?: number; pairs?: number }): ParserBenchResult;
}

function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function buildStream(frames: Buffer[], megabytes: number, seed: number): Buffer {
  const random = rng(seed);
  const target = megabytes * 1024 * 1024;
  const parts: Buffer[] = [];
  let size = 0;
  while (size < target) {
    const f = frames[Math.floor(random() * frames.length)]!;
    if (random() < 0.01) {
      const g = Buffer.alloc(1 + Math.floor(random() * 16));
      for (let i = 0; i < g.length; i++) g[i] = Math.floor(random() * 256);
      parts.push(g);
      size += g.length;
    }
    parts.push(f);
    size += f.length;
  }
  return Buffer.concat(parts);
}

const CHUNK = 64 * 1024;

function timeParser(make: () => StreamParser<unknown>, stream: Buffer): { ms: number; frames: number } {
  const p = make();
  const t0 = performance.now();
  let frames = 0;
  for (let at = 0; at < stream.length; at += CHUNK) frames += p.push(stream.subarray(at, at + CHUNK)).length;
  return { ms: performance.now() - t0, frames };
}

function timeIndexOf(stream: Buffer, byte: number): number {
  const t0 = performance.now();
  let n = 0;
  for (let at = 0; at < stream.length; at += CHUNK) {
    const chunk = stream.subarray(at, at + CHUNK);
    for (let i = chunk.indexOf(byte); i >= 0; i = chunk.indexOf(byte, i + 1)) n++;
  }
  const ms = performance.now() - t0;
  if (n < 0) throw new Error('unreachable'); // keep n alive
  return ms;
}

function bench(name: string, frames: Buffer[], make: () => StreamParser<unknown>, anchorByte: number, seed: number): ProtocolParserBench {
  return {
    name,
    run(opts = {}) {
      const stream = buildStream(frames, opts.megabytes ?? 32, seed);
      const pairs = Math.max(5, opts.pairs ?? 5);
      const ratios: number[] = [];
      let pSum = 0;
      let iSum = 0;
      let delivered = 0;
      for (let i = 0; i < pairs; i++) {
        const p = timeParser(make, stream);
        const ix = timeIndexOf(stream, anchorByte);
        delivered = p.frames;
        pSum += p.ms;
        iSum += ix;
        ratios.push(ix / p.ms);
      }
      ratios.sort((a, b) => a - b);
      return {
        name,
        bytes: stream.length,
        frames: delivered,
        parserBytesPerSec: Math.round(stream.length / (pSum / pairs / 1000)),
        indexOfBytesPerSec: Math.round(stream.length / (iSum / pairs / 1000)),
        ratio: ratios[Math.floor(ratios.length / 2)]!,
      };
    },
  };
}

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

const ioFrames = (): Buffer[] => {
  const msgs: IoMessage[] = [
    { type: 'ack', ackedType: 2 },
    { type: 'temps', centiC: [412, -1850, null] },
    { type: 'inputs', inputs: [true, false, false, true, false, false, false, false] },
    { type: 'boardInfo', info: { fwMajor: 1, fwMinor: 2, relays: 4, inputs: 8, probes: 3, watchdogMs: 1500 } },
  ];
  return Array.from({ length: 64 }, (_, i) => encodeIoFrame(toFrame(i, msgs[i % msgs.length]!)));
};

const scanFrames = (): Buffer[] =>
  [']E04006381333931', ']E496385074', ']C10109501101530003172611211' + '0LOT42', 'DP-MEMBER:7f3a9c'].map((s) => Buffer.from(s + '\r\n'));

export const protocolParserBenches: ProtocolParserBench[] = [
  bench('modbus-rtu response parser', modbusFrames(), () => new ModbusResponseParser(), 0x01, 1),
  bench('ioboard COBS frame parser', ioFrames(), () => new IoFrameParser(), 0x00, 2),
  bench('scanner line parser', scanFrames(), () => new ScannerLineParser(), 0x0d, 3),
];

if (import.meta.url === `file://${process.argv[1]}`) {
  const mb = Number(process.argv[2] ?? 32);
  for (const b of protocolParserBenches) {
    const r = b.run({ megabytes: mb });
    console.log(
      `${r.name}: ${(r.parserBytesPerSec / 1e6).toFixed(1)} MB/s vs indexOf ${(r.indexOfBytesPerSec / 1e6).toFixed(1)} MB/s, ratio ${r.ratio.toFixed(3)} (${r.frames} frames in ${(r.bytes / 1e6).toFixed(1)} MB)`,
    );
  }
}
