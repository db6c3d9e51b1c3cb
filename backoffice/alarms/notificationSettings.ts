/**
 * A user's alarm e-mail settings (`GET/PUT /api/me/notifications`): address, on/off, least severity
 * mailed, quiet hours in a time zone, mail language. No row: mails off.
 */
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';
import type { NotificationSettingsBody } from '../http/schemas/alarms.ts';
import { formatTimeOfDay, isTimeZone, parseTimeOfDay } from './quietHours.ts';

export const DEFAULT_SETTINGS: NotificationSettingsBody = {
  email: '',
  enabled: false,
  minSeverity: 'warning',
  quietHours: null,
  timeZone: 'Europe/Berlin',
  language: 'de',
};

export class SettingsInputError extends Error {
  constructor(
    readonly code: 'bad-email' | 'email-required' | 'bad-time-zone' | 'empty-quiet-hours',
    message: string,
  ) {
    super(message);
  }
}

const EMAIL_RE = /^[^\s@<>()",;:]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$/;

export function settingsProblem(s: NotificationSettingsBody): SettingsInputError | null {
  const email = s.email.trim();
  if (email !== '' && !EMAIL_RE.test(email)) return new SettingsInputError('bad-email', `${email} ist keine gültige E-Mail-Adresse`);
  if (s.enabled && email === '') return new SettingsInputError('email-required', 'Für Benachrichtigungen wird eine E-Mail-Adresse gebraucht');
  if (!isTimeZone(s.timeZone)) return new SettingsInputError('bad-time-zone', `Unbekannte Zeitzone ${s.timeZone}`);
  if (s.quietHours && parseTimeOfDay(s.quietHours.start) === parseTimeOfDay(s.quietHours.end))
    return new SettingsInputError('empty-quiet-hours', 'Beginn und Ende der Ruhezeit sind gleich');
  return null;
}

export async function getSettings(db: Kysely<DB>, userId: string): Promise<NotificationSettingsBody> {
  const r = await db.selectFrom('notification_settings').selectAll().where('user_id', '=', userId).executeTakeFirst();
  if (!r) return DEFAULT_SETTINGS;
  return {
    email: r.email,
    enabled: Number(r.enabled) === 1,
    minSeverity: r.min_severity as NotificationSettingsBody['minSeverity'],
    quietHours:
      r.quiet_start === null || r.quiet_end === null ? null : { start: formatTimeOfDay(Number(r.quiet_start)), end: formatTimeOfDay(Number(r.quiet_end)) },
    timeZone: r.time_zone,
    language: r.language === 'en' ? 'en' : 'de',
  };
}

/** Validates and stores; throws SettingsInputError (nothing stored) on bad input. */
export async function putSettings(db: Kysely<DB>, userId: string, s: NotificationSettingsBody, now: number): Promise<NotificationSettingsBody> {
  const problem = settingsProblem(s);
  if (problem) throw problem;
  const row = {
    user_id: userId,
    email: s.email.trim(),
    enabled: s.enabled ? 1 : 0,
    min_severity: s.minSeverity,
    quiet_start: s.quietHours ? parseTimeOfDay(s.quietHours.start) : null,
    quiet_end: s.quietHours ? parseTimeOfDay(s.quietHours.end) : null,
    time_zone: s.timeZone,
    language: s.language,
    updated_at: Math.floor(now),
  };
  const { user_id: _u, ...update } = row;
  await db
    .insertInto('notification_settings')
    .values(row)
    .onConflict((oc) => oc.column('user_id').doUpdateSet(update))
    .execute();
  return getSettings(db, userId);
}
