import { describe, expect, it } from 'vitest';
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

  it.each(PARSER_BENCHES.map((e) => [e.protocol, e] as const))('the generated %s stream is mostly valid frames (the bench measures parsing, not skipping)', (_, entry) => {
    const frames = entry.frames();
    const meanLength = frames.reduce((n, f) => n + f.length, 0) / frames.length;
    const stream = buildStream(frames, 1);
    const p = entry.createParser();
    const delivered = p.push(stream).length;
    expect(delivered * meanLength).toBeGreaterThan(stream.length * 0.9);
    expect(p.stats.frames).toBe(delivered);
  });

  it('the same seed builds the same stream; bad sizes are refused', () => {
    const frames = PARSER_BENCHES[1]!.frames();
    expect(buildStream(frames, 0.1, 7).equals(buildStream(frames, 0.1, 7))).toBe(true);
    expect(buildStream(frames, 0.1, 7).equals(buildStream(frames, 0.1, 8))).toBe(false);
    expect(() => benchParsers({ megabytes: 0 })).toThrow(/megabytes/);
  });
});
