import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../../firmware-bridge/platform/clock.ts';
import { RtuSilenceFramer, rtuSilenceMs } from './silenceFramer.ts';

describe('RTU framing by 3.5 character times of silence', () => {
  it('uses 3.5 x 11 bits per character up to 19200 Bd and the fixed 1.75 ms above', () => {
    expect(rtuSilenceMs(9600)).toBeCloseTo(4.01, 2);
    expect(rtuSilenceMs(19200)).toBeCloseTo(2.005, 3);
    expect(rtuSilenceMs(38400)).toBe(1.75);
    expect(() => rtuSilenceMs(0)).toThrow(/baud rate 0/);
  });

  it('ends a frame only when the line has been silent long enough, whatever the bytes are', () => {
    const clock = new ManualClock();
    const frames: number[][] = [];
    const f = new RtuSilenceFramer(clock, 9600, (b) => frames.push([...b]));
    f.push(Uint8Array.of(0x01, 0x07));
    clock.advance(3); // < 4 ms: still the same frame
    f.push(Uint8Array.of(0xe2));
    clock.advance(3.9);
    expect(frames).toEqual([]);
    f.push(Uint8Array.of(0x41));
    clock.advance(4.1);
    expect(frames).toEqual([[0x01, 0x07, 0xe2, 0x41]]);
    f.push(Uint8Array.of(0x02));
    clock.advance(5);
    expect(frames).toEqual([[0x01, 0x07, 0xe2, 0x41], [0x02]]);
  });

  it('drops a frame longer than 256 bytes whole and takes the next one', () => {
    const clock = new ManualClock();
    const frames: number[] = [];
    const f = new RtuSilenceFramer(clock, 19200, (b) => frames.push(b.length));
    f.push(new Uint8Array(200));
    f.push(new Uint8Array(100));
    clock.advance(3);
    f.push(new Uint8Array(8));
    clock.advance(3);
    expect(frames).toEqual([8]);
    expect(f.stats).toEqual({ frames: 1, oversized: 1 });
  });
});
