import type { HelpViewData, KioskClient } from '../../controller/contract/kiosk/index.ts';
import { KioskHttpError } from '../../controller/contract/kiosk/index.ts';
import type { Lang, Translate } from './i18n/index.ts';

export type Screen = 'welcome' | 'shop' | 'pickup' | 'courier' | 'help' | 'technician';

/** What every screen gets from the shell. */
export interface Ctx {
  t: Translate;
  lang: Lang;
  client: KioskClient;
  /** Speak a key step (when speech is on). */
  say(text: string): void;
  go(screen: Screen): void;
  /** The screen before help was opened (sent with the help request). */
  from: Screen;
  /** The point's link to the backoffice is down (help is queued). */
  noBackoffice: boolean;
  /** Help requests and their answers from the live snapshot (null: not known yet or not offered). */
  help: HelpViewData | null;
  /** The backoffice acknowledged the point's ledger up to this seq; null: the point has no link. */
  ackedUpTo: number | null;
  /** Codes read by the point's serial scanner (live `scan` messages); returns the unsubscribe. */
  onScan(listener: (code: string) => void): () => void;
}

/** The text for a failed call: the point's own message, or that it does not answer. */
export function failureText(err: unknown, t: Translate): string {
  if (err instanceof KioskHttpError) return err.message;
  if (err instanceof TypeError) return t('error.unreachable');
  return t('error.generic');
}
