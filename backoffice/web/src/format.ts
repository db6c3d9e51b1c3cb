/** Times, ages and temperatures in the page's language. */
import type { Lang, T } from './i18n.ts';

const locale = (lang: Lang): string => (lang === 'de' ? 'de-DE' : 'en-GB');

export function clockTime(lang: Lang, ms: number): string {
  return new Intl.DateTimeFormat(locale(lang), { hour: '2-digit', minute: '2-digit', second: '2-digit' }).format(ms);
}

export function dateTime(lang: Lang, ms: number): string {
  return new Intl.DateTimeFormat(locale(lang), { dateStyle: 'short', timeStyle: 'medium' }).format(ms);
}

/** "vor 5 s", "vor 3 min", … (a future time counts as now). */
export function ago(t: T, thenMs: number, nowMs: number): string {
  const s = Math.max(0, Math.round((nowMs - thenMs) / 1000));
  if (s < 120) return t('agoSeconds', { n: s });
  if (s < 7200) return t('agoMinutes', { n: Math.floor(s / 60) });
  if (s < 172_800) return t('agoHours', { n: Math.floor(s / 3600) });
  return t('agoDays', { n: Math.floor(s / 86_400) });
}

/** Tenths of °C (42) as "4,2 °C". */
export function celsius(lang: Lang, tenths: number): string {
  return `${(tenths / 10).toLocaleString(locale(lang), { minimumFractionDigits: 1, maximumFractionDigits: 1 })} °C`;
}
