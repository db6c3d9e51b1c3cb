import type { Clock, TimerHandle } from '../platform/clock.ts';
import type { Logger } from '../platform/logger.ts';
import { backoffDelayMs, DEFAULT_BACKOFF, validateBackoff, type BackoffPolicy } from './backoff.ts';
import { LinkDownError, type Connection, type Connector, type Link, type LinkStatus, type Unsubscribe } from './link.ts';

export interface ReconnectingLinkOptions {
  name: string;
  connector: Connector;
  clock: Clock;
  logger: Logger;
  /** [0, 1) source for jitter; inject a seeded one in tests. */
  random?: () => number;
  backoff?: Partial<BackoffPolicy>;
  /** Give up (status `lost`) after this many failed attempts in a row. Default: never. */
  giveUpAfter?: number;
}

/**
 * The one implementation of Link status and reconnect: serial, TCP and memory transports
 * supply a `Connector` and get capped, jittered backoff and live status for free.
 */
export class ReconnectingLink implements Link {
  readonly name: string;
  private readonly connector: Connector;
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly random: () => number;
  private readonly policy: BackoffPolicy;
  private readonly giveUpAfter: number;
  private readonly dataListeners = new Set<(chunk: Buffer) => void>();
  private readonly statusListeners = new Set<(status: LinkStatus) => void>();
  private current: LinkStatus = { state: 'lost', reason: 'not started' };
  private conn: Connection | undefined;
  private running = false;
  /** Increments on every connect attempt and stop, so stale callbacks are ignored. */
  private generation = 0;
  private failures = 0;
  private timer: TimerHandle | undefined;

  constructor(opts: ReconnectingLinkOptions) {
    this.name = opts.name;
    this.connector = opts.connector;
    this.clock = opts.clock;
    this.logger = opts.logger.child({ link: opts.name });
    this.random = opts.random ?? Math.random;
    this.policy = validateBackoff({ ...DEFAULT_BACKOFF, ...opts.backoff });
    this.giveUpAfter = opts.giveUpAfter ?? Number.POSITIVE_INFINITY;
  }

  get status(): LinkStatus {
    return this.current;
  }

  onData(listener: (chunk: Buffer) => void): Unsubscribe {
    this.dataListeners.add(listener);
    return () => this.dataListeners.delete(listener);
  }

  onStatus(listener: (status: LinkStatus) => void): Unsubscribe {
    this.statusListeners.add(listener);
    return () => this.statusListeners.delete(listener);
  }

  async write(bytes: Uint8Array): Promise<void> {
    const conn = this.conn;
    if (!conn || this.current.state !== 'connected') throw new LinkDownError(this.name, this.current);
    await conn.write(bytes);
  }

  start(): Promise<void> {
    if (this.running) return Promise.resolve();
    this.running = true;
    this.failures = 0;
    return this.attempt();
  }

  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.generation++;
    this.cancelTimer();
    const conn = this.conn;
    this.conn = undefined;
    this.setStatus({ state: 'lost', reason: 'stopped' });
    if (conn) await conn.close().catch((err: unknown) => this.logger.warn({ err: String(err) }, 'close failed'));
  }

  private async attempt(): Promise<void> {
    this.timer = undefined;
    const gen = ++this.generation;
    this.setStatus({ state: 'reconnecting', inMs: 0, attempt: this.failures + 1 });
    let conn: Connection;
    let earlyClose: string | undefined; // closed before the connector's promise was handled
    let established = false;
    try {
      conn = await this.connector({
        onData: (chunk) => {
          if (gen === this.generation) this.emitData(chunk);
        },
        onClose: (reason) => {
          if (gen !== this.generation) return;
          if (!established) {
            earlyClose = reason;
            return;
          }
          if (!this.conn) return;
          this.conn = undefined;
          this.logger.warn({ reason }, 'link closed');
          this.scheduleRetry(reason);
        },
      });
    } catch (err) {
      if (gen !== this.generation || !this.running) return;
      this.failures++;
      const reason = err instanceof Error ? err.message : String(err);
      this.logger.warn({ reason, attempt: this.failures }, 'connect failed');
      this.scheduleRetry(reason);
      return;
    }
    if (gen !== this.generation || !this.running) {
      await conn.close().catch(() => {});
      return;
    }
    if (earlyClose !== undefined) {
      await conn.close().catch(() => {});
      this.failures++;
      this.scheduleRetry(earlyClose);
      return;
    }
    established = true;
    this.conn = conn;
    this.failures = 0;
    this.setStatus({ state: 'connected' });
    this.logger.info({}, 'link connected');
  }

  private scheduleRetry(reason: string): void {
    if (!this.running) return;
    this.cancelTimer();
    if (this.failures >= this.giveUpAfter) {
      this.running = false;
      this.setStatus({ state: 'lost', reason });
      return;
    }
    const next = this.failures + 1;
    const inMs = backoffDelayMs(next, this.policy, this.random);
    this.setStatus({ state: 'reconnecting', inMs, attempt: next, lastError: reason });
    this.timer = this.clock.setTimeout(() => {
      void this.attempt();
    }, inMs);
  }

  private cancelTimer(): void {
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
  }

  private emitData(chunk: Buffer): void {
    for (const l of [...this.dataListeners]) {
      try {
        l(chunk);
      } catch (err) {
        this.logger.error({ err: String(err) }, 'data listener threw');
      }
    }
  }

  private setStatus(status: LinkStatus): void {
    this.current = status;
    for (const l of [...this.statusListeners]) {
      try {
        l(status);
      } catch (err) {
        this.logger.error({ err: String(err) }, 'status listener threw');
      }
    }
  }
}
