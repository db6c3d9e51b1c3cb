/**
 * Schema migrations, identical on SQLite and PostgreSQL: only portable column types (text, bigint,
 * integer), app-generated text ids, no auto-increment, no dialect-specific SQL. Names are
 * timestamped so the Migrator keeps them in order.
 */
import { Migrator, sql, type Kysely, type Migration, type MigrationProvider } from 'kysely';
import { alarmMigrations } from './migrationsAlarms.ts';
import { equipmentMigrations } from './migrationsEquipment.ts';

const migrations: Record<string, Migration> = {
  '2026-11-21T00-00-init': {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('sites')
        .addColumn('site_id', 'text', (c) => c.primaryKey())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('up_to', 'bigint', (c) => c.notNull().defaultTo(0))
        .addColumn('events_stored', 'bigint', (c) => c.notNull().defaultTo(0))
        .addColumn('last_batch_at', 'bigint')
        .addColumn('status', 'text', (c) => c.notNull().defaultTo('unknown'))
        .addColumn('session', 'bigint', (c) => c.notNull().defaultTo(0))
        .addColumn('last_seen_at', 'bigint')
        .addColumn('status_at', 'bigint')
        .addColumn('backlog_pending', 'bigint')
        .addColumn('backlog_last_seq', 'bigint')
        .addColumn('software', 'text')
        .addColumn('change_version', 'bigint', (c) => c.notNull().defaultTo(0))
        .addColumn('applied_version', 'bigint', (c) => c.notNull().defaultTo(0))
        .execute();
      await db.schema
        .createTable('events')
        .addColumn('site_id', 'text', (c) => c.notNull())
        .addColumn('seq', 'bigint', (c) => c.notNull())
        .addColumn('type', 'text', (c) => c.notNull())
        .addColumn('at', 'bigint', (c) => c.notNull())
        .addColumn('clock_synced', 'integer', (c) => c.notNull())
        .addColumn('data', 'text', (c) => c.notNull())
        .addColumn('hash', 'text')
        .addColumn('received_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('events_pk', ['site_id', 'seq'])
        .execute();
      await db.schema
        .createTable('rejected_messages')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('site_id', 'text')
        .addColumn('topic', 'text', (c) => c.notNull())
        .addColumn('code', 'text', (c) => c.notNull())
        .addColumn('reason', 'text', (c) => c.notNull())
        .addColumn('payload_excerpt', 'text', (c) => c.notNull())
        .addColumn('payload_bytes', 'bigint', (c) => c.notNull())
        .addColumn('received_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('rejected_messages_received').on('rejected_messages').column('received_at').execute();
      await db.schema
        .createTable('site_credentials')
        .addColumn('site_id', 'text', (c) => c.primaryKey())
        .addColumn('password_hash', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('changes')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('site_id', 'text', (c) => c.notNull())
        .addColumn('version', 'bigint', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('body', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('applied_at', 'bigint')
        .addColumn('outcome', 'text')
        .addUniqueConstraint('changes_site_version', ['site_id', 'version'])
        .execute();
      await db.schema
        .createTable('commands')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('site_id', 'text', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('body', 'text', (c) => c.notNull())
        .addColumn('issued_at', 'bigint', (c) => c.notNull())
        .addColumn('ttl_ms', 'bigint', (c) => c.notNull())
        .addColumn('expires_at', 'bigint', (c) => c.notNull())
        .addColumn('session', 'bigint')
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('reason', 'text')
        .addColumn('result', 'text')
        .addColumn('result_at', 'bigint')
        .execute();
      await db.schema.createIndex('commands_site').on('commands').column('site_id').execute();
    },
  },
  '2026-12-01T00-00-divergence': {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .alterTable('sites')
        .addColumn('events_session', 'bigint', (c) => c.notNull().defaultTo(0))
        .execute();
      await db.schema.alterTable('sites').addColumn('diverged_at', 'bigint').execute();
      await db.schema.alterTable('sites').addColumn('diverged_reason', 'text').execute();
      await db.schema
        .alterTable('sites')
        .addColumn('epoch', 'bigint', (c) => c.notNull().defaultTo(0))
        .execute();
      await db.schema
        .createTable('archived_events')
        .addColumn('site_id', 'text', (c) => c.notNull())
        .addColumn('epoch', 'bigint', (c) => c.notNull())
        .addColumn('seq', 'bigint', (c) => c.notNull())
        .addColumn('type', 'text', (c) => c.notNull())
        .addColumn('at', 'bigint', (c) => c.notNull())
        .addColumn('clock_synced', 'integer', (c) => c.notNull())
        .addColumn('data', 'text', (c) => c.notNull())
        .addColumn('hash', 'text')
        .addColumn('received_at', 'bigint', (c) => c.notNull())
        .addColumn('archived_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('archived_events_pk', ['site_id', 'epoch', 'seq'])
        .execute();
    },
  },
  '2026-12-06T00-01-broker-login-locks': {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('broker_login_locks')
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('key', 'text', (c) => c.notNull())
        .addColumn('failures', 'bigint', (c) => c.notNull())
        .addColumn('lock_ms', 'bigint', (c) => c.notNull())
        .addColumn('locked_until', 'bigint')
        .addColumn('last_failure_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('broker_login_locks_pk', ['kind', 'key'])
        .execute();
    },
  },
  // Backoffice accounts (see backoffice/accounts/): users, sessions (only the SHA-256 of the
  // session id is stored), login throttling per username and per address, and the audit log.
  '2026-12-06T00-00-accounts': {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('users')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('username', 'text', (c) => c.notNull().unique())
        .addColumn('display_name', 'text', (c) => c.notNull())
        .addColumn('role', 'text', (c) => c.notNull())
        .addColumn('password_hash', 'text', (c) => c.notNull())
        .addColumn('totp_secret', 'text')
        .addColumn('totp_enabled', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('totp_last_step', 'bigint', (c) => c.notNull().defaultTo(0))
        .addColumn('disabled', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('sessions')
        .addColumn('id_hash', 'text', (c) => c.primaryKey())
        .addColumn('user_id', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('last_seen_at', 'bigint', (c) => c.notNull())
        .addColumn('expires_at', 'bigint', (c) => c.notNull())
        .addColumn('totp_verified', 'integer', (c) => c.notNull())
        .addColumn('client_address', 'text')
        .execute();
      await db.schema.createIndex('sessions_user').on('sessions').column('user_id').execute();
      await db.schema
        .createTable('login_throttle')
        .addColumn('key', 'text', (c) => c.primaryKey())
        .addColumn('failures', 'bigint', (c) => c.notNull())
        .addColumn('locked_until', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('audit_log')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('at', 'bigint', (c) => c.notNull())
        .addColumn('user_id', 'text')
        .addColumn('username', 'text')
        .addColumn('role', 'text')
        .addColumn('action', 'text', (c) => c.notNull())
        .addColumn('outcome', 'text', (c) => c.notNull())
        .addColumn('site_id', 'text')
        .addColumn('target', 'text')
        .addColumn('detail', 'text', (c) => c.notNull())
        .addColumn('client_address', 'text')
        .execute();
      await db.schema.createIndex('audit_log_at').on('audit_log').column('at').execute();
    },
  },
  // Stored events that do not decode with the event catalogue (ingest flags them in the same
  // transaction; projections and reports skip them).
  '2026-12-06T00-02-flagged-events': {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('flagged_events')
        .addColumn('site_id', 'text', (c) => c.notNull())
        .addColumn('seq', 'bigint', (c) => c.notNull())
        .addColumn('type', 'text', (c) => c.notNull())
        .addColumn('problem', 'text', (c) => c.notNull())
        .addColumn('message', 'text', (c) => c.notNull())
        .addColumn('flagged_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('flagged_events_pk', ['site_id', 'seq'])
        .execute();
    },
  },
  // Read models built from the stored events (backoffice/projections): in the ingest transaction,
  // rebuildable with `dorfpunkt backoffice projections rebuild`.
  '2026-12-06T01-10-projections': {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('p_alarms')
        .addColumn('site_id', 'text', (c) => c.notNull())
        .addColumn('alarm_key', 'text', (c) => c.notNull())
        .addColumn('source', 'text', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('severity', 'text', (c) => c.notNull())
        .addColumn('reason', 'text', (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('since', 'bigint', (c) => c.notNull())
        .addColumn('raised_at', 'bigint', (c) => c.notNull())
        .addColumn('acked_by', 'text')
        .addColumn('acked_at', 'bigint')
        .addColumn('cleared_at', 'bigint')
        .addColumn('cleared_reason', 'text')
        .addColumn('seq', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('p_alarms_pk', ['site_id', 'alarm_key'])
        .execute();
      await db.schema
        .createTable('p_door')
        .addColumn('site_id', 'text', (c) => c.primaryKey())
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('changed_at', 'bigint', (c) => c.notNull())
        .addColumn('fire', 'integer', (c) => c.notNull())
        .addColumn('faulted', 'integer', (c) => c.notNull())
        .addColumn('seq', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('p_fridges')
        .addColumn('site_id', 'text', (c) => c.notNull())
        .addColumn('fridge_id', 'text', (c) => c.notNull())
        .addColumn('tenths', 'integer')
        .addColumn('read_at', 'bigint')
        .addColumn('above', 'integer', (c) => c.notNull())
        .addColumn('limit_tenths', 'integer')
        .addColumn('blocked', 'integer', (c) => c.notNull())
        .addColumn('blocked_since', 'bigint')
        .addColumn('seq', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('p_fridges_pk', ['site_id', 'fridge_id'])
        .execute();
      await db.schema
        .createTable('p_lockers')
        .addColumn('site_id', 'text', (c) => c.notNull())
        .addColumn('compartment', 'text', (c) => c.notNull())
        .addColumn('occupancy', 'text', (c) => c.notNull())
        .addColumn('size', 'text')
        .addColumn('parcel_id', 'text')
        .addColumn('since', 'bigint', (c) => c.notNull())
        .addColumn('uncollected', 'integer', (c) => c.notNull())
        .addColumn('in_service', 'integer', (c) => c.notNull())
        .addColumn('door', 'text', (c) => c.notNull())
        .addColumn('seq', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('p_lockers_pk', ['site_id', 'compartment'])
        .execute();
      await db.schema
        .createTable('p_members')
        .addColumn('site_id', 'text', (c) => c.notNull())
        .addColumn('member_id', 'text', (c) => c.notNull())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('role', 'text', (c) => c.notNull())
        .addColumn('age_verified', 'integer', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .addColumn('seq', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('p_members_pk', ['site_id', 'member_id'])
        .execute();
      await db.schema
        .createTable('p_credentials')
        .addColumn('site_id', 'text', (c) => c.notNull())
        .addColumn('credential_id', 'text', (c) => c.notNull())
        .addColumn('member_id', 'text')
        .addColumn('kind', 'text')
        .addColumn('role', 'text')
        .addColumn('age_verified', 'integer', (c) => c.notNull())
        .addColumn('expires_at', 'bigint')
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('revoked_reason', 'text')
        .addColumn('changed_at', 'bigint', (c) => c.notNull())
        .addColumn('seq', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('p_credentials_pk', ['site_id', 'credential_id'])
        .execute();
    },
  },
  // Stripe webhooks (backoffice/payments/webhooks.ts): every accepted event once, by Stripe's event
  // id, with how it was relayed to a point; and the short links of pay-by-phone Checkout Sessions.
  '2026-12-06T01-00-stripe-events': {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('stripe_events')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('type', 'text', (c) => c.notNull())
        .addColumn('object_id', 'text')
        .addColumn('site_id', 'text')
        .addColumn('created', 'bigint', (c) => c.notNull())
        .addColumn('received_at', 'bigint', (c) => c.notNull())
        .addColumn('payload', 'text', (c) => c.notNull())
        .addColumn('relay', 'text', (c) => c.notNull())
        .addColumn('relay_version', 'bigint')
        .addColumn('deliveries', 'bigint', (c) => c.notNull().defaultTo(1))
        .execute();
      await db.schema.createIndex('stripe_events_received').on('stripe_events').column('received_at').execute();
      await db.schema
        .createTable('pay_links')
        .addColumn('code', 'text', (c) => c.primaryKey())
        .addColumn('session_id', 'text', (c) => c.notNull().unique())
        .addColumn('site_id', 'text', (c) => c.notNull())
        .addColumn('sale_id', 'text', (c) => c.notNull())
        .addColumn('url', 'text', (c) => c.notNull())
        .addColumn('amount', 'bigint', (c) => c.notNull())
        .addColumn('expires_at', 'bigint', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('ended_at', 'bigint')
        .execute();
    },
  },
  // Members of the village shops and their credentials (see backoffice/members/). Age verification
  // keeps only the method and the date, never an ID document or its number; PINs only as scrypt hashes.
  '2026-12-06T01-20-members': {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('members')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('role', 'text', (c) => c.notNull())
        .addColumn('sites', 'text', (c) => c.notNull())
        .addColumn('age_method', 'text')
        .addColumn('age_date', 'text')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('member_credentials')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('member_id', 'text', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('card_uid', 'text')
        .addColumn('pin_hash', 'text')
        .addColumn('issued_at', 'bigint', (c) => c.notNull())
        .addColumn('expires_at', 'bigint')
        .addColumn('revoked_at', 'bigint')
        .addColumn('revoke_reason', 'text')
        .execute();
      await db.schema.createIndex('member_credentials_member').on('member_credentials').column('member_id').execute();
      // One active credential per card UID (the point looks cards up by UID); revoked ones may repeat.
      await db.schema
        .createIndex('member_credentials_active_card')
        .on('member_credentials')
        .column('card_uid')
        .unique()
        .where(sql.ref('revoked_at'), 'is', null)
        .execute();
    },
  },
  '2026-12-06T02-10-phone-payments': {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('p_phone_payments')
        .addColumn('site_id', 'text', (c) => c.notNull())
        .addColumn('payment_id', 'text', (c) => c.notNull())
        .addColumn('sale_id', 'text', (c) => c.notNull())
        .addColumn('amount', 'bigint', (c) => c.notNull())
        .addColumn('lines', 'text', (c) => c.notNull())
        .addColumn('requested_seq', 'bigint', (c) => c.notNull())
        .addColumn('requested_at', 'bigint', (c) => c.notNull())
        .addColumn('cancel_at', 'bigint')
        .addColumn('refund_at', 'bigint')
        .addColumn('refund_amount', 'bigint')
        .addPrimaryKeyConstraint('p_phone_payments_pk', ['site_id', 'payment_id'])
        .execute();
      await db.schema
        .createTable('phone_payments')
        .addColumn('site_id', 'text', (c) => c.notNull())
        .addColumn('payment_id', 'text', (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('session_id', 'text')
        .addColumn('refund_id', 'text')
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('phone_payments_pk', ['site_id', 'payment_id'])
        .execute();
      await db.schema
        .createTable('member_accounts')
        .addColumn('member_id', 'text', (c) => c.primaryKey())
        .addColumn('mode', 'text', (c) => c.notNull())
        .addColumn('limit_cents', 'bigint', (c) => c.notNull())
        .addColumn('open_cents', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();
    },
  },
  // Help requests and remote age checks from the kiosks (read models, projections/requests.ts) and
  // the operators' own note that a help request was answered (not an event of the point: kept apart
  // so a projection rebuild never loses it).
  '2026-12-06T02-20-requests': {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('p_help_requests')
        .addColumn('site_id', 'text', (c) => c.notNull())
        .addColumn('seq', 'bigint', (c) => c.notNull())
        .addColumn('at', 'bigint', (c) => c.notNull())
        .addColumn('screen', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('answered_at', 'bigint')
        .addColumn('answered_by', 'text')
        .addPrimaryKeyConstraint('p_help_requests_pk', ['site_id', 'seq'])
        .execute();
      await db.schema
        .createTable('p_age_checks')
        .addColumn('site_id', 'text', (c) => c.notNull())
        .addColumn('check_id', 'text', (c) => c.notNull())
        .addColumn('sale_id', 'text', (c) => c.notNull())
        .addColumn('seq', 'bigint', (c) => c.notNull())
        .addColumn('required_age', 'integer', (c) => c.notNull())
        .addColumn('requested_at', 'bigint', (c) => c.notNull())
        .addColumn('deadline_at', 'bigint', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('decided_at', 'bigint')
        .addColumn('operator', 'text')
        .addPrimaryKeyConstraint('p_age_checks_pk', ['site_id', 'check_id'])
        .execute();
      await db.schema.createIndex('p_age_checks_sale').on('p_age_checks').columns(['site_id', 'sale_id']).execute();
      await db.schema
        .createTable('help_answers')
        .addColumn('site_id', 'text', (c) => c.notNull())
        .addColumn('seq', 'bigint', (c) => c.notNull())
        .addColumn('answered_at', 'bigint', (c) => c.notNull())
        .addColumn('answered_by', 'text', (c) => c.notNull())
        .addColumn('note', 'text')
        .addPrimaryKeyConstraint('help_answers_pk', ['site_id', 'seq'])
        .execute();
    },
  },
  // The opening rules the backoffice last sent to each point (routes/openingRules.ts); the point keeps its own copy in its ledger.
  '2026-12-06T02-50-a-site-opening-rules': {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('site_opening_rules')
        .addColumn('site_id', 'text', (c) => c.primaryKey())
        .addColumn('rules', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_by', 'text')
        .addColumn('change_version', 'bigint', (c) => c.notNull())
        .execute();
    },
  },
  // How to reach a member (phone or e-mail, free text); the backoffice only, never sent to a point.
  '2026-12-06T02-50-b-member-contact': {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema.alterTable('members').addColumn('contact', 'text').execute();
    },
  },
  // The operator's name for a point ("Dorfladen Kleinweiler"), shown on the fleet dashboard with its site id.
  '2026-12-06T02-60-site-names': {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema.alterTable('sites').addColumn('name', 'text').execute();
    },
  },
  ...alarmMigrations,
  // Receipts online (issue 10): the sales read model behind `GET /r/:siteId/:saleId`.
  '2026-12-06T02-30-sales': {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('p_sales')
        .addColumn('site_id', 'text', (c) => c.notNull())
        .addColumn('sale_id', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('lines', 'text', (c) => c.notNull())
        .addColumn('vat', 'text', (c) => c.notNull())
        .addColumn('total_cents', 'bigint', (c) => c.notNull())
        .addColumn('fixed_at', 'bigint', (c) => c.notNull())
        .addColumn('payment', 'text')
        .addColumn('committed_seq', 'bigint')
        .addColumn('committed_at', 'bigint')
        .addColumn('receipt_token', 'text')
        .addColumn('shop', 'text')
        .addColumn('receipt_at', 'bigint')
        .addColumn('seq', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('p_sales_pk', ['site_id', 'sale_id'])
        .execute();
    },
  },
  ...equipmentMigrations,
};

const provider: MigrationProvider = { getMigrations: async () => migrations };

/** Bring the database to the latest schema; throws with the failing migration's error. */
export async function migrateToLatest(db: Kysely<unknown>, pgSchema?: string): Promise<void> {
  // With a PostgreSQL schema, Kysely must be told where its own tables live: it otherwise finds
  // another schema's kysely_migration tables and skips creating its own.
  const { error, results } = await new Migrator({ db, provider, ...(pgSchema ? { migrationTableSchema: pgSchema } : {}) }).migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    throw new Error(`database migration ${failed} failed: ${(error as Error).message ?? String(error)}`);
  }
}
