/**
 * One sale at the kiosk, run along checkoutMachine.ts. Every step is written to the ledger
 * before it is acted on; prices, totals and VAT are the point's (the kiosk's total is only
 * compared, never used); an age check belongs to this sale only; money moves only through the
 * PaymentProvider port with keys derived from ledger ids (settle.ts). Refused input changes
 * nothing. Methods never run concurrently for one sale (a second call while one runs: `not-now`).
 */
import { randomBytes } from 'node:crypto';
import { createActor, type Actor } from 'xstate';
import type { PaymentProvider } from '../../payments/ports.ts';
import type { Receipt } from '../../receipts/receipt.ts';
import { checkMember } from './ageCheck.ts';
import { checkoutMachine, type CheckoutEvent, type CheckoutStateName, type EndReason } from './checkoutMachine.ts';
import { blockedReason, Cart } from './cart.ts';
import { receiptOf, totals } from './pricing.ts';
import { refuse } from './refusals.ts';
import type { PayRequest, RemoteDecision, Result, SaleView, SessionEnv } from './sessionTypes.ts';
import { isOpen, type PaymentRecord, type SaleRecord } from './saleBook.ts';
import { captureAndCommit, keyOf, signSale, voidPayment } from './settle.ts';

export type { PayRequest, RemoteDecision, Result, SaleView, SessionEnv } from './sessionTypes.ts';

export class CheckoutSession {
  private readonly actor: Actor<typeof checkoutMachine>;
  private readonly cart: Cart;
  private sale: SaleRecord | null = null;
  private requiredAge: 0 | 16 | 18 = 0;
  private agePassed = false;
  private pinFailures = 0;
  private payment: PaymentRecord | null = null;
  private receipt: Receipt | null = null;
  private receiptToken: string | null = null;
  private abortRecorded = false;
  private endReason: SaleView['endReason'] = null;
  private busy = false;
  private chain: Promise<void> = Promise.resolve();
  private remoteTimer: unknown = null;
  /** The latest remote age check of this sale, as the kiosk shows it (waiting, approved, declined, expired). */
  private remote: SaleView['remoteAge'] = null;
  private retryTimer: unknown = null;
  /** Voiding started by a timer (not by a call): `settled()` waits for it. */
  private background: Promise<void> = Promise.resolve();

  constructor(
    private readonly env: SessionEnv,
    readonly saleId: string,
  ) {
    this.cart = new Cart(env.deps);
    this.actor = createActor(checkoutMachine, { clock: env.deps.clock, input: { timing: env.timing } });
    this.actor.subscribe((s) => {
      if (s.value === 'aborted' || s.value === 'voiding') this.onEnded(s.context.endReason);
    });
    this.actor.start();
  }

  state(): CheckoutStateName {
    return this.actor.getSnapshot().value as CheckoutStateName;
  }

  view(): SaleView {
    const lines = this.sale?.lines ?? this.cart.lines();
    const t = totals(lines);
    return {
      saleId: this.saleId,
      state: this.state(),
      lines,
      totalCents: t.totalCents,
      requiredAge: t.requiredAge,
      agePassed: this.agePassed,
      payment: this.payment ? { paymentId: this.payment.paymentId, status: this.payment.status, provider: this.payment.provider } : null,
      endReason: this.endReason ?? this.actor.getSnapshot().context.endReason,
      receipt: this.receipt,
      remoteAge: this.remote ? { ...this.remote } : null,
      receiptToken: this.receiptToken,
    };
  }

  // ---- cart ------------------------------------------------------------------------------

  scan(code: unknown): Result {
    if (this.state() !== 'cart') return refuse('not-now', `scan in ${this.state()}`);
    return this.cart.scan(code) ?? this.ok();
  }

  /** Loose goods from the picture grid. */
  addLoose(plu: unknown, quantity: unknown): Result {
    if (this.state() !== 'cart') return refuse('not-now', `add in ${this.state()}`);
    return this.cart.addLoose(plu, quantity) ?? this.ok();
  }

  remove(productId: unknown): Result {
    if (this.state() !== 'cart') return refuse('not-now', `remove in ${this.state()}`);
    return this.cart.remove(productId) ?? this.ok();
  }

  /** Fix the cart for payment (`Cart.fix`: priced by the point, the kiosk's total only compared). */
  checkout(kioskTotalCents: unknown): Result {
    if (this.state() !== 'cart') return refuse('not-now', `checkout in ${this.state()}`);
    const fixed = this.cart.fix(kioskTotalCents);
    if ('ok' in fixed) return fixed;
    const { lines, totals: t } = fixed;
    this.env.deps.ledger.append('sale.cart-fixed', { saleId: this.saleId, lines, totalCents: t.totalCents, vat: t.vat, requiredAge: t.requiredAge });
    this.sale = { saleId: this.saleId, lines, totalCents: t.totalCents, payments: [], committed: null, aborted: null, signed: false, receipt: false };
    this.requiredAge = t.requiredAge;
    this.send({ type: 'CHECKOUT', needsAge: t.requiredAge > 0 });
    return this.ok();
  }

  // ---- age check (bound to this sale) ------------------------------------------------------

  async ageByMember(cardUid: unknown, pin: unknown): Promise<Result> {
    return this.exclusive(async () => {
      if (this.state() !== 'ageCheck' || this.requiredAge === 0) return refuse('not-now', `age check in ${this.state()}`);
      const m = await checkMember(this.env.deps.ledger, cardUid, pin, this.env.deps.clock.now());
      if (!m.ok) {
        if (m.reason === 'age-wrong-pin') {
          this.pinFailures += 1;
          if (this.pinFailures >= this.env.timing.maxPinAttempts) {
            this.decide(this.env.newId(), 'member-pin', false, 'pin-attempts', null, null, true);
            this.send({ type: 'AGE_FAILED' });
          }
        }
        return m;
      }
      if (!m.ageVerified) return refuse('age-not-verified', `member ${m.memberId} is not age-verified`);
      this.decide(this.env.newId(), 'member-pin', true, 'age-verified-member', m.memberId, null, true);
      this.send({ type: 'AGE_PASSED' });
      return this.ok();
    });
  }

  /** Ask the backoffice: an operator approves or declines within `remoteAgeMs`. */
  ageByRemote(): Result {
    const remote = this.env.deps.remoteAge;
    if (!remote) return refuse('age-method-unavailable', 'no remote age check configured');
    if (this.busy || this.state() !== 'ageCheck' || this.requiredAge === 0) return refuse('not-now', `age check in ${this.state()}`);
    if ([...this.env.checks.values()].some((c) => c.session === this && !c.decided)) return refuse('not-now', 'a remote check is already waiting');
    const checkId = this.env.newId();
    const deadlineAt = Math.trunc(this.env.deps.clock.now()) + this.env.timing.remoteAgeMs;
    this.env.deps.ledger.append('age-check.requested', { saleId: this.saleId, checkId, method: 'remote', requiredAge: this.requiredAge, deadlineAt });
    this.env.checks.set(checkId, { session: this, decided: false, expired: false });
    this.remote = { checkId, status: 'waiting', deadlineAt };
    // No answer in time: recorded as failed with `remote-timeout`; the customer stays at the age
    // step (ask again, or a member card) and a late answer is refused as expired.
    this.remoteTimer = this.env.deps.clock.setTimeout(() => {
      this.remoteTimer = null;
      const c = this.env.checks.get(checkId);
      if (c && !c.decided) {
        this.decide(checkId, 'remote', false, 'remote-timeout', null, null, false);
        c.expired = true;
        if (this.remote?.checkId === checkId) this.remote = { ...this.remote, status: 'expired' };
      }
    }, this.env.timing.remoteAgeMs);
    remote.request({ saleId: this.saleId, checkId, requiredAge: this.requiredAge, deadlineAt });
    return this.ok();
  }

  /** Called by the service with an operator's answer already routed to this sale. */
  remoteDecided(d: RemoteDecision): Result {
    if (this.state() !== 'ageCheck') return refuse('age-approval-replayed', `sale is ${this.state()}`);
    if (this.remoteTimer !== null) this.env.deps.clock.clearTimeout(this.remoteTimer);
    this.remoteTimer = null;
    this.decide(d.checkId, 'remote', d.approved, d.approved ? 'operator-approved' : 'operator-declined', null, d.operator, false);
    if (this.remote?.checkId === d.checkId) this.remote = { ...this.remote, status: d.approved ? 'approved' : 'declined' };
    this.send({ type: d.approved ? 'AGE_PASSED' : 'AGE_FAILED' });
    return this.ok();
  }

  /** A girocard/eID age terminal (port; refused while none is wired). */
  async ageByTerminal(): Promise<Result> {
    const terminal = this.env.deps.ageTerminal;
    if (!terminal) return refuse('age-method-unavailable', 'no age terminal connected');
    return this.exclusive(async () => {
      if (this.state() !== 'ageCheck' || this.requiredAge === 0) return refuse('not-now', `age check in ${this.state()}`);
      const checkId = this.env.newId();
      this.env.deps.ledger.append('age-check.requested', { saleId: this.saleId, checkId, method: 'terminal', requiredAge: this.requiredAge });
      const r = await terminal.verify({ saleId: this.saleId, checkId, requiredAge: this.requiredAge as 16 | 18 });
      this.decide(checkId, 'terminal', r.passed, r.reason, null, null, false);
      if (this.state() === 'ageCheck') this.send({ type: r.passed ? 'AGE_PASSED' : 'AGE_FAILED' });
      return this.ok();
    });
  }

  private decide(
    checkId: string,
    method: 'member-pin' | 'remote' | 'terminal',
    passed: boolean,
    reason: string,
    memberId: string | null,
    operator: string | null,
    withRequest: boolean,
  ): void {
    const decided = {
      type: 'age-check.decided' as const,
      data: { saleId: this.saleId, checkId, method, passed, reason, memberId, operator, decidedAt: Math.trunc(this.env.deps.clock.now()) },
    };
    const requested = { type: 'age-check.requested' as const, data: { saleId: this.saleId, checkId, method, requiredAge: this.requiredAge } };
    this.env.deps.ledger.appendMany(withRequest ? [requested, decided] : [decided]);
    const c = this.env.checks.get(checkId);
    if (c) c.decided = true;
    if (passed) this.agePassed = true;
  }

  // ---- payment -----------------------------------------------------------------------------

  async pay(req: PayRequest): Promise<Result> {
    return this.exclusive(async () => {
      if (this.state() !== 'payment' || !this.sale) return refuse('not-now', `pay in ${this.state()}`);
      if (this.payment && isOpen(this.payment, this.sale)) return refuse('not-now', 'a payment is already running');
      let provider: PaymentProvider;
      let memberId: string | null = null;
      if (req?.method === 'account') {
        const account = this.env.deps.providers.account;
        if (!account) return refuse('account-unavailable', 'no member accounts at this point');
        const m = await checkMember(this.env.deps.ledger, req.cardUid, req.pin, this.env.deps.clock.now());
        if (!m.ok) return m;
        provider = account;
        memberId = m.memberId;
      } else if (req?.method === 'card') {
        provider = this.env.deps.providers.card;
      } else if (req?.method === 'phone' && this.env.deps.providers.phone) {
        provider = this.env.deps.providers.phone;
      } else {
        return refuse('payment-unavailable', 'unknown payment method');
      }
      const sale = this.sale;
      const paymentId = this.env.newId();
      this.env.deps.ledger.append('payment.started', { saleId: sale.saleId, paymentId, provider: provider.name, memberId, amountCents: sale.totalCents });
      const p: PaymentRecord = {
        paymentId,
        saleId: sale.saleId,
        provider: provider.name,
        memberId,
        amountCents: sale.totalCents,
        ref: null,
        status: 'started',
        failures: 0,
      };
      sale.payments.push(p);
      this.payment = p;
      this.env.settle.probe('payment-started');
      const r = await provider.start({ saleId: sale.saleId, amountCents: sale.totalCents, idempotencyKey: keyOf(paymentId) });
      this.env.settle.probe('provider-started');
      if (r.kind === 'pending') {
        this.env.deps.ledger.append('payment.pending', { saleId: sale.saleId, paymentId, ref: r.ref });
        p.ref = r.ref;
        p.status = 'pending';
        this.env.settle.probe('payment-pending');
        return this.ok();
      }
      this.env.deps.ledger.appendMany([
        { type: 'payment.failed', data: { saleId: sale.saleId, paymentId, reason: r.reason, detail: r.detail.slice(0, 500) } },
        { type: 'payment.canceled', data: { saleId: sale.saleId, paymentId, ref: r.ref ?? null } },
      ]);
      p.status = 'canceled';
      this.send({ type: 'PAY_FAILED' });
      return this.ok();
    });
  }

  /** Where the payment stands (the kiosk polls); moves the sale on when it is decided. */
  async poll(): Promise<Result> {
    return this.exclusive(async () => {
      const state = this.state();
      if (state === 'committing') return this.complete();
      if (state === 'voiding') return this.finishVoid();
      const p = this.payment;
      if (state !== 'payment' || !p || p.ref === null || p.status !== 'pending') return this.ok();
      const provider = this.providerOf(p);
      const o = await provider.poll(p.ref);
      if (this.state() !== 'payment') return this.ok(); // timed out meanwhile: the voiding takes it
      if (o.kind === 'approved') {
        this.env.deps.ledger.append('payment.authorised', {
          saleId: this.saleId,
          paymentId: p.paymentId,
          ref: p.ref,
          amountCents: o.amountCents,
          card: o.card,
        });
        p.status = 'authorised';
        this.env.settle.probe('authorised');
        this.send({ type: 'PAY_APPROVED' });
        return this.complete();
      }
      if (o.kind === 'declined' || o.kind === 'timeout' || o.kind === 'canceled') {
        const detail = o.kind === 'declined' ? `${o.code}${o.declineCode ? `/${o.declineCode}` : ''}` : o.kind;
        const failed = { type: 'payment.failed' as const, data: { saleId: this.saleId, paymentId: p.paymentId, reason: o.kind, detail } };
        const closed = { type: 'payment.canceled' as const, data: { saleId: this.saleId, paymentId: p.paymentId, ref: p.ref } };
        this.env.deps.ledger.appendMany(o.kind === 'canceled' ? [failed, closed] : [failed]);
        p.failures += 1;
        p.status = o.kind === 'canceled' ? 'canceled' : 'failed';
        this.send({ type: 'PAY_FAILED' });
      }
      return this.ok();
    });
  }

  /** After a decline or a reader timeout: collect again on the same payment (never a second one). */
  async retry(): Promise<Result> {
    return this.exclusive(async () => {
      if (this.state() !== 'paymentFailed') return refuse('not-now', `retry in ${this.state()}`);
      const p = this.payment;
      if (p && p.status === 'failed' && p.ref !== null) {
        const r = await this.providerOf(p).retry(p.ref, keyOf(p.paymentId, `retry-${p.failures}`));
        if (r.kind !== 'pending') return refuse('payment-unavailable', r.detail);
        this.env.deps.ledger.append('payment.pending', { saleId: this.saleId, paymentId: p.paymentId, ref: r.ref });
        p.status = 'pending';
      }
      this.send({ type: 'RETRY' });
      return this.ok();
    });
  }

  async abort(): Promise<Result> {
    return this.exclusive(async () => {
      const state = this.state();
      if (state === 'cart' || state === 'ageCheck' || state === 'paymentFailed' || state === 'payment') {
        this.recordAbort('customer');
        this.send({ type: 'ABORT' });
        if (this.state() === 'voiding') return this.finishVoid();
        await this.voidOpen();
        return this.ok();
      }
      return refuse('not-now', `abort in ${state}`);
    });
  }

  // ---- completion --------------------------------------------------------------------------

  private async complete(): Promise<Result> {
    const sale = this.sale!;
    const p = this.payment!;
    for (const l of sale.lines) {
      const product = this.env.deps.catalog.product(l.productId);
      const blocked = product ? blockedReason(this.env.deps, product) : null;
      if (blocked) return this.refuseCommit('commit-refused', blocked.detail);
    }
    const r = await captureAndCommit(this.env.settle, sale, p, false);
    if (r.kind === 'deferred') {
      this.retryLater(); // the provider is away: again soon, whether or not the kiosk polls
      return this.ok();
    }
    if (r.kind === 'refused') return this.refuseCommit('capture-failed', r.detail);
    if (r.kind !== 'committed') return this.ok();
    this.send({ type: 'COMMITTED' });
    await signSale(this.env.settle, sale);
    this.send({ type: 'SIGNED' });
    this.receipt = receiptOf(sale, {
      shop: this.env.deps.shop,
      at: Math.trunc(this.env.deps.clock.now()),
      payment: p.provider === this.env.deps.providers.account?.name ? 'account' : p.provider === this.env.deps.providers.phone?.name ? 'phone' : 'card',
      ledgerSeq: r.seq,
    });
    // the receipt link's secret (controller/receipts/receiptLink.ts): random, in the ledger, synced with the sale
    this.receiptToken = randomBytes(16).toString('base64url');
    this.env.deps.ledger.append('sale.receipt-issued', {
      saleId: sale.saleId,
      totalCents: sale.totalCents,
      receiptToken: this.receiptToken,
      payment: this.receipt.payment,
      shop: this.receipt.shop,
      ledgerSeq: r.seq,
    });
    sale.receipt = true;
    this.send({ type: 'RECEIPT_DONE' });
    return this.ok();
  }

  private async refuseCommit(reason: 'commit-refused' | 'capture-failed', detail: string): Promise<Result> {
    this.env.deps.logger.warn({ saleId: this.saleId, detail }, 'sale not committed: payment is voided');
    this.recordAbort(reason);
    this.endReason = reason;
    this.send({ type: 'COMMIT_REFUSED' });
    return this.finishVoid();
  }

  private async finishVoid(): Promise<Result> {
    const done = await this.voidOpen();
    if (done && this.state() === 'voiding') this.send({ type: 'VOIDED' });
    if (!done) this.retryLater();
    return this.ok();
  }

  /** A deferred capture or void is tried again after `retryMs` (one timer at a time). */
  private retryLater(): void {
    if (this.retryTimer !== null) return;
    this.retryTimer = this.env.deps.clock.setTimeout(() => {
      this.retryTimer = null;
      this.background = this.serial(async () => {
        if (this.state() === 'committing') return this.complete();
        if (this.state() === 'voiding') return this.finishVoid();
        return this.ok();
      }).then(
        () => {},
        (err: unknown) => this.env.deps.logger.error({ saleId: this.saleId, err }, 'retrying a deferred step failed; reconciliation will'),
      );
    }, this.env.timing.retryMs);
  }

  /** Voids every open payment of this sale; false if one is left for later (provider away). */
  private async voidOpen(): Promise<boolean> {
    if (!this.sale) return true;
    let all = true;
    for (const p of this.sale.payments) {
      if (!isOpen(p, this.sale)) continue;
      const r = await voidPayment(this.env.settle, p);
      if (r.kind !== 'done') all = false;
    }
    return all;
  }

  private recordAbort(reason: string): void {
    if (this.abortRecorded || !this.sale) return;
    this.abortRecorded = true;
    this.env.deps.ledger.append('sale.aborted', { saleId: this.saleId, reason });
    this.sale.aborted = reason;
    this.env.settle.probe('abort-recorded');
  }

  /**
   * A sale ends by a call (abort, a refused commit: the call records and voids) or by a timer
   * (idle, age, payment timeout): then it is recorded here and the money given back in the
   * background, after any step still running (`settled()` waits for it).
   */
  private onEnded(reason: EndReason): void {
    if (this.abortRecorded) return;
    if (this.remoteTimer !== null) this.env.deps.clock.clearTimeout(this.remoteTimer);
    this.remoteTimer = null;
    this.background = this.serial(async () => {
      this.recordAbort(reason ?? 'customer');
      if (this.state() === 'voiding') await this.finishVoid();
      else await this.voidOpen();
      return this.ok();
    }).then(
      () => {},
      (err: unknown) => this.env.deps.logger.error({ saleId: this.saleId, err }, 'voiding after a timeout failed; reconciliation will'),
    );
  }

  // ---- plumbing ----------------------------------------------------------------------------

  private providerOf(p: PaymentRecord): PaymentProvider {
    const provider = this.env.settle.provider(p.provider);
    if (!provider) throw new Error(`no payment provider ${p.provider}`);
    return provider;
  }

  private send(e: CheckoutEvent): void {
    this.actor.send(e);
  }

  private ok(): Result {
    return { ok: true, view: this.view() };
  }

  /** A kiosk call: refused while another step runs (the customer double-tapped). */
  private async exclusive(fn: () => Promise<Result>): Promise<Result> {
    if (this.busy) return refuse('not-now', 'busy with the previous step');
    return this.serial(fn);
  }

  /** Runs `fn` after every step already running: one step at a time per sale. */
  private serial(fn: () => Promise<Result>): Promise<Result> {
    const run = this.chain.then(async () => {
      this.busy = true;
      try {
        return await fn();
      } finally {
        this.busy = false;
      }
    });
    this.chain = run.then(
      () => {},
      () => {},
    );
    return run;
  }

  /** Resolves when work a timer started (voiding after an idle timeout) has finished. */
  settled(): Promise<void> {
    return this.background;
  }

  /** Stops the machine's timers (the service closing; tests abandoning a "crashed" controller). */
  stop(): void {
    if (this.remoteTimer !== null) this.env.deps.clock.clearTimeout(this.remoteTimer);
    if (this.retryTimer !== null) this.env.deps.clock.clearTimeout(this.retryTimer);
    this.actor.stop();
  }
}
