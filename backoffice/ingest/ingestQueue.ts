/**
 * Group commit for event batches. Batches submitted while a transaction is running (or within the
 * same I/O turn) are committed together in ONE transaction; each batch is then settled, in
 * submission order, with its own outcome. Nothing is settled before the commit, so whoever acks
 * in `settle` acks only committed data.
 *
 * If a group transaction fails and held more than one batch, every batch is retried alone, so one
 * poisoned batch cannot fail the other sites' batches of its group (it fails alone, unacked).
 */
import type { Kysely } from 'kysely';
import type { EventBatch } from '../../controller/contract/sync/index.ts';
import type { DB } from '../db/schema.ts';
import type { Logger } from '../platform.ts';
import { ingestBatches, type IngestItem, type IngestOutcome } from './ingestStore.ts';

export type Settlement = { ok: true; outcome: IngestOutcome } | { ok: false; error: Error };

/**
 * Test hooks at the two points where a crash matters for exactly-once (crash tests kill the
 * process inside them). Both get the batches of the group being committed and their outcomes.
 */
export interface IngestHooks {
  /** Inside the transaction, after every write, right before COMMIT. */
  beforeCommit?: (batches: readonly EventBatch[], outcomes: readonly IngestOutcome[]) => void | Promise<void>;
  /** After COMMIT, before any batch of the group is settled (so before any `down/ack`). */
  afterCommitBeforeAck?: (batches: readonly EventBatch[], outcomes: readonly IngestOutcome[]) => void | Promise<void>;
}

export interface IngestQueueOptions {
  db: Kysely<DB>;
  logger: Logger;
  /** Most batches committed in one transaction (default 64). */
  maxBatchesPerCommit?: number;
  /** Most events committed in one transaction (default 20,000). */
  maxEventsPerCommit?: number;
  /**
   * While batches keep arriving, wait up to this long (ms, default 5) for more before committing;
   * 0 commits whatever is there after the current I/O turn.
   */
  gatherMs?: number;
  /** Commit once no batch arrived for this long (ms, default 1), within `gatherMs`. */
  quietMs?: number;
  /** Monotonic ms (default performance.now). */
  now?: () => number;
  /** `hasRoom()` is false from this many waiting batches on (default 256). */
  maxPending?: number;
  /**
   * Runs synchronously right after the batches of a group are settled, before anything awaiting
   * them resumes (e.g. to send one merged ack per site).
   */
  onGroupSettled?: () => void;
  /** Crash-test hooks (see IngestHooks). */
  hooks?: IngestHooks;
}

interface Entry extends IngestItem {
  settle: (s: Settlement) => void;
}

export class IngestQueue {
  private readonly waiting: Entry[] = [];
  private running: Promise<void> | null = null;
  private scheduled = false;
  private idleWaiters: (() => void)[] = [];
  private roomWaiters: (() => void)[] = [];
  private readonly maxBatches: number;
  private readonly maxEvents: number;
  private readonly maxPending: number;
  private readonly gatherMs: number;
  private readonly quietMs: number;
  private readonly now: () => number;
  /** Transactions committed and batches in them (metrics, tests). */
  readonly stats = { commits: 0, batches: 0, largestGroup: 0, groupFailures: 0 };

  constructor(private readonly opts: IngestQueueOptions) {
    this.maxBatches = opts.maxBatchesPerCommit ?? 64;
    this.maxEvents = opts.maxEventsPerCommit ?? 20_000;
    this.maxPending = opts.maxPending ?? 256;
    this.gatherMs = opts.gatherMs ?? 5;
    this.quietMs = opts.quietMs ?? 1;
    this.now = opts.now ?? (() => performance.now());
  }

  /** Batches submitted and not yet settled. */
  get pending(): number {
    return this.waiting.length;
  }

  hasRoom(): boolean {
    return this.waiting.length < this.maxPending;
  }

  /** Resolves once fewer than `maxPending` batches wait. */
  whenRoom(): Promise<void> {
    if (this.hasRoom()) return Promise.resolve();
    return new Promise((r) => this.roomWaiters.push(r));
  }

  /** Resolves once every batch submitted so far is settled. */
  whenIdle(): Promise<void> {
    if (this.waiting.length === 0 && !this.running && !this.scheduled) return Promise.resolve();
    return new Promise((r) => this.idleWaiters.push(r));
  }

  submit(batch: EventBatch, receivedAt: number, settle: (s: Settlement) => void): void {
    this.waiting.push({ batch, receivedAt, settle });
    this.schedule();
  }

  /** Settle every batch not yet in a transaction with `error` (shutdown); a running commit finishes. */
  async abort(error: Error): Promise<void> {
    const dropped = this.waiting.splice(0);
    for (const e of dropped) this.settle(e, { ok: false, error });
    this.groupSettled();
    this.wakeRoom();
    await this.running;
    this.wakeIdle();
  }

  private schedule(): void {
    if (this.running || this.scheduled) return;
    this.scheduled = true;
    const since = this.now();
    let seen = -1;
    let lastArrival = since;
    // Runs after the current I/O turn, so every packet already read joins this group. While more
    // batches keep arriving, gather them: the next turn at once while the last one brought some,
    // else after a short sleep until `quietMs` passed without one; never beyond `gatherMs` or the
    // group limits. One commit (one fsync) for many batches costs far less than one per batch.
    const tick = (): void => {
      const n = this.waiting.length;
      if (n === 0) {
        this.scheduled = false;
        this.wakeIdle();
        return;
      }
      const t = this.now();
      const arrived = n !== seen;
      seen = n;
      if (arrived) lastArrival = t;
      if (n < this.maxBatches && t - since < this.gatherMs) {
        if (arrived) {
          setImmediate(tick);
          return;
        }
        if (t - lastArrival < this.quietMs) {
          setTimeout(tick, 1);
          return;
        }
      }
      this.scheduled = false;
      this.running = this.runGroup().finally(() => {
        this.running = null;
        if (this.waiting.length > 0) this.schedule();
        else this.wakeIdle();
      });
    };
    setImmediate(tick);
  }

  private takeGroup(): Entry[] {
    let events = 0;
    let n = 0;
    while (n < this.waiting.length && n < this.maxBatches) {
      const size = this.waiting[n]!.batch.events.length;
      if (n > 0 && events + size > this.maxEvents) break;
      events += size;
      n++;
    }
    return this.waiting.splice(0, n);
  }

  private async runGroup(): Promise<void> {
    const group = this.takeGroup();
    this.wakeRoom();
    await this.commitGroup(group);
  }

  private async commit(entries: readonly Entry[]): Promise<IngestOutcome[]> {
    const hooks = this.opts.hooks;
    if (!hooks) return ingestBatches(this.opts.db, entries);
    const batches = entries.map((e) => e.batch);
    const outcomes = await ingestBatches(this.opts.db, entries, hooks.beforeCommit ? { beforeCommit: (o) => hooks.beforeCommit!(batches, o) } : {});
    await hooks.afterCommitBeforeAck?.(batches, outcomes);
    return outcomes;
  }

  private async commitGroup(group: Entry[]): Promise<void> {
    try {
      const outcomes = await this.commit(group);
      this.stats.commits++;
      this.stats.batches += group.length;
      this.stats.largestGroup = Math.max(this.stats.largestGroup, group.length);
      group.forEach((e, i) => this.settle(e, { ok: true, outcome: outcomes[i]! }));
      this.groupSettled();
      return;
    } catch (e) {
      if (group.length === 1) {
        this.settle(group[0]!, { ok: false, error: e as Error });
        this.groupSettled();
        return;
      }
      this.stats.groupFailures++;
      this.opts.logger.warn({ batches: group.length, err: String(e) }, 'group commit failed; retrying its batches one by one');
    }
    for (const entry of group) {
      try {
        const [outcome] = await this.commit([entry]);
        this.stats.commits++;
        this.stats.batches++;
        this.settle(entry, { ok: true, outcome: outcome! });
      } catch (e) {
        this.settle(entry, { ok: false, error: e as Error });
      }
      this.groupSettled();
    }
  }

  private groupSettled(): void {
    try {
      this.opts.onGroupSettled?.();
    } catch (e) {
      this.opts.logger.error({ err: String(e) }, 'ingest group callback failed');
    }
  }

  /** A throwing settle callback must not look like a failed commit (that would retry the group). */
  private settle(entry: Entry, s: Settlement): void {
    try {
      entry.settle(s);
    } catch (e) {
      this.opts.logger.error({ siteId: entry.batch.siteId, err: String(e) }, 'ingest settle callback failed');
    }
  }

  private wakeIdle(): void {
    const w = this.idleWaiters.splice(0);
    for (const r of w) r();
  }

  private wakeRoom(): void {
    if (!this.hasRoom()) return;
    const w = this.roomWaiters.splice(0);
    for (const r of w) r();
  }
}
