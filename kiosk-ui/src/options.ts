import type { Lang } from './i18n/index.ts';

/** Settings from the URL: `?idle=60000&warn=20000&lang=en` (tests shorten the timeouts). */
export interface KioskOptions {
  /** Without input for this long (ms) the warning appears (default 60 s). */
  idleMs: number;
  /** The warning's countdown (ms) before the kiosk returns to the welcome screen (default 20 s). */
  warnMs: number;
  lang: Lang;
  /** How long the hidden corner must be held for technician mode (ms, default 3 s). */
  techHoldMs: number;
}

export function readOptions(search: string): KioskOptions {
  const p = new URLSearchParams(search);
  const ms = (name: string, dflt: number): number => {
    const v = Number(p.get(name));
    return Number.isInteger(v) && v >= 500 && v <= 3_600_000 ? v : dflt;
  };
  return { idleMs: ms('idle', 60_000), warnMs: ms('warn', 20_000), lang: p.get('lang') === 'en' ? 'en' : 'de', techHoldMs: ms('hold', 3000) };
}
