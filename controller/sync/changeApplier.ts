/**
 * Downlink changes: version n is applied only when n == applied + 1, exactly once, in ONE SQLite
 * transaction together with the new applied version. A duplicate (n <= applied) changes nothing
 * and is re-acknowledged; a gap (n > applied + 1) is ignored (the backoffice resends every
 * unapplied version, and learns `appliedVersion` from the birth message).
 *
 * A handler rejects a change it cannot accept by throwing `ChangeRejected`: the version still
 * advances with outcome 'rejected' (a poisoned change never wedges the stream). Any other error
 * (disk full, busy) rolls back and leaves the version unapplied, so a resend retries it.
 */
import type { EventType } from '../contract/events/index.ts';
import type { Database } from 'better-sqlite3';
import type { Logger } from '../../firmware-bridge/platform/logger.ts';
import type { Change } from '../contract/sync/index.ts';
import { SyncMeta } from './migrations.ts';

export class ChangeRejected extends Error {
  override readonly name = 'ChangeRejected';
}

/** Applies one change body inside the caller's transaction (use `db` synchronously). */
export type ChangeHandler = (db: Database, body: unknown, change: Change) => void;

/** A ledger event a change becomes. */
export interface ChangeEvent {
  /** A type of the event catalogue; the payload is checked by the ledger at append. */
  type: EventType;
  data: Record<string, unknown>;
}

/**
 * Turns a change body into ledger events (throw `ChangeRejected` for a body it cannot accept).
 * The events, their state projection and the applied version commit in one ledger transaction,
 * so the ledger stays the single truth for members, revocations and opening rules.
 */
export type ChangeEventMapper = (body: unknown, change: Change) => ChangeEvent[];

/** What the applier needs of the ledger to record change events. */
export interface ChangeLedger {
  appendMany(entries: ChangeEvent[], alsoInTx?: (db: Database) => void): unknown;
}

export type ApplyOutcome =
  | { outcome: 'applied' | 'rejected'; version: number; reason?: string }
  | { outcome: 'duplicate'; version: number }
  | { outcome: 'gap'; version: number; expected: number }
  | { outcome: 'failed'; version: number; reason: string };

const APPLIED_KEY = 'applied_version';

export class ChangeApplier {
  private readonly meta: SyncMeta;

  constructor(
    private readonly db: Database,
    private readonly handlers: Readonly<Record<string, ChangeHandler>>,
    private readonly logger: Logger,
    private readonly mappers: Readonly<Record<string, ChangeEventMapper>> = {},
    private readonly ledger?: ChangeLedger,
  ) {
    this.meta = new SyncMeta(db);
  }

  appliedVersion(): number {
    return this.meta.get(APPLIED_KEY);
  }

  apply(change: Change): ApplyOutcome {
    const current = this.appliedVersion();
    if (change.version <= current) return { outcome: 'duplicate', version: current };
    if (change.version > current + 1) {
      this.logger.info({ version: change.version, expected: current + 1 }, 'sync: change version gap, waiting');
      return { outcome: 'gap', version: current, expected: current + 1 };
    }
    const handler = Object.hasOwn(this.handlers, change.kind) ? this.handlers[change.kind] : undefined;
    const mapper = Object.hasOwn(this.mappers, change.kind) && this.ledger ? this.mappers[change.kind] : undefined;
    if (!handler && !mapper) return this.reject(change, `unknown change kind "${change.kind}"`);
    try {
      if (mapper && this.ledger) {
        const events = mapper(change.body, change);
        if (events.length === 0) throw new ChangeRejected(`change ${change.kind} v${change.version} has nothing to apply`);
        this.ledger.appendMany(events, () => this.meta.set(APPLIED_KEY, change.version));
      } else {
        this.db.transaction(() => {
          handler!(this.db, change.body, change);
          this.meta.set(APPLIED_KEY, change.version);
        })();
      }
      return { outcome: 'applied', version: change.version };
    } catch (err) {
      if (err instanceof ChangeRejected) return this.reject(change, err.message);
      const reason = err instanceof Error ? err.message : String(err);
      this.logger.error({ version: change.version, kind: change.kind, err: reason }, 'sync: change failed, will retry');
      return { outcome: 'failed', version: current, reason };
    }
  }

  private reject(change: Change, reason: string): ApplyOutcome {
    this.meta.set(APPLIED_KEY, change.version);
    this.logger.warn({ version: change.version, kind: change.kind, reason }, 'sync: change rejected');
    return { outcome: 'rejected', version: change.version, reason: reason.slice(0, 500) };
  }
}
