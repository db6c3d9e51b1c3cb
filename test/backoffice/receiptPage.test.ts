/**
 * The receipt page behind the kiosk's QR code (`GET /r/:siteId/:saleId?t=<token>`, issue 10), on
 * SQLite and PostgreSQL: before the sale has synced it says "Beleg noch nicht übertragen"; once the
 * sale's events are ingested it shows the receipt as the point recorded it (shop, items, deposit,
 * VAT per rate, total, payment method, transaction and ledger numbers); a wrong token gets the same
 * "not yet" page; `p_sales` is built in the ingest transaction and a rebuild gives the same rows.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingestBatch } from '../../backoffice/ingest/ingestStore.ts';
import { rebuildProjections } from '../../backoffice/projections/projections.ts';
import { postgresSkipReason } from '../support/testDb.ts';
import { startHarness, type Harness } from './authHarness.ts';
import { batchOf, dumpProjections, ev } from './projectionSupport.ts';

const pgSkip = await postgresSkipReason('receipt page tests on PostgreSQL');
if (pgSkip) console.warn(pgSkip);

const T0 = Date.UTC(2026, 11, 6, 20, 40, 0); // 21:40 in Berlin
const t = (s: number): number => T0 + s * 1000;
const TOKEN = 'q3Vb0Xk2LxR9mZc1NfT8aA';
const SALE = 'sale-7f3a';

const saleEvents = [
  ev(1, t(1), 'sale.cart-fixed', {
    saleId: SALE,
    lines: [
      { productId: '04001234000604', name: 'Apfelschorle 0,5 l', quantity: 2, unitCents: 89, vatRate: 19, depositCents: 25, ageClass: 0 },
      { productId: 'plu:1001', name: 'Brötchen', quantity: 3, unitCents: 45, vatRate: 7, depositCents: 0, ageClass: 0 },
    ],
    totalCents: 2 * (89 + 25) + 3 * 45,
    vat: [
      { rate: 19, netCents: 192, vatCents: 36, grossCents: 228 },
      { rate: 7, netCents: 126, vatCents: 9, grossCents: 135 },
    ],
    requiredAge: 0,
  }),
  ev(2, t(2), 'payment.started', { saleId: SALE, paymentId: 'pay-1', provider: 'stripe-terminal', memberId: null, amountCents: 363 }),
  ev(3, t(9), 'payment.captured', { saleId: SALE, paymentId: 'pay-1', ref: 'pi_1', amountCents: 363 }),
  ev(4, t(10), 'sale.committed', { saleId: SALE, paymentId: 'pay-1', totalCents: 363, reconciled: false }),
  ev(5, t(11), 'sale.receipt-issued', {
    saleId: SALE,
    totalCents: 363,
    receiptToken: TOKEN,
    payment: 'card',
    shop: { name: 'Dorfladen Musterdorf', address: ['Hauptstraße 1', '12345 Musterdorf'] },
    ledgerSeq: 4,
  }),
];

for (const kind of ['sqlite', 'postgres'] as const) {
  describe.skipIf(kind === 'postgres' && pgSkip !== null)(`receipt page on ${kind}`, () => {
    let h: Harness;
    beforeAll(async () => {
      h = await startHarness(kind);
    });
    afterAll(async () => {
      await h?.close();
    });
    const get = (url: string, lang = 'de') => h.inject({ method: 'GET', url, headers: { 'accept-language': lang } });

    it('says the receipt is not transmitted yet before the sale has synced', async () => {
      const res = await get(`/r/dorf-a/${SALE}?t=${TOKEN}`);
      expect(res.statusCode).toBe(404);
      expect(res.headers['content-type']).toMatch(/^text\/html/);
      expect(res.body).toContain('Beleg noch nicht übertragen, bitte später erneut.');
      expect(res.body).not.toContain('Apfelschorle');
    });

    it('shows the receipt once the sale has synced: shop, items, deposit, VAT per rate, total, payment, transaction and ledger numbers', async () => {
      await ingestBatch(h.db.db, batchOf('dorf-a', saleEvents), t(20));
      const res = await get(`/r/dorf-a/${SALE}?t=${TOKEN}`);
      expect(res.statusCode).toBe(200);
      const body = res.body;
      for (const part of [
        'Dorfladen Musterdorf',
        'Hauptstraße 1',
        'Apfelschorle 0,5 l',
        '2 × 0,89 €',
        'Pfand',
        '2 × 0,25 €',
        'Brötchen',
        '3 × 0,45 €',
        '<td class="n" data-total>3,63 €</td>',
        '<td>19 %</td><td class="n">1,92 €</td><td class="n">0,36 €</td><td class="n">2,28 €</td>',
        '<td>7 %</td><td class="n">1,26 €</td><td class="n">0,09 €</td><td class="n">1,35 €</td>',
        '<dd>Karte</dd>',
        `<dd>${SALE}</dd>`,
        '<dd>dorf-a / 4</dd>',
        '06.12.2026, 21:40',
      ])
        expect(body).toContain(part);
      const en = await get(`/r/dorf-a/${SALE}?t=${TOKEN}`, 'en');
      expect(en.body).toContain('<dd>Card</dd>');
      expect(en.body).toContain('€3.63');
    });

    it('gives a wrong or missing token, another site or an unknown sale nothing but the "not yet" page or a 400', async () => {
      for (const url of [`/r/dorf-a/${SALE}?t=${TOKEN.replace('q', 'r')}`, `/r/dorf-b/${SALE}?t=${TOKEN}`, `/r/dorf-a/other?t=${TOKEN}`]) {
        const res = await get(url);
        expect({ url, status: res.statusCode }).toEqual({ url, status: 404 });
        expect(res.body).not.toContain('Apfelschorle');
      }
      expect((await get(`/r/dorf-a/${SALE}`)).statusCode).toBe(400);
      expect((await get(`/r/dorf-a/${SALE}?t=short`)).statusCode).toBe(400);
    });

    it('builds p_sales in the ingest transaction and the rebuild gives the same rows', async () => {
      const live = await dumpProjections(h.db.db);
      expect(live.p_sales).toEqual([
        expect.objectContaining({ site_id: 'dorf-a', sale_id: SALE, status: 'committed', committed_seq: 4, receipt_token: TOKEN }),
      ]);
      await rebuildProjections(h.db.db);
      expect(await dumpProjections(h.db.db)).toEqual(live);
    });
  });
}
