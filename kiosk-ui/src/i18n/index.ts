import { de, type StringKey } from './de.ts';
import { en } from './en.ts';

export type Lang = 'de' | 'en';
export type { StringKey };
export type Translate = (key: StringKey, vars?: Record<string, string | number>) => string;

/** A translator for one language; `{name}` placeholders are filled from `vars`. */
export function translator(lang: Lang): Translate {
  const table = lang === 'en' ? en : de;
  return (key, vars) => table[key].replace(/\{(\w+)\}/g, (m, name: string) => (vars && name in vars ? String(vars[name]) : m));
}
