import type { FrameEncoder } from '../framing/types.ts';
import {
  commandByCode,
  KERONG_BUSY_REPLY,
  KERONG_ETX,
  KERONG_LIMITS,
  KERONG_STATUS_REPLY_CODE,
  KERONG_STX,
  REQUEST_LENGTH,
  STATUS_REPLY_LENGTH,
} from './commands.ts';

/**
 * Kerong KR-CU16 frames (UNVERIFIED, see commands.ts).
 *
 * Request, host -> board, 5 bytes:
 *
 *   +------+------+------+------+------+
 *   | STX  | ADDR | CMD  | ETX  | SUM  |
 *   | 0x02 | b:l  |      | 0x03 |      |
 *   +------+------+------+------+------+
 *   ADDR = board << 4 | (lock - 1)     (lock index 0 for board-wide commands)
 *   SUM  = (STX + ADDR + CMD + ETX) & 0xFF
 *
 * Status reply, board -> host, 9 bytes (answer to 0x30 status one, 0x31 unlock, 0x32 all status):
 *
 *   +------+------+------+------+------+------+------+------+------+
 *   | STX  | ADDR | CMD  | H1   | H2   | I1   | I2   | ETX  | SUM  |
 *   | 0x02 | echo | echo | 1-8  | 9-16 | 1-8  | 9-16 | 0x03 |      |
 *   +------+------+------+------+------+------+------+------+------+
 *   H = hook (latch closed = 1), I = infrared (compartment occupied = 1), bit 0 = lowest lock
 *   SUM  = sum of bytes 0..7 & 0xFF
 *
 * CMD in a status reply: external drivers (VECTORS.md) expect 0x35 ("return single CU data")
 * for the answer to 0x30 (one also for 0x31); our simulator echoes the request code. The
 * parser takes both; `cmd` in the decoded reply is the byte on the wire.
 *
 * Busy reply (PLACEHOLDER, see KERONG_BUSY_REPLY): `02 ADDR 3F 03 SUM`.
 *
 * Worked example: unlock board 1, lock 5 -> ADDR 0x14; 02+14+31+03 = 0x4A -> `02 14 31 03 4A`.
 */
export interface KerongRequest {
  cmd: number;
  board: number;
  /** lock index 0..15 = lock number - 1 (0 for board-wide commands) */
  channel: number;
}

export type KerongReply =
  | { type: 'status'; cmd: number; board: number; channel: number; /** bit i = lock i+1 latched */ hooks: number; /** bit i = lock i+1 occupied */ ir: number }
  | { type: 'busy'; board: number; channel: number };

export class KerongFrameError extends RangeError {
  override readonly name = 'KerongFrameError';
}

export function checksum(bytes: Uint8Array, end: number): number {
  let s = 0;
  for (let i = 0; i < end; i++) s += bytes[i]!;
  return s & 0xff;
}

function assertInt(what: string, v: number, min: number, max: number): void {
  if (!Number.isInteger(v) || v < min || v > max) throw new KerongFrameError(`${what} must be an integer ${min}..${max}, got ${String(v)}`);
}

export function addrByte(board: number, channel: number): number {
  assertInt('board address', board, KERONG_LIMITS.minBoard, KERONG_LIMITS.maxBoard);
  assertInt('lock index', channel, 0, KERONG_LIMITS.maxLock - 1);
  return ((board << 4) | channel) & 0xff;
}

export function encodeRequest(req: KerongRequest): Buffer {
  const def = commandByCode(req.cmd);
  if (!def) throw new KerongFrameError(`unknown Kerong command 0x${req.cmd.toString(16)}`);
  if (def.reply === 'unknown')
    throw new KerongFrameError(`Kerong command 0x${req.cmd.toString(16)} (${def.name}) has no known reply format; refusing to send it`);
  const b = Buffer.alloc(REQUEST_LENGTH);
  b[0] = KERONG_STX;
  b[1] = addrByte(req.board, req.channel);
  b[2] = req.cmd;
  b[3] = KERONG_ETX;
  b[4] = checksum(b, 4);
  return b;
}

export function encodeReply(reply: KerongReply): Buffer {
  const addr = addrByte(reply.board, reply.channel);
  if (reply.type === 'busy') {
    if (!KERONG_BUSY_REPLY) throw new KerongFrameError('this board model has no busy reply');
    const b = Buffer.from([KERONG_STX, addr, KERONG_BUSY_REPLY.code, KERONG_ETX, 0]);
    b[4] = checksum(b, 4);
    return b;
  }
  const def = commandByCode(reply.cmd);
  if (reply.cmd !== KERONG_STATUS_REPLY_CODE && (!def || def.reply !== 'status'))
    throw new KerongFrameError(`command 0x${reply.cmd.toString(16)} has no status reply`);
  assertInt('hook bits', reply.hooks, 0, 0xffff);
  assertInt('infrared bits', reply.ir, 0, 0xffff);
  const b = Buffer.alloc(STATUS_REPLY_LENGTH);
  b[0] = KERONG_STX;
  b[1] = addr;
  b[2] = reply.cmd;
  b[3] = reply.hooks & 0xff;
  b[4] = reply.hooks >> 8;
  b[5] = reply.ir & 0xff;
  b[6] = reply.ir >> 8;
  b[7] = KERONG_ETX;
  b[8] = checksum(b, 8);
  return b;
}

export const kerongRequestEncoder: FrameEncoder<KerongRequest> = { encode: encodeRequest };
export const kerongReplyEncoder: FrameEncoder<KerongReply> = { encode: encodeReply };
