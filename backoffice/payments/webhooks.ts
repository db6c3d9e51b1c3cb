/**
 * Stripe webhook receiver (a point behind NAT receives no webhooks, so the backoffice does):
 *
 * 1. the signature is checked on the **raw body** with the SDK's `constructEvent` against each of
 *    our signing secrets (secret rotation), every `v1` in the header is tried (Stripe's rotation),
 *    and a timestamp more than 300 s old or ahead of our clock is refused: a forged, replayed or
 *    re-serialised body is refused with a clear reason and nothing is stored;
 * 2. the event is stored (card details and personal data redacted) once under Stripe's event id (`stripe_events`; duplicates and retries only
 *    count `deliveries`), with an audit entry, in one transaction;
 * 3. the relevant ones (RELAYED_STRIPE_EVENTS) go to the point named in `metadata.siteId` as the
 *    downlink change `payment.webhook` (versioned and resent until the point applied it).
 *
 * If the relay fails after the event was stored (DB or crash), the row stays `pending` and the
 * answer is a 500: Stripe delivers again, and a delivery of a `pending` event finishes the relay.
 */
import Stripe from 'stripe';
import type { Kysely } from 'kysely';
import { RELAYED_STRIPE_EVENTS, type PaymentWebhook, type RelayedStripeEvent } from '../../controller/contract/changes/payments.ts';
import { isValidSiteId } from '../../controller/contract/sync/index.ts';
import type { Actor, AuditLog } from '../accounts/audit.ts';
import type { DB } from '../db/schema.ts';
import type { Logger } from '../platform.ts';

export const DEFAULT_TOLERANCE_S = 300;

export type WebhookRefusal = 'signature-missing' | 'bad-signature' | 'stale-timestamp' | 'bad-event';

export type WebhookOutcome =
  | { ok: true; eventId: string; type: string; duplicate: boolean; relay: RelayState; siteId: string | null }
  | { ok: false; code: WebhookRefusal; message: string };

export type RelayState = 'pending' | 'relayed' | 'not-relayed' | 'no-site';

/** Sends one `payment.webhook` change to a point (Downlink.publishChange in production). */
export type RelayChange = (siteId: string, body: PaymentWebhook) => Promise<{ version: number }>;

export interface WebhookReceiverDeps {
  db: Kysely<DB>;
  /** For `webhooks.constructEvent` and, for reader events, to look up the PaymentIntent's metadata. */
  stripe: Stripe;
  /** Endpoint signing secrets (`whsec_…`); more than one while rotating. */
  signingSecrets: readonly string[];
  toleranceS?: number;
  now: () => number;
  audit: AuditLog;
  relay: RelayChange;
  logger: Logger;
}

const REFUSAL_MESSAGES: Record<WebhookRefusal, string> = {
  'signature-missing': 'Stripe-Signature-Header fehlt',
  'bad-signature': 'Signatur ungültig: der Rohtext passt zu keinem unserer Signaturgeheimnisse (gefälscht oder verändert)',
  'stale-timestamp': 'Zeitstempel der Signatur liegt mehr als 300 s von unserer Uhr entfernt (Wiedereinspielung?)',
  'bad-event': 'Signiert, aber kein gültiges Stripe-Ereignis',
};

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

const RELAYED: ReadonlySet<string> = new Set(RELAYED_STRIPE_EVENTS);

/**
 * Keys dropped (at any depth) before an event is stored: card details (brand, last4, fingerprint,
 * expiry under `payment_method_details`) and the customer's personal data. Stripe never sends card
 * numbers; we keep neither these details nor names, e-mail addresses or postal addresses.
 */
const REDACTED_KEYS: ReadonlySet<string> = new Set([
  'payment_method_details',
  'billing_details',
  'customer_details',
  'customer_email',
  'receipt_email',
  'shipping',
  'shipping_details',
  'card',
]);

export function redactEvent(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(redactEvent);
  if (!isObj(v)) return v;
  const out: Obj = {};
  for (const [k, x] of Object.entries(v)) out[k] = REDACTED_KEYS.has(k) && x !== null ? '[redacted]' : redactEvent(x);
  return out;
}

type Refused = Extract<WebhookOutcome, { ok: false }>;

function refuse(code: WebhookRefusal): Refused {
  return { ok: false, code, message: REFUSAL_MESSAGES[code] };
}

const str = (v: unknown): string | null => (typeof v === 'string' && v.length > 0 ? v : null);
const cents = (v: unknown): number | null => (Number.isSafeInteger(v) && (v as number) >= 0 && (v as number) <= 99_999_999 ? (v as number) : null);
const idOf = (v: unknown): string | null => str(v) ?? (isObj(v) ? str(v['id']) : null);

interface StripeEventLike {
  id: string;
  type: string;
  created: number;
  object: Obj;
  /** The event as stored: card details and personal data redacted. */
  stored: string;
}

/** What a relayed event says, and which point it is for. */
interface RelayTarget {
  siteId: string | null;
  body: PaymentWebhook;
}

export class StripeWebhookReceiver {
  private readonly inFlight = new Set<string>();

  constructor(private readonly deps: WebhookReceiverDeps) {
    if (deps.signingSecrets.length === 0) throw new Error('StripeWebhookReceiver needs at least one signing secret');
  }

  /** Check, store once, relay. Throws only on an infrastructure failure (answer 500: Stripe retries). */
  async receive(raw: Buffer, signatureHeader: string | undefined, clientAddress: string | null): Promise<WebhookOutcome> {
    const verified = this.verify(raw, signatureHeader);
    if (!verified.ok) {
      this.deps.logger.warn({ code: verified.code, bytes: raw.length, clientAddress }, 'stripe webhook refused');
      return verified;
    }
    const ev = verified.event;
    const actor: Actor = { userId: null, username: null, role: null, clientAddress };
    if (this.inFlight.has(ev.id)) return this.duplicate(ev, actor, false);
    this.inFlight.add(ev.id);
    try {
      const existing = await this.deps.db.selectFrom('stripe_events').select(['relay']).where('id', '=', ev.id).executeTakeFirst();
      if (existing) return await this.duplicate(ev, actor, existing.relay === 'pending');
      const target = RELAYED.has(ev.type) ? await this.targetOf(ev) : null;
      const relay: RelayState = target === null ? 'not-relayed' : target.siteId === null ? 'no-site' : 'pending';
      const now = this.deps.now();
      const inserted = await this.deps.db.transaction().execute(async (trx) => {
        const r = await trx
          .insertInto('stripe_events')
          .values({
            id: ev.id,
            type: ev.type,
            object_id: str(ev.object['id']),
            site_id: target?.siteId ?? null,
            created: ev.created * 1000,
            received_at: now,
            payload: ev.stored,
            relay,
            relay_version: null,
            deliveries: 1,
          })
          .onConflict((oc) => oc.column('id').doNothing())
          .executeTakeFirst();
        if (Number(r.numInsertedOrUpdatedRows ?? 0n) === 0) return false;
        if (ev.type === 'checkout.session.completed' || ev.type === 'checkout.session.expired') {
          await trx
            .updateTable('pay_links')
            .set({ ended_at: now })
            .where('session_id', '=', str(ev.object['id']) ?? '')
            .where('ended_at', 'is', null)
            .execute();
        }
        await this.deps.audit.record(
          trx,
          actor,
          {
            action: 'stripe.webhook',
            outcome: 'ok',
            siteId: target?.siteId ?? null,
            target: ev.id,
            detail: { type: ev.type, objectId: str(ev.object['id']), relay },
          },
          now,
        );
        return true;
      });
      // Another instance stored it between our look-up and insert: it relays.
      if (!inserted) return await this.duplicate(ev, actor, false);
      if (relay === 'pending' && target?.siteId) await this.relay(ev.id, target.siteId, target.body);
      if (relay === 'no-site') this.deps.logger.warn({ eventId: ev.id, type: ev.type }, 'stripe webhook: no valid metadata.siteId, not relayed');
      return { ok: true, eventId: ev.id, type: ev.type, duplicate: false, relay: relay === 'pending' ? 'relayed' : relay, siteId: target?.siteId ?? null };
    } finally {
      this.inFlight.delete(ev.id);
    }
  }

  private verify(raw: Buffer, header: string | undefined): { ok: true; event: StripeEventLike } | Refused {
    if (header === undefined || header === '') return refuse('signature-missing');
    const tolerance = this.deps.toleranceS ?? DEFAULT_TOLERANCE_S;
    const now = this.deps.now();
    let stale = false;
    let parsed: unknown = null;
    for (const secret of this.deps.signingSecrets) {
      try {
        parsed = this.deps.stripe.webhooks.constructEvent(raw, header, secret, tolerance, undefined, now);
        break;
      } catch (e) {
        if (e instanceof Stripe.errors.StripeSignatureVerificationError) {
          if (e.message.includes('Timestamp outside the tolerance zone')) stale = true;
          continue;
        }
        // The signature matched but the body is no JSON.
        return refuse('bad-event');
      }
    }
    if (parsed === null) return refuse(stale ? 'stale-timestamp' : 'bad-signature');
    // The SDK refuses only old timestamps; one ahead of our clock by more than the tolerance is as suspect.
    const t = /(?:^|,)t=(\d+)(?:,|$)/.exec(header);
    if (!t || Number(t[1]) * 1000 - now > tolerance * 1000) return refuse('stale-timestamp');
    if (!isObj(parsed)) return refuse('bad-event');
    const id = str(parsed['id']);
    const type = str(parsed['type']);
    const created = parsed['created'];
    const data = parsed['data'];
    if (
      !id ||
      !/^evt_[A-Za-z0-9_]{1,250}$/.test(id) ||
      !type ||
      type.length > 100 ||
      !Number.isSafeInteger(created) ||
      (created as number) < 0 ||
      !isObj(data) ||
      !isObj(data['object'])
    ) {
      return refuse('bad-event');
    }
    return { ok: true, event: { id, type, created: created as number, object: data['object'], stored: JSON.stringify(redactEvent(parsed)) } };
  }

  private async duplicate(ev: StripeEventLike, actor: Actor, finishRelay: boolean): Promise<WebhookOutcome> {
    const now = this.deps.now();
    await this.deps.db.transaction().execute(async (trx) => {
      await trx
        .updateTable('stripe_events')
        .set((eb) => ({ deliveries: eb('deliveries', '+', 1) }))
        .where('id', '=', ev.id)
        .execute();
      await this.deps.audit.record(trx, actor, { action: 'stripe.webhook', outcome: 'ok', target: ev.id, detail: { type: ev.type, duplicate: true } }, now);
    });
    let relay: RelayState = 'not-relayed';
    let siteId: string | null = null;
    if (finishRelay) {
      const target = await this.targetOf(ev);
      if (target.siteId) {
        this.deps.logger.warn({ eventId: ev.id }, 'stripe webhook: finishing a relay that failed before');
        await this.relay(ev.id, target.siteId, target.body);
        relay = 'relayed';
        siteId = target.siteId;
      }
    } else {
      const row = await this.deps.db.selectFrom('stripe_events').select(['relay', 'site_id']).where('id', '=', ev.id).executeTakeFirst();
      relay = (row?.relay as RelayState | undefined) ?? 'pending';
      siteId = row?.site_id ?? null;
    }
    this.deps.logger.info({ eventId: ev.id, type: ev.type }, 'stripe webhook: duplicate delivery');
    return { ok: true, eventId: ev.id, type: ev.type, duplicate: true, relay, siteId };
  }

  private async relay(eventId: string, siteId: string, body: PaymentWebhook): Promise<void> {
    const { version } = await this.deps.relay(siteId, body);
    await this.deps.db.updateTable('stripe_events').set({ relay: 'relayed', relay_version: version }).where('id', '=', eventId).execute();
    this.deps.logger.info({ eventId, siteId, version, type: body.type }, 'stripe webhook relayed to the point');
  }

  /**
   * The change body and the point: from the PaymentIntent or Checkout Session itself; a reader
   * event names only the PaymentIntent, whose metadata is looked up at Stripe (the reader's own
   * `metadata.siteId` is used when set).
   */
  private async targetOf(ev: StripeEventLike): Promise<RelayTarget> {
    const o = ev.object;
    let metadata: Obj = isObj(o['metadata']) ? o['metadata'] : {};
    let paymentIntentId: string | null;
    let status: string | null;
    let amountCents: number | null;
    let failureCode: string | null = null;
    if (ev.type.startsWith('payment_intent.')) {
      paymentIntentId = str(o['id']);
      status = str(o['status']);
      amountCents = cents(o['amount']);
      failureCode = isObj(o['last_payment_error']) ? str(o['last_payment_error']['code']) : null;
    } else if (ev.type.startsWith('checkout.session.')) {
      paymentIntentId = idOf(o['payment_intent']);
      status = str(o['status']);
      amountCents = cents(o['amount_total']);
    } else {
      const action = isObj(o['action']) ? o['action'] : {};
      const ppi = isObj(action['process_payment_intent']) ? action['process_payment_intent'] : {};
      paymentIntentId = idOf(ppi['payment_intent']);
      status = str(action['status']);
      failureCode = str(action['failure_code']);
      amountCents = null;
      if (paymentIntentId) {
        const pi = await this.deps.stripe.paymentIntents.retrieve(paymentIntentId);
        amountCents = cents(pi.amount);
        if (!isValidSiteId(metadata['siteId'])) metadata = { ...pi.metadata };
        else metadata = { ...pi.metadata, siteId: metadata['siteId'] };
      }
    }
    const objectId = str(o['id']) ?? 'unknown';
    const saleIdRaw = str(metadata['saleId']);
    const saleId = saleIdRaw !== null && saleIdRaw.length <= 200 ? saleIdRaw : null;
    const siteId = isValidSiteId(metadata['siteId']) ? metadata['siteId'] : null;
    const body: PaymentWebhook = {
      eventId: ev.id,
      type: ev.type as RelayedStripeEvent,
      objectId: /^[A-Za-z0-9_]{3,255}$/.test(objectId) ? objectId : 'unknown',
      paymentIntentId: paymentIntentId !== null && /^[A-Za-z0-9_]{3,255}$/.test(paymentIntentId) ? paymentIntentId : null,
      status: (status ?? 'unknown').slice(0, 64),
      amountCents,
      saleId,
      failureCode: failureCode !== null && failureCode.length <= 100 ? failureCode : null,
      createdAt: ev.created * 1000,
    };
    return { siteId, body };
  }
}
