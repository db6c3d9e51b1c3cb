/**
 * Every way a locker flow says no, with the message the kiosk shows (controller/i18n). The
 * keys are literal so the catalogue coverage test sees them used.
 */
import type { MessageKey } from '../i18n/i18n.ts';

export type LockerRefusal =
  | 'session-active'
  | 'wrong-step'
  | 'not-a-courier'
  | 'credential-invalid'
  | 'credential-expired'
  | 'credential-revoked'
  | 'reference-invalid'
  | 'size-invalid'
  | 'no-free-compartment'
  | 'no-pickup-code'
  | 'compartment-failed'
  | 'code-malformed'
  | 'code-invalid'
  | 'code-used'
  | 'code-expired'
  | 'locked-out'
  | 'busy'
  | 'unknown-compartment'
  | 'internal-error';

export const REFUSAL_MESSAGES: Readonly<Record<LockerRefusal, MessageKey>> = {
  'session-active': 'locker.refusal.session-active',
  'wrong-step': 'locker.refusal.wrong-step',
  'not-a-courier': 'locker.refusal.not-a-courier',
  'credential-invalid': 'locker.refusal.credential-invalid',
  'credential-expired': 'locker.refusal.credential-expired',
  'credential-revoked': 'locker.refusal.credential-revoked',
  'reference-invalid': 'locker.refusal.reference-invalid',
  'size-invalid': 'locker.refusal.size-invalid',
  'no-free-compartment': 'locker.refusal.no-free-compartment',
  'no-pickup-code': 'locker.refusal.no-pickup-code',
  'compartment-failed': 'locker.refusal.compartment-failed',
  'code-malformed': 'locker.refusal.code-malformed',
  'code-invalid': 'locker.refusal.code-invalid',
  'code-used': 'locker.refusal.code-used',
  'code-expired': 'locker.refusal.code-expired',
  'locked-out': 'locker.refusal.locked-out',
  busy: 'locker.refusal.busy',
  'unknown-compartment': 'locker.refusal.unknown-compartment',
  'internal-error': 'locker.refusal.internal-error',
};

export interface Refused {
  ok: false;
  reason: LockerRefusal;
  messageKey: MessageKey;
  /** English detail for the log and the operator. */
  detail: string;
  retryAfterMs?: number;
  /** After a compartment failed: the size of the compartment that would be offered next. */
  offer?: 'S' | 'M' | 'L';
}

export function refused(reason: LockerRefusal, detail: string, extra: { retryAfterMs?: number; offer?: 'S' | 'M' | 'L' } = {}): Refused {
  return { ok: false, reason, messageKey: REFUSAL_MESSAGES[reason], detail, ...extra };
}
