/** What the member components share: the API's refusal codes as sentences, dates, credential validity. */
import { ApiError } from '../api.ts';
import type { Credential } from '../operationsApi.ts';
import { errorText } from '../errors.ts';
import type { Lang, MessageKey, T } from '../i18n.ts';

/** The API's refusal codes of the member routes, as sentences. */
const MEMBER_ERRORS: Record<string, MessageKey> = {
  'unknown-site': 'memberErrUnknownSite',
  'bad-date': 'memberErrAgeDate',
  'card-in-use': 'memberErrCardInUse',
  revoked: 'memberErrRevoked',
  'no-token': 'memberErrNoToken',
  'no-signing-key': 'memberErrNoSigningKey',
  'bad-credential': 'memberErrCardUid',
  'not-found': 'memberErrNotFound',
};

export function memberErrorText(t: T, lang: Lang, e: unknown): string {
  const key = e instanceof ApiError ? MEMBER_ERRORS[e.code] : undefined;
  return key ? t(key) : errorText(t, lang, e, Date.now());
}

/** Today in the browser's time zone, YYYY-MM-DD. */
export const today = (): string => {
  const d = new Date();
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
};

export const dateText = (lang: Lang, ms: number): string => new Date(ms).toLocaleDateString(lang === 'de' ? 'de-DE' : 'en-GB');

export function validNow(c: Credential): boolean {
  return c.revokedAt === null && (c.expiresAt === null || c.expiresAt > Date.now());
}
