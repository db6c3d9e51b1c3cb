/**
 * Downlink commands: applied at most once by id, refused when stale, result reported.
 *
 * Expiry never trusts the Pi's wall clock alone: the runner notes monotonic time at receipt and
 * refuses ('expired') once more than the server-issued `ttlMs` has elapsed before execution; the
 * wall clock is consulted (now > issuedAt + ttlMs) only while it is known to be synced. A clock set
 * back a year therefore cannot revive a stale command. A command whose `session` differs from the
 * current connection session is refused ('stale-session').
 *
 * The id is recorded (status 'executing') in a committed transaction BEFORE the handler runs, so a
 * crash mid-execution can never lead to a second execution: a replay then reports 'failed'
 * (interrupted). Replays of finished commands return the stored result unchanged.
 * Commands execute one at a time in arrival order.
 */
import type { Database } from 'better-sqlite3';
import type { Clock } from '../../firmware-bridge/platform/clock.ts';
import type { Logger } from '../../firmware-bridge/platform/logger.ts';
import type { Command, CommandResult } from '../contract/sync/index.ts';

export class CommandRefused extends Error {
  override readonly name = 'CommandRefused';
  constructor(
    /** `invalid-body`, `unknown-kind`, or a feature's own refusal code (e.g. `age-approval-expired`). */
    readonly reason: 'invalid-body' | 'unknown-kind' | (string & {}),
    message: string,
  ) {
    super(message);
  }
}

export type CommandHandler = (body: unknown, command: Command) => unknown | Promise<unknown>;

export interface CommandRunnerOptions {
  db: Database;
  clock: Clock;
  logger: Logger;
  handlers: Readonly<Record<string, CommandHandler>>;
  currentSession: () => number;
  isClockSynced: () => boolean;
}

export interface CommandOutcome {
  result: CommandResult;
  /** True when this delivery was a replay of an id already seen (nothing executed). */
  replay: boolean;
}

interface Row {
  status: 'executing' | 'done' | 'failed' | 'refused';
  reason: string | null;
  result: string | null;
  decided_at: number;
  clock_synced: number;
}

export class CommandRunner {
  private chain: Promise<unknown> = Promise.resolve();
  private readonly stmt;

  constructor(private readonly o: CommandRunnerOptions) {
    this.stmt = {
      get: o.db.prepare('SELECT status, reason, result, decided_at, clock_synced FROM sync_commands WHERE id = ?'),
      insert: o.db.prepare('INSERT INTO sync_commands (id, kind, status, reason, result, decided_at, clock_synced) VALUES (?, ?, ?, ?, ?, ?, ?)'),
      update: o.db.prepare('UPDATE sync_commands SET status = ?, reason = ?, result = ?, decided_at = ? WHERE id = ?'),
    };
  }

  /** Call on message arrival; receipt time is taken now, execution is queued behind earlier commands. */
  receive(command: Command): Promise<CommandOutcome> {
    const receivedMono = this.o.clock.monotonic();
    const run = this.chain.then(() => this.process(command, receivedMono));
    this.chain = run.catch(() => undefined);
    return run;
  }

  private async process(cmd: Command, receivedMono: number): Promise<CommandOutcome> {
    const existing = this.stmt.get.get(cmd.id) as Row | undefined;
    if (existing) return { result: this.toResult(cmd.id, existing), replay: true };

    const refusal = this.refusal(cmd, receivedMono);
    if (refusal) return { result: this.record(cmd, 'refused', refusal.reason, refusal.message), replay: false };
    const handler = Object.hasOwn(this.o.handlers, cmd.kind) ? this.o.handlers[cmd.kind] : undefined;
    if (!handler) {
      return { result: this.record(cmd, 'refused', 'unknown-kind', `unknown command kind "${cmd.kind}"`), replay: false };
    }
    this.record(cmd, 'executing', null, undefined);
    try {
      const value = await handler(cmd.body, cmd);
      return { result: this.finish(cmd, 'done', null, value), replay: false };
    } catch (err) {
      if (err instanceof CommandRefused) return { result: this.finish(cmd, 'refused', err.reason, undefined), replay: false };
      const reason = (err instanceof Error ? err.message : String(err)).slice(0, 500);
      this.o.logger.warn({ id: cmd.id, kind: cmd.kind, reason }, 'sync: command failed');
      return { result: this.finish(cmd, 'failed', reason, undefined), replay: false };
    }
  }

  private refusal(cmd: Command, receivedMono: number): { reason: string; message: string } | undefined {
    const elapsed = this.o.clock.monotonic() - receivedMono;
    if (elapsed > cmd.ttlMs) return { reason: 'expired', message: `held ${elapsed} ms, valid for ${cmd.ttlMs} ms` };
    if (this.o.isClockSynced() && this.o.clock.now() > cmd.issuedAt + cmd.ttlMs) {
      return { reason: 'expired', message: 'past expiresAt by the synced clock' };
    }
    if (cmd.session !== undefined && cmd.session !== this.o.currentSession()) {
      return { reason: 'stale-session', message: `issued for session ${cmd.session}` };
    }
    return undefined;
  }

  private record(cmd: Command, status: Row['status'], reason: string | null, message: string | undefined): CommandResult {
    const synced = this.o.isClockSynced();
    this.stmt.insert.run(cmd.id, cmd.kind, status, reason, null, this.o.clock.now(), synced ? 1 : 0);
    if (status === 'refused') this.o.logger.warn({ id: cmd.id, kind: cmd.kind, reason, message }, 'sync: command refused');
    return this.toResult(cmd.id, this.stmt.get.get(cmd.id) as Row);
  }

  private finish(cmd: Command, status: Row['status'], reason: string | null, value: unknown): CommandResult {
    const result = value === undefined ? null : JSON.stringify(value);
    this.stmt.update.run(status, reason, result, this.o.clock.now(), cmd.id);
    return this.toResult(cmd.id, this.stmt.get.get(cmd.id) as Row);
  }

  private toResult(id: string, row: Row): CommandResult {
    if (row.status === 'executing') {
      // Recorded but never finished: the point died mid-command. Never run it again.
      return { v: 1, id, status: 'failed', reason: 'interrupted', at: row.decided_at, clockSynced: row.clock_synced === 1 };
    }
    const out: CommandResult = { v: 1, id, status: row.status, at: row.decided_at, clockSynced: row.clock_synced === 1 };
    if (row.reason !== null) out.reason = row.reason;
    if (row.result !== null) out.result = JSON.parse(row.result) as unknown;
    return out;
  }
}
