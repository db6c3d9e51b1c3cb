import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createSystemClock } from '../../firmware-bridge/platform/clock.ts';
import { startFake, TEST_SECRET_KEY, type FakeHarness } from '../../fakes/stripe/testSupport.ts';
import { createKioskClient, decodeLiveMessage, liveUrl, type KioskClient } from '../../controller/contract/kiosk/index.ts';
import { demoGtin } from '../../controller/catalog/demoCatalog.ts';
import { startSimulatedPoint, type PointFixture } from './pointFixture.ts';

/**
 * Receipts at a simulated point over real HTTP (issue 10): after a card sale on the Stripe fake the
 * kiosk gets the receipt as text with the link to the backoffice's receipt page and its QR code;
 * printed on request on the simulated ESC/POS printer (its paper decoded from the real bytes), with
 * every attempt in the ledger; a printer without paper is told to the customer and never costs the sale.
 */
describe('receipts over the kiosk HTTP API, printed on the simulated ESC/POS printer', () => {
  let stripe: FakeHarness;
  let readerId: string;
  let f: PointFixture;
  let kiosk: KioskClient;
  const eventsOf = (type: string) => f.point.ledger.eventsOfTypes([type], 0, 1000);

  beforeAll(async () => {
    stripe = await startFake();
    readerId = stripe.fake.registerReader('Kiosk').id;
    f = await startSimulatedPoint({
      clock: createSystemClock(), // the printer driver waits for the paper on the point's clock
      http: { host: '127.0.0.1', port: 0 },
      payments: { secretKey: TEST_SECRET_KEY, readerId, api: { host: '127.0.0.1', port: stripe.port, protocol: 'http' } },
      service: { backofficePublicUrl: 'https://laden.example.org/' },
    });
    kiosk = createKioskClient({ baseUrl: f.point.url! });
  });
  afterAll(async () => {
    await f?.close();
    await stripe?.close();
  });

  async function sellCoffee(): Promise<string> {
    const saleId = (await kiosk.checkout.begin()).sale!.saleId;
    await kiosk.checkout.scan(saleId, { code: demoGtin('Kaffee, ganze Bohne') });
    await kiosk.checkout.confirm(saleId, { totalCents: 699 });
    await kiosk.checkout.pay(saleId, { method: 'card' });
    // the simulated reader panel: present an approved card through the Stripe fake's test helper
    expect(await kiosk.sim.reader({ action: 'present' })).toEqual({ ok: true, message: 'Am Kartenleser ausgeführt.' });
    await expect.poll(async () => (await kiosk.checkout.sale(saleId)).state).toBe('done');
    return saleId;
  }

  it('shows the receipt with the shop, the items, VAT and the link to the backoffice receipt page as a QR code', async () => {
    const saleId = await sellCoffee();
    const r = await kiosk.checkout.receipt(saleId);
    expect(r.ok).toBe(true);
    const text = r.text!.join('\n');
    expect(text).toContain('Dorfladen Musterdorf');
    expect(text).toContain('Hauptstraße 1');
    expect(text).toContain('Kaffee, ganze Bohne');
    expect(text).toMatch(/Summe\s+6,99 €/);
    const issued = eventsOf('sale.receipt-issued').find((e) => e.data['saleId'] === saleId)!;
    const token = issued.data['receiptToken'] as string;
    expect(token).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(issued.data).toMatchObject({ payment: 'card', shop: { name: 'Dorfladen Musterdorf' }, ledgerSeq: eventsOf('sale.committed').at(-1)!.seq });
    expect(r.url).toBe(`https://laden.example.org/r/test-dorf/${encodeURIComponent(saleId)}?t=${token}`);
    expect(r.qrSvg).toMatch(/^<svg/);
  });

  it('prints the receipt on request: the printer’s paper (decoded from the ESC/POS bytes) has the sale, the ledger records the print', async () => {
    const saleId = eventsOf('sale.committed').at(-1)!.data['saleId'] as string;
    const committedSeq = eventsOf('sale.committed').at(-1)!.seq;
    expect(await kiosk.checkout.print(saleId)).toEqual({ ok: true, outcome: 'printed', message: 'Ihr Beleg wird gedruckt.' });
    const paper = await kiosk.sim.printer();
    expect(paper.present).toBe(true);
    const printed = paper.receipts.at(-1)!;
    const text = printed.text.join('\n');
    for (const part of ['Dorfladen Musterdorf', 'Kaffee, ganze Bohne', '6,99 €', 'Karte', String(committedSeq)]) expect(text).toContain(part);
    expect(printed.qrCodes).toEqual([expect.stringMatching(new RegExp(`^https://laden\\.example\\.org/r/test-dorf/`))]);
    expect(eventsOf('sale.receipt-printed').map((e) => e.data)).toEqual([{ saleId, outcome: 'printed', sent: true, ledgerSeq: committedSeq }]);
  });

  it('out of paper: the customer is told clearly, nothing is lost — the sale stays committed and paid, the attempt is recorded; with paper it prints', async () => {
    const saleId = await sellCoffee();
    const printedBefore = (await kiosk.sim.printer()).receipts.length;
    expect(await kiosk.sim.paper({ paper: 'out' })).toEqual({ ok: true });
    const r = await createKioskClient({ baseUrl: f.point.url!, lang: 'en' }).checkout.print(saleId);
    expect(r).toEqual({ ok: false, outcome: 'paper-out', message: 'The printer is out of paper. Your receipt is shown on the screen.' });
    expect(eventsOf('sale.receipt-printed').at(-1)!.data).toMatchObject({ saleId, outcome: 'paper-out', sent: false });
    expect(eventsOf('sale.committed').map((e) => e.data['saleId'])).toContain(saleId);
    expect(eventsOf('sale.aborted').map((e) => e.data['saleId'])).not.toContain(saleId);
    expect(await kiosk.checkout.sale(saleId)).toMatchObject({ state: 'done', payment: { status: 'captured' } });
    expect((await kiosk.checkout.receipt(saleId)).ok).toBe(true); // still on the screen
    expect((await kiosk.sim.printer()).receipts.length).toBe(printedBefore);

    await kiosk.sim.paper({ paper: 'ok' });
    expect(await kiosk.checkout.print(saleId)).toMatchObject({ ok: true, outcome: 'printed' });
    expect((await kiosk.sim.printer()).receipts.length).toBe(printedBefore + 1);
  });

  it('the simulated reader declines a card (the sale waits for another try, nothing charged) and a customer walking away leaves nothing charged', async () => {
    const saleId = (await kiosk.checkout.begin()).sale!.saleId;
    await kiosk.checkout.scan(saleId, { code: demoGtin('Spülmittel') });
    await kiosk.checkout.confirm(saleId, { totalCents: 129 });
    await kiosk.checkout.pay(saleId, { method: 'card' });
    expect(await kiosk.sim.reader({ action: 'decline' })).toMatchObject({ ok: true });
    await expect.poll(async () => (await kiosk.checkout.sale(saleId)).state).toBe('paymentFailed');
    expect(eventsOf('payment.failed').at(-1)!.data).toMatchObject({ saleId });
    // nothing waits at the reader now: walking away there is said plainly
    expect(await kiosk.sim.reader({ action: 'walk-away' })).toMatchObject({ ok: false, message: expect.stringContaining('wartet gerade auf keine Zahlung') });
    await kiosk.checkout.abort(saleId);
    // walking away while the reader waits: the reader's action ends unanswered, the kiosk offers another try
    const second = (await kiosk.checkout.begin()).sale!.saleId;
    await kiosk.checkout.scan(second, { code: demoGtin('Spülmittel') });
    await kiosk.checkout.confirm(second, { totalCents: 129 });
    await kiosk.checkout.pay(second, { method: 'card' });
    expect(await kiosk.sim.reader({ action: 'walk-away' })).toMatchObject({ ok: true });
    await expect.poll(async () => (await kiosk.checkout.sale(second)).state).toBe('paymentFailed');
    await kiosk.checkout.abort(second);
    const books = (await stripe.control('GET', '/_fake/ledger')).body as { paymentIntents: Array<{ status: string; amountCaptured: number }> };
    expect(books.paymentIntents.at(-1)).toMatchObject({ amountCaptured: 0 });
  });

  it('answers a receipt or a print for a sale without a receipt with a refusal and records nothing', async () => {
    const before = f.point.ledger.lastSeq();
    expect(await kiosk.checkout.receipt('no-such-sale')).toEqual({ ok: false, reason: 'no-receipt', message: expect.stringContaining('keinen Beleg') });
    expect(await kiosk.checkout.print('no-such-sale')).toMatchObject({ ok: false, outcome: 'no-receipt' });
    expect(f.point.ledger.lastSeq()).toBe(before);
  });

  it('sends a code read by the serial scanner (real bytes over its link) to the kiosk as a live scan message', async () => {
    const ws = new WebSocket(liveUrl(f.point.url!));
    const scans: string[] = [];
    ws.on('message', (raw: Buffer) => {
      const m = decodeLiveMessage(raw.toString());
      if (m.ok && m.value.type === 'scan') scans.push(m.value.code);
    });
    await new Promise((resolve) => ws.once('open', resolve));
    const gtin = demoGtin('Spülmittel');
    expect(await kiosk.sim.scan({ code: gtin })).toEqual({ ok: true });
    await expect.poll(() => scans).toEqual([gtin]);
    ws.close();
  });
});
