/** An API failure as a sentence for the user (the API's codes, not its German messages, drive the text). */
import { ApiError } from './api.ts';
import type { Lang, T } from './i18n.ts';
import { clockTime } from './format.ts';

export function errorText(t: T, lang: Lang, e: unknown, nowMs: number): string {
  if (!(e instanceof ApiError)) return t('errOther', { message: e instanceof Error ? e.message : String(e) });
  switch (e.code) {
    case 'invalid-credentials':
      return t('errInvalid');
    case 'totp-required':
      return t('errTotpRequired');
    case 'locked':
      return e.retryAfterSec !== null
        ? t('errLocked', { seconds: e.retryAfterSec, time: clockTime(lang, nowMs + e.retryAfterSec * 1000) })
        : t('errLockedNoTime');
    case 'network':
      return t('errNetwork');
    case 'unauthenticated':
      return t('errSessionEnded');
    case 'totp-enrolment-required':
      return t('errEnrolment');
    case 'forbidden':
      return t('errForbidden');
    case 'unknown-alarm':
      return t('errUnknownAlarm');
    case 'already-acknowledged':
      return t('errAlreadyAcknowledged');
    case 'already-cleared':
      return t('errAlreadyCleared');
    case 'empty-comment':
      return t('errEmptyComment');
    case 'comment-too-long':
      return t('errCommentTooLong');
    case 'bad-email':
      return t('errBadEmail');
    case 'email-required':
      return t('errEmailRequired');
    case 'bad-time-zone':
      return t('errBadTimeZone');
    case 'empty-quiet-hours':
      return t('errEmptyQuietHours');
    default:
      return t('errOther', { message: e.message });
  }
}
