/**
 * The shape every protocol's framing follows (after zigbee-herdsman's Frame / Parser / Writer
 * split): a codec turns typed frames into bytes, a resyncing stream parser turns an arbitrary
 * byte stream back into frames. Parsers never throw on bad bytes: they skip to the next
 * plausible start of frame and count what they dropped.
 */
export interface FrameEncoder<F> {
  encode(frame: F): Buffer;
}

export interface ParserStats {
  /** Bytes skipped while looking for a valid frame (garbage, bad checksums, truncated frames). */
  droppedBytes: number;
  /** Frames that looked like frames but failed validation (checksum, length, trailer). */
  badFrames: number;
  /** Valid frames delivered. */
  frames: number;
}

export interface StreamParser<F> {
  /** Feed bytes as they arrive (any split); returns the complete valid frames found so far. */
  push(chunk: Uint8Array): F[];
  /** Forget buffered partial input (e.g. after a reconnect). */
  reset(): void;
  readonly stats: ParserStats;
}
