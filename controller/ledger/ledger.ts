import type { Clock } from '../../firmware-bridge/platform/clock.ts';
import type { Logger } from '../../firmware-bridge/platform/logger.ts';
import { checkEvent, type EventPayload, type EventType, type TypedEvent } from '../contract/events/index.ts';
import { canonicalJson, eventHash, GENESIS_HASH } from './canonical.ts';
import { openDatabase } from './db.ts';
import { LedgerError } from './errors.ts';
import { runMigrations } from './migrate.ts';
import { rowToEvent, type EventRow } from './rows.ts';
import { coreMigrations } from './schema.ts';
import { applyEvent, rebuildState } from './state/projection.ts';
import { StateRepos } from './state/repos.ts';
import type { Database, LedgerEvent, Migration, VerifyResult } from './types.ts';

export interface LedgerOpenOptions {
  path: string;
  siteId: string;
  clock: Clock;
  logger: Logger;
  /** Whether the wall clock is trustworthy now (NTP synced); recorded on every event. Default false. */
  isClockSynced?: () => boolean;
  /** Feature migrations, applied after the core ones. */
  migrations?: Migration[];
}

/** How many recent events `timeFloorMs` looks at. */
export const TIME_FLOOR_WINDOW = 1000;

const TYPE_PATTERN = /^[a-z][a-z0-9]*(?:[.-][a-z0-9]+)*$/;
const EVENT_COLUMNS = 'seq, type, at, clock_synced, data, prev_hash, hash';

/**
 * One event as exported JSON, built by SQLite from the stored row: key order seq, type, at,
 * clockSynced, data, hash; `data` is the stored canonical text verbatim (so a receiver can
 * recompute `hash`); `at` below 0 (a clock before 1970) is written as 0.
 */
const EVENT_JSON_SQL =
  `'{"seq":' || e.seq || ',"type":' || json_quote(e.type) || ',"at":' || max(0, e.at) ||` +
  ` ',"clockSynced":' || iif(e.clock_synced = 1, 'true', 'false') || ',"data":' || e.data ||` +
  ` ',"hash":' || json_quote(e.hash) || '}'`;

/** Undelivered events as one pre-serialised JSON array (see `Ledger.outboxPendingJson`). */
export interface PendingJson {
  /** seq of the first and the last event in `json`. */
  first: number;
  last: number;
  count: number;
  /** UTF-8 JSON array text of the events, ascending by seq. */
  json: Buffer;
}

/**
 * The point's append-only, hash-chained event log with its outbox and materialised state, all in
 * one SQLite file. Synchronous by design (better-sqlite3): an append returns after its commit.
 */
export class Ledger {
  readonly db: Database;
  readonly siteId: string;
  /** Read-only queries over the materialised state. */
  readonly state: StateRepos;
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly isClockSynced: () => boolean;
  private readonly listeners = new Set<(e: LedgerEvent) => void>();
  private timeFloorStmt: ReturnType<Database['prepare']> | undefined;
  private hashAtStmt: ReturnType<Database['prepare']> | undefined;
  private ofTypesStmt: import('better-sqlite3').Statement<unknown[]> | undefined;
  private latestStmt: import('better-sqlite3').Statement<unknown[]> | undefined;
  private readonly stmt;
  private readonly appendTx;

  static open(opts: LedgerOpenOptions): Ledger {
    if (typeof opts.siteId !== 'string' || opts.siteId.length === 0) {
      throw new LedgerError('site-mismatch', 'Ledger.open needs a non-empty siteId');
    }
    const logger = opts.logger.child({ module: 'ledger' });
    const db = openDatabase(opts.path, logger);
    try {
      runMigrations(db, [...coreMigrations, ...(opts.migrations ?? [])], opts.clock, logger);
      bindSite(db, opts.siteId, opts.path);
      return new Ledger(db, opts, logger);
    } catch (err) {
      db.close();
      throw err;
    }
  }

  private constructor(db: Database, opts: LedgerOpenOptions, logger: Logger) {
    this.db = db;
    this.siteId = opts.siteId;
    this.clock = opts.clock;
    this.logger = logger;
    this.isClockSynced = opts.isClockSynced ?? (() => false);
    this.state = new StateRepos(db);
    this.stmt = {
      last: db.prepare('SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1'),
      insertEvent: db.prepare('INSERT INTO events (seq, type, at, clock_synced, data, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?)'),
      insertOutbox: db.prepare('INSERT INTO outbox (seq) VALUES (?)'),
      range: db.prepare(`SELECT ${EVENT_COLUMNS} FROM events WHERE seq >= ? ORDER BY seq LIMIT ?`),
      pending: db.prepare(
        `SELECT e.seq, e.type, e.at, e.clock_synced, e.data, e.prev_hash, e.hash
         FROM outbox o JOIN events e ON e.seq = o.seq WHERE o.seq > ? ORDER BY o.seq LIMIT ?`,
      ),
      pendingJson: db
        .prepare(
          `SELECT count(*), min(seq), max(seq), CAST('[' || group_concat(j, ',' ORDER BY seq) || ']' AS BLOB)
           FROM (SELECT o.seq AS seq, ${EVENT_JSON_SQL} AS j
                 FROM outbox o JOIN events e ON e.seq = o.seq WHERE o.seq > ? ORDER BY o.seq LIMIT ?)`,
        )
        .raw(),
      outboxCount: db.prepare('SELECT count(*) AS n FROM outbox'),
      delivered: db.prepare("SELECT value FROM ledger_meta WHERE key = 'delivered_up_to'"),
      setDelivered: db.prepare("UPDATE ledger_meta SET value = ? WHERE key = 'delivered_up_to'"),
      ackOutbox: db.prepare('DELETE FROM outbox WHERE seq <= ?'),
    };
    this.appendTx = db.transaction((entries: Array<{ type: string; dataText: string; data: Record<string, unknown> }>, alsoInTx?: (db: Database) => void) => {
      const last = this.stmt.last.get() as { seq: number; hash: string } | undefined;
      let seq = last?.seq ?? 0;
      let prevHash = last?.hash ?? GENESIS_HASH;
      const at = Math.trunc(this.clock.now());
      const clockSynced = this.isClockSynced() === true;
      const events: LedgerEvent[] = [];
      for (const { type, dataText, data } of entries) {
        seq += 1;
        const hash = eventHash(prevHash, seq, type, at, clockSynced, dataText);
        this.stmt.insertEvent.run(seq, type, at, clockSynced ? 1 : 0, dataText, prevHash, hash);
        this.stmt.insertOutbox.run(seq);
        const event: LedgerEvent = { seq, type, at, clockSynced, data, prevHash, hash };
        applyEvent(db, event);
        events.push(event);
        prevHash = hash;
      }
      if (alsoInTx) {
        const result: unknown = alsoInTx(db);
        if (result instanceof Promise) {
          throw new LedgerError('invalid-event', `alsoInTx of "${entries[0]?.type}" returned a promise; it must be synchronous`);
        }
      }
      return events;
    });
  }

  /**
   * Appends one event in ONE immediate transaction: the event row (next seq, hash-chained), its
   * outbox row, its state projection and `alsoInTx`. Listeners run only after the commit. Any
   * throw rolls all of it back and consumes no seq. Refused inside another open transaction
   * (including from alsoInTx): write related rows through `alsoInTx` instead.
   */
  append<T extends EventType>(type: T, data: EventPayload<T>, alsoInTx?: (db: Database) => void): LedgerEvent {
    return this.appendMany([{ type, data } as TypedEvent], alsoInTx)[0]!;
  }

  /** As `append`, for payloads built at run time: the type is the catalogue's, the payload is checked. */
  appendChecked(type: EventType, data: Record<string, unknown>, alsoInTx?: (db: Database) => void): LedgerEvent {
    return this.write([{ type, data }], alsoInTx, true)[0]!;
  }

  /**
   * As `append`, for an event type outside the catalogue: only the ledger's own storage tests
   * (hash chain, outbox, crash loops) and the benchmarks use it. Product code never does.
   */
  appendUnchecked(type: string, data: Record<string, unknown>, alsoInTx?: (db: Database) => void): LedgerEvent {
    return this.write([{ type, data }], alsoInTx, false)[0]!;
  }

  /**
   * Appends several events (consecutive seqs) and `alsoInTx` in ONE transaction: all or none.
   * Used where one fact from outside becomes several events (a downlink change with many members).
   */
  appendMany(entries: ReadonlyArray<TypedEvent | { type: EventType; data: Record<string, unknown> }>, alsoInTx?: (db: Database) => void): LedgerEvent[] {
    return this.write(entries, alsoInTx, true);
  }

  /** As `appendMany` for types outside the catalogue (storage tests and benchmarks only, see appendUnchecked). */
  appendManyUnchecked(entries: ReadonlyArray<{ type: string; data: Record<string, unknown> }>, alsoInTx?: (db: Database) => void): LedgerEvent[] {
    return this.write(entries, alsoInTx, false);
  }

  private write(entries: ReadonlyArray<{ type: string; data: unknown }>, alsoInTx: ((db: Database) => void) | undefined, checked: boolean): LedgerEvent[] {
    if (entries.length === 0) throw new LedgerError('invalid-event', 'ledger appendMany needs at least one event');
    const prepared = entries.map(({ type, data }) => {
      if (typeof type !== 'string' || !TYPE_PATTERN.test(type) || type.length > 100) {
        throw new LedgerError('invalid-event', `ledger event type ${JSON.stringify(type)} is not a dotted lower-case name`);
      }
      if (data === null || typeof data !== 'object' || Array.isArray(data)) {
        throw new LedgerError('invalid-event', `ledger event "${type}" data must be a plain object`);
      }
      if (checked) {
        const problem = checkEvent(type, data);
        if (problem !== undefined) throw new LedgerError('invalid-event', problem);
      }
      const dataText = canonicalJson(data);
      return { type, dataText, data: JSON.parse(dataText) as Record<string, unknown> };
    });
    if (this.db.inTransaction) {
      throw new LedgerError(
        'invalid-event',
        `ledger append of "${prepared[0]!.type}" inside another transaction refused: listeners would see uncommitted events; use alsoInTx`,
      );
    }
    const events = this.appendTx.immediate(prepared, alsoInTx);
    for (const event of events) {
      for (const listener of this.listeners) {
        try {
          listener(event);
        } catch (err) {
          this.logger.error({ err, seq: event.seq, type: event.type }, 'ledger onAppended listener threw (event is committed)');
        }
      }
    }
    return events;
  }

  /** Called after each committed append. Returns the unsubscribe function. */
  onAppended(listener: (e: LedgerEvent) => void): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  lastSeq(): number {
    const last = this.stmt.last.get() as { seq: number } | undefined;
    return last?.seq ?? 0;
  }

  /**
   * A wall time (ms) known to have passed, for the access decision's time floor (DESIGN
   * principle 4): the latest `at` among the most recent `TIME_FLOOR_WINDOW` events, 0 for an
   * empty ledger. Taking the latest of a recent window, not just the last event, keeps the floor
   * when a Pi booted at 1970 wrote a few events before its clock was set. Bounded cost (reads by
   * the seq key), so it is cheap at start however long the ledger is.
   */
  timeFloorMs(): number {
    this.timeFloorStmt ??= this.db.prepare('SELECT max(at) AS at FROM (SELECT at FROM events ORDER BY seq DESC LIMIT ?)');
    const row = this.timeFloorStmt.get(TIME_FLOOR_WINDOW) as { at: number | null } | undefined;
    return Math.max(0, row?.at ?? 0);
  }

  /** The newest events of the given types, newest first, at most `limit`. */
  recentOfTypes(types: readonly string[], limit: number): LedgerEvent[] {
    if (types.length === 0) return [];
    const marks = types.map(() => '?').join(', ');
    const rows = this.db
      .prepare(`SELECT ${EVENT_COLUMNS} FROM events WHERE type IN (${marks}) ORDER BY seq DESC LIMIT ?`)
      .all(...types, clampLimit(limit)) as EventRow[];
    return rows.map(rowToEvent);
  }

  /** Events with seq >= fromSeq, ascending, at most `limit`. */
  events(fromSeq: number, limit: number): LedgerEvent[] {
    return (this.stmt.range.all(fromSeq, clampLimit(limit)) as EventRow[]).map(rowToEvent);
  }

  /**
   * Events of the given types with seq >= fromSeq, ascending, at most `limit` (page with the last
   * seq + 1). No index on type: this scans the log, so features use it once at start to rebuild
   * their state (alarms, fridge blocks), never per request.
   */
  eventsOfTypes(types: readonly string[], fromSeq: number, limit: number): LedgerEvent[] {
    if (types.length === 0) return [];
    const list = JSON.stringify([...types]);
    this.ofTypesStmt ??= this.db.prepare(
      `SELECT ${EVENT_COLUMNS} FROM events WHERE seq >= ? AND type IN (SELECT value FROM json_each(?)) ORDER BY seq LIMIT ?`,
    );
    return (this.ofTypesStmt.all(fromSeq, list, clampLimit(limit)) as EventRow[]).map(rowToEvent);
  }

  /**
   * The newest event of `type`, optionally only one whose top-level data field `field` equals
   * `equals`. Reads backwards by seq and stops at the first match: cheap when such an event is
   * recent (e.g. a fridge's last readings at start).
   */
  latestEvent(type: string, where?: { field: string; equals: string | number }): LedgerEvent | undefined {
    if (where && !/^[A-Za-z][A-Za-z0-9]{0,59}$/.test(where.field)) {
      throw new LedgerError('invalid-event', `latestEvent: field ${JSON.stringify(where.field)} is not a plain property name`);
    }
    this.latestStmt ??= this.db.prepare(
      `SELECT ${EVENT_COLUMNS} FROM events WHERE type = ? AND (? IS NULL OR json_extract(data, ?) = ?) ORDER BY seq DESC LIMIT 1`,
    );
    const row = this.latestStmt.get(type, where ? 1 : null, where ? `$.${where.field}` : '$', where?.equals ?? null) as EventRow | undefined;
    return row ? rowToEvent(row) : undefined;
  }

  /** Recomputes the whole chain: seq contiguous from 1, prevHash links, every hash. */
  verifyChain(): VerifyResult {
    const PAGE = 1000;
    let expectedSeq = 1;
    let prevHash = GENESIS_HASH;
    for (;;) {
      const rows = this.stmt.range.all(expectedSeq, PAGE) as EventRow[];
      for (const r of rows) {
        if (r.seq !== expectedSeq) return { ok: false, seq: expectedSeq, reason: `seq ${expectedSeq} is missing` };
        if (r.prev_hash !== prevHash) {
          return { ok: false, seq: r.seq, reason: 'prevHash does not match the previous event hash' };
        }
        if (r.clock_synced !== 0 && r.clock_synced !== 1) {
          return { ok: false, seq: r.seq, reason: 'clock_synced is not 0 or 1' };
        }
        const h = eventHash(r.prev_hash, r.seq, r.type, r.at, r.clock_synced === 1, r.data);
        if (h !== r.hash) return { ok: false, seq: r.seq, reason: 'hash does not match the event contents' };
        prevHash = r.hash;
        expectedSeq++;
      }
      if (rows.length < PAGE) return { ok: true, count: expectedSeq - 1 };
    }
  }

  /** The hash-chain value of event `seq`, undefined when there is no such event (one key lookup). */
  hashAt(seq: number): string | undefined {
    if (!Number.isSafeInteger(seq) || seq < 1) return undefined;
    this.hashAtStmt ??= this.db.prepare('SELECT hash FROM events WHERE seq = ?');
    const row = this.hashAtStmt.get(seq) as { hash: string } | undefined;
    return row?.hash;
  }

  /** Undelivered events with seq > afterSeq, ascending, at most `limit`. */
  outboxPending(afterSeq: number, limit: number): LedgerEvent[] {
    return (this.stmt.pending.all(afterSeq, clampLimit(limit)) as EventRow[]).map(rowToEvent);
  }

  /**
   * Same selection as `outboxPending`, returned as one UTF-8 JSON array built inside SQLite from
   * the stored canonical data text: no row objects, no JSON.parse / JSON.stringify per event.
   * Element shape: `{"seq","type","at","clockSynced","data","hash"}` (`prevHash` left out, `at`
   * clamped to >= 0). undefined when nothing is pending after `afterSeq`.
   */
  outboxPendingJson(afterSeq: number, limit: number): PendingJson | undefined {
    const row = this.stmt.pendingJson.get(afterSeq, clampLimit(limit)) as [number, number | null, number | null, Buffer | null];
    const [count, first, last, json] = row;
    if (count === 0 || first === null || last === null || json === null) return undefined;
    return { first, last, count, json };
  }

  outboxCount(): number {
    return (this.stmt.outboxCount.get() as { n: number }).n;
  }

  deliveredUpTo(): number {
    const row = this.stmt.delivered.get() as { value: string } | undefined;
    return row ? Number(row.value) : 0;
  }

  /**
   * Cumulative acknowledgement: every event with seq <= `seq` is delivered. Idempotent; an ack at
   * or below the current mark changes nothing. A seq beyond lastSeq is clamped (and logged) so
   * unknown events are never marked. Returns how many events were newly marked delivered.
   */
  markDeliveredUpTo(seq: number): number {
    if (!Number.isSafeInteger(seq) || seq < 0) {
      this.logger.warn({ seq }, 'ledger ack ignored: seq is not a non-negative integer');
      return 0;
    }
    return this.db
      .transaction(() => {
        const last = this.lastSeq();
        let upTo = seq;
        if (upTo > last) {
          this.logger.warn({ ack: seq, lastSeq: last }, 'ledger ack beyond lastSeq clamped to lastSeq');
          upTo = last;
        }
        if (upTo <= this.deliveredUpTo()) return 0;
        const changed = this.stmt.ackOutbox.run(upTo).changes;
        this.stmt.setDelivered.run(String(upTo));
        return changed;
      })
      .immediate();
  }

  /** Recomputes all state tables from the log (one transaction). Returns the events replayed. */
  rebuildState(): number {
    return rebuildState(this.db);
  }

  close(): void {
    this.listeners.clear();
    if (!this.db.open) return;
    try {
      this.db.pragma('wal_checkpoint(TRUNCATE)');
    } catch (err) {
      this.logger.warn({ err }, 'ledger checkpoint on close failed');
    }
    this.db.close();
  }
}

function clampLimit(limit: number): number {
  if (!Number.isFinite(limit) || limit < 0) return 0;
  return Math.floor(limit);
}

function bindSite(db: Database, siteId: string, path: string): void {
  const row = db.prepare("SELECT value FROM ledger_meta WHERE key = 'site_id'").get() as { value: string } | undefined;
  if (!row) {
    db.prepare("INSERT INTO ledger_meta (key, value) VALUES ('site_id', ?)").run(siteId);
  } else if (row.value !== siteId) {
    throw new LedgerError('site-mismatch', `ledger database ${path} belongs to site "${row.value}", not "${siteId}"; refusing to mix sites`);
  }
}
