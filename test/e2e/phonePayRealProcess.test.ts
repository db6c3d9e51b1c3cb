/**
 * Pay by phone with the point in its own process on the system clock (`controller/main.ts --sim
 * --pay-ms 6000`), linked over MQTT to a real backoffice whose Stripe is the local fake:
 *
 * - the point's payment time limit passes on the real clock with nobody paying: the sale is
 *   aborted and the backoffice expires the Checkout Session (its link is gone, nothing charged);
 * - the point is killed with SIGKILL while a phone payment waits and the customer pays meanwhile:
 *   the restarted point commits the sale exactly once when the relayed payment arrives (one
 *   captured payment, no refund on the fake's own books);
 * - killed the same way and nobody pays: once the time limit has passed the restarted point aborts
 *   the sale and the session is expired; nothing is charged.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSystemClock } from '../../firmware-bridge/platform/clock.ts';
import { createSilentLogger } from '../../firmware-bridge/platform/logger.ts';
import { startStandalone, type Standalone } from '../../backoffice/standalone.ts';
import { createFakeStripe, type FakeStripe } from '../../fakes/stripe/fakeStripe.ts';
import { TEST_SECRET_KEY } from '../../fakes/stripe/testSupport.ts';
import { demoGtin } from '../../controller/catalog/demoCatalog.ts';
import { freePort } from '../support/services.ts';
import { startPointProcess, type PointProcess } from '../support/pointProcess.ts';

const SITE = 'dorf-telefon';
const SECRET = 'whsec_phonePayRealProcess000';
const PAY_MS = 6000;

describe('pay by phone in a real point process on the system clock and across kill -9', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dorfpunkt-phone-real-'));
  const dataDir = join(dir, 'point');
  let fake: FakeStripe;
  let fakeUrl: string;
  let office: Standalone;
  let brokerPort: number;
  let passwordFile: string;
  let point: PointProcess | null = null;

  const startPoint = async (): Promise<PointProcess> =>
    startPointProcess({
      dataDir,
      args: ['--mqtt', `mqtt://127.0.0.1:${brokerPort}`, '--mqtt-username', SITE, '--mqtt-password-file', passwordFile, '--pay-ms', String(PAY_MS)],
      env: { DORFPUNKT_SITE: SITE },
    });
  const siteOnline = async (): Promise<void> => {
    await expect
      .poll(async () => (await office.backoffice.db.selectFrom('sites').select('status').where('site_id', '=', SITE).executeTakeFirst())?.status, {
        timeout: 30_000,
      })
      .toBe('online');
  };
  /** The sale as the backoffice knows it from the point's ledger (committed / aborted / open). */
  const saleStatus = async (saleId: string) =>
    (await office.backoffice.db.selectFrom('p_sales').select('status').where('site_id', '=', SITE).where('sale_id', '=', saleId).executeTakeFirst())?.status;
  const committedCount = async (saleId: string) =>
    (await office.backoffice.db.selectFrom('p_sales').select('status').where('sale_id', '=', saleId).where('status', '=', 'committed').execute()).length;
  /** The Checkout Session's status in the fake's own books. */
  const sessionStatus = async (sessionId: string): Promise<string> => {
    const r = await fetch(`${fakeUrl}/v1/checkout/sessions/${sessionId}`, { headers: { authorization: `Bearer ${TEST_SECRET_KEY}` } });
    return ((await r.json()) as { status: string }).status;
  };
  const paymentsOf = (saleId: string) => fake.ledger().paymentIntents.filter((p) => p.metadata['saleId'] === saleId);

  /** A basket of 8.28 EUR waiting for a phone payment: its sale id, short link and session id. */
  async function phoneWaiting(p: PointProcess): Promise<{ saleId: string; shortUrl: string; sessionId: string }> {
    const saleId = ((await p.post('/api/checkout', {})).body['sale'] as { saleId: string }).saleId;
    await p.post(`/api/checkout/${saleId}/scan`, { code: demoGtin('Kaffee, ganze Bohne') });
    await p.post(`/api/checkout/${saleId}/scan`, { code: demoGtin('Spülmittel') });
    expect((await p.post(`/api/checkout/${saleId}/confirm`, { totalCents: 828 })).body).toMatchObject({ ok: true, sale: { state: 'payment' } });
    expect((await p.post(`/api/checkout/${saleId}/pay`, { method: 'phone' })).body).toMatchObject({ ok: true, sale: { state: 'payment' } });
    let shortUrl: string | undefined;
    await expect
      .poll(
        async () => {
          shortUrl = ((await p.get(`/api/checkout/${saleId}`))['phoneLink'] as { shortUrl?: string } | undefined)?.shortUrl;
          return shortUrl;
        },
        { timeout: 15_000 },
      )
      .toBeDefined();
    const link = await office.backoffice.db.selectFrom('pay_links').selectAll().where('sale_id', '=', saleId).executeTakeFirstOrThrow();
    return { saleId, shortUrl: shortUrl!, sessionId: link.session_id };
  }

  /** The customer's phone: follow the short link to the fake's payment page and pay. */
  async function payOnPhone(shortUrl: string): Promise<void> {
    const res = await fetch(shortUrl, { redirect: 'manual' });
    expect(res.status).toBe(302);
    const page = res.headers.get('location')!;
    const paid = await fetch(`${page}/pay`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'number=4242424242424242',
    });
    expect(paid.status).toBe(200);
  }

  beforeAll(async () => {
    fake = createFakeStripe({ secretKey: TEST_SECRET_KEY, clock: createSystemClock(), logger: createSilentLogger() });
    const { port } = await fake.listen();
    fakeUrl = `http://127.0.0.1:${port}`;
    brokerPort = await freePort();
    const httpPort = await freePort();
    office = await startStandalone({
      dataDir: join(dir, 'office'),
      brokerPort,
      http: { port: httpPort },
      auth: { secureCookie: false },
      payments: {
        secretKey: TEST_SECRET_KEY,
        webhookSecrets: [SECRET],
        publicBaseUrl: `http://127.0.0.1:${httpPort}`,
        api: { host: '127.0.0.1', port, protocol: 'http' },
      },
      clock: createSystemClock(),
      logger: createSilentLogger(),
    });
    fake.addWebhookEndpoint(`${office.backoffice.httpUrl}/api/stripe/webhook`, SECRET);
    passwordFile = join(dir, 'mqtt-password');
    writeFileSync(passwordFile, await office.createSiteCredentials(SITE));
  }, 60_000);

  afterAll(async () => {
    await point?.kill9().catch(() => undefined);
    await office?.stop();
    await fake?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('nobody pays within the time limit: the point aborts the sale on the real clock and the backoffice expires the session', async () => {
    point = await startPoint();
    await siteOnline();
    const { saleId, shortUrl, sessionId } = await phoneWaiting(point!);
    const waitingSince = Date.now();
    await expect.poll(async () => (await point!.get(`/api/checkout/${saleId}`))['state'], { timeout: PAY_MS + 10_000, interval: 250 }).toBe('aborted');
    expect(Date.now() - waitingSince).toBeGreaterThanOrEqual(PAY_MS - 1500);
    await expect.poll(() => sessionStatus(sessionId), { timeout: 15_000 }).toBe('expired');
    await expect.poll(() => saleStatus(saleId), { timeout: 15_000 }).toBe('aborted');
    expect((await fetch(shortUrl, { redirect: 'manual' })).status).toBe(410);
    expect(paymentsOf(saleId).filter((p) => p.amountCaptured > 0)).toEqual([]);
  }, 60_000);

  it('killed while waiting, paid on the phone meanwhile: after restart the sale is committed exactly once, one captured payment, no refund', async () => {
    const { saleId, shortUrl } = await phoneWaiting(point!);
    await point!.kill9();
    await payOnPhone(shortUrl);
    point = await startPoint();
    await expect.poll(() => saleStatus(saleId), { timeout: 20_000 }).toBe('committed');
    expect(await committedCount(saleId)).toBe(1);
    const paid = paymentsOf(saleId);
    expect(paid).toHaveLength(1);
    expect(paid[0]).toMatchObject({ amount: 828, amountCaptured: 828, amountRefunded: 0 });
    expect(fake.ledger().totals.refunded).toBe(0);
  }, 40_000);

  it('killed while waiting and nobody pays: after restart the sale is aborted once the time limit has passed, the session expired, nothing charged', async () => {
    const { saleId, sessionId } = await phoneWaiting(point!);
    await point!.kill9();
    point = await startPoint();
    await expect.poll(() => saleStatus(saleId), { timeout: PAY_MS + 15_000 }).toBe('aborted');
    await expect.poll(() => sessionStatus(sessionId), { timeout: 15_000 }).toBe('expired');
    expect(paymentsOf(saleId).filter((p) => p.amountCaptured > 0)).toEqual([]);
    expect(fake.ledger().totals.refunded).toBe(0);
  }, 40_000);
});
