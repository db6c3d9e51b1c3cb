/**
 * Why the checkout refused something. A refusal changes nothing: no ledger event, no payment.
 * The kiosk shows `refusalText(lang, reason)` (i18n `checkout.refused.<reason>`).
 */
import { t, type Lang, type MessageKey } from '../../i18n/i18n.ts';

export const REFUSAL_REASONS = [
  'malformed-gs1',
  'bad-gtin',
  'unknown-product',
  'expired',
  'fridge-blocked',
  'bad-quantity',
  'cart-full',
  'empty-cart',
  'total-mismatch',
  'not-now',
  'age-unknown-card',
  'age-not-verified',
  'age-wrong-pin',
  'age-method-unavailable',
  'age-approval-unknown',
  'age-approval-replayed',
  'age-approval-other-sale',
  'age-approval-expired',
  'account-unavailable',
  'payment-unavailable',
] as const;

export type RefusalReason = (typeof REFUSAL_REASONS)[number];

export interface Refusal {
  ok: false;
  reason: RefusalReason;
  /** For logs and operators (English, may name the product or field). */
  detail: string;
}

export const refuse = (reason: RefusalReason, detail: string): Refusal => ({ ok: false, reason, detail });

export function refusalText(lang: Lang, reason: RefusalReason): string {
  return t(lang, `checkout.refused.${reason}` as MessageKey);
}
