/**
 * Downlink change `payment.webhook`: the outcome of a payment as Stripe reported it to the
 * backoffice's webhook receiver (a point behind NAT receives no webhooks), relayed to the point named
 * in the PaymentIntent's / Checkout Session's `metadata.siteId`. A change, not a command: it is
 * versioned and resent until the point confirms it, so a payment outcome is not lost while the point
 * is briefly offline. Stripe may deliver an event twice; the point applies each `eventId` once.
 * Never card data: no number, no brand, no last4.
 */
import { Type, type Static } from 'typebox';

export const PAYMENT_WEBHOOK = 'payment.webhook';

/** The Stripe event types the backoffice relays to a point. */
export const RELAYED_STRIPE_EVENTS = [
  'terminal.reader.action_succeeded',
  'terminal.reader.action_failed',
  'payment_intent.created',
  'payment_intent.amount_capturable_updated',
  'payment_intent.succeeded',
  'payment_intent.payment_failed',
  'payment_intent.canceled',
  'payment_intent.processing',
  'payment_intent.requires_action',
  'payment_intent.partially_funded',
  'checkout.session.completed',
  'checkout.session.expired',
] as const;

export type RelayedStripeEvent = (typeof RELAYED_STRIPE_EVENTS)[number];

const StripeId = Type.String({ pattern: '^[A-Za-z0-9_]{3,255}$' });

export const PaymentWebhookBody = Type.Object(
  {
    /** Stripe event id (`evt_…`): the point's de-duplication key. */
    eventId: StripeId,
    type: Type.Unsafe<RelayedStripeEvent>({ type: 'string', enum: [...RELAYED_STRIPE_EVENTS] }),
    /** The event's object: PaymentIntent `pi_…`, Checkout Session `cs_…` or reader `tmr_…`. */
    objectId: StripeId,
    /** The PaymentIntent concerned, when known (`null` for an expired session that was never paid). */
    paymentIntentId: Type.Union([StripeId, Type.Null()]),
    /** Stripe's status of the object (PI `succeeded`/`requires_capture`/…, session `complete`/`expired`, reader action `succeeded`/`failed`). */
    status: Type.String({ minLength: 1, maxLength: 64 }),
    /** Amount in integer cents (PI amount, session amount_total); `null` when Stripe did not say. */
    amountCents: Type.Union([Type.Integer({ minimum: 0, maximum: 99_999_999 }), Type.Null()]),
    /** `metadata.saleId` the point set when it asked for the payment. */
    saleId: Type.Union([Type.String({ minLength: 1, maxLength: 200 }), Type.Null()]),
    /** Machine code of a failure (reader `failure_code`, PI `last_payment_error.code`); never a message. */
    failureCode: Type.Union([Type.String({ minLength: 1, maxLength: 100 }), Type.Null()]),
    /** Stripe's event `created`, epoch ms (Stripe's clock). */
    createdAt: Type.Integer({ minimum: 0, maximum: 8_640_000_000_000_000 }),
  },
  { additionalProperties: false },
);

export type PaymentWebhook = Static<typeof PaymentWebhookBody>;
