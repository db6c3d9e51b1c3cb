import { describe, expect, it } from 'vitest';
import type { HelpRequestView } from '../../controller/contract/kiosk/index.ts';
import { helpPhase, helpPhaseText } from './helpStatus.ts';
import { translator } from './i18n/index.ts';

const waiting: HelpRequestView = { seq: 7, requestedAt: 1000, answeredAt: null, answeredBy: null };
const help = (request: HelpRequestView | null, phone: string | null = null) => ({ request, phone, answerWithinMs: 180_000 });

describe('where the kiosk’s help request stands', () => {
  it('is sent until the backoffice acknowledged it, then arrived; a point without a link stays at sent', () => {
    expect(helpPhase({ seq: 7, help: help(waiting), ackedUpTo: 6, late: false })).toBe('sent');
    expect(helpPhase({ seq: 7, help: help(waiting), ackedUpTo: 7, late: false })).toBe('arrived');
    expect(helpPhase({ seq: 7, help: help(waiting), ackedUpTo: null, late: false })).toBe('sent');
  });

  it('is answered only by an answer to this request, even when late', () => {
    const answered = { ...waiting, answeredAt: 2000, answeredBy: 'anna' };
    expect(helpPhase({ seq: 7, help: help(answered), ackedUpTo: 7, late: true })).toBe('answered');
    // an answer to an earlier request (another seq) does not count
    expect(helpPhase({ seq: 9, help: help(answered), ackedUpTo: 9, late: false })).toBe('arrived');
    expect(helpPhase({ seq: 9, help: help(answered), ackedUpTo: 9, late: true })).toBe('overdue');
  });

  it('when unanswered in time offers the phone number if configured, else to try again or call 112, in German and English', () => {
    const de = translator('de');
    const en = translator('en');
    expect(helpPhaseText('overdue', de, '', '05555 123456')).toBe('Bisher hat niemand geantwortet. Bitte rufen Sie das Team an: 05555 123456.');
    expect(helpPhaseText('overdue', de, '', null)).toBe(
      'Bisher hat niemand geantwortet. Bitte versuchen Sie es noch einmal mit „Hilfe rufen“. Im Notfall: 112.',
    );
    expect(helpPhaseText('overdue', en, '', null)).toBe('Nobody has answered yet. Please try again with “Call for help”. In an emergency: 112.');
    expect(helpPhaseText('answered', en, '', null)).toBe('The door was opened by a member of staff. Please come in.');
    expect(helpPhaseText('sent', de, 'Hilfe ist gerufen.', null)).toBe('Hilfe ist gerufen.');
  });
});
