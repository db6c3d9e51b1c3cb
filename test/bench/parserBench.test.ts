import { describe, expect, it } from 'vitest';
import type { StreamParser } from '../../firmware-bridge/framing/types.ts';
import { IoFrameParser } from '../../firmware-bridge/ioboard/frame.ts';
import { ModbusResponseParser } from '../../firmware-bridge/modbus/parser.ts';
import { createSeededRandom } from '../../firmware-bridge/platform/random.ts';
import { ScannerLineParser } from '../../firmware-bridge/scanner/lineParser.ts';
import { benchParsers, buildStream, PARSER_BENCHES } from './parserBench.ts';

describe('RB6 parser bench harness', () => {
  it('registers Kerong, Modbus RTU, the I/O board and scanner lines in one registry', () => {
    expect(PARSER_BENCHES.map((e) => e.protocol)).toEqual(['kerong', 'modbus-rtu', 'ioboard', 'scanner']);
  });

  it('measures every registered parser against the indexOf anchor (small stream, shape only)', () => {
    const results = benchParsers({ megabytes: 0.25 });
    expect(results.map((r) => r.protocol)).toEqual(PARSER_BENCHES.map((e) => e.protocol));
    for (const r of results) {
      expect(r.bytesPerSec).toBeGreaterThan(0);
      expect(r.anchorBytesPerSec).toBeGreaterThan(0);
      expect(r.ratio).toBeGreaterThan(0);
    }
  });

  it.each(PARSER_BENCHES.map((e) => [e.protocol, e] as const))(
    'the generated %s stream is mostly valid frames (the bench measures parsing, not skipping)',
    (_, entry) => {
      const frames = entry.frames();
      const meanLength = frames.reduce((n, f) => n + f.length, 0) / frames.length;
      const stream = buildStream(frames, 1);
      const p = entry.createParser();
      const delivered = p.push(stream).length;
      expect(delivered * meanLength).toBeGreaterThan(stream.length * 0.9);
      expect(p.stats.frames).toBe(delivered);
    },
  );

  it('the same seed builds the same stream; bad sizes are refused', () => {
    const frames = PARSER_BENCHES[1]!.frames();
    expect(buildStream(frames, 0.1, 7).equals(buildStream(frames, 0.1, 7))).toBe(true);
    expect(buildStream(frames, 0.1, 7).equals(buildStream(frames, 0.1, 8))).toBe(false);
    expect(() => benchParsers({ megabytes: 0 })).toThrow(/megabytes/);
  });
});

/** The Modbus response parser with its fast path switched off: the general rules only. */
class GeneralModbusResponseParser extends ModbusResponseParser {
  protected override take(_buf: Uint8Array, pos: number): number {
    return pos;
  }
}

/** A bench stream with extra damage: flipped bits, cut frames and garbage, ~10 % of frames. */
function damagedStream(protocol: string, seed: number): Buffer {
  const entry = PARSER_BENCHES.find((e) => e.protocol === protocol)!;
  const random = createSeededRandom(seed);
  const stream = Buffer.from(buildStream(entry.frames(), 0.1, seed));
  for (let i = 0; i < stream.length; i++) {
    const r = random();
    if (r < 0.005) stream[i] = Math.floor(random() * 256);
    else if (r < 0.01) stream[i] = entry.anchorByte;
  }
  return stream;
}

function parseAll<F>(p: StreamParser<F>, stream: Buffer, chunk: (at: number) => number): { frames: F[]; stats: unknown } {
  const frames: F[] = [];
  for (let at = 0; at < stream.length;) {
    const n = chunk(at);
    frames.push(...p.push(stream.subarray(at, at + n)));
    at += n;
  }
  return { frames, stats: { ...p.stats } };
}

describe('fast paths deliver exactly what the general rules deliver (frames and stats)', () => {
  it('Modbus responses: fast path on vs off, 64 KiB and random chunks, damaged stream', () => {
    for (const seed of [1, 2, 3]) {
      const stream = damagedStream('modbus-rtu', seed);
      const chunkings = [
        () => () => 65536,
        () => {
          const r = createSeededRandom(seed);
          return () => 1 + Math.floor(r() * 300);
        },
      ];
      for (const chunking of chunkings) {
        const fast = parseAll(new ModbusResponseParser(), stream, chunking());
        const general = parseAll(new GeneralModbusResponseParser(), stream, chunking());
        expect(fast.frames.length).toBeGreaterThan(1000);
        expect(fast).toEqual(general);
      }
    }
  });

  it('I/O board: whole stream vs byte by byte (every packet then takes the general path)', () => {
    for (const seed of [1, 2, 3]) {
      const stream = damagedStream('ioboard', seed);
      const whole = parseAll(new IoFrameParser(), stream, () => stream.length);
      const bytewise = parseAll(new IoFrameParser(), stream, () => 1);
      expect(whole.frames.length).toBeGreaterThan(1000);
      expect(whole).toEqual(bytewise);
    }
  });

  it('scanner lines: whole stream vs byte by byte, default and tight maxLineLength', () => {
    for (const seed of [1, 2, 3]) {
      const stream = damagedStream('scanner', seed);
      for (const options of [{}, { maxLineLength: 12 }, { symbologyIds: false, asciiOnly: false }]) {
        const whole = parseAll(new ScannerLineParser(options), stream, () => stream.length);
        const bytewise = parseAll(new ScannerLineParser(options), stream, () => 1);
        expect(whole.frames.length).toBeGreaterThan(1000);
        expect(whole).toEqual(bytewise);
      }
    }
  });
});
