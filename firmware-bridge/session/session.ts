import type { FrameEncoder, ParserStats, StreamParser } from '../framing/types.ts';
import type { Clock, TimerHandle } from '../platform/clock.ts';
import type { Logger } from '../platform/logger.ts';
import { LinkDownError, type Link, type Unsubscribe } from '../transport/link.ts';
import { KeyedQueue } from './keyedQueue.ts';
import { INITIAL_STATE, isTerminal, transition, type CommandEvent, type CommandPolicy, type CommandState, type FailureReason } from './lifecycle.ts';
import { Waitress, type WaitOutcome } from './waitress.ts';

/** What a command's matcher says about a received frame that is addressed to it. */
export type ReplyVerdict<V> =
  { kind: 'ok'; value: V } | { kind: 'busy'; detail?: string } | { kind: 'nak'; detail: string } | { kind: 'bad-reply'; detail: string };

export type CommandResult<V> =
  | { ok: true; value: V; attempts: number }
  | {
      ok: false;
      reason: FailureReason;
      detail: string;
      attempts: number;
      /** Whether the request bytes may have reached the device (drives read-back after an open). */
      written: boolean;
    };

export interface CommandSpec<Req, Rep, V> {
  /** Serialisation key: one command in flight per key (board address, or the bus). */
  key: string;
  frame: Req;
  /** For logs, e.g. `unlock board 1 lock 5`. */
  label: string;
  /** `undefined` = not my reply (someone else's, or unsolicited). */
  match(reply: Rep): ReplyVerdict<V> | undefined;
  /** Reads are idempotent and may be retried; actuations (open!) never. */
  idempotent: boolean;
  timeoutMs?: number;
  /** Attempts for idempotent commands (default from the session). */
  maxAttempts?: number;
  retryDelayMs?: number;
  signal?: AbortSignal;
}

export interface SessionOptions<Req, Rep> {
  link: Link;
  encoder: FrameEncoder<Req>;
  parser: StreamParser<Rep>;
  clock: Clock;
  logger: Logger;
  defaultTimeoutMs?: number;
  defaultMaxAttempts?: number;
  defaultRetryDelayMs?: number;
  /** Observe every lifecycle transition (tests, tracing). */
  onTransition?: (label: string, from: CommandState, event: CommandEvent, to: CommandState) => void;
}

/**
 * Request/response over a Link, generic over the protocol's frame types (Kerong, Modbus RTU,
 * the dorfpunkt I/O board): encode, register the reply matcher, write, wait with timeout,
 * retry reads, never repeat writes that are not idempotent. Failures come back as typed
 * results, not exceptions.
 */
export class Session<Req, Rep> {
  private readonly queue = new KeyedQueue();
  private readonly waitress: Waitress<Rep>;
  private readonly frameListeners = new Set<(frame: Rep, matched: boolean) => void>();
  private readonly retryTimers = new Map<TimerHandle, () => void>();
  private readonly unsubs: Unsubscribe[] = [];
  private running = false;
  private readonly timeoutMs: number;
  private readonly maxAttempts: number;
  private readonly retryDelayMs: number;

  constructor(private readonly opts: SessionOptions<Req, Rep>) {
    this.waitress = new Waitress<Rep>(opts.clock);
    this.timeoutMs = opts.defaultTimeoutMs ?? 500;
    this.maxAttempts = opts.defaultMaxAttempts ?? 3;
    this.retryDelayMs = opts.defaultRetryDelayMs ?? 100;
  }

  get link(): Link {
    return this.opts.link;
  }

  get parserStats(): ParserStats {
    return this.opts.parser.stats;
  }

  /** Subscribes to the link (does not start it: the link may be shared by several sessions' owner). */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.unsubs.push(
      this.opts.link.onData((chunk) => this.receive(chunk)),
      this.opts.link.onStatus((s) => {
        if (s.state !== 'connected') {
          this.opts.parser.reset(); // half a frame from before the break is garbage now
          this.waitress.abortAll('link-down');
        }
      }),
    );
  }

  stop(): void {
    if (!this.running) return;
    this.running = false;
    for (const u of this.unsubs.splice(0)) u();
    this.waitress.abortAll('cancelled');
    for (const [t, wake] of this.retryTimers) {
      this.opts.clock.clearTimeout(t);
      wake();
    }
    this.retryTimers.clear();
  }

  /** Every parsed frame; `matched` false = unsolicited or late (after its command gave up). */
  onFrame(listener: (frame: Rep, matched: boolean) => void): Unsubscribe {
    this.frameListeners.add(listener);
    return () => this.frameListeners.delete(listener);
  }

  /** Commands queued or in flight for a key. */
  depth(key: string): number {
    return this.queue.depth(key);
  }

  request<V>(spec: CommandSpec<Req, Rep, V>): Promise<CommandResult<V>> {
    return this.queue.run(spec.key, () => this.execute(spec));
  }

  private receive(chunk: Buffer): void {
    let frames: Rep[];
    try {
      frames = this.opts.parser.push(chunk);
    } catch (err) {
      // parsers must never throw; if one does, drop the chunk rather than the process
      this.opts.logger.error({ err: String(err) }, 'stream parser threw; chunk dropped');
      this.opts.parser.reset();
      return;
    }
    for (const f of frames) {
      const matched = this.waitress.deliver(f);
      for (const l of [...this.frameListeners]) l(f, matched);
    }
  }

  private async execute<V>(spec: CommandSpec<Req, Rep, V>): Promise<CommandResult<V>> {
    const policy: CommandPolicy = { idempotent: spec.idempotent, maxAttempts: spec.maxAttempts ?? this.maxAttempts };
    const log = this.opts.logger.child({ cmd: spec.label, link: this.opts.link.name });
    let state: CommandState = INITIAL_STATE;
    let detail = '';
    const step = (event: CommandEvent, why?: string): void => {
      const next = transition(state, event, policy);
      this.opts.onTransition?.(spec.label, state, event, next);
      if (why !== undefined && next !== state) detail = why;
      state = next;
    };

    let bytes: Buffer | undefined;
    try {
      bytes = this.opts.encoder.encode(spec.frame);
    } catch (err) {
      step({ type: 'invalid' }, err instanceof Error ? err.message : String(err));
    }
    if (!this.running) step({ type: 'cancel' }, 'session is stopped');

    while (!isTerminal(state)) {
      if (spec.signal?.aborted) {
        step({ type: 'cancel' }, 'cancelled by caller');
        break;
      }
      if (state.phase === 'queued') {
        const link = this.opts.link;
        if (link.status.state !== 'connected') {
          step({ type: 'link-down' }, `link ${link.name} not connected (${link.status.state})`);
          break;
        }
        // register the matcher BEFORE writing
        const waiting = this.waitress.waitFor<ReplyVerdict<V>>((f) => spec.match(f), spec.timeoutMs ?? this.timeoutMs);
        const onAbort = () => waiting.cancel();
        spec.signal?.addEventListener('abort', onAbort, { once: true });
        try {
          await link.write(bytes!);
        } catch (err) {
          waiting.cancel();
          spec.signal?.removeEventListener('abort', onAbort);
          if (!(err instanceof LinkDownError)) step({ type: 'written' }); // may be partly on the wire
          step({ type: 'link-down' }, `write failed: ${err instanceof Error ? err.message : String(err)}`);
          break;
        }
        step({ type: 'written' });
        const outcome: WaitOutcome<ReplyVerdict<V>> = await waiting.promise;
        spec.signal?.removeEventListener('abort', onAbort);
        if (outcome.kind === 'frame') {
          const v = outcome.value;
          if (v.kind === 'ok') {
            step({ type: 'reply-ok' });
            const now = state as CommandState; // narrowed by TS before step() ran
            if (now.phase === 'succeeded') return { ok: true, value: v.value, attempts: now.attempts };
          } else if (v.kind === 'busy') step({ type: 'reply-busy' }, v.detail ?? 'device reported busy');
          else if (v.kind === 'nak') step({ type: 'reply-nak' }, v.detail);
          else step({ type: 'reply-bad' }, v.detail);
        } else if (outcome.kind === 'timeout') {
          step({ type: 'timeout' }, `no reply within ${spec.timeoutMs ?? this.timeoutMs} ms`);
        } else if (outcome.reason === 'link-down') {
          step({ type: 'link-down' }, `link ${link.name} went down while waiting for the reply`);
        } else {
          step({ type: 'cancel' }, spec.signal?.aborted ? 'cancelled by caller' : 'session stopped');
        }
        continue;
      }
      if (state.phase === 'retry-wait') {
        log.debug({ attempt: state.attempts, last: state.last }, 'retrying read');
        await this.delay(spec.retryDelayMs ?? this.retryDelayMs);
        if (!this.running) {
          step({ type: 'cancel' }, 'session stopped');
          break;
        }
        step({ type: 'retry-due' });
        continue;
      }
      break; // in-flight without a pending wait cannot happen; guard against a loop
    }

    if (state.phase === 'failed') {
      log.debug({ reason: state.reason, detail, attempts: state.attempts }, 'command failed');
      return { ok: false, reason: state.reason, detail, attempts: state.attempts, written: state.written };
    }
    return { ok: false, reason: 'cancelled', detail: 'internal: unexpected state', attempts: state.attempts, written: state.attempts > 0 };
  }

  private delay(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = this.opts.clock.setTimeout(() => {
        this.retryTimers.delete(t);
        resolve();
      }, ms);
      this.retryTimers.set(t, resolve);
    });
  }
}
