import type { Clock } from '../platform/clock.ts';
import type { Logger } from '../platform/logger.ts';
import type { FailureReason } from '../session/lifecycle.ts';
import type { ReplyVerdict, Session } from '../session/session.ts';
import { KERONG_COMMANDS, KERONG_LIMITS, KERONG_STATUS_REPLY_CODE } from './commands.ts';
import type { KerongReply, KerongRequest } from './codec.ts';

export interface LockState {
  lock: number;
  /** hook switch: latch closed (door shut and locked) */
  latched: boolean;
  /** infrared: something is in the compartment */
  occupied: boolean;
}

export interface BoardState {
  board: number;
  locks: LockState[];
}

export type ReadResult<T> = { ok: true; value: T } | { ok: false; reason: FailureReason; detail: string };

/**
 * The truth about an open. `unknown` means the bytes may have reached the board and we could
 * not find out what happened: the caller must NOT open again; it reports and reads later.
 */
export type OpenResult =
  | { result: 'opened'; lock: number; confirmedBy: 'reply' | 'late-reply' | 'read-back'; state?: LockState }
  | { result: 'not-opened'; lock: number; reason: FailureReason | 'still-latched'; detail: string }
  | { result: 'unknown'; lock: number; reason: FailureReason; detail: string };

export type BoardHealth =
  { state: 'ok' } | { state: 'degraded'; consecutiveFailures: number; lastError: string } | { state: 'lost'; consecutiveFailures: number; lastError: string };

export class KerongRangeError extends RangeError {
  override readonly name = 'KerongRangeError';
  readonly reason = 'invalid-argument' as const;
}

export interface KerongBoardOptions {
  session: Session<KerongRequest, KerongReply>;
  /** board address (DIP switches), 0..15 */
  address: number;
  clock: Clock;
  logger: Logger;
  /** serialisation key; pass one key for all boards on a half-duplex bus. Default `kerong:<address>` */
  queueKey?: string;
  readTimeoutMs?: number;
  readAttempts?: number;
  openTimeoutMs?: number;
  /** wait after an unanswered open before reading back (late replies land here) */
  verifySettleMs?: number;
  /** consecutive failed commands before the board counts as lost */
  lostAfterFailures?: number;
}

export function validateBoardAddress(address: unknown): number {
  if (typeof address !== 'number' || !Number.isInteger(address) || address < KERONG_LIMITS.minBoard || address > KERONG_LIMITS.maxBoard) {
    throw new KerongRangeError(`Kerong board address must be an integer ${KERONG_LIMITS.minBoard}..${KERONG_LIMITS.maxBoard}, got ${String(address)}`);
  }
  return address;
}

export function validateLockNumber(lock: unknown, board: number): number {
  if (typeof lock !== 'number' || !Number.isInteger(lock) || lock < KERONG_LIMITS.minLock || lock > KERONG_LIMITS.maxLock) {
    throw new KerongRangeError(
      `Kerong lock number must be an integer ${KERONG_LIMITS.minLock}..${KERONG_LIMITS.maxLock} (board ${board}), got ${String(lock)}`,
    );
  }
  return lock;
}

function lockFrom(reply: { hooks: number; ir: number }, lock: number): LockState {
  const bit = 1 << (lock - 1);
  return { lock, latched: (reply.hooks & bit) !== 0, occupied: (reply.ir & bit) !== 0 };
}

/**
 * Driver for one Kerong KR-CU16-style board on a Session. Hardware ids are validated and
 * rejected (KerongRangeError), never clamped. An open is never repeated: after a timeout the
 * driver listens for a late reply and reads the lock back, and reports what it found.
 */
export class KerongBoard {
  readonly address: number;
  private readonly key: string;
  private failures = 0;
  private lastError = '';

  constructor(private readonly opts: KerongBoardOptions) {
    this.address = validateBoardAddress(opts.address);
    this.key = opts.queueKey ?? `kerong:${this.address}`;
  }

  get health(): BoardHealth {
    const link = this.opts.session.link.status;
    if (link.state !== 'connected') {
      return { state: 'lost', consecutiveFailures: this.failures, lastError: `link ${link.state}` };
    }
    if (this.failures === 0) return { state: 'ok' };
    const state = this.failures >= (this.opts.lostAfterFailures ?? 3) ? 'lost' : 'degraded';
    return { state, consecutiveFailures: this.failures, lastError: this.lastError };
  }

  async readLock(lock: number): Promise<ReadResult<LockState>> {
    validateLockNumber(lock, this.address);
    const r = await this.read(KERONG_COMMANDS.readLock.code, lock - 1, `read board ${this.address} lock ${lock}`);
    return r.ok ? { ok: true, value: lockFrom(r.value, lock) } : r;
  }

  async readAll(): Promise<ReadResult<BoardState>> {
    const r = await this.read(KERONG_COMMANDS.readAll.code, 0, `read all board ${this.address}`);
    if (!r.ok) return r;
    const locks: LockState[] = [];
    for (let l = KERONG_LIMITS.minLock; l <= KERONG_LIMITS.maxLock; l++) locks.push(lockFrom(r.value, l));
    return { ok: true, value: { board: this.address, locks } };
  }

  async openLock(lock: number): Promise<OpenResult> {
    validateLockNumber(lock, this.address);
    const { session, clock, logger } = this.opts;
    const channel = lock - 1;
    const cmd = KERONG_COMMANDS.unlock.code;
    let lateAck: (KerongReply & { type: 'status' }) | undefined;
    // listen for a late unlock reply (one that arrives after our timeout) for the whole call
    const unlisten = session.onFrame((f, matched) => {
      if (!matched && f.type === 'status' && f.cmd === cmd && f.board === this.address && f.channel === channel) lateAck = f;
    });
    try {
      const res = await session.request({
        key: this.key,
        frame: { cmd, board: this.address, channel },
        label: `unlock board ${this.address} lock ${lock}`,
        idempotent: false,
        timeoutMs: this.opts.openTimeoutMs ?? 1000,
        match: this.matcher(cmd, channel),
      });
      this.account(res.ok, res.ok ? '' : `${res.reason}: ${res.detail}`);
      if (res.ok) return { result: 'opened', lock, confirmedBy: 'reply', state: lockFrom(res.value, lock) };
      if (!res.written) return { result: 'not-opened', lock, reason: res.reason, detail: res.detail };
      if (res.reason === 'busy' || res.reason === 'nak') return { result: 'not-opened', lock, reason: res.reason, detail: res.detail };

      // The bytes may have reached the board. Never resend: find out.
      logger.warn({ board: this.address, lock, reason: res.reason }, 'unlock unanswered; verifying by read-back');
      await new Promise<void>((r) => clock.setTimeout(r, this.opts.verifySettleMs ?? 300));
      if (lateAck) return { result: 'opened', lock, confirmedBy: 'late-reply', state: lockFrom(lateAck, lock) };
      const back = await this.readLock(lock);
      if (lateAck) return { result: 'opened', lock, confirmedBy: 'late-reply', state: lockFrom(lateAck, lock) };
      if (!back.ok) {
        return { result: 'unknown', lock, reason: res.reason, detail: `${res.detail}; read-back failed (${back.reason}: ${back.detail})` };
      }
      return back.value.latched
        ? { result: 'not-opened', lock, reason: 'still-latched', detail: `${res.detail}; read-back shows lock ${lock} still latched` }
        : { result: 'opened', lock, confirmedBy: 'read-back', state: back.value };
    } finally {
      unlisten();
    }
  }

  private async read(cmd: number, channel: number, label: string): Promise<ReadResult<{ hooks: number; ir: number }>> {
    const res = await this.opts.session.request({
      key: this.key,
      frame: { cmd, board: this.address, channel },
      label,
      idempotent: true,
      timeoutMs: this.opts.readTimeoutMs ?? 300,
      maxAttempts: this.opts.readAttempts ?? 3,
      match: this.matcher(cmd, channel),
    });
    this.account(res.ok, res.ok ? '' : `${res.reason}: ${res.detail}`);
    return res.ok ? { ok: true, value: res.value } : { ok: false, reason: res.reason, detail: res.detail };
  }

  private matcher(cmd: number, channel: number) {
    return (f: KerongReply): ReplyVerdict<{ hooks: number; ir: number }> | undefined => {
      if (f.board !== this.address || f.channel !== channel) return undefined;
      if (f.type === 'busy') return { kind: 'busy', detail: `board ${this.address} reported busy` };
      // the board may echo the request code (our simulator) or answer 0x30/0x31 with 0x35 (external drivers, VECTORS.md)
      const answers = f.cmd === cmd || (f.cmd === KERONG_STATUS_REPLY_CODE && cmd !== KERONG_COMMANDS.readAll.code);
      if (!answers) return undefined;
      return { kind: 'ok', value: { hooks: f.hooks, ir: f.ir } };
    };
  }

  private account(ok: boolean, error: string): void {
    if (ok) {
      this.failures = 0;
      this.lastError = '';
    } else {
      this.failures++;
      this.lastError = error;
    }
  }
}
