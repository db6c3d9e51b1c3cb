/**
 * Downlink publisher: versioned changes (per-site versions stored in the DB, republished until
 * `up/applied` confirms) and remote commands with server-issued validity (results stored).
 */
import type { Kysely } from 'kysely';
import { encode, MAX_COMMAND_TTL_MS, topics, isValidSiteId, QOS, type Applied, type CommandResult } from '../../controller/contract/sync/index.ts';
import type { DB } from '../db/schema.ts';
import { ensureSite } from '../ingest/ingestStore.ts';
import { newId, type Clock, type Logger } from '../platform.ts';

export type Publish = (topic: string, payload: Buffer, opts: { qos: 0 | 1; retain: boolean }) => Promise<void>;

export interface DownlinkDeps {
  db: Kysely<DB>;
  publish: Publish;
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

  /** Store a change under the site's next version and publish it. */
  async publishChange(siteId: string, kind: string, body: unknown): Promise<{ version: number; id: string }> {
    if (!isValidSiteId(siteId)) throw new Error(`invalid siteId ${JSON.stringify(siteId)}`);
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
      await this.publishSafe(topics.downChanges(siteId), encode('changes', { v: 1, version: Number(r.version), kind: r.kind, body: JSON.parse(r.body) as unknown }));
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
   * Send a remote command. Validity is server-issued: issuedAt (our clock), ttlMs, expiresAt, and
   * the site's current session when known, so a command queued across a reconnect is refused.
   */
  async sendCommand(siteId: string, kind: string, body: unknown, ttlMs: number): Promise<{ id: string; expiresAt: number }> {
    if (!isValidSiteId(siteId)) throw new Error(`invalid siteId ${JSON.stringify(siteId)}`);
    if (!Number.isInteger(ttlMs) || ttlMs < 1 || ttlMs > MAX_COMMAND_TTL_MS) throw new Error(`ttlMs must be an integer in 1..${MAX_COMMAND_TTL_MS}`);
    const now = this.deps.clock.now();
    await ensureSite(this.deps.db, siteId, now);
    const site = await this.deps.db.selectFrom('sites').select(['status', 'session']).where('site_id', '=', siteId).executeTakeFirstOrThrow();
    const session = site.status === 'online' ? Number(site.session) : null;
    const id = newId(now).replace(/-/g, '');
    const expiresAt = now + ttlMs;
    await this.deps.db
      .insertInto('commands')
      .values({ id, site_id: siteId, kind, body: JSON.stringify(body ?? null), issued_at: now, ttl_ms: ttlMs, expires_at: expiresAt, session, status: 'sent', reason: null, result: null, result_at: null })
      .execute();
    const msg = { v: 1 as const, id, kind, issuedAt: now, ttlMs, expiresAt, body: body ?? null, ...(session !== null ? { session } : {}) };
    await this.publishSafe(topics.downCommands(siteId), encode('commands', msg));
    return { id, expiresAt };
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
