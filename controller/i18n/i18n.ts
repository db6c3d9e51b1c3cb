import { de, type MessageKey } from './messages.de.ts';
import { en } from './messages.en.ts';

export type Lang = 'de' | 'en';
export const LANGS: readonly Lang[] = ['de', 'en'];
export type { MessageKey };

const catalogs: Record<Lang, Record<MessageKey, string>> = { de, en };

/** German unless English is asked for; anything else falls back to German. */
export function pickLang(requested: string | undefined): Lang {
  return requested?.toLowerCase().startsWith('en') ? 'en' : 'de';
}

export function catalog(lang: Lang): Readonly<Record<MessageKey, string>> {
  return catalogs[lang];
}

export function isMessageKey(key: string): key is MessageKey {
  return Object.hasOwn(de, key);
}

export function t(lang: Lang, key: MessageKey): string {
  return catalogs[lang][key];
}

/** Text for a machine reason code (access decisions): `reason.<code>`, or a generic fallback. */
export function reasonText(lang: Lang, reason: string): string {
  const key = `reason.${reason}`;
  return isMessageKey(key) ? catalogs[lang][key] : catalogs[lang]['reason.unknown'];
}
