import { describe, expect, it } from 'vitest';
import { ScannerLineParser } from './lineParser.ts';

const b = (s: string): Buffer => Buffer.from(s, 'latin1');

describe('ScannerLineParser', () => {
  it('CR, LF and CRLF each end one line; empty lines are skipped', () => {
    const p = new ScannerLineParser();
    expect(p.push(b('4006381333931\r96385074\n036000291452\r\n\r\n')).map((l) => l.data)).toEqual(['4006381333931', '96385074', '036000291452']);
  });
  it('strips and reports the AIM symbology identifier; keeps GS (FNC1)', () => {
    const p = new ScannerLineParser();
    const [l] = p.push(b(']C10109501101530003\x1d10A1\r'));
    expect(l).toEqual({ data: '0109501101530003\x1d10A1', symbology: { id: ']C1', name: 'GS1-128', gs1: true } });
  });
  it('a custom suffix (TAB) is matched across chunk borders, partial suffix bytes that were data are kept', () => {
    const p = new ScannerLineParser({ suffix: Uint8Array.of(0x03, 0x04) });
    const out = [...p.push(b('AB\x03')), ...p.push(b('C\x03')), ...p.push(b('\x04'))];
    expect(out.map((l) => l.data)).toEqual(['ABC']);
  });
  it('control characters from a glitch are dropped and counted', () => {
    const p = new ScannerLineParser();
    expect(p.push(b('12\x0034\x07\r')).map((l) => l.data)).toEqual(['1234']);
    expect(p.stats.droppedBytes).toBe(2);
  });
  it('an over-long line is discarded up to its terminator and the next line is fine', () => {
    const p = new ScannerLineParser({ maxLineLength: 16 });
    const out = p.push(b('X'.repeat(100) + '\r' + '96385074\r'));
    expect(out.map((l) => l.data)).toEqual(['96385074']);
    expect(p.stats.badFrames).toBe(1);
  });
  it('a symbology identifier with no data is a bad frame, not an empty scan', () => {
    const p = new ScannerLineParser();
    expect(p.push(b(']E0\r'))).toEqual([]);
    expect(p.stats.badFrames).toBe(1);
  });
});

describe('ScannerLineParser non-ASCII noise', () => {
  it('a line with bytes >= 0x80 is dropped whole unless asciiOnly is off', () => {
    const noisy = Buffer.from([0xff, 0x37, 0x0d]);
    const p = new ScannerLineParser();
    expect(p.push(noisy)).toEqual([]);
    expect(p.stats.badFrames).toBe(1);
    expect(new ScannerLineParser({ asciiOnly: false }).push(noisy)).toEqual([{ data: '\xff7' }]);
  });
});
