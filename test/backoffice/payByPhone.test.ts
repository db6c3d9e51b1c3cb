/**
 * Pay by phone against the real Stripe fake, on SQLite and PostgreSQL: an operator starts a
 * Checkout Session for a basket, gets a short link and its QR code; the link redirects to Stripe's
 * page while the session is open; the customer pays on the phone and the completed checkout reaches
 * the point by webhook as a `payment.webhook` change; the link then ends, as it does at expiry.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import QRCode from 'qrcode';
import { postgresSkipReason } from '../support/testDb.ts';
import { waitFor } from '../support/waitFor.ts';
import { signIn, type SignedIn } from './authFixture.ts';
import { startPaymentsHarness, type PaymentsHarness } from './paymentsHarness.ts';

const pgSkip = await postgresSkipReason('pay-by-phone tests on PostgreSQL');
if (pgSkip) console.warn(pgSkip);

const variants = [
  { name: 'SQLite', kind: 'sqlite' as const, skip: false },
  { name: 'PostgreSQL', kind: 'postgres' as const, skip: pgSkip !== null },
];

const BASKET = {
  siteId: 'site-a',
  saleId: 'sale-7',
  lines: [
    { name: 'Milch 1 l', unitCents: 119, quantity: 2 },
    { name: 'Bauernbrot', unitCents: 350, quantity: 1 },
  ],
};

interface Answer {
  sessionId: string;
  code: string;
  shortUrl: string;
  amountCents: number;
  expiresAt: number;
  qrSvg: string;
  reused: boolean;
}

describe.each(variants)('pay by phone on $name', ({ kind, skip }) => {
  let h: PaymentsHarness;
  let op: SignedIn;
  const start = async (body: unknown = BASKET) =>
    h.app.inject({ method: 'POST', url: '/api/pay-by-phone/sessions', headers: op.headers, payload: body as object });
  const follow = (url: string) => fetch(url, { redirect: 'manual' });

  beforeEach(async () => {
    if (skip) return;
    h = await startPaymentsHarness(kind);
    op = await signIn(h.kysely, 'operator', h.clock.now());
  });
  afterEach(async () => {
    await h?.close();
  });

  it.skipIf(skip)('gives a short link that redirects to the checkout page, and a completed checkout arrives at the point by webhook', async () => {
    const res = await start();
    expect(res.statusCode, res.body).toBe(200);
    const a = res.json() as Answer;
    expect(a.amountCents).toBe(588);
    expect(a.code).toMatch(/^[a-z2-9]{8}$/);
    expect(a.shortUrl).toBe(`${h.base}/p/${a.code}`);
    expect(a.expiresAt).toBe(h.clock.now() + 31 * 60_000);
    expect(a.qrSvg).toMatch(/^<svg[^>]*>/);

    const session = await h.stripe.checkout.sessions.retrieve(a.sessionId);
    expect(session.metadata).toEqual({ siteId: 'site-a', saleId: 'sale-7' });
    expect(session.amount_total).toBe(588);
    // The reason for the short link: a much smaller QR code than the checkout URL's.
    expect(QRCode.create(a.shortUrl, { errorCorrectionLevel: 'M' }).version).toBeLessThan(QRCode.create(session.url!, { errorCorrectionLevel: 'M' }).version);

    const redirect = await follow(a.shortUrl);
    expect([redirect.status, redirect.headers.get('location')]).toEqual([302, session.url]);

    // Asking again for the same open sale shows the same link, no second session.
    const again = (await start()).json() as Answer;
    expect([again.code, again.sessionId, again.reused]).toEqual([a.code, a.sessionId, true]);

    // The customer pays on the phone.
    const paid = await h.control('POST', `/_fake/checkout/${a.sessionId}/pay`, {});
    expect(paid.status).toBe(200);
    await waitFor(() => h.relayed('site-a').some((b) => b.type === 'checkout.session.completed'), { what: 'completed checkout relayed to site-a' });
    const completed = h.relayed('site-a').find((b) => b.type === 'checkout.session.completed')!;
    expect(completed).toMatchObject({ objectId: a.sessionId, status: 'complete', amountCents: 588, saleId: 'sale-7', failureCode: null });
    expect(completed.paymentIntentId).toMatch(/^pi_/);

    // The link has done its job.
    const gone = await follow(a.shortUrl);
    expect([gone.status, ((await gone.json()) as { error: string }).error]).toEqual([410, 'expired']);

    const audit = await h.kysely.selectFrom('audit_log').selectAll().where('action', '=', 'payment.pay-by-phone').where('outcome', '=', 'ok').execute();
    expect(audit.map((r) => [r.user_id, r.site_id, r.target])).toEqual([
      [op.user.id, 'site-a', a.sessionId],
      [op.user.id, 'site-a', a.sessionId],
    ]);
  });

  it.skipIf(skip)('ends the link when the session expires unpaid, relays the expiry, and a new request for the sale gets a new session', async () => {
    const a = (await start()).json() as Answer;
    h.clock.advance(31 * 60_000);
    const gone = await follow(a.shortUrl);
    expect(gone.status).toBe(410);
    await waitFor(() => h.relayed('site-a').some((b) => b.type === 'checkout.session.expired'), { what: 'expired checkout relayed' });
    expect(h.relayed('site-a').find((b) => b.type === 'checkout.session.expired')).toMatchObject({
      objectId: a.sessionId,
      status: 'expired',
      saleId: 'sale-7',
      paymentIntentId: null,
    });
    op = await signIn(h.kysely, 'operator', h.clock.now()); // the first session idled out meanwhile
    const rb = await start();
    const b = rb.json() as Answer;
    expect(rb.statusCode, rb.body).toBe(200);
    expect(b.reused).toBe(false);
    expect(b.sessionId).not.toBe(a.sessionId);
    expect(b.code).not.toBe(a.code);
    expect((await follow(b.shortUrl)).status).toBe(302);
  });

  it.skipIf(skip)('expires the open session of a sale whose basket changed, so only the new total can be paid', async () => {
    const a = (await start()).json() as Answer;
    const changed = await start({ ...BASKET, lines: [...BASKET.lines, { name: 'Eier (6)', unitCents: 240, quantity: 1 }] });
    expect(changed.statusCode, changed.body).toBe(200);
    const b = changed.json() as Answer;
    expect([b.amountCents, b.reused]).toEqual([828, false]);
    expect(b.sessionId).not.toBe(a.sessionId);
    expect((await h.stripe.checkout.sessions.retrieve(a.sessionId)).status).toBe('expired');
    expect((await follow(a.shortUrl)).status).toBe(410);
    expect((await follow(b.shortUrl)).status).toBe(302);
    const paidOld = await h.control('POST', `/_fake/checkout/${a.sessionId}/pay`, {});
    expect(paidOld.status).toBe(400);
  });

  it.skipIf(skip)('refuses a basket under 0.50 €, a malformed body and an unknown code with clear errors; nothing created', async () => {
    const small = await start({ ...BASKET, lines: [{ name: 'Kaugummi', unitCents: 20, quantity: 2 }] });
    expect([small.statusCode, (small.json() as { error: string }).error]).toEqual([400, 'amount-too-small']);
    for (const bad of [
      { ...BASKET, siteId: 'Bad/Site' },
      { ...BASKET, lines: [] },
      { ...BASKET, lines: [{ name: 'x', unitCents: 1.5, quantity: 1 }] },
      { ...BASKET, extra: 1 },
    ]) {
      const r = await start(bad);
      expect([r.statusCode, (r.json() as { error: string }).error]).toEqual([400, 'bad-request']);
    }
    expect(h.fake.core.store.checkoutSessions.size).toBe(0);
    expect(await h.kysely.selectFrom('pay_links').selectAll().execute()).toEqual([]);
    const unknown = await follow(`${h.base}/p/abcdefgh`);
    expect([unknown.status, ((await unknown.json()) as { error: string }).error]).toEqual([404, 'not-found']);
    const page = await fetch(`${h.base}/p/abcdefgh`, { headers: { accept: 'text/html,application/xhtml+xml' } });
    expect([page.status, page.headers.get('content-type')]).toEqual([404, 'text/html; charset=utf-8']);
    expect(await page.text()).toContain('Bitte den QR-Code am Terminal noch einmal scannen');
    const malformed = await follow(`${h.base}/p/ABC`);
    expect(malformed.status).toBe(400);
  });

  it.skipIf(skip)('needs an operator session with its CSRF token', async () => {
    const anon = await h.app.inject({ method: 'POST', url: '/api/pay-by-phone/sessions', payload: BASKET });
    expect(anon.statusCode).toBe(401);
    const noCsrf = await h.app.inject({ method: 'POST', url: '/api/pay-by-phone/sessions', headers: { cookie: op.headers['cookie']! }, payload: BASKET });
    expect(noCsrf.statusCode).toBe(403);
    expect(await h.kysely.selectFrom('pay_links').selectAll().execute()).toEqual([]);
  });
});
