/**
 * Outbox relay: walks the ledger's outbox in strict seq order and hands bounded batches to a
 * sender (the MQTT publisher). Events are marked delivered ONLY when the backoffice's cumulative
 * `down/ack` arrives (after its commit), never on the broker's PUBACK.
 *
 * Flow control: at most `maxInflight` unacknowledged batches; each batch is bounded by event count
 * and encoded bytes. Go-back-N recovery: on reconnect, on ack timeout and on the backoffice's
 * `resendFrom` the cursor rewinds to the last acknowledged seq (or resendFrom - 1) and resends.
 * The backoffice stores by (siteId, seq), so a resend is harmless; the ledger never drops an
 * unacknowledged event.
 *
 * Live events during a drain: order is kept strictly (the cumulative ack cannot express holes), so
 * a live event waits behind the backlog that precedes it; batches are bounded so the pipeline keeps
 * moving at broker speed and every newly appended event triggers a pump. The end-to-end test
 * measures live latency during a 20k drain.
 *
 * Hot path: the relay never looks at single events. A `BatchPipe` reads the next batch (the
 * product pipe gets it from SQLite as one pre-serialised JSON array) and sends it; the relay only
 * keeps each in-flight batch's last seq. The ack timer is a deadline: an ack moves the deadline,
 * the one armed timer re-arms itself for the remainder instead of being cleared and re-created.
 */
import type { Clock, TimerHandle } from '../../firmware-bridge/platform/clock.ts';
import type { Logger } from '../../firmware-bridge/platform/logger.ts';
import type { OutboxEvent, OutboxSource } from './outboxSource.ts';

export interface RelayOptions {
  maxBatchEvents: number;
  maxBatchBytes: number;
  /** Unacknowledged batches at most (count) ... */
  maxInflight: number;
  /** ... and encoded bytes at most (a single batch is always allowed). */
  maxInflightBytes: number;
  /** No ack for the oldest in-flight batch for this long → rewind and resend. Doubles per miss. */
  ackTimeoutMs: number;
  maxAckTimeoutMs: number;
}

export const DEFAULT_RELAY: RelayOptions = {
  maxBatchEvents: 500,
  maxBatchBytes: 256 * 1024,
  // The drain is round-trip bound (point → broker → backoffice group commit → ack): the backoffice
  // acknowledges what it committed together, so a window of a few MiB lets it commit large groups
  // while the point keeps sending (20k drain on a LAN: 8 batches 0.2×, 16 0.3×, 4 MiB 0.45× of
  // raw). Unacknowledged data is not held on the point (the ledger is the queue); what waits in
  // the local socket is bounded separately by the pipe's `busy()` so pings are not stuck behind
  // megabytes on a slow link. The ack timer is a deadline moved by every ack.
  maxInflight: 64,
  maxInflightBytes: 4 * 1024 * 1024,
  ackTimeoutMs: 10_000,
  maxAckTimeoutMs: 120_000,
};

/** Returns false when the batch could not be handed to the transport (offline). */
export type BatchSender = (events: OutboxEvent[]) => boolean;

/** What the relay needs to know about a batch: the seq range it covers (contiguous, ascending). */
export interface RelayBatch {
  readonly first: number;
  readonly last: number;
}

/** Reads batches from the outbox and hands them to the transport. */
export interface BatchPipe<B extends RelayBatch = RelayBatch> {
  /**
   * The next pending events after `afterSeq` as one batch: at most `maxEvents` events and
   * `maxBytes` encoded bytes (one event larger than that is still returned, alone); undefined
   * when nothing is pending.
   */
  read(afterSeq: number, maxEvents: number, maxBytes: number): B | undefined;
  /** Hands the batch to the transport; false when that is not possible now (offline). */
  send(batch: B): boolean;
  /** Encoded size of the batch in bytes (for the in-flight byte window). */
  size(batch: B): number;
  /**
   * True while the transport's local write queue is too full to take another batch (checked only
   * while something is in flight; the relay pumps again on the next ack or `resume()`).
   */
  busy?(): boolean;
}

/** A batch of event objects (the generic path for any OutboxSource). */
export interface EventListBatch extends RelayBatch {
  readonly events: OutboxEvent[];
  readonly bytes: number;
}

/**
 * Pipe over `OutboxSource.outboxPending`: event objects, bounded by `sizeOf` (encoded bytes of one
 * event inside a batch). Used for sources without a pre-serialised read and by unit tests.
 */
export function eventListPipe(
  source: OutboxSource,
  send: BatchSender,
  sizeOf: (e: OutboxEvent) => number = (e) => Buffer.byteLength(JSON.stringify(e)),
): BatchPipe<EventListBatch> {
  return {
    read(afterSeq, maxEvents, maxBytes) {
      const events = source.outboxPending(afterSeq, maxEvents);
      let bytes = 0;
      let n = 0;
      for (const e of events) {
        const size = sizeOf(e);
        if (n > 0 && bytes + size > maxBytes) break;
        bytes += size;
        n++;
      }
      const batch = n === events.length ? events : events.slice(0, n);
      const first = batch[0];
      const last = batch[batch.length - 1];
      return first && last ? { first: first.seq, last: last.seq, events: batch, bytes } : undefined;
    },
    send: (batch) => send(batch.events),
    size: (batch) => batch.bytes,
  };
}

export interface RelayStatus {
  backlog: number;
  lastAckSeq: number;
  lastAckAt: number | null;
  sentUpTo: number;
  inflightBatches: number;
  draining: boolean;
  /** 0..1 while draining a backlog larger than one batch, else 1. */
  progress: number;
  resends: number;
  ackTimeouts: number;
  /** Acks refused because they do not match this ledger (hash at upTo differs, or upTo > lastSeq). */
  ackMismatches: number;
  /**
   * True since an ack did not match this ledger (its events are not the ones the backoffice
   * stored: replaced ledger); cleared by the next ack that matches and marks events delivered.
   */
  diverged: boolean;
}

/** What `onAck` did: `mismatch` = the ack does not belong to this ledger, nothing was marked. */
export type AckResult = { ok: true } | { ok: false; reason: string; upTo: number; lastSeq: number };
const ACK_OK: AckResult = { ok: true };

export class OutboxRelay<B extends RelayBatch = EventListBatch> {
  private online = false;
  private started = false;
  /** Last seq of each unacknowledged batch, ascending (a batch starts after the previous one). */
  private inflight: number[] = [];
  /** Encoded bytes of each in-flight batch (parallel to `inflight`) and their sum. */
  private inflightSizes: number[] = [];
  private inflightBytes = 0;
  private sentUpTo = 0;
  private acked = 0;
  /** Highest seq written to the ledger: from `onAppended`, sent batches and one read per ack/connect. */
  private lastSeq = 0;
  private lastAckAt: number | null = null;
  private timer: TimerHandle | undefined;
  /** Monotonic time the armed timer fires at, and the ack deadline it serves. */
  private timerAt = 0;
  private deadline = 0;
  private currentTimeout: number;
  private resends = 0;
  private ackTimeouts = 0;
  private ackMismatches = 0;
  private diverged = false;
  private lastRewind: { from: number; at: number } | undefined;
  private drain: { startAcked: number; target: number } | undefined;
  private unsubscribe: (() => void) | undefined;
  private readonly listeners = new Set<(s: RelayStatus) => void>();
  private readonly opts: RelayOptions;
  private readonly pipe: BatchPipe<B>;
  private readonly onTimer = (): void => this.timerFired();

  /**
   * `transport` is either a `BatchPipe` or, for the generic event-object path, a `BatchSender`
   * (then `sizeOf` gives the encoded size of one event inside a batch).
   */
  constructor(
    private readonly source: OutboxSource,
    transport: BatchPipe<B> | BatchSender,
    private readonly clock: Clock,
    private readonly logger: Logger,
    options: Partial<RelayOptions> = {},
    sizeOf?: (e: OutboxEvent) => number,
  ) {
    this.opts = { ...DEFAULT_RELAY, ...options };
    if (this.opts.maxBatchEvents < 1 || this.opts.maxInflight < 1 || this.opts.maxBatchBytes < 1) {
      throw new Error(`outbox relay: batch limits must be >= 1, got ${JSON.stringify(this.opts)}`);
    }
    this.pipe = typeof transport === 'function' ? (eventListPipe(source, transport, sizeOf) as unknown as BatchPipe<B>) : transport;
    this.currentTimeout = this.opts.ackTimeoutMs;
  }

  start(): void {
    if (this.started) return;
    this.started = true;
    this.acked = this.source.deliveredUpTo();
    this.sentUpTo = this.acked;
    this.lastSeq = this.source.lastSeq();
    const off = this.source.onAppended((event) => {
      if (!this.started) return;
      if (event.seq > this.lastSeq) this.lastSeq = event.seq;
      try {
        this.pump();
      } catch (err) {
        // Never let a transport problem surface in the ledger's append path.
        this.logger.error({ err: err instanceof Error ? err.message : String(err) }, 'sync: pump after append failed');
      }
    });
    this.unsubscribe = typeof off === 'function' ? off : undefined;
  }

  stop(): void {
    this.started = false;
    this.online = false;
    this.clearTimer();
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    this.clearInflight();
    this.listeners.clear();
  }

  /** The transport can take data again (its write queue drained). */
  resume(): void {
    if (!this.started || !this.online) return;
    this.pump();
  }

  /** Transport up (subscribed to down/ack) or down. Going up restarts from the last ack. */
  setOnline(online: boolean): void {
    this.online = online;
    this.clearInflight();
    this.clearTimer();
    this.acked = Math.max(this.acked, this.source.deliveredUpTo());
    this.lastSeq = Math.max(this.lastSeq, this.source.lastSeq());
    this.sentUpTo = this.acked;
    this.currentTimeout = this.opts.ackTimeoutMs;
    if (online) this.pump();
    this.emit();
  }

  /**
   * The backoffice's cumulative acknowledgement (after its commit). Before marking anything
   * delivered it is checked against this ledger: an `upTo` beyond the last seq, or an `upToHash`
   * other than this ledger's hash at `upTo`, means the backoffice stored another ledger's events
   * under these seqs (replaced SD card). Then nothing is marked, and everything not delivered is
   * resent, so the backoffice sees the differing duplicate hashes and marks the site diverged.
   */
  onAck(upTo: number, resendFrom?: number, upToHash?: string): AckResult {
    if (!this.started) return ACK_OK;
    // Refreshed once per ack: another writer on the same ledger file does not notify this process.
    this.lastSeq = Math.max(this.lastSeq, this.source.lastSeq());
    if (upTo > this.acked) {
      const reason = this.mismatch(upTo, upToHash);
      if (reason !== undefined) return this.refuseAck(upTo, reason);
      this.diverged = false;
      this.source.markDeliveredUpTo(upTo);
      this.acked = upTo;
      this.lastAckAt = this.clock.now();
      this.currentTimeout = this.opts.ackTimeoutMs;
      const inflight = this.inflight;
      let done = 0;
      while (done < inflight.length && inflight[done]! <= upTo) this.inflightBytes -= this.inflightSizes[done++]!;
      if (done > 0) {
        inflight.splice(0, done);
        this.inflightSizes.splice(0, done);
      }
      if (this.sentUpTo < upTo) this.sentUpTo = upTo;
      this.armAckTimer();
    }
    if (resendFrom !== undefined && resendFrom <= this.acked) {
      // The backoffice lost what it had acknowledged (restored backup?). The outbox rows are gone;
      // the events are still in the ledger. Needs an operator: say so loudly, change nothing.
      this.logger.error({ resendFrom, acked: this.acked }, 'sync: backoffice asks for events it already acknowledged');
    }
    if (resendFrom !== undefined && resendFrom > this.acked && resendFrom <= this.sentUpTo) {
      const now = this.clock.monotonic();
      const recent = this.lastRewind !== undefined && this.lastRewind.from <= resendFrom && now - this.lastRewind.at < this.currentTimeout;
      if (!recent) this.rewind(resendFrom - 1, 'resendFrom');
    }
    this.pump();
    this.emit();
    return ACK_OK;
  }

  /** Why an ack up to `upTo` (> acked) does not belong to this ledger, or undefined when it does. */
  private mismatch(upTo: number, upToHash: string | undefined): string | undefined {
    if (upTo > this.lastSeq) return 'ack beyond the last seq of this ledger';
    if (upToHash === undefined || this.source.hashAt === undefined) return undefined;
    const own = this.source.hashAt(upTo);
    if (own !== undefined && own !== upToHash) return "ack hash differs from this ledger's event hash";
    return undefined;
  }

  private refuseAck(upTo: number, reason: string): AckResult {
    this.ackMismatches++;
    this.diverged = true;
    this.logger.warn({ upTo, acked: this.acked, lastSeq: this.lastSeq, reason }, 'sync: ack refused, it does not match this ledger');
    const now = this.clock.monotonic();
    const from = this.acked + 1;
    const recent = this.lastRewind !== undefined && this.lastRewind.from <= from && now - this.lastRewind.at < this.currentTimeout;
    if (!recent && this.sentUpTo > this.acked) this.rewind(this.acked, reason);
    this.pump();
    this.emit();
    return { ok: false, reason, upTo, lastSeq: this.lastSeq };
  }

  status(): RelayStatus {
    const backlog = Math.max(0, this.lastSeq - this.acked);
    let progress = 1;
    if (this.drain) {
      const span = this.drain.target - this.drain.startAcked;
      progress = span <= 0 ? 1 : Math.min(1, (this.acked - this.drain.startAcked) / span);
    }
    return {
      backlog,
      lastAckSeq: this.acked,
      lastAckAt: this.lastAckAt,
      sentUpTo: this.sentUpTo,
      inflightBatches: this.inflight.length,
      draining: this.drain !== undefined,
      progress,
      resends: this.resends,
      ackTimeouts: this.ackTimeouts,
      ackMismatches: this.ackMismatches,
      diverged: this.diverged,
    };
  }

  onStatus(listener: (s: RelayStatus) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private pump(): void {
    if (!this.started || !this.online) return;
    let sentAny = false;
    const { maxInflight, maxInflightBytes, maxBatchEvents, maxBatchBytes } = this.opts;
    const pipe = this.pipe;
    while (this.inflight.length === 0 || (this.inflight.length < maxInflight && this.inflightBytes < maxInflightBytes && pipe.busy?.() !== true)) {
      const batch = pipe.read(this.sentUpTo, maxBatchEvents, maxBatchBytes);
      if (batch === undefined) break;
      if (batch.first !== this.sentUpTo + 1) {
        // The outbox skipped a seq: the ledger guarantees contiguity, so this is a bug upstream.
        this.logger.warn({ expected: this.sentUpTo + 1, got: batch.first }, 'sync: outbox seq gap');
      }
      if (!pipe.send(batch)) break;
      const size = pipe.size(batch);
      this.inflight.push(batch.last);
      this.inflightSizes.push(size);
      this.inflightBytes += size;
      this.sentUpTo = batch.last;
      if (batch.last > this.lastSeq) this.lastSeq = batch.last;
      sentAny = true;
      if (this.inflight.length === 1) this.armAckTimer();
    }
    const backlog = this.lastSeq - this.acked;
    if (this.drain === undefined && backlog > maxBatchEvents) {
      this.drain = { startAcked: this.acked, target: this.lastSeq };
    } else if (this.drain !== undefined) {
      if (this.acked >= this.drain.target) this.drain = undefined;
      else if (this.lastSeq > this.drain.target) this.drain.target = this.lastSeq;
    }
    if (sentAny) this.emit();
  }

  private rewind(toSeq: number, reason: string): void {
    this.resends++;
    this.lastRewind = { from: toSeq + 1, at: this.clock.monotonic() };
    this.logger.info({ from: toSeq + 1, sentUpTo: this.sentUpTo, reason }, 'sync: resending');
    this.clearInflight();
    this.sentUpTo = Math.max(this.acked, toSeq);
    this.clearTimer();
  }

  /**
   * The oldest in-flight batch must be acknowledged within `currentTimeout` from now. Moves the
   * deadline; the armed timer is replaced only when it would fire too late (timeout shrank).
   */
  private armAckTimer(): void {
    if (this.inflight.length === 0) return;
    this.deadline = this.clock.monotonic() + this.currentTimeout;
    if (this.timer !== undefined && this.timerAt <= this.deadline) return;
    this.clearTimer();
    this.schedule(this.deadline);
  }

  private schedule(at: number): void {
    this.timerAt = at;
    this.timer = this.clock.setTimeout(this.onTimer, at - this.clock.monotonic());
  }

  private timerFired(): void {
    this.timer = undefined;
    if (!this.started || this.inflight.length === 0) return;
    if (this.clock.monotonic() < this.deadline) {
      this.schedule(this.deadline);
      return;
    }
    this.ackTimeouts++;
    this.logger.warn({ acked: this.acked, timeoutMs: this.currentTimeout }, 'sync: no ack in time');
    this.currentTimeout = Math.min(this.opts.maxAckTimeoutMs, this.currentTimeout * 2);
    this.rewind(this.acked, 'ack timeout');
    this.pump();
    this.emit();
  }

  private clearInflight(): void {
    this.inflight.length = 0;
    this.inflightSizes.length = 0;
    this.inflightBytes = 0;
  }

  private clearTimer(): void {
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
  }

  private emit(): void {
    if (this.listeners.size === 0) return;
    const s = this.status();
    for (const l of this.listeners) l(s);
  }
}
