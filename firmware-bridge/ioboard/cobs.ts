/**
 * Consistent Overhead Byte Stuffing (Cheshire & Baker, 1999): removes every 0x00 from a
 * packet so 0x00 can delimit frames. Each block starts with a code byte = 1 + number of
 * following non-zero bytes (max 0xFF = 254 data bytes, no implied zero after it).
 *
 *   raw     11 22 00 33        ->  cobs  03 11 22 02 33
 *   raw     00                 ->  cobs  01 01
 */
export function cobsEncode(data: Uint8Array): Buffer {
  const out = Buffer.alloc(data.length + Math.ceil(data.length / 254) + 1);
  let codeAt = 0;
  let o = 1;
  let code = 1;
  for (let i = 0; i < data.length; i++) {
    const b = data[i] as number;
    if (b === 0) {
      out[codeAt] = code;
      codeAt = o++;
      code = 1;
      continue;
    }
    out[o++] = b;
    code++;
    if (code === 0xff) {
      out[codeAt] = code;
      codeAt = o++;
      code = 1;
    }
  }
  out[codeAt] = code;
  return out.subarray(0, o);
}

/** Decode one COBS packet (without the 0x00 delimiter); null when malformed. Never throws. */
export function cobsDecode(data: Uint8Array, start = 0, end = data.length): Buffer | null {
  const out = Buffer.alloc(Math.max(0, end - start));
  let o = 0;
  let i = start;
  while (i < end) {
    const code = data[i] as number;
    if (code === 0) return null;
    i++;
    const blockEnd = i + code - 1;
    if (blockEnd > end) return null;
    for (; i < blockEnd; i++) {
      const b = data[i] as number;
      if (b === 0) return null;
      out[o++] = b;
    }
    if (code !== 0xff && i < end) out[o++] = 0;
  }
  return out.subarray(0, o);
}

/**
 * Decode one COBS packet into `out` (must hold end-start bytes); returns the decoded length,
 * or -1 when malformed. Allocation-free, for the stream parser's hot path.
 */
export function cobsDecodeInto(data: Uint8Array, start: number, end: number, out: Uint8Array): number {
  let o = 0;
  let i = start;
  while (i < end) {
    const code = data[i] as number;
    if (code === 0) return -1;
    i++;
    const blockEnd = i + code - 1;
    if (blockEnd > end) return -1;
    for (; i < blockEnd; i++) {
      const b = data[i] as number;
      if (b === 0) return -1;
      out[o++] = b;
    }
    if (code !== 0xff && i < end) out[o++] = 0;
  }
  return o;
}
