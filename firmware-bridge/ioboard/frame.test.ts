/**
 * Golden vectors for the I/O board protocol: the worked examples of firmware-bridge/PROTOCOL.md,
 * computed by hand-written independent CRC-16/CCITT-FALSE and COBS code outside this code base.
 */
import { describe, expect, it } from 'vitest';
import { cobsDecode, cobsEncode } from './cobs.ts';
import { IoFrameParser, encodeIoFrame } from './frame.ts';
import { decodeMessage, toFrame, type IoMessage } from './messages.ts';

const hex = (s: string): Buffer => Buffer.from(s.replace(/\s+/g, ''), 'hex');
const show = (b: Uint8Array): string =>
  Buffer.from(b)
    .toString('hex')
    .toUpperCase()
    .replace(/(..)(?!$)/g, '$1 ');

const golden: [string, number, IoMessage, string][] = [
  ['HELLO', 1, { type: 'hello' }, '06 01 01 01 D8 BC 00'],
  [
    'BOARD_INFO',
    1,
    { type: 'boardInfo', info: { fwMajor: 1, fwMinor: 0, relays: 4, inputs: 8, probes: 2, watchdogMs: 1500 } },
    '05 01 01 81 01 08 04 08 02 05 DC F0 CD 00',
  ],
  ['HEARTBEAT 1500 ms', 2, { type: 'heartbeat', watchdogMs: 1500 }, '08 01 02 02 05 DC CD 51 00'],
  ['ACK of HEARTBEAT', 2, { type: 'ack', ackedType: 2 }, '07 01 02 80 02 A7 CE 00'],
  ['SET_RELAY 2 on', 3, { type: 'setRelay', relay: 2, on: true }, '08 01 03 03 02 01 0F 92 00'],
  ['ACK of SET_RELAY', 3, { type: 'ack', ackedType: 3 }, '07 01 03 80 03 80 DF 00'],
  ['READ_TEMPS', 4, { type: 'readTemps' }, '06 01 04 05 67 CD 00'],
  ['TEMPS 4.00 °C + fault', 4, { type: 'temps', centiC: [400, null] }, '0B 01 04 85 02 01 90 7F FF 6C 93 00'],
  ['NAK no heartbeat', 5, { type: 'nak', nakedType: 3, code: 4 }, '08 01 05 8F 03 04 05 A4 00'],
  ['INPUT_CHANGED 1+3', 1, { type: 'inputChanged', inputs: [true, false, true, false, false, false, false, false] }, '08 01 01 90 08 05 6C DC 00'],
  ['BOOT power-on (seq 0 is stuffed)', 0, { type: 'boot', reason: 1 }, '02 01 05 91 01 C9 8F 00'],
  ['READ_INPUTS', 6, { type: 'readInputs' }, '06 01 06 04 11 8E 00'],
  ['INPUTS 1+8', 6, { type: 'inputs', inputs: [true, false, false, false, false, false, false, true] }, '08 01 06 84 08 81 73 5E 00'],
];

describe('I/O board golden frames', () => {
  for (const [name, seq, msg, wire] of golden) {
    it(`${name}: ${wire}`, () => {
      expect(show(encodeIoFrame(toFrame(seq, msg)))).toBe(wire);
      const frames = new IoFrameParser().push(hex(wire));
      expect(frames).toHaveLength(1);
      expect(frames[0]!.seq).toBe(seq);
      expect(decodeMessage(frames[0]!)).toEqual({ ok: true, message: msg });
    });
  }
});

describe('COBS', () => {
  it.each([
    ['', '01'],
    ['00', '01 01'],
    ['00 00', '01 01 01'],
    ['11 22 00 33', '03 11 22 02 33'],
    ['11 22 33 44', '05 11 22 33 44'],
    ['11 00 00 00', '02 11 01 01 01'],
  ])('%s -> %s', (raw, enc) => {
    expect(show(cobsEncode(hex(raw)))).toBe(enc);
    expect(show(cobsDecode(hex(enc))!)).toBe(show(hex(raw)));
  });
  it('254 non-zero bytes fill one block (code FF) and 255 need two', () => {
    const a = Buffer.alloc(254, 7);
    expect(cobsEncode(a)[0]).toBe(0xff);
    expect(cobsDecode(cobsEncode(a))).toEqual(a);
    const b = Buffer.alloc(255, 7);
    expect(cobsDecode(cobsEncode(b))).toEqual(b);
  });
  it('malformed packets decode to null', () => {
    expect(cobsDecode(hex('05 11 22'))).toBeNull();
    expect(cobsDecode(hex('03 11 00'))).toBeNull();
  });
});

describe('IoFrameParser resync', () => {
  it('a corrupted frame costs only itself; the next frame is delivered', () => {
    const p = new IoFrameParser();
    const bad = hex('08 01 03 03 02 01 0F 93 00'); // CRC low byte flipped
    const good = hex('06 01 01 01 D8 BC 00');
    const out = p.push(Buffer.concat([hex('FF FF 42'), bad, good]));
    expect(out).toHaveLength(1);
    expect(p.stats.badFrames).toBe(1);
  });
  it('an endless run without delimiter is not buffered beyond one frame', () => {
    const p = new IoFrameParser();
    for (let i = 0; i < 100; i++) p.push(Buffer.alloc(1000, 0x55));
    expect(p.push(hex('00 06 01 01 01 D8 BC 00'))).toHaveLength(1);
    expect(p.stats.droppedBytes).toBeGreaterThanOrEqual(100_000);
  });
  it('wrong protocol version is dropped as a bad frame', () => {
    // version 2 HELLO: raw 02 01 01 + CRC
    const p = new IoFrameParser();
    const raw = Buffer.from([2, 1, 1, 0, 0]);
    expect(p.push(Buffer.concat([cobsEncode(raw), Buffer.from([0])]))).toEqual([]);
    expect(p.stats.badFrames).toBe(1);
  });
});
