/**
 * Downlink changes of pay by phone and member accounts.
 *
 * `payment.phone`: the backoffice's answer to a point's `phone-pay.requested` event (a point behind
 * NAT cannot reach Stripe's Checkout API through a browser, and must not hold the short links): the
 * Checkout Session's short link to show as a QR code, or why there is none; later how a session the
 * point gave up on ended (expired at Stripe, or refunded because the customer paid after all).
 * Keyed by the point's `paymentId`; the point records each stage once.
 *
 * `account-terms`: member account terms set by an operator (prepaid balance or monthly invoice with a
 * credit limit). Everything the point booked on the account after `sinceSeq` (its own ledger seq,
 * as far as the backoffice had ingested when it sent the terms) counts against them, so a point
 * cut off from the backoffice can lose at most the member's limit.
 */
import { Type, type Static } from 'typebox';

export const PAYMENT_PHONE = 'payment.phone';
export const ACCOUNT_TERMS = 'account-terms';

const Id = Type.String({ minLength: 1, maxLength: 200 });
const Cents = Type.Integer({ minimum: 0, maximum: 99_999_999 });
const Epoch = Type.Integer({ minimum: 0, maximum: 8_640_000_000_000_000 });
const SessionId = Type.String({ pattern: '^cs_[A-Za-z0-9_]{1,250}$' });

export const PhoneLinkStage = Type.Object(
  {
    stage: Type.Literal('link'),
    paymentId: Id,
    saleId: Id,
    sessionId: SessionId,
    /** The short link `<backoffice>/p/<code>` (what the QR code holds). */
    shortUrl: Type.String({ minLength: 10, maxLength: 300, pattern: '^https?://[^\\s"<>]+/p/[a-z0-9]{4,16}$' }),
    amountCents: Cents,
    /** When Stripe expires the session (epoch ms, Stripe's clock). */
    expiresAt: Epoch,
  },
  { additionalProperties: false },
);

export const PhoneEndStage = Type.Object(
  {
    /** refused: no session was made (amount, Stripe away); expired: the session ended unpaid; refunded: paid after the point gave up, money returned. */
    stage: Type.Union([Type.Literal('refused'), Type.Literal('expired'), Type.Literal('refunded')]),
    paymentId: Id,
    saleId: Id,
    sessionId: Type.Union([SessionId, Type.Null()]),
    /** refunded: Stripe's refund id. */
    refundId: Type.Union([Type.String({ pattern: '^re_[A-Za-z0-9_]{1,250}$' }), Type.Null()]),
    amountCents: Type.Union([Cents, Type.Null()]),
    /** A machine code (`amount-too-small`, `stripe-unreachable`, …); never a message. */
    detail: Type.String({ maxLength: 100 }),
  },
  { additionalProperties: false },
);

export const PhonePayChangeBody = Type.Union([PhoneLinkStage, PhoneEndStage]);
export type PhonePayChange = Static<typeof PhonePayChangeBody>;

export const AccountTermsSchema = Type.Object(
  {
    memberId: Id,
    /** none: the member has no account (any more). */
    mode: Type.Union([Type.Literal('prepaid'), Type.Literal('invoice'), Type.Literal('none')]),
    /** prepaid: the balance; invoice: the credit limit. */
    limitCents: Cents,
    /** invoice: billed but unpaid (counts against the limit); prepaid: 0. */
    openCents: Cents,
    /** The point's account events up to this ledger seq are already in limitCents / openCents. */
    sinceSeq: Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER }),
  },
  { additionalProperties: false },
);
export type AccountTermsChange = Static<typeof AccountTermsSchema>;

export const AccountTermsChangeBody = Type.Object({ terms: Type.Array(AccountTermsSchema, { minItems: 1, maxItems: 1000 }) }, { additionalProperties: false });
export type AccountTermsChangeBodyT = Static<typeof AccountTermsChangeBody>;
