/**
 * A payment change the point applied (a relayed Stripe webhook, a phone payment's news) tells the
 * sale it names to look now instead of at the kiosk's next poll. The change itself moves no money:
 * the nudge only makes the checkout ask the provider (Stripe for a card, the ledger for a phone
 * payment), which stays the truth. A refused change (replayed, unknown, forged) throws before the
 * nudge is scheduled: it nudges nothing. The nudge runs after the change's events are recorded.
 */
import type { Clock } from '../../firmware-bridge/platform/clock.ts';
import { PAYMENT_PHONE } from '../contract/changes/phonePay.ts';
import type { ChangeEventMapper } from '../sync/changeApplier.ts';

export const NUDGED_CHANGES = ['payment.webhook', PAYMENT_PHONE] as const;

export function nudgeOnPaymentChanges(
  mappers: Readonly<Record<string, ChangeEventMapper>>,
  nudge: (saleId: string) => void,
  clock: Pick<Clock, 'setTimeout'>,
): Readonly<Record<string, ChangeEventMapper>> {
  const out: Record<string, ChangeEventMapper> = { ...mappers };
  for (const kind of NUDGED_CHANGES) {
    const inner = mappers[kind];
    if (!inner) continue;
    out[kind] = (body, change) => {
      const events = inner(body, change);
      const saleId = (body as { saleId?: unknown }).saleId;
      if (typeof saleId === 'string') clock.setTimeout(() => nudge(saleId), 0);
      return events;
    };
  }
  return out;
}
