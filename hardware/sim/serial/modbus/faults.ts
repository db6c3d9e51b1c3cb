/**
 * Per-test fault behaviours shared by our serial simulators (Modbus, I/O board). Set
 * `sim.faults` for a persistent fault, or `sim.faultOnce(...)` for the next reply only.
 */
import type { Clock } from '../../../../firmware-bridge/platform/clock.ts';

export interface ReplyFaults {
  /** Swallow the request, never answer. */
  noReply?: boolean;
  /** Answer after this many ms (on the injected clock). */
  lateReplyMs?: number;
  /** Garbage bytes sent right before the reply. */
  garbageBefore?: Uint8Array;
  /** Send the reply in chunks of this many bytes, one per microtask/turn. */
  splitEvery?: number;
  /** Flip a bit in the last byte (checksum) of the reply. */
  badChecksum?: boolean;
}

/** Deliver one reply through the faults. */
export function sendWithFaults(
  bytes: Buffer,
  faults: ReplyFaults,
  send: (b: Uint8Array) => void,
  clock: Clock,
): void {
  if (faults.noReply) return;
  const out = Buffer.from(bytes);
  if (faults.badChecksum && out.length > 0) out[out.length - 1] = (out[out.length - 1] as number) ^ 0x01;
  const emit = (): void => {
    if (faults.garbageBefore) send(faults.garbageBefore);
    const step = faults.splitEvery && faults.splitEvery > 0 ? faults.splitEvery : out.length;
    for (let i = 0; i < out.length; i += step) send(out.subarray(i, i + step));
  };
  if (faults.lateReplyMs && faults.lateReplyMs > 0) clock.setTimeout(emit, faults.lateReplyMs);
  else emit();
}
