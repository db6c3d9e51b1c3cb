/**
 * Ledger events of pay by phone (controller/payments/payByPhone.ts), of relayed Stripe webhooks and
 * of member account terms. `phone-pay.requested`, `…cancel-requested` and `…refund-requested` are
 * the point's requests to the backoffice: they travel up with the outbox (exactly once by
 * `(siteId, seq)`), and the backoffice acts on each once (backoffice/payments/phoneDispatcher.ts).
 * The others record downlink changes the point applied. Never card data.
 */
import { Type } from 'typebox';
import { Cents, defineEvents, EpochMs, Id, type PayloadsOf } from './define.ts';

const obj = <T extends Parameters<typeof Type.Object>[0]>(p: T) => Type.Object(p, { additionalProperties: false });
const StripeId = Type.String({ pattern: '^[A-Za-z0-9_]{3,255}$' });
const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);

const PhoneLine = obj({
  name: Type.String({ minLength: 1, maxLength: 60 }),
  unitCents: Type.Integer({ minimum: 0, maximum: 100_000 }),
  quantity: Type.Integer({ minimum: 1, maximum: 999 }),
});

export const paymentEvents = defineEvents({
  'phone-pay.requested': {
    summary: 'Pay by phone: the point asks the backoffice for a Stripe Checkout Session (one per paymentId) for this basket.',
    versions: [obj({ paymentId: Id, saleId: Id, amountCents: Cents, lines: Type.Array(PhoneLine, { minItems: 1, maxItems: 200 }) })],
  },
  'phone-pay.cancel-requested': {
    summary: 'Pay by phone: the point gave up on the payment (abort, timeout); the backoffice expires the session, or refunds it if it was paid meanwhile.',
    versions: [obj({ paymentId: Id, saleId: Id })],
  },
  'phone-pay.refund-requested': {
    summary: 'Pay by phone: a paid session whose sale could not be completed; the backoffice refunds it.',
    versions: [obj({ paymentId: Id, saleId: Id, amountCents: Cents })],
  },
  'phone-pay.link': {
    summary: "Pay by phone: the backoffice's short link to the Checkout Session arrived (shown as a QR code).",
    versions: [obj({ paymentId: Id, saleId: Id, sessionId: StripeId, shortUrl: Type.String({ maxLength: 300 }), amountCents: Cents, expiresAt: EpochMs })],
  },
  'phone-pay.ended': {
    summary: 'Pay by phone: the backoffice reported how a session ended without a sale (refused, expired, refunded).',
    versions: [
      obj({
        paymentId: Id,
        saleId: Id,
        stage: Type.Union([Type.Literal('refused'), Type.Literal('expired'), Type.Literal('refunded')]),
        sessionId: Nullable(StripeId),
        refundId: Nullable(StripeId),
        amountCents: Nullable(Cents),
        detail: Type.String({ maxLength: 100 }),
      }),
    ],
  },
  'phone-pay.paid': {
    summary: "Pay by phone: Stripe reported the session paid (a relayed checkout.session.completed for this point's session and amount).",
    versions: [obj({ paymentId: Id, saleId: Id, sessionId: StripeId, paymentIntentId: Nullable(StripeId), amountCents: Cents, eventId: StripeId })],
  },
  'payment.webhook-applied': {
    summary: 'A Stripe webhook the backoffice verified and relayed was applied at the point (once per Stripe event id).',
    versions: [
      obj({
        eventId: StripeId,
        type: Type.String({ minLength: 1, maxLength: 100 }),
        objectId: StripeId,
        paymentIntentId: Nullable(StripeId),
        status: Type.String({ minLength: 1, maxLength: 64 }),
        amountCents: Nullable(Cents),
        saleId: Id,
        /** The point's payment it concerns, when it could tell (pay by phone: always). */
        paymentId: Nullable(Id),
      }),
    ],
  },
  'account.terms-set': {
    summary:
      "Member account terms from the backoffice (prepaid balance or invoice credit limit); the point's account bookings after sinceSeq count against them.",
    versions: [
      obj({
        memberId: Id,
        mode: Type.Union([Type.Literal('prepaid'), Type.Literal('invoice'), Type.Literal('none')]),
        limitCents: Cents,
        openCents: Cents,
        sinceSeq: Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER }),
      }),
    ],
  },
});

export type PaymentPayloads = PayloadsOf<typeof paymentEvents>;
