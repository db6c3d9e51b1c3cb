/**
 * The checkout on real parts: a real ledger file, the catalog from the demo downlink change,
 * members from a real `members` change, the Stripe fake with the real Terminal provider, the
 * member account provider. `restart()` abandons the controller as a `kill -9` would (no
 * cleanup of sales) and builds a new one on the same ledger file; the Stripe fake lives on.
 */
import { createSilentLogger } from '../../firmware-bridge/platform/logger.ts';
import { startFake, type FakeHarness } from '../../fakes/stripe/testSupport.ts';
import { hashPin } from '../../controller/access/pin.ts';
import { Catalog, catalogChangeMapper } from '../../controller/catalog/catalog.ts';
import { demoCatalogChange } from '../../controller/catalog/demoCatalog.ts';
import { changeEvents } from '../../controller/downlink/changes.ts';
import { ledgerFixture } from '../../controller/ledger/testSupport.ts';
import type { Ledger } from '../../controller/ledger/ledger.ts';
import { createCheckout, type CheckoutService } from '../../controller/machines/checkout/checkoutService.ts';
import type { CheckoutDeps, CrashStep, RemoteAgePort } from '../../controller/machines/checkout/ports.ts';
import { createMemberAccountProvider, type AccountTerms } from '../../controller/payments/memberAccount.ts';
import { createStripeTerminalProvider } from '../../controller/payments/stripeTerminal.ts';

export const PIN = '4711';
export const ADULT_CARD = 'CARD-ADULT';
export const YOUNG_CARD = 'CARD-YOUNG';
export const TIMING = { idleMs: 180_000, ageMs: 120_000, payMs: 300_000, remoteAgeMs: 60_000, maxPinAttempts: 3, retryMs: 15_000 };
export const READER_TIMEOUT_MS = 60_000;

export class SimulatedCrash extends Error {
  override readonly name = 'SimulatedCrash';
}

export class CheckoutRig {
  ledger!: Ledger;
  catalog!: Catalog;
  checkout!: CheckoutService;
  readonly blocked = new Set<string>();
  readonly remoteRequests: Array<{ saleId: string; checkId: string }> = [];
  readonly terms = new Map<string, AccountTerms>();
  /** Throw at this step once (then cleared): the controller is abandoned there. */
  crashAt: CrashStep | null = null;
  readerId = '';
  private seq = 0;

  private constructor(
    readonly stripe: FakeHarness,
    private readonly fx: ReturnType<typeof ledgerFixture>,
  ) {}

  static async create(): Promise<CheckoutRig> {
    const stripe = await startFake();
    const rig = new CheckoutRig(stripe, ledgerFixture());
    rig.readerId = stripe.fake.registerReader('Kiosk').id;
    rig.ledger = rig.fx.open({ clock: stripe.clock });
    rig.ledger.appendMany(catalogChangeMapper(demoCatalogChange(), {} as never) as never);
    const pinHash = await hashPin(PIN, { N: 1024, r: 8, p: 1 });
    const members = {
      members: [
        { memberId: 'm-adult', name: 'Erika Muster', role: 'member', ageVerified: true },
        { memberId: 'm-young', name: 'Jonas Jung', role: 'member', ageVerified: false },
      ],
      credentials: [
        { credentialId: 'c-adult', memberId: 'm-adult', kind: 'card', cardUid: ADULT_CARD, pinHash, role: 'member', ageVerified: true, expiresAt: null },
        { credentialId: 'c-young', memberId: 'm-young', kind: 'card', cardUid: YOUNG_CARD, pinHash, role: 'member', ageVerified: false, expiresAt: null },
      ],
    };
    rig.ledger.appendMany(changeEvents['members']!(members, {} as never) as never);
    rig.terms.set('m-adult', { mode: 'invoice', limitCents: 5_000, openCents: 0, sinceSeq: 0 });
    rig.build();
    return rig;
  }

  get clock() {
    return this.stripe.clock;
  }

  private build(): void {
    const remoteAge: RemoteAgePort = { request: (r) => this.remoteRequests.push({ saleId: r.saleId, checkId: r.checkId }) };
    this.catalog = new Catalog(this.ledger);
    const card = createStripeTerminalProvider(
      {
        secretKey: 'sk_test_dorfpunktFake0000000000',
        readerId: this.readerId,
        api: { host: '127.0.0.1', port: this.stripe.port, protocol: 'http' },
        requestTimeoutMs: 2_000,
        maxNetworkRetries: 0,
        readerTimeoutMs: READER_TIMEOUT_MS,
      },
      { clock: this.clock, logger: createSilentLogger() },
    );
    const account = createMemberAccountProvider({ ledger: this.ledger, terms: (m) => this.terms.get(m) });
    const deps: CheckoutDeps = {
      ledger: this.ledger,
      catalog: this.catalog,
      fridges: { isBlocked: (id) => this.blocked.has(id) },
      providers: { card, account },
      clock: this.clock,
      logger: createSilentLogger(),
      shop: { name: 'Dorfladen Hemeringen', address: ['Hauptstraße 1', '31840 Hessisch Oldendorf'] },
      remoteAge,
      timing: TIMING,
      newId: () => `s${++this.seq}-${Math.random().toString(36).slice(2, 8)}`,
      probe: (step) => {
        if (this.crashAt === step) {
          this.crashAt = null;
          throw new SimulatedCrash(`crash at ${step}`);
        }
      },
    };
    this.checkout = createCheckout(deps);
  }

  /** Abandon the controller (timers stopped, nothing finished) and start a new one on the same file. */
  restart(): void {
    this.checkout.close();
    this.catalog.close();
    this.ledger.close();
    this.ledger = this.fx.open({ clock: this.clock });
    this.build();
  }

  /** The customer taps a card on the reader (the fake's test helper). */
  tap(number = '4242424242424242') {
    return this.stripe.sdk().testHelpers.terminal.readers.presentPaymentMethod(this.readerId, { card_present: { number } });
  }

  events(type: string) {
    return this.ledger.eventsOfTypes([type], 1, 100_000).map((e) => e.data as Record<string, unknown>);
  }

  async close(): Promise<void> {
    this.checkout.close();
    this.catalog.close();
    this.fx.cleanup();
    await this.stripe.close();
  }
}

export interface Audit {
  sales: number;
  committed: number;
  doubleCharges: string[];
  salesWithoutPayment: string[];
  paymentsWithoutSale: string[];
  /** Card payments still open at the provider (authorised or waiting): money that may move later. */
  openAtProvider: string[];
}

/**
 * The three counts of the issue, taken against the Stripe fake's own books (`GET /_fake/ledger`)
 * and the point's ledger: a sale charged more than once; a committed sale without exactly its
 * total captured; money captured (and not refunded) or held for a sale that was not committed.
 */
export async function audit(rig: CheckoutRig): Promise<Audit> {
  const books = (await rig.stripe.control('GET', '/_fake/ledger')).body as {
    paymentIntents: Array<{ id: string; status: string; amountCaptured: number; amountRefunded: number; metadata: { saleId?: string } }>;
  };
  const providerOf = new Map(rig.events('payment.started').map((e) => [e['paymentId'] as string, e['provider'] as string]));
  // sales paid by card (the member account's books are audited by auditAccounts)
  const committed = new Map(
    rig
      .events('sale.committed')
      .filter((e) => providerOf.get(e['paymentId'] as string) === 'stripe-terminal')
      .map((e) => [e['saleId'] as string, e['totalCents'] as number]),
  );
  const sales = new Set(rig.events('sale.cart-fixed').map((e) => e['saleId'] as string));
  const bySale = new Map<string, typeof books.paymentIntents>();
  for (const pi of books.paymentIntents) {
    const id = pi.metadata.saleId ?? '?';
    bySale.set(id, [...(bySale.get(id) ?? []), pi]);
  }
  const out: Audit = {
    sales: sales.size,
    committed: rig.events('sale.committed').length,
    doubleCharges: [],
    salesWithoutPayment: [],
    paymentsWithoutSale: [],
    openAtProvider: [],
  };
  for (const saleId of new Set([...sales, ...bySale.keys()])) {
    const pis = bySale.get(saleId) ?? [];
    const charged = pis.filter((p) => p.amountCaptured - p.amountRefunded > 0);
    if (charged.length > 1) out.doubleCharges.push(saleId);
    const total = committed.get(saleId);
    if (total !== undefined && !(charged.length === 1 && charged[0]!.amountCaptured - charged[0]!.amountRefunded === total))
      out.salesWithoutPayment.push(saleId);
    if (total === undefined && (charged.length > 0 || pis.some((p) => p.status === 'requires_capture'))) out.paymentsWithoutSale.push(saleId);
    for (const p of pis) if (p.status === 'requires_capture' || p.status === 'requires_payment_method') out.openAtProvider.push(p.id);
  }
  return out;
}

/** The same three counts on the member account's own books (the `account.*` events). */
export function auditAccounts(rig: CheckoutRig): Omit<Audit, 'sales' | 'committed'> {
  const committed = new Map(rig.events('sale.committed').map((e) => [e['saleId'] as string, e['totalCents'] as number]));
  const holds = new Map<string, { saleId: string; status: string; net: number }>();
  for (const e of rig.ledger.eventsOfTypes(['account.authorised', 'account.captured', 'account.voided', 'account.refunded'], 1, 100_000)) {
    const d = e.data as { ref: string; saleId?: string; amountCents?: number };
    const h = holds.get(d.ref);
    if (e.type === 'account.authorised') holds.set(d.ref, { saleId: d.saleId!, status: 'held', net: 0 });
    else if (h && e.type === 'account.captured') Object.assign(h, { status: 'captured', net: d.amountCents! });
    else if (h && e.type === 'account.voided') h.status = 'voided';
    else if (h && e.type === 'account.refunded') h.net -= d.amountCents!;
  }
  const out: Omit<Audit, 'sales' | 'committed'> = { doubleCharges: [], salesWithoutPayment: [], paymentsWithoutSale: [], openAtProvider: [] };
  const bySale = new Map<string, Array<{ status: string; net: number }>>();
  for (const [ref, h] of holds) {
    bySale.set(h.saleId, [...(bySale.get(h.saleId) ?? []), h]);
    if (h.status === 'held') out.openAtProvider.push(ref);
  }
  for (const [saleId, hs] of bySale) {
    const charged = hs.filter((h) => h.net > 0);
    if (charged.length > 1) out.doubleCharges.push(saleId);
    const total = committed.get(saleId);
    if (total === undefined && charged.length > 0) out.paymentsWithoutSale.push(saleId);
  }
  const providerOf = new Map(rig.events('payment.started').map((e) => [e['paymentId'] as string, e['provider'] as string]));
  for (const e of rig.events('sale.committed')) {
    if (providerOf.get(e['paymentId'] as string) !== 'member-account') continue;
    const charged = (bySale.get(e['saleId'] as string) ?? []).filter((h) => h.net > 0);
    if (!(charged.length === 1 && charged[0]!.net === e['totalCents'])) out.salesWithoutPayment.push(e['saleId'] as string);
  }
  return out;
}
