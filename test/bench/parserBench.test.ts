import { describe, expect, it } from 'vitest';
import { createKerongReplyParser } from '../../firmware-bridge/kerong/parser.ts';
import { benchParsers, buildStream, PARSER_BENCHES } from './parserBench.ts';

describe('RB6 parser bench harness', () => {
  it('measures every registered parser against the indexOf anchor (small stream, shape only)', () => {
    const results = benchParsers({ megabytes: 1 });
    expect(results.map((r) => r.protocol)).toEqual(PARSER_BENCHES.map((e) => e.protocol));
    for (const r of results) {
      expect(r.bytesPerSec).toBeGreaterThan(0);
      expect(r.anchorBytesPerSec).toBeGreaterThan(0);
      expect(r.ratio).toBeGreaterThan(0);
    }
  });

  it('the generated Kerong stream is mostly valid frames (the bench measures parsing, not skipping)', () => {
    const stream = buildStream(PARSER_BENCHES[0]!.frames(), 1);
    const p = createKerongReplyParser();
    const frames = p.push(stream).length;
    expect(frames * 9).toBeGreaterThan(stream.length * 0.8);
    expect(() => benchParsers({ megabytes: 0 })).toThrow(/megabytes/);
  });
});
