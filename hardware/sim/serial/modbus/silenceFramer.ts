/**
 * RTU framing the way a real slave does it (Modbus over Serial Line V1.02 §2.5.1.1): a frame is
 * every byte received until the line has been silent for 3.5 character times. No look at the
 * content: an unknown function code or a zero byte count is still one frame, which the slave
 * then CRC-checks and answers (exception 1 / 3) instead of dropping byte by byte.
 *
 * Time is the injected Clock, so a test on a ManualClock sees a frame end when it moves time
 * past the gap. Bytes beyond 256 (the RTU maximum) make the frame bad: it is dropped whole when
 * the silence comes. The 1.5-character "inter-character gap = bad frame" rule is not modelled:
 * chunks from a link have no per-byte timing.
 */
import type { Clock, TimerHandle } from '../../../../firmware-bridge/platform/clock.ts';

export const RTU_MAX_FRAME = 256;

/** 3.5 character times in ms: 11 bits per character; above 19200 Bd the spec fixes 1.75 ms. */
export function rtuSilenceMs(baud: number): number {
  if (!Number.isFinite(baud) || baud <= 0) throw new RangeError(`baud rate ${baud} must be a positive number`);
  return baud > 19200 ? 1.75 : (3.5 * 11 * 1000) / baud;
}

export interface SilenceFramerStats {
  frames: number;
  /** frames dropped for running past 256 bytes */
  oversized: number;
}

export class RtuSilenceFramer {
  readonly stats: SilenceFramerStats = { frames: 0, oversized: 0 };
  readonly silenceMs: number;
  private readonly buf = Buffer.alloc(RTU_MAX_FRAME);
  private len = 0;
  private overflow = false;
  private timer: TimerHandle | undefined;

  constructor(
    private readonly clock: Clock,
    baud: number,
    private readonly onFrame: (frame: Buffer) => void,
  ) {
    this.silenceMs = rtuSilenceMs(baud);
  }

  /** Bytes off the line; each chunk restarts the silence timer. */
  push(chunk: Uint8Array): void {
    if (chunk.length === 0) return;
    const room = RTU_MAX_FRAME - this.len;
    if (chunk.length > room) this.overflow = true;
    this.buf.set(chunk.subarray(0, Math.min(room, chunk.length)), this.len);
    this.len += Math.min(room, chunk.length);
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.timer = this.clock.setTimeout(() => this.silence(), this.silenceMs);
  }

  /** Forget a partial frame (link stopped). */
  reset(): void {
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
    this.len = 0;
    this.overflow = false;
  }

  /** Bytes waiting for the silence that ends their frame. */
  get buffered(): number {
    return this.len;
  }

  private silence(): void {
    this.timer = undefined;
    const frame = Buffer.from(this.buf.subarray(0, this.len));
    const oversized = this.overflow;
    this.len = 0;
    this.overflow = false;
    if (oversized) {
      this.stats.oversized++;
      return;
    }
    this.stats.frames++;
    this.onFrame(frame);
  }
}
