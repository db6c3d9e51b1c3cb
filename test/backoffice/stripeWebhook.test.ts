/**
 * The Stripe webhook receiver against the real Stripe fake, on SQLite and PostgreSQL: a genuine
 * event is stored once and relayed once to the point in its metadata as a `payment.webhook` change
 * however often Stripe delivers it; a forged signature, a re-serialised body, a stale or future
 * timestamp and a missing header are refused with 400 and leave nothing behind.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import Stripe from 'stripe';
import { postgresSkipReason } from '../support/testDb.ts';
import { waitFor } from '../support/waitFor.ts';
import { signPayload } from '../../fakes/stripe/signature.ts';
import { startPaymentsHarness, WEBHOOK_SECRET, type PaymentsHarness } from './paymentsHarness.ts';

const pgSkip = await postgresSkipReason('Stripe webhook tests on PostgreSQL');
if (pgSkip) console.warn(pgSkip);

const variants = [
  { name: 'SQLite', kind: 'sqlite' as const, skip: false },
  { name: 'PostgreSQL', kind: 'postgres' as const, skip: pgSkip !== null },
];

async function count(h: PaymentsHarness, table: 'stripe_events' | 'changes' | 'audit_log'): Promise<number> {
  const q = h.kysely.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n'));
  const r =
    table === 'audit_log' ? await q.where('action' as never, '=', 'stripe.webhook' as never).executeTakeFirstOrThrow() : await q.executeTakeFirstOrThrow();
  return Number(r.n);
}

async function post(h: PaymentsHarness, body: string, signature: string | null): Promise<{ status: number; body: any }> {
  const res = await fetch(h.webhookUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json; charset=utf-8', ...(signature === null ? {} : { 'stripe-signature': signature }) },
    body,
  });
  return { status: res.status, body: await res.json() };
}

describe.each(variants)('Stripe webhooks on $name', ({ kind, skip }) => {
  describe('with the fake delivering to the backoffice', () => {
    let h: PaymentsHarness;
    beforeEach(async () => {
      if (!skip) h = await startPaymentsHarness(kind);
    });
    afterEach(async () => {
      await h?.close();
    });

    it.skipIf(skip)('relays a payment event once as a payment.webhook change even when Stripe delivers it three times', async () => {
      const pi = await h.stripe.paymentIntents.create({
        amount: 1250,
        currency: 'eur',
        allowed_payment_method_types: ['card_present'],
        capture_method: 'manual',
        metadata: { siteId: 'site-a', saleId: 'sale-1' },
      });
      const [ev] = (await h.stripe.events.list({ type: 'payment_intent.created' })).data;
      expect(ev!.data.object).toMatchObject({ id: pi.id });
      await h.deliveredOk(ev!.id, 1);
      await h.control('POST', `/_fake/events/${ev!.id}/redeliver`);
      await h.control('POST', `/_fake/events/${ev!.id}/redeliver`);
      await h.deliveredOk(ev!.id, 3);

      expect(h.relayed('site-a')).toEqual([
        {
          eventId: ev!.id,
          type: 'payment_intent.created',
          objectId: pi.id,
          paymentIntentId: pi.id,
          status: 'requires_payment_method',
          amountCents: 1250,
          saleId: 'sale-1',
          failureCode: null,
          createdAt: ev!.created * 1000,
        },
      ]);
      const changes = await h.kysely.selectFrom('changes').selectAll().where('site_id', '=', 'site-a').execute();
      expect(changes.map((c) => [c.kind, (JSON.parse(c.body) as { eventId: string }).eventId])).toEqual([['payment.webhook', ev!.id]]);
      const row = await h.kysely.selectFrom('stripe_events').selectAll().where('id', '=', ev!.id).executeTakeFirstOrThrow();
      expect([row.relay, Number(row.relay_version), Number(row.deliveries), row.site_id]).toEqual(['relayed', changes[0]!.version, 3, 'site-a']);
      const audit = await h.kysely.selectFrom('audit_log').selectAll().where('action', '=', 'stripe.webhook').where('target', '=', ev!.id).execute();
      expect(audit).toHaveLength(3);
      expect(audit.filter((a) => a.site_id === 'site-a')).toHaveLength(1);
    });

    it.skipIf(skip)(
      'relays the reader outcome of a card payment with the sale and amount, a declined card with its failure code, never card data',
      async () => {
        const reader = h.fake.registerReader('kiosk');
        const pay = async (saleId: string, number: string) => {
          const pi = await h.stripe.paymentIntents.create({
            amount: 870,
            currency: 'eur',
            allowed_payment_method_types: ['card_present'],
            capture_method: 'manual',
            metadata: { siteId: 'site-b', saleId },
          });
          await h.stripe.terminal.readers.processPaymentIntent(reader.id, { payment_intent: pi.id });
          await h.stripe.testHelpers.terminal.readers.presentPaymentMethod(reader.id, { type: 'card_present', card_present: { number } });
          return pi;
        };
        const ok = await pay('sale-ok', '4242424242424242');
        await waitFor(() => h.relayed('site-b').some((b) => b.type === 'terminal.reader.action_succeeded'), { what: 'reader success relayed' });
        const declined = await pay('sale-declined', '4000000000000002');
        await waitFor(() => h.relayed('site-b').some((b) => b.type === 'terminal.reader.action_failed'), { what: 'reader failure relayed' });

        const relayed = h.relayed('site-b');
        expect(relayed.find((b) => b.type === 'terminal.reader.action_succeeded')).toMatchObject({
          objectId: reader.id,
          paymentIntentId: ok.id,
          status: 'succeeded',
          amountCents: 870,
          saleId: 'sale-ok',
          failureCode: null,
        });
        expect(relayed.find((b) => b.type === 'terminal.reader.action_failed')).toMatchObject({
          paymentIntentId: declined.id,
          status: 'failed',
          amountCents: 870,
          saleId: 'sale-declined',
          failureCode: 'card_declined',
        });
        expect(relayed.find((b) => b.type === 'payment_intent.amount_capturable_updated')).toMatchObject({
          paymentIntentId: ok.id,
          status: 'requires_capture',
          saleId: 'sale-ok',
        });
        const wire = JSON.stringify(h.published);
        for (const pan of ['4242424242424242', '4000000000000002']) expect(wire).not.toContain(pan);
        expect(wire).not.toMatch(/last4|brand|visa|card_present"/i);

        // A refund's charge.refunded event carries the card's brand and last4: stored redacted, not relayed.
        await h.stripe.paymentIntents.capture(ok.id);
        await h.stripe.refunds.create({ payment_intent: ok.id, amount: 200 });
        await waitFor(async () => (await h.kysely.selectFrom('stripe_events').select('id').where('type', '=', 'charge.refunded').execute()).length === 1, {
          what: 'charge.refunded stored',
        });
        const original = JSON.stringify((await h.stripe.events.list({ type: 'charge.refunded' })).data[0]);
        expect(original).toMatch(/"last4"/);
        const stored = await h.kysely.selectFrom('stripe_events').select(['type', 'payload', 'relay']).execute();
        expect(stored.find((r) => r.type === 'charge.refunded')?.relay).toBe('not-relayed');
        for (const r of stored) expect(r.payload).not.toMatch(/last4|"brand"|fingerprint/);
      },
    );

    it.skipIf(skip)('stores but does not relay an event without a valid siteId in its metadata', async () => {
      await h.stripe.paymentIntents.create({
        amount: 990,
        currency: 'eur',
        allowed_payment_method_types: ['card_present'],
        capture_method: 'manual',
        metadata: { siteId: 'Not A Site/#', saleId: 'sale-x' },
      });
      const [ev] = (await h.stripe.events.list({ type: 'payment_intent.created' })).data;
      await h.deliveredOk(ev!.id, 1);
      const row = await h.kysely.selectFrom('stripe_events').select(['relay', 'site_id']).where('id', '=', ev!.id).executeTakeFirstOrThrow();
      expect(row).toEqual({ relay: 'no-site', site_id: null });
      expect(h.published).toEqual([]);
    });
  });

  describe('refusing bad deliveries', () => {
    let h: PaymentsHarness;
    /** A genuine event from the fake, as Stripe sends it (pretty-printed JSON), not yet delivered. */
    let pretty: string;
    let eventId: string;
    beforeEach(async () => {
      if (skip) return;
      h = await startPaymentsHarness(kind, { registerEndpoint: false });
      await h.stripe.paymentIntents.create({
        amount: 400,
        currency: 'eur',
        allowed_payment_method_types: ['card_present'],
        capture_method: 'manual',
        metadata: { siteId: 'site-a', saleId: 'sale-9' },
      });
      const ev = (await h.stripe.events.list({ type: 'payment_intent.created' })).data[0]!;
      eventId = ev.id;
      pretty = JSON.stringify(ev, null, 2);
    });
    afterEach(async () => {
      await h?.close();
    });
    const nowS = () => Math.floor(h.clock.now() / 1000);

    const nothingStored = async () => {
      expect(await count(h, 'stripe_events')).toBe(0);
      expect(await count(h, 'changes')).toBe(0);
      expect(await count(h, 'audit_log')).toBe(0);
      expect(h.published).toEqual([]);
    };

    it.skipIf(skip)(
      'refuses a forged signature, a re-serialised body, a missing header and a 301 s old or future timestamp with 400; nothing stored',
      async () => {
        const cases: [string, string, string | null, string][] = [
          ['forged', pretty, signPayload(pretty, 'whsec_attackerGuessedThis0000', nowS()), 'bad-signature'],
          ['re-serialised (same JSON, other whitespace)', JSON.stringify(JSON.parse(pretty)), signPayload(pretty, WEBHOOK_SECRET, nowS()), 'bad-signature'],
          ['no header', pretty, null, 'signature-missing'],
          ['301 s old', pretty, signPayload(pretty, WEBHOOK_SECRET, nowS() - 301), 'stale-timestamp'],
          ['301 s ahead', pretty, signPayload(pretty, WEBHOOK_SECRET, nowS() + 301), 'stale-timestamp'],
          ['garbage header', pretty, 'v1=deadbeef', 'bad-signature'],
        ];
        for (const [what, body, sig, code] of cases) {
          const r = await post(h, body, sig);
          expect([what, r.status, r.body.error]).toEqual([what, 400, code]);
          expect(typeof r.body.message).toBe('string');
          expect(r.body.message.length).toBeGreaterThan(10);
        }
        await nothingStored();
        // The same event, genuinely signed 300 s ago, is accepted: the refusals were the inputs' fault.
        const ok = await post(h, pretty, signPayload(pretty, WEBHOOK_SECRET, nowS() - 300));
        expect([ok.status, ok.body]).toEqual([200, { received: true, eventId, duplicate: false, relay: 'relayed' }]);
        expect(h.relayed('site-a').map((b) => b.eventId)).toEqual([eventId]);
      },
    );

    it.skipIf(skip)('refuses a signed body that is no Stripe event, and a non-JSON content type', async () => {
      const notEvent = JSON.stringify({ hello: 'world' });
      const r = await post(h, notEvent, signPayload(notEvent, WEBHOOK_SECRET, nowS()));
      expect([r.status, r.body.error]).toEqual([400, 'bad-event']);
      const form = await fetch(h.webhookUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'stripe-signature': signPayload(pretty, WEBHOOK_SECRET, nowS()) },
        body: pretty,
      });
      expect(form.status).toBe(415);
      await nothingStored();
    });

    it.skipIf(skip)('accepts a header with several v1 signatures while Stripe rolls the secret', async () => {
      const t = nowS();
      const good = signPayload(pretty, WEBHOOK_SECRET, t).split(',v1=')[1]!;
      const header = `t=${t},v1=${'0'.repeat(64)},v1=${good}`;
      const r = await post(h, pretty, header);
      expect([r.status, r.body.eventId]).toEqual([200, eventId]);
    });
  });

  it.skipIf(skip)('accepts events signed with the old or the new secret while our secrets rotate', async () => {
    const h = await startPaymentsHarness(kind, { registerEndpoint: false, signingSecrets: ['whsec_oldSecretStillValid000', WEBHOOK_SECRET] });
    try {
      await h.stripe.paymentIntents.create({
        amount: 500,
        currency: 'eur',
        allowed_payment_method_types: ['card_present'],
        metadata: { siteId: 'site-a', saleId: 's' },
      });
      await h.stripe.paymentIntents.create({
        amount: 600,
        currency: 'eur',
        allowed_payment_method_types: ['card_present'],
        metadata: { siteId: 'site-a', saleId: 't' },
      });
      const [a, b] = (await h.stripe.events.list({ type: 'payment_intent.created' })).data.map((e) => JSON.stringify(e, null, 2));
      const t = Math.floor(h.clock.now() / 1000);
      expect((await post(h, a!, signPayload(a!, 'whsec_oldSecretStillValid000', t))).status).toBe(200);
      expect((await post(h, b!, signPayload(b!, WEBHOOK_SECRET, t))).status).toBe(200);
      expect(h.relayed('site-a')).toHaveLength(2);
    } finally {
      await h.close();
    }
  });

  it.skipIf(skip)('finishes a relay that failed after the event was stored when Stripe retries the delivery', async () => {
    const h = await startPaymentsHarness(kind, { failRelays: 1 });
    try {
      await h.stripe.paymentIntents.create({
        amount: 700,
        currency: 'eur',
        allowed_payment_method_types: ['card_present'],
        metadata: { siteId: 'site-c', saleId: 'sale-r' },
      });
      const [ev] = (await h.stripe.events.list({ type: 'payment_intent.created' })).data;
      await waitFor(
        async () =>
          (await h.control('GET', '/_fake/deliveries')).body.some((d: { eventId: string; status: number }) => d.eventId === ev!.id && d.status === 500),
        { what: 'the first delivery answered 500' },
      );
      const stored = await h.kysely.selectFrom('stripe_events').select(['relay']).where('id', '=', ev!.id).executeTakeFirstOrThrow();
      expect(stored.relay).toBe('pending');
      expect(h.relayed('site-c')).toEqual([]);
      h.clock.advance(60_000); // Stripe's first retry
      await h.deliveredOk(ev!.id, 1);
      expect(h.relayed('site-c').map((b) => [b.eventId, b.saleId])).toEqual([[ev!.id, 'sale-r']]);
      const row = await h.kysely.selectFrom('stripe_events').select(['relay', 'deliveries']).where('id', '=', ev!.id).executeTakeFirstOrThrow();
      expect([row.relay, Number(row.deliveries)]).toEqual(['relayed', 2]);
    } finally {
      await h.close();
    }
  });
});

describe('receiver set-up', () => {
  it('refuses to start without a signing secret', async () => {
    const { StripeWebhookReceiver } = await import('../../backoffice/payments/webhooks.ts');
    expect(() => new StripeWebhookReceiver({ signingSecrets: [] } as unknown as ConstructorParameters<typeof StripeWebhookReceiver>[0])).toThrow(
      /signing secret/,
    );
    expect(Stripe).toBeDefined();
  });
});
