/**
 * Stripe's documented test card numbers and what each does on a simulated reader. A card number
 * is looked at here and nowhere else: the fake keeps brand and last four digits only.
 */
export type CardOutcome = { kind: 'approved' } | { kind: 'declined'; declineCode: string; message: string } | { kind: 'error'; code: string; message: string };

export interface CardFacts {
  brand: string;
  last4: string;
  outcome: CardOutcome;
}

const SPECIAL: Record<string, CardOutcome> = {
  '4000000000000002': { kind: 'declined', declineCode: 'generic_decline', message: 'Your card was declined.' },
  '4000000000009995': { kind: 'declined', declineCode: 'insufficient_funds', message: 'Your card has insufficient funds.' },
  '4000000000009987': { kind: 'declined', declineCode: 'lost_card', message: 'Your card was declined.' },
  '4000000000000069': { kind: 'error', code: 'expired_card', message: 'Your card has expired.' },
  '4000000000000119': { kind: 'error', code: 'processing_error', message: 'An error occurred while processing your card.' },
};

export function luhnValid(digits: string): boolean {
  if (!/^\d{12,19}$/.test(digits)) return false;
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

function brandOf(number: string): string {
  if (number.startsWith('4')) return 'visa';
  if (/^(5[1-5]|2[2-7])/.test(number)) return 'mastercard';
  if (/^3[47]/.test(number)) return 'amex';
  return 'unknown';
}

/** The default card a reader sees when the test helper names none. */
export const DEFAULT_TEST_CARD = '4242424242424242';

/** null when the number is not a card number (the caller answers `incorrect_number`). */
export function inspectCard(number: string): CardFacts | null {
  if (!luhnValid(number)) return null;
  return { brand: brandOf(number), last4: number.slice(-4), outcome: SPECIAL[number] ?? { kind: 'approved' } };
}
