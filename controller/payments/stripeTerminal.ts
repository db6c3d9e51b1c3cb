/**
 * Card payments on a Stripe Terminal reader, server-driven, with the official SDK:
 * PaymentIntent (card_present, manual capture) → `terminal.readers.processPaymentIntent` →
 * outcome by polling (PaymentIntent first: it is the truth about money; then the reader's
 * action) or from webhook events the backoffice relays → capture / cancel / refund.
 *
 * Every money-moving request carries the caller's idempotency key (suffixed per step), so a
 * crash and a re-issue with the same key gets Stripe's stored answer, never a second payment.
 * Past `readerTimeoutMs` without a tap, `poll` cancels the reader's action and reports a
 * timeout; the payment itself stays for the caller to `retry` or `cancel`.
 */
import Stripe from 'stripe';
import type { Clock } from '../../firmware-bridge/platform/clock.ts';
import type { Logger } from '../../firmware-bridge/platform/logger.ts';
import type {
  CancelResult,
  CaptureResult,
  CardSummary,
  PaymentOutcome,
  PaymentProvider,
  PaymentRef,
  RefundResult,
  StartRequest,
  StartResult,
} from './ports.ts';
import { classifyStripeError, type StripeFailure } from './stripeErrors.ts';

export interface StripeTerminalConfig {
  secretKey: string;
  readerId: string;
  /** This point: carried in every PaymentIntent's metadata so the backoffice relays its webhooks here. */
  siteId?: string;
  /** Where the API is (our local fake); omitted = api.stripe.com. */
  api?: { host: string; port: number; protocol: 'http' | 'https' };
  /** One HTTP request (default 10 s: a kiosk cannot wait the SDK's 80 s). */
  requestTimeoutMs?: number;
  /** SDK retries of a failed request, same idempotency key (default 2). */
  maxNetworkRetries?: number;
  /** How long the reader waits for a card before `poll` gives up (default 90 s). */
  readerTimeoutMs?: number;
}

export interface StripeTerminalDeps {
  clock: Clock;
  logger: Logger;
}

/** The subset of a Stripe event the provider reads (the backoffice verified the signature). */
export interface RelayedEvent {
  id: string;
  type: string;
  data: { object: unknown };
}

export interface StripeTerminalProvider extends PaymentProvider {
  /**
   * A webhook event relayed from the backoffice. PaymentIntent events that settle a payment
   * (authorised, succeeded, canceled — they never go back) answer the next `poll` without a
   * request; reader action events only say which payment to poll now (they may be stale).
   * Returns the payment the event concerns, or null.
   */
  acceptEvent(event: RelayedEvent): PaymentRef | null;
}

type PI = Stripe.PaymentIntent;

export function createStripeTerminalProvider(config: StripeTerminalConfig, deps: StripeTerminalDeps): StripeTerminalProvider {
  const stripe = new Stripe(config.secretKey, {
    ...(config.api ? { host: config.api.host, port: config.api.port, protocol: config.api.protocol } : {}),
    telemetry: false,
    maxNetworkRetries: config.maxNetworkRetries ?? 2,
    timeout: config.requestTimeoutMs ?? 10_000,
  });
  const log = deps.logger.child({ component: 'payments.stripe-terminal' });
  const readerTimeoutMs = config.readerTimeoutMs ?? 90_000;
  const readerId = config.readerId;
  /** Monotonic deadline of the current collection per payment (lost on restart: re-armed by poll). */
  const deadlines = new Map<PaymentRef, number>();
  const timedOut = new Set<PaymentRef>();
  const settled = new Map<PaymentRef, PaymentOutcome>();

  const arm = (ref: PaymentRef): void => {
    deadlines.set(ref, deps.clock.monotonic() + readerTimeoutMs);
    timedOut.delete(ref);
    settled.delete(ref);
  };

  function cardOf(pi: PI): CardSummary | null {
    const charge = pi.latest_charge;
    if (!charge || typeof charge === 'string') return null;
    const d = charge.payment_method_details;
    const c = d?.card_present ?? d?.card;
    return c?.brand && c.last4 ? { brand: c.brand, last4: c.last4 } : null;
  }

  function settledOutcome(pi: PI): PaymentOutcome | null {
    if (pi.status === 'requires_capture') {
      return { kind: 'approved', ref: pi.id, amountCents: pi.amount_capturable, captured: false, card: cardOf(pi) };
    }
    if (pi.status === 'succeeded') {
      return { kind: 'approved', ref: pi.id, amountCents: pi.amount_received, captured: true, card: cardOf(pi) };
    }
    if (pi.status === 'canceled') return { kind: 'canceled', ref: pi.id };
    return null;
  }

  async function process(ref: PaymentRef, idempotencyKey: string): Promise<StartResult> {
    try {
      await stripe.terminal.readers.processPaymentIntent(readerId, { payment_intent: ref }, { idempotencyKey });
      arm(ref);
      log.info({ ref, readerId }, 'card payment waiting on the reader');
      return { kind: 'pending', ref };
    } catch (err) {
      const f = classifyStripeError(err);
      const reason =
        f.kind === 'unavailable'
          ? 'unavailable'
          : f.code === 'terminal_reader_offline' || f.code === 'terminal_reader_timeout'
            ? 'reader-offline'
            : f.code === 'terminal_reader_busy'
              ? 'reader-busy'
              : 'rejected';
      log.warn({ ref, readerId, detail: f.detail }, 'the reader did not take the payment');
      return { kind: 'failed', reason, detail: f.detail, ref };
    }
  }

  async function retrievePi(ref: PaymentRef): Promise<PI> {
    return stripe.paymentIntents.retrieve(ref, { expand: ['latest_charge'] });
  }

  async function cancelReaderActionFor(ref: PaymentRef): Promise<void> {
    const reader = await stripe.terminal.readers.retrieve(readerId);
    if ('deleted' in reader && reader.deleted) return;
    const action = (reader as Stripe.Terminal.Reader).action;
    if (action?.status !== 'in_progress' || action.process_payment_intent?.payment_intent !== ref) return;
    try {
      await stripe.terminal.readers.cancelAction(readerId);
    } catch (err) {
      const f = classifyStripeError(err);
      if (f.kind === 'unavailable') throw err;
      // Busy: the action ended between our look and the cancel. Offline / timeout: the reader
      // cannot be told. Either way the PaymentIntent decides what happened (and cancelling it
      // stops a late tap from taking money).
      log.warn({ ref, readerId, detail: f.detail }, 'reader action not canceled');
    }
  }

  const unavailable = (ref: PaymentRef, f: StripeFailure): PaymentOutcome => ({ kind: 'unavailable', ref, detail: f.detail });

  return {
    name: 'stripe-terminal',

    async start(req: StartRequest): Promise<StartResult> {
      if (!Number.isInteger(req.amountCents) || req.amountCents <= 0) {
        return { kind: 'failed', reason: 'rejected', detail: `amount must be positive integer cents, got ${req.amountCents}` };
      }
      let pi: PI;
      try {
        pi = await stripe.paymentIntents.create(
          {
            amount: req.amountCents,
            currency: 'eur',
            allowed_payment_method_types: ['card_present'],
            capture_method: 'manual',
            metadata: { saleId: req.saleId, ...(config.siteId ? { siteId: config.siteId } : {}) },
          },
          { idempotencyKey: req.idempotencyKey },
        );
      } catch (err) {
        const f = classifyStripeError(err);
        log.warn({ saleId: req.saleId, detail: f.detail }, 'could not create the card payment');
        return { kind: 'failed', reason: f.kind === 'unavailable' ? 'unavailable' : 'rejected', detail: f.detail };
      }
      // A replay after a crash may find the payment already further along: poll tells the rest.
      if (pi.status !== 'requires_payment_method') {
        arm(pi.id);
        return { kind: 'pending', ref: pi.id };
      }
      const result = await process(pi.id, `${req.idempotencyKey}:process`);
      if (result.kind === 'failed') {
        try {
          await stripe.paymentIntents.cancel(pi.id, {}, { idempotencyKey: `${req.idempotencyKey}:abandon` });
        } catch (err) {
          log.warn({ ref: pi.id, detail: classifyStripeError(err).detail }, 'could not cancel the payment the reader refused');
        }
      }
      return result;
    },

    async retry(ref, idempotencyKey) {
      return process(ref, idempotencyKey);
    },

    async poll(ref) {
      const known = settled.get(ref);
      if (known) return known;
      if (timedOut.has(ref)) return { kind: 'timeout', ref };
      try {
        const pi = await retrievePi(ref);
        const done = settledOutcome(pi);
        if (done) {
          settled.set(ref, done);
          return done;
        }
        const reader = (await stripe.terminal.readers.retrieve(readerId)) as Stripe.Terminal.Reader;
        const action = reader.action;
        const ours = action?.process_payment_intent?.payment_intent === ref ? action : null;
        if (ours?.status === 'failed') {
          const code = ours.api_error?.code ?? ours.failure_code ?? 'unknown';
          return { kind: 'declined', ref, code, declineCode: ours.api_error?.decline_code ?? null };
        }
        if (ours?.status === 'in_progress' || ours?.status === 'succeeded') {
          if (!deadlines.has(ref)) deadlines.set(ref, deps.clock.monotonic() + readerTimeoutMs);
          if (deps.clock.monotonic() < (deadlines.get(ref) as number)) return { kind: 'pending', ref };
          await cancelReaderActionFor(ref);
          const after = settledOutcome(await retrievePi(ref));
          if (after) {
            settled.set(ref, after);
            return after;
          }
          timedOut.add(ref);
          deadlines.delete(ref);
          log.info({ ref, readerId }, 'no card within the reader timeout: reader action canceled');
          return { kind: 'timeout', ref };
        }
        const last = pi.last_payment_error;
        if (last) return { kind: 'declined', ref, code: last.code ?? 'unknown', declineCode: last.decline_code ?? null };
        return { kind: 'canceled', ref };
      } catch (err) {
        return unavailable(ref, classifyStripeError(err));
      }
    },

    async cancel(ref, idempotencyKey): Promise<CancelResult> {
      deadlines.delete(ref);
      try {
        await cancelReaderActionFor(ref);
        await stripe.paymentIntents.cancel(ref, {}, { idempotencyKey });
        settled.set(ref, { kind: 'canceled', ref });
        return { kind: 'canceled', ref };
      } catch (err) {
        const f = classifyStripeError(err);
        if (f.kind === 'unavailable') return f;
        try {
          const pi = await retrievePi(ref);
          if (pi.status === 'canceled') return { kind: 'canceled', ref };
          if (pi.status === 'succeeded') return { kind: 'failed', reason: 'already-captured', detail: f.detail };
        } catch (again) {
          const g = classifyStripeError(again);
          if (g.kind === 'unavailable') return g;
        }
        return { kind: 'failed', reason: 'rejected', detail: f.detail };
      }
    },

    async capture(ref, amountCents, idempotencyKey): Promise<CaptureResult> {
      try {
        const pi = await stripe.paymentIntents.capture(ref, { amount_to_capture: amountCents }, { idempotencyKey });
        settled.set(ref, { kind: 'approved', ref, amountCents: pi.amount_received, captured: true, card: null });
        log.info({ ref, amountCents: pi.amount_received }, 'card payment captured');
        return { kind: 'captured', ref, amountCents: pi.amount_received };
      } catch (err) {
        const f = classifyStripeError(err);
        if (f.kind === 'unavailable') return f;
        const reason = f.code === 'payment_intent_unexpected_state' ? 'not-capturable' : 'rejected';
        log.warn({ ref, detail: f.detail }, 'card payment not captured');
        return { kind: 'failed', reason, detail: f.detail };
      }
    },

    async refund(ref, amountCents, idempotencyKey): Promise<RefundResult> {
      try {
        const r = await stripe.refunds.create({ payment_intent: ref, amount: amountCents }, { idempotencyKey });
        log.info({ ref, refundId: r.id, amountCents: r.amount }, 'card payment refunded');
        return { kind: 'refunded', ref, refundId: r.id, amountCents: r.amount };
      } catch (err) {
        const f = classifyStripeError(err);
        if (f.kind === 'unavailable') return f;
        const notRefundable = ['payment_intent_unexpected_state', 'charge_already_refunded', 'amount_too_large'].includes(f.code);
        return { kind: 'failed', reason: notRefundable ? 'not-refundable' : 'rejected', detail: f.detail };
      }
    },

    acceptEvent(event) {
      if (typeof event !== 'object' || event === null || typeof event.data !== 'object' || event.data === null) return null;
      const obj = event.data.object as { object?: unknown; id?: unknown; action?: unknown } | null;
      if (!obj || typeof obj !== 'object') return null;
      if (obj.object === 'payment_intent' && typeof obj.id === 'string') {
        const pi = obj as unknown as PI;
        const done = settledOutcome(pi);
        if (
          done &&
          (event.type === 'payment_intent.amount_capturable_updated' || event.type === 'payment_intent.succeeded' || event.type === 'payment_intent.canceled')
        ) {
          // The relayed object does not expand the charge: keep a card summary we already have.
          const prev = settled.get(pi.id);
          settled.set(pi.id, done.kind === 'approved' && prev?.kind === 'approved' && !done.card ? { ...done, card: prev.card } : done);
        }
        return pi.id;
      }
      if (obj.object === 'terminal.reader') {
        const action = obj.action as { process_payment_intent?: { payment_intent?: unknown } } | null;
        const ref = action?.process_payment_intent?.payment_intent;
        return typeof ref === 'string' ? ref : null;
      }
      return null;
    },
  };
}
