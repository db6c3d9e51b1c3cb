import type { Lang } from './i18n/index.ts';

/** Integer cents as euros for the screen: `8,28 €` in German, `€8.28` in English. */
export function formatCents(cents: number, lang: Lang): string {
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(Math.round(cents));
  const euros = Math.floor(abs / 100);
  const rest = String(abs % 100).padStart(2, '0');
  return lang === 'en' ? `${sign}€${euros}.${rest}` : `${sign}${euros},${rest} €`;
}
