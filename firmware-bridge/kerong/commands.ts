/**
 * Kerong KR-CU16 command table, as data so it can be corrected in one place.
 *
 * SOURCE — UNVERIFIED. No vendor datasheet was available. Taken from third-party code
 * summarised in docs REFERENCE.md §2 "Kerong KR-CU lock boards" (a public KR-CU16 RS485
 * module, jin0949/KR-CU16_locker, an unnamed public TS CU driver):
 *   - RS485, 19200 8N1; request `02 ADDR CMD 03 SUM`, SUM = low byte of the sum of all
 *     preceding bytes;
 *   - ADDR = board address in the high nibble, lock index (lock number - 1) in the low nibble
 *     (third-party code uses 0x00-0x0F for the 16 locks of board 0);
 *   - status reply: `02 ADDR CMD H1 H2 I1 I2 03 SUM` — hook bits (latch closed = 1) of locks
 *     1-8 / 9-16 and infrared bits (occupied = 1) of locks 1-8 / 9-16, bit 0 = lowest lock;
 *     the unlock reply has the same shape.
 * Get the datasheet and check every row marked `verified: false`.
 */

export const KERONG_STX = 0x02;
export const KERONG_ETX = 0x03;

export const KERONG_SOURCE = 'UNVERIFIED: third-party KR-CU16 code (REFERENCE.md §2), no vendor datasheet; correct this table when one is available';

/** Valid hardware ids. Out-of-range ids are REJECTED, never clamped (a clamped id opens the wrong door). */
export const KERONG_LIMITS = {
  /** board address = high nibble of ADDR (UNVERIFIED: DIP-switch range of the real board may be smaller) */
  minBoard: 0,
  maxBoard: 15,
  /** lock numbers as printed on the board / compartment labels */
  minLock: 1,
  maxLock: 16,
} as const;

export type KerongReplyShape =
  /** 9 bytes: STX ADDR CMD H1 H2 I1 I2 ETX SUM */
  | 'status'
  /** no reply format known: the codec refuses to send it and the parser drops it */
  | 'unknown';

export interface KerongCommandDef {
  code: number;
  name: string;
  reply: KerongReplyShape;
  /** safe to repeat (reads); an unlock is never idempotent */
  idempotent: boolean;
  /** ADDR low nibble carries a lock index (else 0) */
  perLock: boolean;
  verified: boolean;
  note: string;
}

export const KERONG_COMMANDS = {
  readLock: { code: 0x30, name: 'status one', reply: 'status', idempotent: true, perLock: true, verified: false, note: 'reply carries all 16 hook/IR bits' },
  unlock: { code: 0x31, name: 'unlock', reply: 'status', idempotent: false, perLock: true, verified: false, note: 'pulses the latch of one lock' },
  readAll: { code: 0x32, name: 'all status', reply: 'status', idempotent: true, perLock: false, verified: false, note: '' },
  unlockAll: { code: 0x33, name: 'unlock all', reply: 'status', idempotent: false, perLock: false, verified: false, note: 'never sent by the driver' },
  returnSingleData: {
    code: 0x35,
    name: 'return single CU data',
    reply: 'unknown',
    idempotent: true,
    perLock: false,
    verified: false,
    note: 'code of the status REPLY frame per external drivers (KERONG_STATUS_REPLY_CODE); not sent as a request',
  },
  returnAllData: { code: 0x36, name: 'return all CU data', reply: 'unknown', idempotent: true, perLock: false, verified: false, note: '' },
  setUnlockTime: { code: 0x37, name: 'set unlock time', reply: 'unknown', idempotent: false, perLock: false, verified: false, note: 'payload format unknown' },
  returnUnlockTime: {
    code: 0x38,
    name: 'return unlock time',
    reply: 'unknown',
    idempotent: true,
    perLock: false,
    verified: false,
    note: 'third-party driver sends it after unlock to clear a stuck BUSY',
  },
  delayedUnlock: { code: 0x39, name: 'delayed unlock', reply: 'unknown', idempotent: false, perLock: true, verified: false, note: 'payload format unknown' },
} as const satisfies Record<string, KerongCommandDef>;

export type KerongCommandName = keyof typeof KERONG_COMMANDS;

/**
 * Busy answer: PLACEHOLDER, from no source. Field reports say boards "stick BUSY" (and then
 * mostly stay silent). We model an explicit busy answer as a bare 5-byte frame
 * `02 ADDR 3F 03 SUM` so the driver's busy path exists and is tested; set to `null` when the
 * datasheet says there is no such frame, or change `code` to the real one.
 */
export const KERONG_BUSY_REPLY: { code: number; length: 5 } | null = { code: 0x3f, length: 5 };

/**
 * Status reply code `0x35` ("return single CU data"). Three external drivers read the answer
 * to `0x30` (and one the answer to `0x31`) as `02 ADDR 35 H1 H2 I1 I2 03 SUM`, i.e. the board
 * does NOT echo the request code (see VECTORS.md). Our simulator still echoes; the parser and
 * driver accept both. UNVERIFIED against a vendor document.
 */
export const KERONG_STATUS_REPLY_CODE = 0x35;

export const STATUS_REPLY_LENGTH = 9;
export const REQUEST_LENGTH = 5;

const byCode = new Map<number, KerongCommandDef>(Object.values(KERONG_COMMANDS).map((c) => [c.code, c]));

export function commandByCode(code: number): KerongCommandDef | undefined {
  return byCode.get(code);
}
