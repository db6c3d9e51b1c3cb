/**
 * Pay by phone: one Stripe Checkout Session per basket (`expires_at` 30 min ahead, metadata
 * `{siteId, saleId}`), shown at the kiosk as a QR code of a **short link** `<base>/p/<code>` (a
 * Checkout URL of ~360 characters makes a version-14 code that a weak phone camera reads badly; a
 * ~35-character link makes a version-3 code). The link is an 8-character random code stored in
 * `pay_links`; it redirects to the session while the session is open and ends with it (expiry time,
 * or the completed/expired webhook). The payment's outcome reaches the point by webhook
 * (webhooks.ts), never through this link.
 */
import { randomBytes } from 'node:crypto';
import type Stripe from 'stripe';
import type { Kysely } from 'kysely';
import QRCode from 'qrcode';
import type { DB } from '../db/schema.ts';
import type { Logger } from '../platform.ts';

/** Stripe's minimum lifetime of a Checkout Session; a minute more so our request is never refused for latency or clock skew. */
export const SESSION_TTL_S = 31 * 60;
export const MIN_TOTAL_CENTS = 50;

/** Short-link alphabet: lower-case letters and digits without 0/o, 1/l/i (read aloud or typed by hand). */
const ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';
export const CODE_LENGTH = 8;
export const CODE_PATTERN = `^[${ALPHABET}]{${CODE_LENGTH}}$`;

export interface PayByPhoneLine {
  name: string;
  unitCents: number;
  quantity: number;
}

export interface PayByPhoneRequest {
  siteId: string;
  saleId: string;
  lines: PayByPhoneLine[];
}

export interface PayByPhoneAnswer {
  sessionId: string;
  code: string;
  shortUrl: string;
  amountCents: number;
  /** Epoch ms, whole. */
  expiresAt: number;
  /** The short link as a QR code (SVG). */
  qrSvg: string;
  /** An open session already existed for this sale and is shown again. */
  reused: boolean;
}

export interface PayByPhoneDeps {
  db: Kysely<DB>;
  stripe: Stripe;
  /** The backoffice's public address, e.g. `https://dorfpunkt.example` (no trailing slash). */
  publicBaseUrl: string;
  now: () => number;
  logger: Logger;
}

export class PayByPhoneError extends Error {
  constructor(
    readonly code: 'amount-too-small' | 'stripe-refused' | 'stripe-unreachable',
    message: string,
  ) {
    super(message);
    this.name = 'PayByPhoneError';
  }
}

export function randomCode(): string {
  let out = '';
  while (out.length < CODE_LENGTH) {
    for (const b of randomBytes(16)) {
      // Rejection sampling keeps every character equally likely.
      if (b < 256 - (256 % ALPHABET.length) && out.length < CODE_LENGTH) out += ALPHABET[b % ALPHABET.length];
    }
  }
  return out;
}

export class PayByPhone {
  constructor(private readonly deps: PayByPhoneDeps) {}

  shortUrl(code: string): string {
    return `${this.deps.publicBaseUrl.replace(/\/+$/, '')}/p/${code}`;
  }

  /**
   * `attempt`: a point's payment (payments/phoneDispatcher.ts): one session per paymentId under the
   * given idempotency key, never another sale's open session reused or ended.
   */
  async create(req: PayByPhoneRequest, attempt?: { idempotencyKey: string }): Promise<PayByPhoneAnswer> {
    const amountCents = req.lines.reduce((s, l) => s + l.unitCents * l.quantity, 0);
    if (amountCents < MIN_TOTAL_CENTS)
      throw new PayByPhoneError(
        'amount-too-small',
        `Mit dem Telefon zahlbar ab 0,50 €, der Einkauf kostet ${(amountCents / 100).toFixed(2).replace('.', ',')} €`,
      );
    const now = this.deps.now();
    const links = await this.deps.db.selectFrom('pay_links').selectAll().where('site_id', '=', req.siteId).where('sale_id', '=', req.saleId).execute();
    const open = attempt ? [] : links.filter((l) => l.ended_at === null && Number(l.expires_at) > now);
    const same = open.find((l) => Number(l.amount) === amountCents);
    if (same) return this.answer(same.code, same.session_id, amountCents, Number(same.expires_at), true);
    // The basket changed while a session for the old total was open: that one must not be payable any more.
    for (const old of open) await this.endSession(old.session_id, now);
    // One key per attempt of this sale: a retry after a crash gets Stripe's first answer back, a new
    // attempt after the previous session ended gets a new session.
    const idempotencyKey = attempt?.idempotencyKey ?? `pay-by-phone:${req.siteId}:${req.saleId}:${links.length + 1}`;
    let session: Stripe.Checkout.Session;
    try {
      session = await this.deps.stripe.checkout.sessions.create(
        {
          mode: 'payment',
          line_items: req.lines.map((l) => ({
            quantity: l.quantity,
            price_data: { currency: 'eur', unit_amount: l.unitCents, product_data: { name: l.name } },
          })),
          expires_at: Math.floor(now / 1000) + SESSION_TTL_S,
          metadata: { siteId: req.siteId, saleId: req.saleId },
          client_reference_id: req.saleId,
        },
        { idempotencyKey },
      );
    } catch (e) {
      const err = e as { type?: string; code?: string; message?: string };
      this.deps.logger.warn({ siteId: req.siteId, saleId: req.saleId, type: err.type, code: err.code }, 'pay by phone: checkout session not created');
      if (err.type === 'StripeConnectionError' || err.type === 'StripeAPIError')
        throw new PayByPhoneError('stripe-unreachable', 'Stripe ist gerade nicht erreichbar; bitte anders bezahlen');
      throw new PayByPhoneError('stripe-refused', `Stripe hat die Zahlung abgelehnt (${err.code ?? err.type ?? 'unbekannt'})`);
    }
    if (!session.url) throw new PayByPhoneError('stripe-refused', 'Stripe hat keine Bezahlseite geliefert');
    const expiresAt = session.expires_at * 1000;
    const existing = await this.deps.db.selectFrom('pay_links').select('code').where('session_id', '=', session.id).executeTakeFirst();
    if (existing) return this.answer(existing.code, session.id, amountCents, expiresAt, true);
    for (let attempt = 0; ; attempt++) {
      const code = randomCode();
      const r = await this.deps.db
        .insertInto('pay_links')
        .values({
          code,
          session_id: session.id,
          site_id: req.siteId,
          sale_id: req.saleId,
          url: session.url,
          amount: session.amount_total ?? amountCents,
          expires_at: expiresAt,
          created_at: now,
          ended_at: null,
        })
        .onConflict((oc) => oc.doNothing())
        .executeTakeFirst();
      if (Number(r.numInsertedOrUpdatedRows ?? 0n) === 1) {
        this.deps.logger.info({ siteId: req.siteId, saleId: req.saleId, sessionId: session.id, code }, 'pay by phone: session created');
        return this.answer(code, session.id, amountCents, expiresAt, false);
      }
      // Same session stored by a concurrent call: show its link.
      const again = await this.deps.db.selectFrom('pay_links').select('code').where('session_id', '=', session.id).executeTakeFirst();
      if (again) return this.answer(again.code, session.id, amountCents, expiresAt, true);
      if (attempt >= 4) throw new Error('pay by phone: no free short-link code after 5 attempts');
    }
  }

  /** Expire an open session at Stripe and end its link (a session already over at Stripe ends here too). */
  private async endSession(sessionId: string, now: number): Promise<void> {
    try {
      await this.deps.stripe.checkout.sessions.expire(sessionId);
    } catch (e) {
      const err = e as { type?: string; code?: string };
      // Already complete or expired at Stripe: nothing to stop. Anything else: do not open a second payable session.
      if (err.type !== 'StripeInvalidRequestError')
        throw new PayByPhoneError('stripe-unreachable', 'Stripe ist gerade nicht erreichbar; bitte anders bezahlen');
    }
    await this.deps.db.updateTable('pay_links').set({ ended_at: now }).where('session_id', '=', sessionId).where('ended_at', 'is', null).execute();
    this.deps.logger.info({ sessionId }, 'pay by phone: previous session of the sale expired (basket changed)');
  }

  /** Where `/p/<code>` leads: the session URL while it is open, else why not. */
  async resolve(code: string): Promise<{ ok: true; url: string } | { ok: false; code: 'not-found' | 'expired' }> {
    const row = await this.deps.db.selectFrom('pay_links').select(['url', 'expires_at', 'ended_at']).where('code', '=', code).executeTakeFirst();
    if (!row) return { ok: false, code: 'not-found' };
    if (row.ended_at !== null || Number(row.expires_at) <= this.deps.now()) return { ok: false, code: 'expired' };
    return { ok: true, url: row.url };
  }

  private async answer(code: string, sessionId: string, amountCents: number, expiresAt: number, reused: boolean): Promise<PayByPhoneAnswer> {
    const shortUrl = this.shortUrl(code);
    const qrSvg = await QRCode.toString(shortUrl, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
    return { sessionId, code, shortUrl, amountCents, expiresAt, qrSvg, reused };
  }
}
