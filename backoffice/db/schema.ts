/** Kysely table types. Timestamps are bigint ms, booleans 0/1, JSON as text: the same on SQLite and PostgreSQL. */
import type { Generated } from 'kysely';
import type { AlarmOpsTables } from './schemaAlarms.ts';

export interface SitesTable {
  site_id: string;
  created_at: number;
  /** Contiguous high-water mark: every seq <= up_to is stored. */
  up_to: number;
  events_stored: number;
  last_batch_at: number | null;
  status: string; // 'unknown' | 'online' | 'offline'
  session: number;
  last_seen_at: number | null;
  status_at: number | null;
  backlog_pending: number | null;
  backlog_last_seq: number | null;
  software: string | null;
  /** Last downlink change version issued / confirmed applied. */
  change_version: number;
  applied_version: number;
  /** Highest session of an event batch ingested (births of newer sessions prove their lastSeq). */
  events_session: number;
  /**
   * Set when the point's ledger no longer matches what is stored (new ledger after a corrupt one):
   * its events are neither stored nor acknowledged until an operator resolves it.
   */
  diverged_at: number | null;
  diverged_reason: string | null;
  /** Bumped by each resolution; earlier events of the site live in archived_events under it. */
  epoch: number;
  /** The operator's name for the point (null: not named; the site id is shown). */
  name: string | null;
}

/** Events of a site moved aside by `resolve-divergence` (the ledger they came from was replaced). */
export interface ArchivedEventsTable extends EventsTable {
  epoch: number;
  archived_at: number;
}

export interface EventsTable {
  site_id: string;
  seq: number;
  type: string;
  at: number;
  clock_synced: number;
  data: string;
  hash: string | null;
  received_at: number;
}

/** A stored event that did not decode with the event catalogue (never projected into reports). */
export interface FlaggedEventsTable {
  site_id: string;
  seq: number;
  type: string;
  problem: string; // 'unknown-type' | 'unknown-version' | 'schema'
  message: string;
  flagged_at: number;
}

export interface RejectedMessagesTable {
  id: string;
  site_id: string | null;
  topic: string;
  code: string;
  reason: string;
  payload_excerpt: string;
  payload_bytes: number;
  received_at: number;
}

export interface SiteCredentialsTable {
  site_id: string;
  /** mosquitto_passwd-compatible hash: `$7$<iterations>$<salt b64>$<pbkdf2-sha512 b64>`. */
  password_hash: string;
  created_at: number;
}

export interface ChangesTable {
  id: string;
  site_id: string;
  version: number;
  kind: string;
  body: string;
  created_at: number;
  applied_at: number | null;
  outcome: string | null;
}

export interface CommandsTable {
  id: string;
  site_id: string;
  kind: string;
  body: string;
  issued_at: number;
  ttl_ms: number;
  expires_at: number;
  session: number | null;
  status: string; // 'sent' | 'done' | 'failed' | 'refused'
  reason: string | null;
  result: string | null;
  result_at: number | null;
}

/** Failed-login counts and locks of the embedded broker, per username and per client address. */
export interface BrokerLoginLocksTable {
  kind: 'username' | 'address';
  key: string;
  failures: number;
  /** Duration of the current/last lock, whole ms (0 = never locked). */
  lock_ms: number;
  /** Wall-clock deadline of the current/last lock, whole ms. */
  locked_until: number | null;
  last_failure_at: number;
}

export type Role = 'admin' | 'operator' | 'technician' | 'accountant';

/** A person using the backoffice (see backoffice/accounts/). */
export interface UsersTable {
  id: string;
  /** Lower-case, unique. */
  username: string;
  display_name: string;
  role: Role;
  /** `scrypt$<N>$<r>$<p>$<salt b64>$<hash b64>` (accounts/passwords.ts). */
  password_hash: string;
  /** Base32 TOTP secret; set by enrolment, in force only when totp_enabled = 1. */
  totp_secret: string | null;
  totp_enabled: number;
  /** Highest 30-s TOTP step accepted: a code is never accepted twice. */
  totp_last_step: number;
  disabled: number;
  created_at: number;
  updated_at: number;
}

export interface SessionsTable {
  /** SHA-256 (hex) of the random session id in the cookie; the id itself is never stored. */
  id_hash: string;
  user_id: string;
  created_at: number;
  last_seen_at: number;
  /** Absolute expiry (created + 12 h); the idle limit is checked against last_seen_at. */
  expires_at: number;
  /** 1 when the second factor was checked at login (or enrolment confirmed in this session). */
  totp_verified: number;
  client_address: string | null;
}

/** Consecutive failed logins per key (`user:<name>` whether or not it exists, `addr:<ip>`). */
export interface LoginThrottleTable {
  key: string;
  failures: number;
  /** Epoch ms, whole; 0 when not locked. */
  locked_until: number;
  updated_at: number;
}

export interface AuditLogTable {
  id: string;
  at: number;
  user_id: string | null;
  username: string | null;
  role: string | null;
  action: string;
  /** 'ok' | 'denied' | 'failed' */
  outcome: string;
  site_id: string | null;
  target: string | null;
  /** JSON object. */
  detail: string;
  client_address: string | null;
}

/* Read models (backoffice/projections): built from stored, non-flagged events; rebuildable. */

/** One row per alarm key of a site: its latest raise and what happened to it since. */
export interface PAlarmsTable {
  site_id: string;
  alarm_key: string;
  source: string;
  kind: string;
  severity: string; // 'critical' | 'warning' | 'info'
  reason: string;
  state: string; // 'open' | 'acked' | 'cleared'
  since: number;
  raised_at: number;
  acked_by: string | null;
  acked_at: number | null;
  cleared_at: number | null;
  cleared_reason: string | null;
  /** Seq of the last event that changed the row. */
  seq: number;
  /** Seq of the event that raised the alarm now in the row: the alarm's id within its site. */
  raise_seq: number | null;
}

export interface PDoorTable {
  site_id: string;
  state: string; // 'open' | 'closed'
  changed_at: number;
  fire: number;
  faulted: number;
  seq: number;
}

export interface PFridgesTable {
  site_id: string;
  fridge_id: string;
  /** Last reading, tenths of °C. */
  tenths: number | null;
  read_at: number | null;
  above: number;
  limit_tenths: number | null;
  blocked: number;
  blocked_since: number | null;
  seq: number;
  /** 1: in the point's last `fridge.configured`; 0: known only from its other events (or no longer configured). */
  configured: Generated<number>;
  /** The fridge's name and product group from `fridge.configured` (null until reported). */
  name: string | null;
  product_group: string | null;
}

export interface PLockersTable {
  site_id: string;
  compartment: string;
  occupancy: string; // 'free' | 'reserved' | 'occupied'
  size: string | null;
  parcel_id: string | null;
  since: number;
  uncollected: number;
  in_service: number;
  door: string; // 'closed' | 'open' | 'held-open' | 'unknown'
  seq: number;
  /** 1: in the point's last `locker.configured`; 0: known only from its other events (or no longer configured). */
  configured: Generated<number>;
}

/** Per site and kind ('lockers' | 'fridges'): the point reported this equipment (how many, when, by which event). */
export interface PEquipmentTable {
  site_id: string;
  kind: string;
  count: number;
  at: number;
  seq: number;
}

/** One sale per site (receipts online): from `sale.cart-fixed`, payments, `sale.committed`/`aborted`, `sale.receipt-issued`. */
export interface PSalesTable {
  site_id: string;
  sale_id: string;
  status: string; // 'open' | 'committed' | 'aborted'
  /** JSON: the sale's lines as the point priced them (contract SaleLineSchema). */
  lines: string;
  /** JSON: VAT per rate `{rate, netCents, vatCents, grossCents}[]`. */
  vat: string;
  total_cents: number;
  fixed_at: number;
  payment: string | null; // 'card' | 'phone' | 'account'
  committed_seq: number | null;
  committed_at: number | null;
  /** The receipt link's token (random, from `sale.receipt-issued`). */
  receipt_token: string | null;
  /** JSON `{name, address[]}` as printed on the receipt. */
  shop: string | null;
  receipt_at: number | null;
  seq: number;
}

export interface PMembersTable {
  site_id: string;
  member_id: string;
  name: string;
  role: string;
  age_verified: number;
  updated_at: number;
  seq: number;
}

export interface PCredentialsTable {
  site_id: string;
  credential_id: string;
  member_id: string | null;
  kind: string | null;
  role: string | null;
  age_verified: number;
  expires_at: number | null;
  status: string; // 'active' | 'revoked'
  revoked_reason: string | null;
  changed_at: number;
  seq: number;
}

/** A Stripe webhook event accepted once (signature checked), by Stripe's event id. */
export interface StripeEventsTable {
  /** `evt_…` */
  id: string;
  type: string;
  object_id: string | null;
  /** The point it concerns (`metadata.siteId`), when any. */
  site_id: string | null;
  /** Stripe's `created`, epoch ms. */
  created: number;
  received_at: number;
  /** The event JSON, card details (brand, last4, …) and personal data redacted (payments/webhooks.ts). */
  payload: string;
  /** 'pending' (to relay, not yet done) | 'relayed' | 'not-relayed' (type not relayed) | 'no-site' (no valid metadata.siteId). */
  relay: string;
  /** The downlink change version that carries it to the point. */
  relay_version: number | null;
  /** How often Stripe delivered it (duplicates and retries count). */
  deliveries: number;
}

/** Short link `/p/<code>` to a pay-by-phone Checkout Session (a short URL makes a sparse QR code). */
export interface PayLinksTable {
  code: string;
  session_id: string;
  site_id: string;
  sale_id: string;
  /** The Checkout Session's URL. */
  url: string;
  amount: number;
  /** The session's `expires_at`, epoch ms. */
  expires_at: number;
  created_at: number;
  /** When the session completed or expired (webhook); the link then ends. */
  ended_at: number | null;
}

export type MemberRole = 'member' | 'courier' | 'operator';
export type AgeMethod = 'id-card-seen' | 'passport-seen' | 'known-personally';

/** A person who may enter points (backoffice/members/). */
export interface MembersTable {
  /** 32 hex characters (fits the token's 1-32 character id). */
  id: string;
  name: string;
  role: MemberRole;
  /** JSON: `"all"` or an array of site ids. */
  sites: string;
  /** How and when age (18+) was verified in person; both null = not verified. Never a document number. */
  age_method: AgeMethod | null;
  /** `YYYY-MM-DD`. */
  age_date: string | null;
  /** Phone or e-mail as typed by the operator (free text); backoffice only, never sent to a point. */
  contact?: string | null;
  created_at: number;
  updated_at: number;
}

/** The opening rules last sent to a point (the `opening-rules` change), per site. */
export interface SiteOpeningRulesTable {
  site_id: string;
  /** JSON: the validated opening rules document. */
  rules: string;
  updated_at: number;
  /** Username of who saved them. */
  updated_by: string | null;
  /** The downlink change version that carried them. */
  change_version: number;
}

/** A QR token or a card (UID + PIN hash) of a member. */
export interface MemberCredentialsTable {
  /** 32 hex characters. */
  id: string;
  member_id: string;
  kind: 'token' | 'card';
  card_uid: string | null;
  /** Cards: `scrypt$N$r$p$salt$hash` (base64url); the PIN itself is never stored. */
  pin_hash: string | null;
  /** Whole ms; tokens are signed with it (floored to seconds). */
  issued_at: number;
  /** Whole ms; null = no expiry (cards only). */
  expires_at: number | null;
  revoked_at: number | null;
  revoke_reason: string | null;
}

/** A help request from a kiosk (`help.requested`); answered when a remote door release followed it. */
export interface PHelpRequestsTable {
  site_id: string;
  seq: number;
  at: number;
  screen: string;
  status: 'open' | 'answered';
  answered_at: number | null;
  answered_by: string | null;
}

/** A remote age check of a kiosk sale (`age-check.requested` with method remote, then its decision). */
export interface PAgeChecksTable {
  site_id: string;
  check_id: string;
  sale_id: string;
  seq: number;
  required_age: number;
  requested_at: number;
  /** The point's deadline (its clock, epoch ms). */
  deadline_at: number;
  /** `ended`: the sale ended (cancelled, restarted point) before anyone decided. */
  status: 'open' | 'approved' | 'declined' | 'expired' | 'ended';
  decided_at: number | null;
  operator: string | null;
}

/** An operator marked a help request answered (by phone, in person): the backoffice's own record. */
export interface HelpAnswersTable {
  site_id: string;
  seq: number;
  answered_at: number;
  answered_by: string;
  note: string | null;
}

export interface DB extends AlarmOpsTables {
  p_help_requests: PHelpRequestsTable;
  p_age_checks: PAgeChecksTable;
  help_answers: HelpAnswersTable;
  members: MembersTable;
  site_opening_rules: SiteOpeningRulesTable;
  member_credentials: MemberCredentialsTable;
  users: UsersTable;
  sessions: SessionsTable;
  login_throttle: LoginThrottleTable;
  audit_log: AuditLogTable;
  sites: SitesTable;
  events: EventsTable;
  archived_events: ArchivedEventsTable;
  rejected_messages: RejectedMessagesTable;
  site_credentials: SiteCredentialsTable;
  changes: ChangesTable;
  commands: CommandsTable;
  broker_login_locks: BrokerLoginLocksTable;
  flagged_events: FlaggedEventsTable;
  p_alarms: PAlarmsTable;
  p_door: PDoorTable;
  p_fridges: PFridgesTable;
  p_lockers: PLockersTable;
  p_equipment: PEquipmentTable;
  p_members: PMembersTable;
  p_sales: PSalesTable;
  p_credentials: PCredentialsTable;
  stripe_events: StripeEventsTable;
  pay_links: PayLinksTable;
  p_phone_payments: PPhonePaymentsTable;
  phone_payments: PhonePaymentsTable;
  member_accounts: MemberAccountsTable;
}

/**
 * Read model: a point's pay-by-phone requests (`phone-pay.requested`, `…cancel-requested`,
 * `…refund-requested`), what the dispatcher (payments/phoneDispatcher.ts) works from. Times are the point's.
 */
export interface PPhonePaymentsTable {
  site_id: string;
  payment_id: string;
  sale_id: string;
  amount: number;
  /** JSON `[{name, unitCents, quantity}]`. */
  lines: string;
  requested_seq: number;
  requested_at: number;
  cancel_at: number | null;
  refund_at: number | null;
  refund_amount: number | null;
}

/** What the dispatcher did for a phone payment (not a projection: it records Stripe's answers). */
export interface PhonePaymentsTable {
  site_id: string;
  payment_id: string;
  /** linked: session made, link sent; refused: no session (told the point); closed: expired or never made; unpaid: refund asked, nothing paid; refunded. */
  state: string;
  session_id: string | null;
  refund_id: string | null;
  updated_at: number;
}

/** Member account terms an operator set (sent to the member's sites as `account-terms`). */
export interface MemberAccountsTable {
  member_id: string;
  mode: string;
  limit_cents: number;
  open_cents: number;
  updated_at: number;
}

export type { Generated };
