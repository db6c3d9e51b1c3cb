/**
 * Where the person's help request stands, from the live snapshot: recorded at the point
 * (`sent`), acknowledged by the backoffice (`arrived`), answered by an operator's remote door
 * release (`answered`), or unanswered for longer than the point's `answerWithinMs` (`overdue`).
 */
import type { HelpViewData } from '../../controller/contract/kiosk/index.ts';
import type { Translate } from './i18n/index.ts';

export type HelpPhase = 'sent' | 'arrived' | 'answered' | 'overdue';

export function helpPhase(o: {
  /** seq of this visit's request (the `POST /api/help` answer). */
  seq: number;
  help: HelpViewData | null | undefined;
  /** The backoffice acknowledged the ledger up to here; null: the point has no link. */
  ackedUpTo: number | null;
  /** answerWithinMs passed since the request. */
  late: boolean;
}): HelpPhase {
  const request = o.help?.request;
  if (request && request.seq === o.seq && request.answeredAt !== null) return 'answered';
  if (o.late) return 'overdue';
  return o.ackedUpTo !== null && o.ackedUpTo >= o.seq ? 'arrived' : 'sent';
}

/** The text shown and spoken for a phase (`sent`: the point's own answer to the request). */
export function helpPhaseText(phase: HelpPhase, t: Translate, sentText: string, phone: string | null | undefined): string {
  if (phase === 'sent') return sentText;
  if (phase === 'arrived') return t('help.arrived');
  if (phase === 'answered') return t('help.answered');
  return phone ? t('help.overduePhone', { phone }) : t('help.overdue');
}
