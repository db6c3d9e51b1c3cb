/**
 * Downlink publisher: versioned changes (per-site versions stored in the DB, republished until
 * `up/applied` confirms) and remote commands with server-issued validity (results stored).
 */
import type { TSchema } from 'typebox';
import { checker } from '../../controller/contract/check.ts';
import { changeSchemas, type ChangeBody, type ChangeKind } from '../../controller/contract/changes/index.ts';
import { commandSchemas, type CommandBody, type CommandKind } from '../../controller/contract/commands/index.ts';
import type { Kysely } from 'kysely';
import { encode, MAX_COMMAND_TTL_MS, topics, isValidSiteId, QOS, type Applied, type CommandResult } from '../../controller/contract/sync/index.ts';
import type { DB } from '../db/schema.ts';
import { ensureSite } from '../ingest/ingestStore.ts';
import { newId, type Clock, type Logger } from '../platform.ts';

export type Publish = (topic: string, payload: Buffer, opts: { qos: 0 | 1; retain: boolean }) => Promise<void>;

/** Send now over a live broker connection (QoS 0, never queued for later), or throw. */
export type PublishNow = (topic: string, payload: Buffer) => void;

/** Why a command was not sent: the site is not online, or the backoffice has no broker connection. */
/** A change or command body that does not match the contract: nothing stored, nothing sent. */
export class InvalidBodyError extends Error {
  override readonly name = 'InvalidBodyError';
}

function checkBody(what: 'change' | 'command', schemas: Readonly<Record<string, TSchema>>, kind: string, body: unknown): void {
  const schema = Object.hasOwn(schemas, kind) ? schemas[kind] : undefined;
  if (!schema) throw new InvalidBodyError(`unknown ${what} kind "${kind}" (known: ${Object.keys(schemas).join(', ')})`);
  const c = checker(schema);
  if (!c.check(body)) throw new InvalidBodyError(`${what} ${kind}: ${c.problems(body).join('; ')}`);
}

export class CommandRefusedError extends Error {
  constructor(
    readonly code: 'site-not-online' | 'broker-disconnected',
    message: string,
  ) {
    super(message);
    this.name = 'CommandRefusedError';
  }
}

export interface DownlinkDeps {
  db: Kysely<DB>;
  publish: Publish;
  /** Commands only: QoS 0 over the live connection, throws when there is none. */
  publishNow: PublishNow;
  /** Whether the backoffice's broker connection is up. */
  connected: () => boolean;
  clock: Clock;
  logger: Logger;
  /** How often unapplied changes of online sites are republished (default 30 s). */
  resendIntervalMs?: number;
  /** At most this many changes are (re)published per site and round (default 200). */
  maxChangesPerRound?: number;
}

export class Downlink {
  private timer: unknown = null;
  private stopped = true;

  constructor(private readonly deps: DownlinkDeps) {}

  start(): void {
    this.stopped = false;
    this.schedule();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer !== null) this.deps.clock.clearTimeout(this.timer);
    this.timer = null;
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = this.deps.clock.setTimeout(() => {
      this.timer = null;
      void this.resendAllOnline()
        .catch((e: unknown) => this.deps.logger.warn({ err: String(e) }, 'downlink resend round failed'))
        .finally(() => this.schedule());
    }, this.deps.resendIntervalMs ?? 30_000);
  }

  /**
   * Store a change under the site's next version and publish it. Only the kinds and bodies of the
   * contract (controller/contract/changes) compile, and the body is checked at run time too, so
   * nothing the point would reject as malformed is ever stored or sent.
   */
  async publishChange<K extends ChangeKind>(siteId: string, kind: K, body: ChangeBody<K>): Promise<{ version: number; id: string }> {
    if (!isValidSiteId(siteId)) throw new Error(`invalid siteId ${JSON.stringify(siteId)}`);
    checkBody('change', changeSchemas, kind, body);
    const now = this.deps.clock.now();
    await ensureSite(this.deps.db, siteId, now);
    const id = newId(now);
    const version = await this.deps.db.transaction().execute(async (trx) => {
      await trx
        .updateTable('sites')
        .set((eb) => ({ change_version: eb('change_version', '+', 1) }))
        .where('site_id', '=', siteId)
        .execute();
      const row = await trx.selectFrom('sites').select('change_version').where('site_id', '=', siteId).executeTakeFirstOrThrow();
      const v = Number(row.change_version);
      await trx
        .insertInto('changes')
        .values({ id, site_id: siteId, version: v, kind, body: JSON.stringify(body ?? null), created_at: now, applied_at: null, outcome: null })
        .execute();
      return v;
    });
    await this.publishSafe(topics.downChanges(siteId), encode('changes', { v: 1, version, kind, body: body ?? null }));
    return { version, id };
  }

  /** Re-publish every change of this site above its applied version, in order. */
  async resendUnapplied(siteId: string): Promise<number> {
    const site = await this.deps.db.selectFrom('sites').select(['applied_version']).where('site_id', '=', siteId).executeTakeFirst();
    if (!site) return 0;
    const rows = await this.deps.db
      .selectFrom('changes')
      .select(['version', 'kind', 'body'])
      .where('site_id', '=', siteId)
      .where('version', '>', Number(site.applied_version))
      .orderBy('version')
      .limit(this.deps.maxChangesPerRound ?? 200)
      .execute();
    for (const r of rows) {
      await this.publishSafe(
        topics.downChanges(siteId),
        encode('changes', { v: 1, version: Number(r.version), kind: r.kind, body: JSON.parse(r.body) as unknown }),
      );
    }
    return rows.length;
  }

  async resendAllOnline(): Promise<void> {
    const sites = await this.deps.db
      .selectFrom('sites')
      .select('site_id')
      .where('status', '=', 'online')
      .whereRef('applied_version', '<', 'change_version')
      .execute();
    for (const s of sites) await this.resendUnapplied(s.site_id);
  }

  /** `up/applied` is cumulative: everything <= version is done. */
  async onApplied(siteId: string, applied: Applied): Promise<void> {
    const now = this.deps.clock.now();
    await this.deps.db.transaction().execute(async (trx) => {
      const site = await trx.selectFrom('sites').select(['applied_version', 'change_version']).where('site_id', '=', siteId).executeTakeFirst();
      if (!site) return;
      const target = Math.min(applied.version, Number(site.change_version));
      if (target <= Number(site.applied_version)) return;
      await trx.updateTable('sites').set({ applied_version: target }).where('site_id', '=', siteId).execute();
      await trx
        .updateTable('changes')
        .set({ applied_at: now, outcome: 'applied' })
        .where('site_id', '=', siteId)
        .where('version', '<=', target)
        .where('applied_at', 'is', null)
        .execute();
      if (applied.outcome === 'rejected') {
        await trx.updateTable('changes').set({ outcome: 'rejected' }).where('site_id', '=', siteId).where('version', '=', target).execute();
      }
    });
  }

  /**
   * Send a remote command, now or never. Validity is server-issued: issuedAt (our clock), ttlMs,
   * expiresAt, and always the site's current session, so a copy that reaches the point after it
   * reconnected is refused ('stale-session'). Refused (CommandRefusedError, nothing stored) when
   * the site is not online or the broker connection is down: a command is never queued for later,
   * where a `door.release` could fire long after the operator gave up on it.
   */
  async sendCommand<K extends CommandKind>(
    siteId: string,
    kind: K,
    body: CommandBody<K>,
    ttlMs: number,
  ): Promise<{ id: string; expiresAt: number; session: number }> {
    if (!isValidSiteId(siteId)) throw new Error(`invalid siteId ${JSON.stringify(siteId)}`);
    checkBody('command', commandSchemas, kind, body);
    if (!Number.isInteger(ttlMs) || ttlMs < 1 || ttlMs > MAX_COMMAND_TTL_MS) throw new Error(`ttlMs must be an integer in 1..${MAX_COMMAND_TTL_MS}`);
    if (!this.deps.connected())
      throw new CommandRefusedError('broker-disconnected', `command ${kind} for ${siteId} not sent: the backoffice is not connected to the broker`);
    const now = this.deps.clock.now();
    const site = await this.deps.db.selectFrom('sites').select(['status', 'session']).where('site_id', '=', siteId).executeTakeFirst();
    if (!site || site.status !== 'online') {
      throw new CommandRefusedError(
        'site-not-online',
        `command ${kind} for ${siteId} not sent: the site is ${site ? site.status : 'unknown'}, commands go only to an online site`,
      );
    }
    const session = Number(site.session);
    const id = newId(now).replace(/-/g, '');
    const expiresAt = now + ttlMs;
    const msg = { v: 1 as const, id, kind, issuedAt: now, ttlMs, expiresAt, session, body: body ?? null };
    const payload = encode('commands', msg);
    await this.deps.db
      .insertInto('commands')
      .values({
        id,
        site_id: siteId,
        kind,
        body: JSON.stringify(body ?? null),
        issued_at: now,
        ttl_ms: ttlMs,
        expires_at: expiresAt,
        session,
        status: 'sent',
        reason: null,
        result: null,
        result_at: null,
      })
      .execute();
    try {
      this.deps.publishNow(topics.downCommands(siteId), payload);
    } catch (e) {
      // The connection went down meanwhile: the command is recorded as never sent.
      await this.deps.db
        .updateTable('commands')
        .set({ status: 'failed', reason: 'not-sent: broker disconnected', result_at: now })
        .where('id', '=', id)
        .execute();
      throw new CommandRefusedError('broker-disconnected', `command ${kind} for ${siteId} not sent: ${(e as Error).message}`);
    }
    return { id, expiresAt, session };
  }

  /** Store the first result for a command id; later duplicates are ignored. */
  async onCommandResult(siteId: string, r: CommandResult): Promise<boolean> {
    const res = await this.deps.db
      .updateTable('commands')
      .set({ status: r.status, reason: r.reason ?? null, result: r.result === undefined ? null : JSON.stringify(r.result), result_at: this.deps.clock.now() })
      .where('id', '=', r.id)
      .where('site_id', '=', siteId)
      .where('status', '=', 'sent')
      .executeTakeFirst();
    return Number(res.numUpdatedRows) > 0;
  }

  private async publishSafe(topic: string, payload: Buffer): Promise<void> {
    try {
      await this.deps.publish(topic, payload, { qos: QOS.changes, retain: false });
    } catch (e) {
      // Stored in the DB; the resend round or the next birth delivers it.
      this.deps.logger.warn({ topic, err: String(e) }, 'downlink publish failed, will resend');
    }
  }
}
