/**
 * Pay by phone for the points: works off `p_phone_payments` (the points' requests, projected at
 * ingest) and records what it did in `phone_payments`, one step per payment at a time:
 *
 * - requested, nothing done: create the Checkout Session and its short link (PayByPhone, idempotency
 *   key `phone:<siteId>:<paymentId>`), send the link down as `payment.phone` (stage `link`), or
 *   `refused` when Stripe refuses (amount too small, …). Stripe unreachable: tried again next round.
 * - cancel requested: expire the session; if the customer paid meanwhile, refund it (key
 *   `phone-refund:<siteId>:<paymentId>`) and tell the point (`refunded`). Never made: closed.
 * - refund requested (the sale could not be completed): refund, tell the point.
 *
 * Every Stripe call is idempotent and the change is sent before the step is recorded, so a crash
 * between them repeats the step with Stripe's first answer and the point refuses the second copy.
 */
import type Stripe from 'stripe';
import type { Kysely } from 'kysely';
import type { PhonePayChange } from '../../controller/contract/changes/phonePay.ts';
import type { DB, PPhonePaymentsTable } from '../db/schema.ts';
import type { Clock, Logger } from '../platform.ts';
import { PayByPhoneError, type PayByPhone, type PayByPhoneLine } from './payByPhone.ts';

export interface PhoneDispatcherDeps {
  db: Kysely<DB>;
  stripe: Stripe;
  payByPhone: PayByPhone;
  publish(siteId: string, body: PhonePayChange): Promise<unknown>;
  clock: Clock;
  logger: Logger;
  /** How often to look for work (default 500 ms). */
  intervalMs?: number;
}

type Row = PPhonePaymentsTable & { state: string | null; session_id: string | null };

const isStripeError = (e: unknown, type: string): boolean => (e as { type?: string } | null)?.type === type;

export class PhoneDispatcher {
  private timer: unknown = null;
  private running: Promise<void> | null = null;
  private stopped = false;

  constructor(private readonly deps: PhoneDispatcherDeps) {}

  start(): void {
    this.stopped = false;
    this.schedule();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer !== null) this.deps.clock.clearTimeout(this.timer);
    this.timer = null;
    await this.running;
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = this.deps.clock.setTimeout(() => {
      this.timer = null;
      this.running = this.runOnce()
        .then(() => undefined)
        .catch((err: unknown) => this.deps.logger.error({ err }, 'pay by phone: dispatcher round failed'))
        .finally(() => {
          this.running = null;
          this.schedule();
        });
    }, this.deps.intervalMs ?? 500);
  }

  /** One round over every payment with a step to do; returns how many steps were done. */
  async runOnce(): Promise<number> {
    const rows = (await this.deps.db
      .selectFrom('p_phone_payments as p')
      .leftJoin('phone_payments as w', (j) => j.onRef('w.site_id', '=', 'p.site_id').onRef('w.payment_id', '=', 'p.payment_id'))
      .selectAll('p')
      .select(['w.state', 'w.session_id'])
      .where((eb) =>
        eb.or([
          eb('w.state', 'is', null),
          eb.and([eb('p.cancel_at', 'is not', null), eb('w.state', '=', 'linked')]),
          eb.and([eb('p.refund_at', 'is not', null), eb('w.state', 'in', ['linked', 'closed'])]),
        ]),
      )
      .orderBy('p.requested_seq')
      .limit(50)
      .execute()) as Row[];
    let done = 0;
    for (const r of rows) {
      if (this.stopped) break;
      try {
        if (await this.step(r)) done++;
      } catch (err) {
        this.deps.logger.warn({ siteId: r.site_id, paymentId: r.payment_id, err: (err as Error).message }, 'pay by phone: step failed, trying again');
      }
    }
    return done;
  }

  private async step(r: Row): Promise<boolean> {
    const base = { paymentId: r.payment_id, saleId: r.sale_id };
    if (r.state === null && r.cancel_at !== null) return this.record(r, 'closed', null, null); // given up before a session was made
    if (r.state === null) {
      try {
        const a = await this.deps.payByPhone.create(
          { siteId: r.site_id, saleId: r.sale_id, lines: JSON.parse(r.lines) as PayByPhoneLine[] },
          { idempotencyKey: `phone:${r.site_id}:${r.payment_id}` },
        );
        await this.deps.publish(r.site_id, {
          stage: 'link',
          ...base,
          sessionId: a.sessionId,
          shortUrl: a.shortUrl,
          amountCents: a.amountCents,
          expiresAt: a.expiresAt,
        });
        return this.record(r, 'linked', a.sessionId, null);
      } catch (e) {
        if (!(e instanceof PayByPhoneError) || e.code === 'stripe-unreachable') throw e;
        await this.deps.publish(r.site_id, { stage: 'refused', ...base, sessionId: null, refundId: null, amountCents: null, detail: e.code });
        return this.record(r, 'refused', null, null);
      }
    }
    const sessionId = r.session_id;
    if (sessionId === null) return this.record(r, 'closed', null, null);
    if (r.refund_at === null) {
      // cancel requested: expire, unless it was paid meanwhile
      try {
        await this.deps.stripe.checkout.sessions.expire(sessionId);
        this.deps.logger.info({ siteId: r.site_id, paymentId: r.payment_id, sessionId }, 'pay by phone: session expired (the point gave up)');
        return this.record(r, 'closed', sessionId, null);
      } catch (e) {
        if (!isStripeError(e, 'StripeInvalidRequestError')) throw e;
      }
    }
    const s = await this.deps.stripe.checkout.sessions.retrieve(sessionId);
    if (s.status !== 'complete') return this.record(r, r.refund_at === null ? 'closed' : 'unpaid', sessionId, null);
    const pi = typeof s.payment_intent === 'string' ? s.payment_intent : (s.payment_intent?.id ?? null);
    if (!pi) throw new Error(`session ${sessionId} is complete without a PaymentIntent`);
    const refund = await this.deps.stripe.refunds.create({ payment_intent: pi }, { idempotencyKey: `phone-refund:${r.site_id}:${r.payment_id}` });
    this.deps.logger.warn({ siteId: r.site_id, paymentId: r.payment_id, sessionId, refundId: refund.id }, 'pay by phone: paid without a sale, refunded');
    await this.deps.publish(r.site_id, {
      stage: 'refunded',
      ...base,
      sessionId,
      refundId: refund.id,
      amountCents: refund.amount,
      detail: r.refund_at === null ? 'paid-after-cancel' : 'sale-not-completed',
    });
    return this.record(r, 'refunded', sessionId, refund.id);
  }

  private async record(r: Row, state: string, sessionId: string | null, refundId: string | null): Promise<boolean> {
    const now = Math.floor(this.deps.clock.now());
    await this.deps.db
      .insertInto('phone_payments')
      .values({ site_id: r.site_id, payment_id: r.payment_id, state, session_id: sessionId, refund_id: refundId, updated_at: now })
      .onConflict((oc) => oc.columns(['site_id', 'payment_id']).doUpdateSet({ state, session_id: sessionId, refund_id: refundId, updated_at: now }))
      .execute();
    return true;
  }
}
