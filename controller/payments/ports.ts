/**
 * The payment provider port the checkout machine drives. Every call that creates or moves money
 * takes an idempotency key the caller derived from a ledger id and wrote to the ledger *before*
 * calling: after a crash the same call with the same key returns the first result instead of
 * charging twice. `ref` is the provider's opaque handle (Stripe: the PaymentIntent id); the
 * caller persists it as soon as it has it.
 *
 * Nothing here carries card data: at most the brand and the last four digits for the receipt.
 */
export type PaymentRef = string;

export interface StartRequest {
  saleId: string;
  /** Integer euro cents, > 0. */
  amountCents: number;
  /** From the ledger (e.g. `pay-<paymentId>`), stored before the call. */
  idempotencyKey: string;
}

export type StartFailure =
  /** The provider could not be reached or failed on its side: nothing was started. */
  | 'unavailable'
  | 'reader-offline'
  | 'reader-busy'
  /** The provider refused the request (bad amount, bad key, misconfiguration). */
  | 'rejected';

export type StartResult =
  | { kind: 'pending'; ref: PaymentRef }
  /** `ref` is set when a payment was created before the failure (it has been canceled, best effort). */
  | { kind: 'failed'; reason: StartFailure; detail: string; ref?: PaymentRef };

export interface CardSummary {
  brand: string;
  last4: string;
}

export type PaymentOutcome =
  /** Still waiting for the customer's card. */
  | { kind: 'pending'; ref: PaymentRef }
  /** Authorised (`captured: false`: capture or cancel it) or already captured. */
  | { kind: 'approved'; ref: PaymentRef; amountCents: number; captured: boolean; card: CardSummary | null }
  /** `code` e.g. `card_declined`, `expired_card`; `declineCode` the issuer's reason, e.g. `insufficient_funds`. */
  | { kind: 'declined'; ref: PaymentRef; code: string; declineCode: string | null }
  /** Nobody paid within the reader timeout; the reader's action was canceled. Nothing was charged. */
  | { kind: 'timeout'; ref: PaymentRef }
  /** The payment or the reader's collection was canceled (here, at the reader, or by an expiry). */
  | { kind: 'canceled'; ref: PaymentRef }
  /** The provider could not be asked; ask again later. */
  | { kind: 'unavailable'; ref: PaymentRef; detail: string };

export type CaptureResult =
  | { kind: 'captured'; ref: PaymentRef; amountCents: number }
  /** `not-capturable`: canceled, lapsed, or never authorised. */
  | { kind: 'failed'; reason: 'not-capturable' | 'rejected'; detail: string }
  | { kind: 'unavailable'; detail: string };

export type CancelResult =
  { kind: 'canceled'; ref: PaymentRef } | { kind: 'failed'; reason: 'already-captured' | 'rejected'; detail: string } | { kind: 'unavailable'; detail: string };

export type RefundResult =
  | { kind: 'refunded'; ref: PaymentRef; refundId: string; amountCents: number }
  | { kind: 'failed'; reason: 'not-refundable' | 'rejected'; detail: string }
  | { kind: 'unavailable'; detail: string };

export interface PaymentProvider {
  readonly name: string;
  /** Create the payment and hand it to the reader. */
  start(req: StartRequest): Promise<StartResult>;
  /** Collect again on the same payment (after a decline or a timeout); never a second payment. */
  retry(ref: PaymentRef, idempotencyKey: string): Promise<StartResult>;
  /** Where the payment stands. Past the reader timeout this cancels the reader's action. */
  poll(ref: PaymentRef): Promise<PaymentOutcome>;
  /** Stop collecting and void the payment (releases an authorisation). Safe to repeat. */
  cancel(ref: PaymentRef, idempotencyKey: string): Promise<CancelResult>;
  /** Take `amountCents` (≤ the authorised amount) of an approved payment. */
  capture(ref: PaymentRef, amountCents: number, idempotencyKey: string): Promise<CaptureResult>;
  refund(ref: PaymentRef, amountCents: number, idempotencyKey: string): Promise<RefundResult>;
}
