/**
 * The point applies the payment downlink changes (merged into the sync client's `changeEvents`):
 *
 * - `payment.webhook`: a Stripe event the backoffice verified (signature on the raw body) and
 *   relayed. Applied once per Stripe event id; refused when it names no sale of this point, a
 *   Checkout Session this point never asked for, or an amount other than the session's (forged or
 *   misrouted). A paid session of this point becomes `phone-pay.paid`, an expired one `phone-pay.ended`.
 * - `payment.phone`: the backoffice's short link for a phone payment this point requested, or how
 *   the session ended (refused, refunded). Each stage once per payment.
 * - `account-terms`: member account terms → `account.terms-set`.
 *
 * A refused change throws ChangeRejected: the sync client logs `sync: change rejected` with the
 * reason, confirms the version as rejected and records nothing. Nothing here throws anything else.
 */
import type { Logger } from '../../firmware-bridge/platform/logger.ts';
import { checker } from '../contract/check.ts';
import { PaymentWebhookBody } from '../contract/changes/payments.ts';
import { ACCOUNT_TERMS, AccountTermsChangeBody, PAYMENT_PHONE, PhonePayChangeBody } from '../contract/changes/phonePay.ts';
import type { EventPayload, EventType } from '../contract/events/index.ts';
import type { LedgerEvent } from '../ledger/types.ts';
import { ChangeRejected, type ChangeEvent, type ChangeEventMapper } from '../sync/changeApplier.ts';

export interface PaymentChangeLedger {
  latestEvent(type: string, where?: { field: string; equals: string | number }): LedgerEvent | undefined;
}

const webhookCheck = checker(PaymentWebhookBody);
const phoneCheck = checker(PhonePayChangeBody);
const termsCheck = checker(AccountTermsChangeBody);

function valid<T>(c: { check(v: unknown): v is T; problems(v: unknown): string[] }, body: unknown, kind: string): T {
  if (!c.check(body)) throw new ChangeRejected(`${kind} change is invalid: ${c.problems(body).join('; ')}`);
  return body;
}

const ev = <T extends EventType>(type: T, data: EventPayload<T>): ChangeEvent => ({ type, data: data as Record<string, unknown> });

export function paymentChangeEvents(ledger: PaymentChangeLedger, logger: Logger): Readonly<Record<string, ChangeEventMapper>> {
  const log = logger.child({ module: 'payment-changes' });
  const find = <T extends EventType>(type: T, field: string, equals: string): EventPayload<T> | undefined =>
    ledger.latestEvent(type, { field, equals })?.data as EventPayload<T> | undefined;

  return {
    'payment.webhook'(body) {
      const w = valid(webhookCheck, body, 'payment.webhook');
      if (find('payment.webhook-applied', 'eventId', w.eventId)) throw new ChangeRejected(`payment.webhook ${w.eventId} replayed: already applied once`);
      if (w.saleId === null) throw new ChangeRejected(`payment.webhook ${w.eventId} (${w.type}) names no sale`);
      const applied = {
        eventId: w.eventId,
        type: w.type,
        objectId: w.objectId,
        paymentIntentId: w.paymentIntentId,
        status: w.status,
        amountCents: w.amountCents,
        saleId: w.saleId,
      };
      if (!w.type.startsWith('checkout.session.')) {
        const started = find('payment.started', 'saleId', w.saleId);
        if (!started) throw new ChangeRejected(`payment.webhook ${w.eventId} (${w.type}) names sale ${w.saleId}, unknown at this point`);
        return [ev('payment.webhook-applied', { ...applied, paymentId: null })];
      }
      const link = find('phone-pay.link', 'sessionId', w.objectId);
      if (!link || link.saleId !== w.saleId)
        throw new ChangeRejected(
          `payment.webhook ${w.eventId} (${w.type}): Checkout Session ${w.objectId} of sale ${w.saleId} was not requested by this point`,
        );
      const out = [ev('payment.webhook-applied', { ...applied, paymentId: link.paymentId })];
      if (w.type === 'checkout.session.completed') {
        if (w.status !== 'complete') throw new ChangeRejected(`payment.webhook ${w.eventId}: session completed with status ${w.status}`);
        if (w.amountCents !== link.amountCents)
          throw new ChangeRejected(`payment.webhook ${w.eventId}: session ${w.objectId} paid ${w.amountCents} cents, the sale asked ${link.amountCents}`);
        if (!find('phone-pay.paid', 'paymentId', link.paymentId)) {
          out.push(
            ev('phone-pay.paid', {
              paymentId: link.paymentId,
              saleId: link.saleId,
              sessionId: w.objectId,
              paymentIntentId: w.paymentIntentId,
              amountCents: w.amountCents,
              eventId: w.eventId,
            }),
          );
        }
        if (find('phone-pay.cancel-requested', 'paymentId', link.paymentId))
          log.warn({ paymentId: link.paymentId, saleId: link.saleId }, 'pay by phone: paid after the point gave up on it; the backoffice refunds it');
      } else if (w.type === 'checkout.session.expired' && !find('phone-pay.ended', 'paymentId', link.paymentId)) {
        out.push(
          ev('phone-pay.ended', {
            paymentId: link.paymentId,
            saleId: link.saleId,
            stage: 'expired',
            sessionId: w.objectId,
            refundId: null,
            amountCents: null,
            detail: 'expired',
          }),
        );
      }
      return out;
    },

    [PAYMENT_PHONE](body) {
      const c = valid(phoneCheck, body, PAYMENT_PHONE);
      const req = find('phone-pay.requested', 'paymentId', c.paymentId);
      if (!req || req.saleId !== c.saleId)
        throw new ChangeRejected(`${PAYMENT_PHONE}: payment ${c.paymentId} of sale ${c.saleId} was not requested by this point`);
      if (c.stage === 'link') {
        if (find('phone-pay.link', 'paymentId', c.paymentId)) throw new ChangeRejected(`${PAYMENT_PHONE}: payment ${c.paymentId} already has its link`);
        if (c.amountCents !== req.amountCents)
          throw new ChangeRejected(`${PAYMENT_PHONE}: link for ${c.amountCents} cents, the point asked ${req.amountCents}`);
        return [
          ev('phone-pay.link', {
            paymentId: c.paymentId,
            saleId: c.saleId,
            sessionId: c.sessionId,
            shortUrl: c.shortUrl,
            amountCents: c.amountCents,
            expiresAt: c.expiresAt,
          }),
        ];
      }
      const prev = find('phone-pay.ended', 'paymentId', c.paymentId);
      if (prev?.stage === c.stage || prev?.stage === 'refunded')
        throw new ChangeRejected(`${PAYMENT_PHONE}: payment ${c.paymentId} already ended (${prev.stage})`);
      if (c.stage === 'refunded' && !find('phone-pay.paid', 'paymentId', c.paymentId))
        log.warn({ paymentId: c.paymentId }, 'pay by phone: refunded a payment the point never saw paid');
      return [
        ev('phone-pay.ended', {
          paymentId: c.paymentId,
          saleId: c.saleId,
          stage: c.stage,
          sessionId: c.sessionId,
          refundId: c.refundId,
          amountCents: c.amountCents,
          detail: c.detail,
        }),
      ];
    },

    [ACCOUNT_TERMS](body) {
      const b = valid(termsCheck, body, ACCOUNT_TERMS);
      return b.terms.map((t) => ev('account.terms-set', { ...t }));
    },
  };
}

/** The member's account terms as last set by the backoffice (`account.terms-set`); undefined = no account. */
export function ledgerAccountTerms(ledger: PaymentChangeLedger) {
  return (memberId: string): { mode: 'prepaid' | 'invoice'; limitCents: number; openCents: number; sinceSeq: number } | undefined => {
    const t = ledger.latestEvent('account.terms-set', { field: 'memberId', equals: memberId })?.data as EventPayload<'account.terms-set'> | undefined;
    if (!t || t.mode === 'none') return undefined;
    return { mode: t.mode, limitCents: t.limitCents, openCents: t.openCents, sinceSeq: t.sinceSeq };
  };
}
