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
 */
import type { Clock, TimerHandle } from '../../firmware-bridge/platform/clock.ts';
import type { Logger } from '../../firmware-bridge/platform/logger.ts';
import type { OutboxEvent, OutboxSource } from './outboxSource.ts';

export interface RelayOptions {
  maxBatchEvents: number;
  maxBatchBytes: number;
  maxInflight: number;
  /** No ack for the oldest in-flight batch for this long → rewind and resend. Doubles per miss. */
  ackTimeoutMs: number;
  maxAckTimeoutMs: number;
}

export const DEFAULT_RELAY: RelayOptions = {
  maxBatchEvents: 500,
  maxBatchBytes: 256 * 1024,
  // The drain is round-trip bound (point → broker → backoffice commit → ack): 16 batches in flight
  // keep the pipe full on a LAN; on a slow link the ack timer still covers one batch at a time.
  maxInflight: 16,
  ackTimeoutMs: 10_000,
  maxAckTimeoutMs: 120_000,
};

/** Returns false when the batch could not be handed to the transport (offline). */
export type BatchSender = (events: OutboxEvent[]) => boolean;

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
}

interface Inflight {
  from: number;
  to: number;
}

export class OutboxRelay {
  private online = false;
  private started = false;
  private inflight: Inflight[] = [];
  private sentUpTo = 0;
  private acked = 0;
  private lastAckAt: number | null = null;
  private timer: TimerHandle | undefined;
  private currentTimeout: number;
  private resends = 0;
  private ackTimeouts = 0;
  private lastRewind: { from: number; at: number } | undefined;
  private drain: { startAcked: number; target: number } | undefined;
  private unsubscribe: (() => void) | undefined;
  private readonly listeners = new Set<(s: RelayStatus) => void>();
  private readonly opts: RelayOptions;

  constructor(
    private readonly source: OutboxSource,
    private readonly send: BatchSender,
    private readonly clock: Clock,
    private readonly logger: Logger,
    options: Partial<RelayOptions> = {},
    /** Encoded size of one event inside a batch (bytes). */
    private readonly sizeOf: (e: OutboxEvent) => number = (e) => Buffer.byteLength(JSON.stringify(e)),
  ) {
    this.opts = { ...DEFAULT_RELAY, ...options };
    if (this.opts.maxBatchEvents < 1 || this.opts.maxInflight < 1 || this.opts.maxBatchBytes < 1) {
      throw new Error(`outbox relay: batch limits must be >= 1, got ${JSON.stringify(this.opts)}`);
    }
    this.currentTimeout = this.opts.ackTimeoutMs;
  }

  start(): void {
    if (this.started) return;
    this.started = true;
    this.acked = this.source.deliveredUpTo();
    this.sentUpTo = this.acked;
    const off = this.source.onAppended(() => {
      if (!this.started) return;
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
    this.inflight = [];
    this.listeners.clear();
  }

  /** Transport up (subscribed to down/ack) or down. Going up restarts from the last ack. */
  setOnline(online: boolean): void {
    this.online = online;
    this.inflight = [];
    this.clearTimer();
    this.acked = Math.max(this.acked, this.source.deliveredUpTo());
    this.sentUpTo = this.acked;
    this.currentTimeout = this.opts.ackTimeoutMs;
    if (online) this.pump();
    this.emit();
  }

  /** The backoffice's cumulative acknowledgement (after its commit). */
  onAck(upTo: number, resendFrom?: number): void {
    if (!this.started) return;
    const last = this.source.lastSeq();
    if (upTo > last) {
      this.logger.error({ upTo, lastSeq: last }, 'sync: backoffice acknowledged events this point never wrote');
      upTo = last;
    }
    if (upTo > this.acked) {
      this.source.markDeliveredUpTo(upTo);
      this.acked = upTo;
      this.lastAckAt = this.clock.now();
      this.currentTimeout = this.opts.ackTimeoutMs;
      this.inflight = this.inflight.filter((b) => b.to > upTo);
      if (this.sentUpTo < upTo) this.sentUpTo = upTo;
      this.restartTimer();
    }
    if (resendFrom !== undefined && resendFrom <= this.acked) {
      // The backoffice lost what it had acknowledged (restored backup?). The outbox rows are gone;
      // the events are still in the ledger. Needs an operator: say so loudly, change nothing.
      this.logger.error({ resendFrom, acked: this.acked }, 'sync: backoffice asks for events it already acknowledged');
    }
    if (resendFrom !== undefined && resendFrom > this.acked && resendFrom <= this.sentUpTo) {
      const now = this.clock.monotonic();
      const recent =
        this.lastRewind !== undefined &&
        this.lastRewind.from <= resendFrom &&
        now - this.lastRewind.at < this.currentTimeout;
      if (!recent) this.rewind(resendFrom - 1, 'resendFrom');
    }
    this.pump();
    this.emit();
  }

  status(): RelayStatus {
    const last = this.source.lastSeq();
    const backlog = Math.max(0, last - this.acked);
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
    };
  }

  onStatus(listener: (s: RelayStatus) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private pump(): void {
    if (!this.started || !this.online) return;
    let sentAny = false;
    while (this.inflight.length < this.opts.maxInflight) {
      const events = this.source.outboxPending(this.sentUpTo, this.opts.maxBatchEvents);
      if (events.length === 0) break;
      const batch: OutboxEvent[] = [];
      let bytes = 0;
      for (const e of events) {
        const size = this.sizeOf(e);
        if (batch.length > 0 && bytes + size > this.opts.maxBatchBytes) break;
        batch.push(e);
        bytes += size;
      }
      const first = batch[0];
      const lastEv = batch[batch.length - 1];
      if (!first || !lastEv) break;
      if (first.seq !== this.sentUpTo + 1) {
        // The outbox skipped a seq: the ledger guarantees contiguity, so this is a bug upstream.
        this.logger.warn({ expected: this.sentUpTo + 1, got: first.seq }, 'sync: outbox seq gap');
      }
      if (!this.send(batch)) break;
      this.inflight.push({ from: first.seq, to: lastEv.seq });
      this.sentUpTo = lastEv.seq;
      sentAny = true;
      if (this.inflight.length === 1) this.restartTimer();
    }
    const backlog = this.source.lastSeq() - this.acked;
    if (this.drain === undefined && backlog > this.opts.maxBatchEvents) {
      this.drain = { startAcked: this.acked, target: this.source.lastSeq() };
    } else if (this.drain !== undefined) {
      if (this.acked >= this.drain.target) this.drain = undefined;
      else this.drain.target = Math.max(this.drain.target, this.source.lastSeq());
    }
    if (sentAny) this.emit();
  }

  private rewind(toSeq: number, reason: string): void {
    this.resends++;
    this.lastRewind = { from: toSeq + 1, at: this.clock.monotonic() };
    this.logger.info({ from: toSeq + 1, sentUpTo: this.sentUpTo, reason }, 'sync: resending');
    this.inflight = [];
    this.sentUpTo = Math.max(this.acked, toSeq);
    this.clearTimer();
  }

  private restartTimer(): void {
    this.clearTimer();
    if (this.inflight.length === 0) return;
    this.timer = this.clock.setTimeout(() => {
      this.timer = undefined;
      this.ackTimeouts++;
      this.logger.warn({ acked: this.acked, timeoutMs: this.currentTimeout }, 'sync: no ack in time');
      this.currentTimeout = Math.min(this.opts.maxAckTimeoutMs, this.currentTimeout * 2);
      this.rewind(this.acked, 'ack timeout');
      this.pump();
      this.emit();
    }, this.currentTimeout);
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
