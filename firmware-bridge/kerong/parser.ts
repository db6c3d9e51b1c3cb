import type { ParserStats, StreamParser } from '../framing/types.ts';
import { KERONG_BUSY_REPLY, KERONG_COMMANDS, KERONG_ETX, KERONG_STATUS_REPLY_CODE, KERONG_STX, REQUEST_LENGTH, STATUS_REPLY_LENGTH } from './commands.ts';
import type { KerongReply, KerongRequest } from './codec.ts';

/**
 * Resyncing stream parser for Kerong frames (layout in codec.ts). Frames have no length
 * field: the CMD byte decides the length (from the command table). Algorithm per position:
 *
 *   find next STX -> need 3 bytes -> length from CMD (unknown CMD: skip this STX)
 *   -> need `length` bytes -> ETX at length-2 and SUM ok? emit, jump past it
 *                                                  : skip ONLY this STX and rescan
 *
 * Skipping one byte on a bad candidate means a real frame hiding inside garbage is still
 * found. Work per input byte is bounded by the longest frame (9), at most 8 bytes are held
 * between pushes, and nothing here throws on any input.
 */
export interface KerongStreamParser<F> extends StreamParser<F> {
  /** bytes held back waiting for the rest of a possible frame (always < 9) */
  readonly bufferedBytes: number;
}

type Decode<F> = (b: Uint8Array, at: number, cmd: number) => F;

function createParser<F>(lengthOf: Uint8Array, decode: Decode<F>): KerongStreamParser<F> {
  const stats: ParserStats = { droppedBytes: 0, badFrames: 0, frames: 0 };
  let pending: Buffer = Buffer.alloc(0);

  return {
    stats,
    get bufferedBytes() {
      return pending.length;
    },
    reset() {
      stats.droppedBytes += pending.length;
      pending = Buffer.alloc(0);
    },
    push(chunk: Uint8Array): F[] {
      const out: F[] = [];
      if (!(chunk instanceof Uint8Array) || chunk.length === 0) return out;
      const data: Uint8Array = pending.length > 0 ? Buffer.concat([pending, chunk]) : chunk;
      const n = data.length;
      let i = 0;
      while (i < n) {
        // back-to-back frames are the common case: skip the native call when we already sit on STX
        const j = data[i] === KERONG_STX ? i : data.indexOf(KERONG_STX, i);
        if (j < 0) {
          stats.droppedBytes += n - i;
          i = n;
          break;
        }
        stats.droppedBytes += j - i;
        i = j;
        if (n - j < 3) break; // wait for CMD
        const cmd = data[j + 2]!;
        const len = lengthOf[cmd]!;
        if (len === 0) {
          stats.droppedBytes++;
          i = j + 1;
          continue;
        }
        if (n - j < len) break; // wait for the rest
        let sum = 0;
        for (let k = j; k < j + len - 1; k++) sum += data[k]!;
        if (data[j + len - 2] === KERONG_ETX && (sum & 0xff) === data[j + len - 1]) {
          out.push(decode(data, j, cmd));
          stats.frames++;
          i = j + len;
        } else {
          stats.badFrames++;
          stats.droppedBytes++;
          i = j + 1;
        }
      }
      pending = i < n ? Buffer.from(data.subarray(i)) : Buffer.alloc(0);
      return out;
    },
  };
}

const replyLengths = new Uint8Array(256);
const requestLengths = new Uint8Array(256);
for (const def of Object.values(KERONG_COMMANDS)) {
  requestLengths[def.code] = REQUEST_LENGTH;
  if (def.reply === 'status') replyLengths[def.code] = STATUS_REPLY_LENGTH;
}
replyLengths[KERONG_STATUS_REPLY_CODE] = STATUS_REPLY_LENGTH; // real boards answer 0x30/0x31 with 0x35 (VECTORS.md)
if (KERONG_BUSY_REPLY) replyLengths[KERONG_BUSY_REPLY.code] = KERONG_BUSY_REPLY.length;

/** Board -> host: status and busy replies. */
export function createKerongReplyParser(): KerongStreamParser<KerongReply> {
  return createParser<KerongReply>(replyLengths, (b, at, cmd) => {
    const addr = b[at + 1]!;
    const board = addr >> 4;
    const channel = addr & 0x0f;
    if (KERONG_BUSY_REPLY && cmd === KERONG_BUSY_REPLY.code) return { type: 'busy', board, channel };
    return { type: 'status', cmd, board, channel, hooks: b[at + 3]! | (b[at + 4]! << 8), ir: b[at + 5]! | (b[at + 6]! << 8) };
  });
}

/** Host -> board: requests (used by the simulator and bus sniffers). */
export function createKerongRequestParser(): KerongStreamParser<KerongRequest> {
  return createParser<KerongRequest>(requestLengths, (b, at, cmd) => {
    const addr = b[at + 1]!;
    return { cmd, board: addr >> 4, channel: addr & 0x0f };
  });
}
