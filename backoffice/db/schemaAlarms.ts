/**
 * Tables of the operators' alarm work (backoffice/alarms/): what operators did with an alarm and
 * their e-mail notifications. Operator data, not read models: a projections rebuild never touches
 * them. An alarm is named by `(site_id, raise_seq)`: the seq of the event that raised it (a new
 * raise of the same condition is a new alarm), which a rebuild gives again.
 */

/** Acknowledgement and clearing of one alarm (one row per alarm once someone acted). */
export interface AlarmActionsTable {
  site_id: string;
  raise_seq: number;
  alarm_key: string;
  acked_by: string | null;
  acked_by_name: string | null;
  acked_at: number | null;
  cleared_by: string | null;
  cleared_by_name: string | null;
  cleared_at: number | null;
}

export interface AlarmCommentsTable {
  id: string;
  site_id: string;
  raise_seq: number;
  author_id: string;
  author_name: string;
  text: string;
  at: number;
}

/** A user's alarm e-mail settings (no row: no mails). */
export interface NotificationSettingsTable {
  user_id: string;
  email: string;
  enabled: number;
  /** 'critical' | 'warning' | 'info': the least severe alarm that is mailed. */
  min_severity: string;
  /** Quiet hours as seconds after local midnight; both null: none. */
  quiet_start: number | null;
  quiet_end: number | null;
  time_zone: string;
  language: string;
  updated_at: number;
}

/** Per site: the last stored event seq (of ledger epoch `epoch`) the notifier has turned into mails. */
export interface AlarmNotifyCursorTable {
  site_id: string;
  epoch: number;
  seq: number;
}

/** One alarm to mail to one user; sent alone (critical or outside quiet hours) or in a digest (held). */
export interface AlarmMailOutboxTable {
  id: string;
  user_id: string;
  site_id: string;
  raise_seq: number;
  alarm_key: string;
  source: string;
  kind: string;
  severity: string;
  reason: string;
  since: number;
  raised_at: number;
  created_at: number;
  /** Not before this (the end of the quiet hours for held alarms). */
  due_at: number;
  /** 1: held by quiet hours, goes out in a digest. */
  held: number;
  /** 'pending' | 'sent' */
  status: string;
  attempts: number;
  next_attempt_at: number;
  last_error: string | null;
  sent_at: number | null;
}

export interface AlarmOpsTables {
  alarm_actions: AlarmActionsTable;
  alarm_comments: AlarmCommentsTable;
  notification_settings: NotificationSettingsTable;
  alarm_notify_cursor: AlarmNotifyCursorTable;
  alarm_mail_outbox: AlarmMailOutboxTable;
}
