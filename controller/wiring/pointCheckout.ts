/**
 * The kiosk checkout of a running point: the catalog over the ledger, the card provider (Stripe
 * Terminal when configured, else one that answers `unavailable`), the member account provider,
 * and the checkout service over the fridges' cold-chain blocks. `start()` reconciles what a crash
 * left unfinished before the kiosk routes take sales (the feature starts before the API); a phone
 * payment it finds still waiting keeps its sale open until the payment's time limit (`payMs` from
 * `payment.started`), since the customer may be paying on the phone. An applied payment change
 * (`payment.webhook`, `payment.phone`) nudges the sale it names (paymentNudge.ts).
 */
import type { Clock } from '../../firmware-bridge/platform/clock.ts';
import type { Logger } from '../../firmware-bridge/platform/logger.ts';
import { Catalog } from '../catalog/catalog.ts';
import type { Ledger } from '../ledger/index.ts';
import { createCheckout, type CheckoutService } from '../machines/checkout/checkoutService.ts';
import type { CheckoutDeps, RemoteAgePort } from '../machines/checkout/ports.ts';
import { createMemberAccountProvider, type AccountTerms } from '../payments/memberAccount.ts';
import type { PaymentProvider } from '../payments/ports.ts';
import { createPayByPhoneProvider } from '../payments/payByPhone.ts';
import { ledgerAccountTerms, paymentChangeEvents } from '../payments/paymentChanges.ts';
import type { ChangeEventMapper } from '../sync/changeApplier.ts';
import { createStripeTerminalProvider, type StripeTerminalConfig } from '../payments/stripeTerminal.ts';
import type { CheckoutKioskApi } from '../http/pointApi.ts';
import { checkoutKioskApi } from './checkoutKioskApi.ts';
import { nudgeOnPaymentChanges } from './paymentNudge.ts';
import { DEFAULT_CHECKOUT_TIMING } from '../machines/checkout/checkoutMachine.ts';
import { AWAITING_PAYMENT } from '../machines/checkout/reconcile.ts';
import type { PaymentRecord } from '../machines/checkout/saleBook.ts';

/** Stripe Terminal: the secret key, the kiosk's reader, and (tests, the local fake) where the API is. */
export interface PaymentsOptions {
  secretKey: string;
  readerId: string;
  api?: StripeTerminalConfig['api'];
}

export interface ShopOptions {
  name: string;
  address: string[];
}

export const DEFAULT_SHOP: ShopOptions = { name: 'dorfpunkt', address: [] };

export interface PointCheckoutDeps {
  siteId: string;
  ledger: Ledger;
  fridges: { isBlocked(fridgeId: string): boolean };
  /** Without it, card payments answer `unavailable` (the kiosk shows that card payment is not set up). */
  payments?: PaymentsOptions | undefined;
  /** Member account terms; default: the last `account.terms-set` per member (the backoffice's `account-terms` change). */
  accountTerms?: ((memberId: string) => AccountTerms | undefined) | undefined;
  /** Whether the link to the backoffice is up (pay by phone needs it); default: never (pay by phone refused). */
  online?: (() => boolean) | undefined;
  shop?: ShopOptions | undefined;
  clock: Clock;
  logger: Logger;
  /**
   * Remote age checks by an operator (the point has a link to the backoffice): see `outboxRemoteAge`.
   * Without it the kiosk's "ask an operator" is refused as unavailable.
   */
  remoteAge?: RemoteAgePort | undefined;
  /** Tests: the checkout's time limits. */
  timing?: CheckoutDeps['timing'];
}

export interface PointCheckout {
  readonly catalog: Catalog;
  readonly checkout: CheckoutService;
  readonly kiosk: CheckoutKioskApi;
  /** The payment downlink changes (`payment.webhook`, `payment.phone`, `account-terms`) for the sync client. */
  readonly changeEvents: Readonly<Record<string, ChangeEventMapper>>;
  start(): Promise<void>;
  stop(): void;
}

/**
 * The remote age port of a point linked to the backoffice: the request travels as the
 * `age-check.requested` event (with its deadline) that the checkout has already written to the
 * ledger, whose outbox carries it up; the operator's answer comes back as the `age-check.decide`
 * command (downlink/ageCheckCommands.ts). So the port itself only logs.
 */
export function outboxRemoteAge(logger: Logger): RemoteAgePort {
  return {
    request(req) {
      logger.info({ saleId: req.saleId, checkId: req.checkId, requiredAge: req.requiredAge, deadlineAt: req.deadlineAt }, 'remote age check requested');
    },
  };
}

/** Sales a provider could not settle at start (`deferred`) are tried again this often. */
export const RECONCILE_RETRY_MS = 5 * 60_000;

export const CARD_NOT_CONFIGURED = 'Kartenzahlung nicht eingerichtet';

/** The card provider of a point without a payment terminal: nothing starts, nothing is charged. */
export function unconfiguredCardProvider(): PaymentProvider {
  const detail = CARD_NOT_CONFIGURED;
  return {
    name: 'card-not-configured',
    start: async () => ({ kind: 'failed', reason: 'unavailable', detail }),
    retry: async () => ({ kind: 'failed', reason: 'unavailable', detail }),
    poll: async (ref) => ({ kind: 'unavailable', ref, detail }),
    cancel: async () => ({ kind: 'unavailable', detail }),
    capture: async () => ({ kind: 'unavailable', detail }),
    refund: async () => ({ kind: 'unavailable', detail }),
  };
}

export function createPointCheckout(deps: PointCheckoutDeps): PointCheckout {
  const { clock, logger } = deps;
  const catalog = new Catalog(deps.ledger);
  const card = deps.payments
    ? createStripeTerminalProvider(
        { secretKey: deps.payments.secretKey, readerId: deps.payments.readerId, siteId: deps.siteId, ...(deps.payments.api ? { api: deps.payments.api } : {}) },
        { clock, logger: logger.child({ module: 'stripe-terminal' }) },
      )
    : unconfiguredCardProvider();
  const account = createMemberAccountProvider({ ledger: deps.ledger, terms: deps.accountTerms ?? ledgerAccountTerms(deps.ledger) });
  const phone = createPayByPhoneProvider({ ledger: deps.ledger, online: deps.online ?? (() => false), logger });
  const checkout = createCheckout({
    ledger: deps.ledger,
    catalog,
    fridges: deps.fridges,
    providers: { card, account, phone },
    clock,
    logger,
    shop: deps.shop ?? DEFAULT_SHOP,
    ...(deps.remoteAge ? { remoteAge: deps.remoteAge } : {}),
    ...(deps.timing ? { timing: deps.timing } : {}),
  });
  const log = logger.child({ module: 'checkout' });
  let retryTimer: unknown = null;
  let stopped = false;
  const payMs = deps.timing?.payMs ?? DEFAULT_CHECKOUT_TIMING.payMs;
  // A phone payment interrupted by a restart may still be paid on the phone within its time limit.
  const awaiting = (p: PaymentRecord): boolean =>
    p.provider === phone.name && (deps.ledger.latestEvent('payment.started', { field: 'paymentId', equals: p.paymentId })?.at ?? 0) + payMs > clock.now();
  let running: Promise<void> = Promise.resolve();
  let deferredSales = new Set<string>();
  const reconcileNow = async (): Promise<void> => {
    if (retryTimer !== null) clock.clearTimeout(retryTimer);
    retryTimer = null;
    const r = await checkout.reconcile(awaiting);
    deferredSales = new Set(r.deferred.map((d) => d.saleId));
    const n = r.committed.length + r.aborted.length + r.voided.length + r.signed.length + r.deferred.length;
    if (n > 0) log.info({ ...r }, 'checkout reconciled unfinished sales');
    if (r.deferred.length > 0 && !stopped) {
      const soon = r.deferred.some((d) => d.detail === AWAITING_PAYMENT);
      retryTimer = clock.setTimeout(
        () => {
          retryTimer = null;
          reconcile().catch((err: unknown) => log.error({ err }, 'checkout reconciliation failed'));
        },
        soon ? Math.min(RECONCILE_RETRY_MS, payMs) : RECONCILE_RETRY_MS,
      );
    }
  };
  /** One reconciliation at a time. */
  const reconcile = (): Promise<void> => (running = running.then(reconcileNow, reconcileNow));
  const nudge = (saleId: string): void => {
    if (stopped) return;
    const s = checkout.session(saleId);
    if (s) s.poll().catch((err: unknown) => log.error({ err, saleId }, 'checkout poll after a payment change failed'));
    else if (deferredSales.has(saleId)) reconcile().catch((err: unknown) => log.error({ err }, 'checkout reconciliation failed'));
  };
  return {
    catalog,
    checkout,
    kiosk: checkoutKioskApi(checkout, catalog, phone),
    changeEvents: nudgeOnPaymentChanges(paymentChangeEvents(deps.ledger, logger), nudge, clock),
    async start() {
      await reconcile();
      if (!deps.payments) log.warn('no payment terminal configured: card payments are refused');
    },
    stop() {
      stopped = true;
      if (retryTimer !== null) clock.clearTimeout(retryTimer);
      checkout.close();
      catalog.close();
    },
  };
}
