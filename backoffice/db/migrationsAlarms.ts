/** The migration of the operators' alarm work (tables in schemaAlarms.ts), kept apart to ease merging. */
import { sql, type Kysely, type Migration } from 'kysely';

export const alarmMigrations: Record<string, Migration> = {
  '2026-12-06T02-40-alarm-operations': {
    async up(db: Kysely<unknown>): Promise<void> {
      // The alarm's id: the seq of its raising event. Rows projected before this column existed
      // get their last seq (exact for alarms nothing happened to since; `projections rebuild` makes all exact).
      await db.schema.alterTable('p_alarms').addColumn('raise_seq', 'bigint').execute();
      await sql`UPDATE p_alarms SET raise_seq = seq`.execute(db);
      await db.schema
        .createTable('alarm_actions')
        .addColumn('site_id', 'text', (c) => c.notNull())
        .addColumn('raise_seq', 'bigint', (c) => c.notNull())
        .addColumn('alarm_key', 'text', (c) => c.notNull())
        .addColumn('acked_by', 'text')
        .addColumn('acked_by_name', 'text')
        .addColumn('acked_at', 'bigint')
        .addColumn('cleared_by', 'text')
        .addColumn('cleared_by_name', 'text')
        .addColumn('cleared_at', 'bigint')
        .addPrimaryKeyConstraint('alarm_actions_pk', ['site_id', 'raise_seq'])
        .execute();
      await db.schema
        .createTable('alarm_comments')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('site_id', 'text', (c) => c.notNull())
        .addColumn('raise_seq', 'bigint', (c) => c.notNull())
        .addColumn('author_id', 'text', (c) => c.notNull())
        .addColumn('author_name', 'text', (c) => c.notNull())
        .addColumn('text', 'text', (c) => c.notNull())
        .addColumn('at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('alarm_comments_alarm').on('alarm_comments').columns(['site_id', 'raise_seq']).execute();
      await db.schema
        .createTable('notification_settings')
        .addColumn('user_id', 'text', (c) => c.primaryKey())
        .addColumn('email', 'text', (c) => c.notNull())
        .addColumn('enabled', 'integer', (c) => c.notNull())
        .addColumn('min_severity', 'text', (c) => c.notNull())
        .addColumn('quiet_start', 'integer')
        .addColumn('quiet_end', 'integer')
        .addColumn('time_zone', 'text', (c) => c.notNull())
        .addColumn('language', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('alarm_notify_cursor')
        .addColumn('site_id', 'text', (c) => c.primaryKey())
        .addColumn('epoch', 'bigint', (c) => c.notNull())
        .addColumn('seq', 'bigint', (c) => c.notNull())
        .execute();
      // Alarms stored before notifications existed are history, not news: start every known site after them.
      await sql`INSERT INTO alarm_notify_cursor (site_id, epoch, seq) SELECT site_id, epoch, up_to FROM sites`.execute(db);
      await db.schema
        .createTable('alarm_mail_outbox')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('user_id', 'text', (c) => c.notNull())
        .addColumn('site_id', 'text', (c) => c.notNull())
        .addColumn('raise_seq', 'bigint', (c) => c.notNull())
        .addColumn('alarm_key', 'text', (c) => c.notNull())
        .addColumn('source', 'text', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('severity', 'text', (c) => c.notNull())
        .addColumn('reason', 'text', (c) => c.notNull())
        .addColumn('since', 'bigint', (c) => c.notNull())
        .addColumn('raised_at', 'bigint', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('due_at', 'bigint', (c) => c.notNull())
        .addColumn('held', 'integer', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('attempts', 'integer', (c) => c.notNull())
        .addColumn('next_attempt_at', 'bigint', (c) => c.notNull())
        .addColumn('last_error', 'text')
        .addColumn('sent_at', 'bigint')
        .execute();
      await db.schema.createIndex('alarm_mail_outbox_due').on('alarm_mail_outbox').columns(['status', 'next_attempt_at']).execute();
      // One mail per user and alarm, even if two instances enqueue it.
      await db.schema.createIndex('alarm_mail_outbox_once').on('alarm_mail_outbox').columns(['user_id', 'site_id', 'raise_seq']).unique().execute();
    },
  },
};
