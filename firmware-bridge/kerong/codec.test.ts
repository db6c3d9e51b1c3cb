import { describe, expect, it } from 'vitest';
import { ManualClock } from '../platform/clock.ts';
import { createSilentLogger } from '../platform/logger.ts';
import { createMemoryLinkPair } from '../transport/memoryLink.ts';
import { KerongBoard, KerongRangeError } from './board.ts';
import { encodeReply, encodeRequest, KerongFrameError } from './codec.ts';
import { KERONG_COMMANDS } from './commands.ts';
import { createKerongSession } from './kerongSession.ts';
import { createKerongReplyParser, createKerongRequestParser } from './parser.ts';

const hex = (s: string) => Buffer.from(s.replace(/\s+/g, ''), 'hex');

/**
 * Golden vectors worked by hand from the frame layout in codec.ts (SUM = low byte of the sum
 * of all bytes before it). The arithmetic is written out so a reviewer can redo it.
 */
describe('Kerong golden vectors', () => {
  it.each([
    // 02+00+30+03 = 0x35
    ['status one, board 0 lock 1', { cmd: 0x30, board: 0, channel: 0 }, '02 00 30 03 35'],
    // 02+00+31+03 = 0x36
    ['unlock, board 0 lock 1', { cmd: 0x31, board: 0, channel: 0 }, '02 00 31 03 36'],
    // ADDR = 1<<4 | 4 = 0x14; 02+14+31+03 = 0x4A
    ['unlock, board 1 lock 5', { cmd: 0x31, board: 1, channel: 4 }, '02 14 31 03 4A'],
    // ADDR 0x20; 02+20+32+03 = 0x57
    ['all status, board 2', { cmd: 0x32, board: 2, channel: 0 }, '02 20 32 03 57'],
    // ADDR 0xFF; 02+FF+31+03 = 0x135 -> 0x35
    ['unlock, board 15 lock 16 (checksum wraps)', { cmd: 0x31, board: 15, channel: 15 }, '02 FF 31 03 35'],
  ])('request: %s', (_name, req, bytes) => {
    expect(encodeRequest(req).toString('hex')).toBe(hex(bytes).toString('hex'));
    expect(createKerongRequestParser().push(hex(bytes))).toEqual([req]);
  });

  it.each([
    // 02+00+30 = 0x32; +FF = 0x131; +FE = 0x22F; +01 = 0x230; +00; +03 = 0x233 -> 0x33
    [
      'status reply board 0 lock 1: lock 9 unlatched, lock 1 occupied',
      { type: 'status', cmd: 0x30, board: 0, channel: 0, hooks: 0xfeff, ir: 0x0001 },
      '02 00 30 FF FE 01 00 03 33',
    ],
    // 02+14+31 = 0x47; +EF = 0x136; +FF = 0x235; +10 = 0x245; +80 = 0x2C5; +03 = 0x2C8 -> 0xC8
    [
      'unlock reply board 1 lock 5: lock 5 unlatched + occupied, lock 16 occupied',
      { type: 'status', cmd: 0x31, board: 1, channel: 4, hooks: 0xffef, ir: 0x8010 },
      '02 14 31 EF FF 10 80 03 C8',
    ],
    // 02+30+3F+03 = 0x74
    ['busy placeholder, board 3', { type: 'busy', board: 3, channel: 0 }, '02 30 3F 03 74'],
  ] as const)('reply: %s', (_name, reply, bytes) => {
    expect(encodeReply(reply).toString('hex')).toBe(hex(bytes).toString('hex'));
    expect(createKerongReplyParser().push(hex(bytes))).toEqual([reply]);
  });

  it('a golden reply with one bit flipped in the data is rejected by the checksum', () => {
    const p = createKerongReplyParser();
    expect(p.push(hex('02 00 30 FF FE 01 01 03 33'))).toEqual([]);
    expect(p.stats.badFrames).toBe(1);
  });
});

describe('Kerong ids are rejected, never clamped', () => {
  it.each([
    [{ cmd: 0x31, board: 16, channel: 0 }, /board address must be an integer 0\.\.15, got 16/],
    [{ cmd: 0x31, board: -1, channel: 0 }, /board address/],
    [{ cmd: 0x31, board: 0, channel: 16 }, /lock index must be an integer 0\.\.15, got 16/],
    [{ cmd: 0x31, board: 0.5, channel: 0 }, /board address/],
    [{ cmd: 0x99, board: 0, channel: 0 }, /unknown Kerong command 0x99/],
    [{ cmd: KERONG_COMMANDS.setUnlockTime.code, board: 0, channel: 0 }, /no known reply format/],
  ])('encoder refuses %j', (req, msg) => {
    expect(() => encodeRequest(req)).toThrow(KerongFrameError);
    expect(() => encodeRequest(req)).toThrow(msg);
  });

  it('driver refuses bad board addresses at construction and bad lock numbers before writing anything', async () => {
    const clock = new ManualClock();
    const pair = createMemoryLinkPair({ clock });
    const written: Buffer[] = [];
    pair.device.onData((c) => written.push(c));
    await pair.device.start();
    await pair.host.start();
    const session = createKerongSession({ link: pair.host, clock, logger: createSilentLogger() });
    session.start();
    for (const address of [16, -1, 2.5, Number.NaN, '1' as unknown as number]) {
      expect(() => new KerongBoard({ session, address, clock, logger: createSilentLogger() })).toThrow(KerongRangeError);
    }
    const board = new KerongBoard({ session, address: 0, clock, logger: createSilentLogger() });
    for (const lock of [0, 17, 48, -1, 1.5, Number.NaN, '3' as unknown as number]) {
      await expect(board.openLock(lock)).rejects.toThrow(KerongRangeError);
      await expect(board.readLock(lock)).rejects.toThrow(/lock number must be an integer 1\.\.16 \(board 0\)/);
    }
    await new Promise((r) => setImmediate(r));
    expect(written).toEqual([]);
  });
});
