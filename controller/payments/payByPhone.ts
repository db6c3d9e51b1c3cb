/**
 * Pay by phone behind the PaymentProvider port. The point cannot talk to Stripe's Checkout API in a
 * way the customer's phone could use (it sits behind NAT and holds no public links), so every step
 * is a ledger event that travels to the backoffice with the outbox, exactly once:
 *
 *   start   → `phone-pay.requested` (the basket): the backoffice creates the Checkout Session
 *             (idempotency key from the paymentId), a short link, and sends it back as the
 *             `payment.phone` change → `phone-pay.link` (the kiosk shows its QR code);
 *   poll    → paid once the relayed `checkout.session.completed` for this session and amount was
 *             applied (`phone-pay.paid`, paymentChanges.ts); canceled once the session ended;
 *   cancel  → `phone-pay.cancel-requested`: the backoffice expires the session, and refunds it if
 *             the customer paid after all (a late completion is never a payment without a sale);
 *   refund  → `phone-pay.refund-requested`; `refunded` only once the backoffice reported Stripe's
 *             refund (`phone-pay.ended` stage `refunded`), until then `unavailable` (retried).
 *
 * The ref is derived from the paymentId (`phone_<paymentId>`), so a start repeated after a crash
 * finds the same request: idempotent by construction. State is read from the ledger on each call.
 */
import type { Logger } from '../../firmware-bridge/platform/logger.ts';
import type { EventPayload, EventType } from '../contract/events/index.ts';
import type { LedgerEvent } from '../ledger/types.ts';
import type { CancelResult, CaptureResult, PaymentOutcome, PaymentProvider, RefundResult, StartResult } from './ports.ts';

export const PHONE = 'phone';
/** Stripe's smallest euro charge. */
export const PHONE_MIN_CENTS = 50;

export interface PhoneLedger {
  append<T extends EventType>(type: T, data: EventPayload<T>): LedgerEvent;
  latestEvent(type: string, where?: { field: string; equals: string | number }): LedgerEvent | undefined;
}

export interface PayByPhoneDeps {
  ledger: PhoneLedger;
  /** Whether the link to the backoffice is up now (a request would otherwise wait in the outbox). */
  online(): boolean;
  logger: Logger;
}

export interface PhoneLink {
  shortUrl: string;
  sessionId: string;
  amountCents: number;
  expiresAt: number;
}

export type PhoneProvider = PaymentProvider & {
  /** The short link of a payment once the backoffice sent it. */
  link(ref: string): PhoneLink | null;
};

export const phoneRef = (paymentId: string): string => `phone_${paymentId}`;
const paymentIdOf = (ref: string): string => ref.replace(/^phone_/, '');

export function createPayByPhoneProvider(deps: PayByPhoneDeps): PhoneProvider {
  const { ledger } = deps;
  const log = deps.logger.child({ module: 'pay-by-phone' });
  const latest = <T extends EventType>(type: T, paymentId: string): EventPayload<T> | undefined =>
    ledger.latestEvent(type, { field: 'paymentId', equals: paymentId })?.data as EventPayload<T> | undefined;

  const requested = (paymentId: string) => latest('phone-pay.requested', paymentId);
  const paid = (paymentId: string) => latest('phone-pay.paid', paymentId);
  const ended = (paymentId: string) => latest('phone-pay.ended', paymentId);

  function basket(saleId: string, amountCents: number): EventPayload<'phone-pay.requested'>['lines'] {
    const cart = ledger.latestEvent('sale.cart-fixed', { field: 'saleId', equals: saleId })?.data as EventPayload<'sale.cart-fixed'> | undefined;
    const lines = (cart?.lines ?? []).map((l) => ({ name: l.name, unitCents: l.unitCents + l.depositCents, quantity: l.quantity }));
    const sum = lines.reduce((s, l) => s + l.unitCents * l.quantity, 0);
    // The session must ask exactly the sale's total; if the lines do not add up, one line does.
    return sum === amountCents && lines.length > 0 && lines.length <= 200 ? lines : [{ name: 'dorfpunkt', unitCents: amountCents, quantity: 1 }];
  }

  const outcome = (ref: string): PaymentOutcome => {
    const id = paymentIdOf(ref);
    const p = paid(id);
    if (p) return { kind: 'approved', ref, amountCents: p.amountCents, captured: true, card: null };
    if (ended(id) || !requested(id)) return { kind: 'canceled', ref };
    return { kind: 'pending', ref };
  };

  return {
    name: PHONE,

    link(ref) {
      const l = latest('phone-pay.link', paymentIdOf(ref));
      return l ? { shortUrl: l.shortUrl, sessionId: l.sessionId, amountCents: l.amountCents, expiresAt: l.expiresAt } : null;
    },

    async start(req): Promise<StartResult> {
      if (!Number.isInteger(req.amountCents) || req.amountCents <= 0)
        return { kind: 'failed', reason: 'rejected', detail: 'amount must be positive integer cents' };
      const paymentId = req.idempotencyKey.replace(/^pay-/, '');
      const ref = phoneRef(paymentId);
      if (requested(paymentId)) return { kind: 'pending', ref };
      if (req.amountCents < PHONE_MIN_CENTS) return { kind: 'failed', reason: 'rejected', detail: 'amount-too-small: pay by phone from 0.50 EUR' };
      // Not `unavailable`: nothing was asked of anyone and nothing can be paid (no request was
      // recorded), so a reconciliation probing with this call may close the payment at once.
      if (!deps.online()) return { kind: 'failed', reason: 'rejected', detail: 'uplink-down: pay by phone needs the backoffice' };
      ledger.append('phone-pay.requested', { paymentId, saleId: req.saleId, amountCents: req.amountCents, lines: basket(req.saleId, req.amountCents) });
      log.info({ paymentId, saleId: req.saleId, amountCents: req.amountCents }, 'pay by phone: checkout session requested from the backoffice');
      return { kind: 'pending', ref };
    },

    async retry(ref) {
      return { kind: 'failed', reason: 'rejected', detail: 'a phone payment is not collected again; start a new one', ref };
    },

    async poll(ref) {
      return outcome(ref);
    },

    async cancel(ref): Promise<CancelResult> {
      const id = paymentIdOf(ref);
      if (paid(id)) return { kind: 'failed', reason: 'already-captured', detail: 'paid on the phone' };
      const r = requested(id);
      if (r && !ended(id) && !latest('phone-pay.cancel-requested', id)) {
        ledger.append('phone-pay.cancel-requested', { paymentId: id, saleId: r.saleId });
        log.info({ paymentId: id, saleId: r.saleId }, 'pay by phone: session to be expired by the backoffice');
      }
      return { kind: 'canceled', ref };
    },

    async capture(ref, amountCents): Promise<CaptureResult> {
      const p = paid(paymentIdOf(ref));
      if (!p) return { kind: 'failed', reason: 'not-capturable', detail: 'not paid' };
      if (amountCents !== p.amountCents) return { kind: 'failed', reason: 'rejected', detail: `paid ${p.amountCents} cents, sale asks ${amountCents}` };
      return { kind: 'captured', ref, amountCents: p.amountCents };
    },

    async refund(ref, amountCents): Promise<RefundResult> {
      const id = paymentIdOf(ref);
      const p = paid(id);
      if (!p) return { kind: 'failed', reason: 'not-refundable', detail: 'not paid' };
      const e = ended(id);
      if (e?.stage === 'refunded' && e.refundId) return { kind: 'refunded', ref, refundId: e.refundId, amountCents: e.amountCents ?? p.amountCents };
      if (!latest('phone-pay.refund-requested', id)) {
        ledger.append('phone-pay.refund-requested', { paymentId: id, saleId: p.saleId, amountCents: Math.min(amountCents, p.amountCents) });
        log.warn({ paymentId: id, saleId: p.saleId }, 'pay by phone: refund requested from the backoffice');
      }
      return { kind: 'unavailable', detail: 'refund requested; waiting for the backoffice' };
    },
  };
}
