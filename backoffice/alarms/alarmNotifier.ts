/**
 * Alarm e-mails, fed by the stored events after ingest committed them: never inside the ingest
 * transaction, so a slow or dead SMTP server cannot block or fail ingest.
 *
 * 1. collect: per site, the raising events (projections/alarms.ts `ALARM_RAISE_TYPES`) stored
 *    since the site's cursor (`alarm_notify_cursor`, contiguous up to `sites.up_to`, per ledger
 *    epoch) become one outbox row per subscribed user, in ONE transaction with the cursor
 *    move — a crash loses nothing and mails nothing twice. A user is subscribed when their settings
 *    are on, the alarm is at least their least severity, and the account is an enabled admin,
 *    operator or technician. A non-critical alarm in the user's quiet hours is held until they end.
 * 2. dispatch: due rows go out — each not held one alone, the held ones of a user together as one
 *    digest. A failed send keeps the rows pending and retries with a growing delay (capped); a row
 *    is claimed for a lease before sending, so instances sharing one database do not both send it.
 *
 * `tick()` does both once (tests with a manual clock call it); `start()` runs it every `pollMs`.
 */
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';
import type { AlarmMailOutboxTable } from '../db/schemaAlarms.ts';
import { newId, type Clock, type Logger } from '../platform.ts';
import { ALARM_RAISE_TYPES, alarmRaiseOf } from '../projections/alarms.ts';
import type { MailTransport } from './mailer.ts';
import { alarmMail, digestMail, type MailAlarm, type MailLang } from './mailText.ts';
import { quietHoursEnd, type QuietHours } from './quietHours.ts';

export interface NotifierOptions {
  db: Kysely<DB>;
  transport: MailTransport;
  clock: Clock;
  logger: Logger;
  /** How often to look for new alarms and due mails (default 1 s). */
  pollMs?: number;
  /** First retry after this long, doubling per failure (default 5 s) up to `retryMaxMs` (default 5 min). */
  retryBaseMs?: number;
  retryMaxMs?: number;
  /** A claimed row is not sent by another instance for this long (default 2 min). */
  leaseMs?: number;
  /** The web app's public address, for a link in the mail. */
  webUrl?: string;
  /**
   * Alarms the backoffice received longer ago than this (default 24 h) are not mailed: old news,
   * e.g. when e-mails are turned on after running without them. The cursor still moves past them.
   */
  maxAgeMs?: number;
}

const SEVERITY_RANK: Readonly<Record<string, number>> = { critical: 0, warning: 1, info: 2 };
const NOTIFIED_ROLES = ['admin', 'operator', 'technician'] as const;
const PAGE = 500;

interface Recipient {
  userId: string;
  minRank: number;
  quiet: QuietHours | null;
}

export class AlarmNotifier {
  private timer: unknown = null;
  private running: Promise<void> | null = null;
  private stopped = true;
  readonly stats = { enqueued: 0, sent: 0, failures: 0 };

  constructor(private readonly o: NotifierOptions) {}

  start(): void {
    this.stopped = false;
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer !== null) this.o.clock.clearTimeout(this.timer);
    this.timer = null;
    await this.running;
    this.o.transport.close();
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    this.timer = this.o.clock.setTimeout(() => {
      this.timer = null;
      void this.tick().finally(() => this.schedule(this.o.pollMs ?? 1000));
    }, ms);
  }

  /** Collect new alarms and send what is due, once; never throws (failures are logged and retried). */
  tick(): Promise<void> {
    this.running ??= (async () => {
      try {
        await this.collect();
        await this.dispatch();
      } catch (e) {
        this.o.logger.warn({ err: String(e) }, 'alarm notifier pass failed; trying again');
      } finally {
        this.running = null;
      }
    })();
    return this.running;
  }

  private now(): number {
    return Math.floor(this.o.clock.now());
  }

  private async recipients(): Promise<Recipient[]> {
    const rows = await this.o.db
      .selectFrom('notification_settings as n')
      .innerJoin('users as u', 'u.id', 'n.user_id')
      .select(['n.user_id', 'n.min_severity', 'n.quiet_start', 'n.quiet_end', 'n.time_zone'])
      .where('n.enabled', '=', 1)
      .where('n.email', '!=', '')
      .where('u.disabled', '=', 0)
      .where('u.role', 'in', NOTIFIED_ROLES)
      .execute();
    return rows.map((r) => ({
      userId: r.user_id,
      minRank: SEVERITY_RANK[r.min_severity] ?? 1,
      quiet: r.quiet_start === null || r.quiet_end === null ? null : { start: Number(r.quiet_start), end: Number(r.quiet_end), timeZone: r.time_zone },
    }));
  }

  /** Turns newly stored raising events into outbox rows, site by site. */
  async collect(): Promise<void> {
    const db = this.o.db;
    const sites = await db
      .selectFrom('sites as s')
      .leftJoin('alarm_notify_cursor as c', 'c.site_id', 's.site_id')
      .select(['s.site_id', 's.epoch', 's.up_to', 'c.epoch as c_epoch', 'c.seq as c_seq'])
      .execute();
    let recipients: Recipient[] | null = null;
    for (const s of sites) {
      const epoch = Number(s.epoch);
      const upTo = Number(s.up_to);
      const known = s.c_seq !== null && Number(s.c_epoch) === epoch;
      const from = known ? Number(s.c_seq) : 0;
      if (known && upTo <= from) continue;
      recipients ??= await this.recipients();
      await this.collectSite(s.site_id, epoch, s.c_seq === null ? null : { epoch: Number(s.c_epoch), seq: Number(s.c_seq) }, from, upTo, recipients);
    }
  }

  private async collectSite(
    siteId: string,
    epoch: number,
    cursor: { epoch: number; seq: number } | null,
    from: number,
    upTo: number,
    recipients: readonly Recipient[],
  ): Promise<void> {
    const events = await this.o.db
      .selectFrom('events as e')
      .leftJoin('flagged_events as f', (j) => j.onRef('f.site_id', '=', 'e.site_id').onRef('f.seq', '=', 'e.seq'))
      .select(['e.seq', 'e.type', 'e.at', 'e.data', 'e.received_at'])
      .where('e.site_id', '=', siteId)
      .where('e.seq', '>', from)
      .where('e.seq', '<=', upTo)
      .where('e.type', 'in', ALARM_RAISE_TYPES)
      .where('f.seq', 'is', null)
      .orderBy('e.seq')
      .limit(PAGE)
      .execute();
    const next = events.length === PAGE ? Number(events[events.length - 1]!.seq) : upTo;
    const now = this.now();
    const rows: AlarmMailOutboxTable[] = [];
    const oldest = now - (this.o.maxAgeMs ?? 86_400_000);
    for (const e of events) {
      if (Number(e.received_at) < oldest) continue;
      const raise = alarmRaiseOf({ type: e.type, at: Number(e.at), data: JSON.parse(e.data) as unknown });
      if (!raise) continue;
      const rank = SEVERITY_RANK[raise.severity] ?? 2;
      for (const r of recipients) {
        if (rank > r.minRank) continue;
        const quietEnd = raise.severity !== 'critical' && r.quiet ? quietHoursEnd(r.quiet, now) : null;
        rows.push({
          id: newId(now),
          user_id: r.userId,
          site_id: siteId,
          raise_seq: Number(e.seq),
          alarm_key: raise.key,
          source: raise.source,
          kind: raise.kind,
          severity: raise.severity,
          reason: raise.reason,
          since: raise.since,
          raised_at: Number(e.at),
          created_at: now,
          due_at: quietEnd ?? now,
          held: quietEnd === null ? 0 : 1,
          status: 'pending',
          attempts: 0,
          next_attempt_at: now,
          last_error: null,
          sent_at: null,
        });
      }
    }
    const moved = await this.o.db.transaction().execute(async (trx) => {
      // Move the cursor only from where this pass read it: another instance that got there first wins.
      if (cursor === null) {
        const r = await trx
          .insertInto('alarm_notify_cursor')
          .values({ site_id: siteId, epoch, seq: next })
          .onConflict((oc) => oc.column('site_id').doNothing())
          .executeTakeFirst();
        if (Number(r.numInsertedOrUpdatedRows ?? 0) === 0) return false;
      } else {
        const r = await trx
          .updateTable('alarm_notify_cursor')
          .set({ epoch, seq: next })
          .where('site_id', '=', siteId)
          .where('epoch', '=', cursor.epoch)
          .where('seq', '=', cursor.seq)
          .executeTakeFirst();
        if (Number(r.numUpdatedRows) === 0) return false;
      }
      for (let i = 0; i < rows.length; i += 100) {
        await trx
          .insertInto('alarm_mail_outbox')
          .values(rows.slice(i, i + 100))
          .onConflict((oc) => oc.columns(['user_id', 'site_id', 'raise_seq']).doNothing())
          .execute();
      }
      return true;
    });
    if (moved && rows.length > 0) {
      this.stats.enqueued += rows.length;
      this.o.logger.info({ siteId, mails: rows.length, held: rows.filter((r) => r.held === 1).length }, 'alarm mails queued');
    }
  }

  /** Sends every due mail: not held ones alone, a user's held ones as one digest. */
  async dispatch(): Promise<void> {
    const db = this.o.db;
    const now = this.now();
    const due = await db
      .selectFrom('alarm_mail_outbox')
      .selectAll()
      .where('status', '=', 'pending')
      .where('next_attempt_at', '<=', now)
      .where('due_at', '<=', now)
      .orderBy('created_at')
      .orderBy('raise_seq')
      .limit(200)
      .execute();
    if (due.length === 0) return;
    const claimed: AlarmMailOutboxTable[] = [];
    const lease = now + (this.o.leaseMs ?? 120_000);
    for (const r of due) {
      const u = await db
        .updateTable('alarm_mail_outbox')
        .set({ next_attempt_at: lease })
        .where('id', '=', r.id)
        .where('status', '=', 'pending')
        .where('next_attempt_at', '=', Number(r.next_attempt_at))
        .executeTakeFirst();
      if (Number(u.numUpdatedRows) === 1) claimed.push(r);
    }
    const byUser = new Map<string, AlarmMailOutboxTable[]>();
    for (const r of claimed) byUser.set(r.user_id, [...(byUser.get(r.user_id) ?? []), r]);
    for (const [userId, rows] of byUser) {
      const s = await db.selectFrom('notification_settings').selectAll().where('user_id', '=', userId).executeTakeFirst();
      if (!s || Number(s.enabled) !== 1 || s.email === '') {
        // Switched off (or gone) since the alarm was queued: nothing to send.
        await this.finish(
          rows.map((r) => r.id),
          'dropped',
        );
        continue;
      }
      const lang: MailLang = s.language === 'en' ? 'en' : 'de';
      const single = rows.filter((r) => Number(r.held) === 0);
      const held = rows.filter((r) => Number(r.held) === 1);
      for (const r of single) await this.send([r], s.email, () => alarmMail(lang, mailAlarm(r), s.time_zone, this.o.webUrl));
      if (held.length > 0)
        await this.send(held, s.email, () =>
          digestMail(
            lang,
            held.map((r) => mailAlarm(r)),
            s.time_zone,
            this.o.webUrl,
          ),
        );
    }
  }

  private async send(rows: AlarmMailOutboxTable[], to: string, content: () => { subject: string; text: string }): Promise<void> {
    const ids = rows.map((r) => r.id);
    try {
      await this.o.transport.send({ to, ...content() });
      await this.finish(ids, 'sent');
      this.stats.sent += 1;
    } catch (e) {
      this.stats.failures += 1;
      const attempts = Math.max(...rows.map((r) => Number(r.attempts))) + 1;
      const delay = Math.min((this.o.retryBaseMs ?? 5000) * 2 ** (attempts - 1), this.o.retryMaxMs ?? 300_000);
      const err = String((e as Error).message ?? e).slice(0, 500);
      this.o.logger.warn({ to, mails: ids.length, attempts, retryInMs: delay, err }, 'alarm mail not sent; will retry');
      await this.o.db
        .updateTable('alarm_mail_outbox')
        .set({ attempts, next_attempt_at: this.now() + delay, last_error: err })
        .where('id', 'in', ids)
        .execute();
    }
  }

  private async finish(ids: string[], status: 'sent' | 'dropped'): Promise<void> {
    await this.o.db.updateTable('alarm_mail_outbox').set({ status, sent_at: this.now() }).where('id', 'in', ids).execute();
  }
}

function mailAlarm(r: AlarmMailOutboxTable): MailAlarm {
  return { siteId: r.site_id, id: Number(r.raise_seq), source: r.source, kind: r.kind, severity: r.severity, reason: r.reason, since: Number(r.since) };
}
