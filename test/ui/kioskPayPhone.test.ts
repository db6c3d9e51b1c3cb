/**
 * Paying at the kiosk in real Chromium with the whole chain behind it: the standalone backoffice
 * (embedded broker, SQLite) with the Stripe fake as its Stripe, a simulated point connected through
 * a fault proxy (to take its uplink down). Pay by phone: the QR code and the short link on the
 * kiosk, a second page plays the customer's phone (the link → the fake's Checkout page → "Bezahlen"),
 * the kiosk shows the receipt. Member account with the uplink down: Dieter's card and PIN, within
 * his credit limit. Screens audited with axe-core and photographed (kiosk-pay-*.png).
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { startStandalone, type Standalone } from '../../backoffice/standalone.ts';
import { systemClock } from '../../backoffice/platform.ts';
import { demoGtin } from '../../controller/catalog/demoCatalog.ts';
import { createFakeStripe, type FakeStripe } from '../../fakes/stripe/fakeStripe.ts';
import { TEST_SECRET_KEY } from '../../fakes/stripe/testSupport.ts';
import { createSystemClock } from '../../firmware-bridge/platform/clock.ts';
import { createSilentLogger } from '../../firmware-bridge/platform/logger.ts';
import { buildKiosk } from '../../kiosk-ui/build.ts';
import { startSimulatedPoint, type PointFixture } from '../e2e/pointFixture.ts';
import { FaultProxy } from '../support/faultProxy.ts';
import { freePort } from '../support/services.ts';
import { waitFor } from '../support/waitFor.ts';
import { chromiumSkipReason, launchChromium } from './chromium.ts';

const skip = chromiumSkipReason();
if (skip) console.warn(`SKIP kiosk pay-by-phone / account tests: ${skip}`);

const AXE_PATH = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
const SHOTS = process.env['SCREENSHOTS_DIR'] ?? '.tmp/screenshots';
const SECRET = 'whsec_kioskPayPhoneBrowser00';
const SITE = 'ui-phone-dorf';

describe.skipIf(skip !== null)('paying by phone and by member account at the kiosk in Chromium', () => {
  let fake: FakeStripe;
  let office: Standalone;
  let proxy: FaultProxy;
  let f: PointFixture;
  let distDir: string;
  let dataDir: string;
  let browser: Browser;
  let page: Page;
  let port: number;
  const eventsOf = (type: string) => f.point.ledger.eventsOfTypes([type], 0, 1000);

  async function audit(name: string): Promise<void> {
    if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ path: AXE_PATH });
    const violations = await page.evaluate(async () => {
      const axe = (window as unknown as { axe: { run(ctx: Document, o: unknown): Promise<{ violations: Array<{ id: string; impact: string | null }> }> } }).axe;
      const r = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
      return r.violations.map((v) => ({ id: v.id, impact: v.impact }));
    });
    expect({ screen: name, serious: violations.filter((v) => v.impact === 'serious' || v.impact === 'critical') }).toEqual({ screen: name, serious: [] });
    await page.screenshot({ path: `${SHOTS}/kiosk-${name}.png` });
  }

  async function basketToPay(): Promise<void> {
    await page.goto(`http://127.0.0.1:${port}/kiosk/`);
    await page.getByRole('button', { name: /Einkaufen/ }).click();
    await page.waitForSelector('[data-testid=shop-scan]');
    await page.keyboard.type(demoGtin('Kaffee, ganze Bohne'));
    await page.keyboard.press('Enter');
    await expect.poll(() => page.textContent('[data-testid=shop-total]')).toBe('6,99 €');
    await page.click('[data-testid=shop-pay]');
    await expect.poll(() => page.textContent('h1')).toBe('Bezahlen');
    await page.waitForSelector('[data-testid=pay-phone-choose]');
  }

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    distDir = mkdtempSync(join(tmpdir(), 'dorfpunkt-kiosk-phone-'));
    dataDir = mkdtempSync(join(tmpdir(), 'dorfpunkt-kiosk-phone-bo-'));
    await buildKiosk(distDir);
    fake = createFakeStripe({ secretKey: TEST_SECRET_KEY, clock: createSystemClock(), logger: createSilentLogger() });
    const { port: stripePort } = await fake.listen();
    const httpPort = await freePort();
    office = await startStandalone({
      dataDir,
      brokerPort: 0,
      http: { port: httpPort },
      payments: {
        secretKey: TEST_SECRET_KEY,
        webhookSecrets: [SECRET],
        publicBaseUrl: `http://127.0.0.1:${httpPort}`,
        api: { host: '127.0.0.1', port: stripePort, protocol: 'http' },
      },
      clock: systemClock(),
      logger: createSilentLogger(),
    });
    fake.addWebhookEndpoint(`${office.backoffice.httpUrl}/api/stripe/webhook`, SECRET);
    const password = await office.createSiteCredentials(SITE);
    proxy = await FaultProxy.start({ targetPort: Number(new URL(office.broker.url).port) });
    port = await freePort();
    f = await startSimulatedPoint({
      clock: createSystemClock(),
      siteId: SITE,
      http: { host: '127.0.0.1', port },
      kioskDir: distDir,
      sync: { brokerUrl: `mqtt://127.0.0.1:${proxy.port}`, username: SITE, password, keepaliveSec: 5, backoff: { floorMs: 100, baseMs: 1_000, capMs: 2_000 } },
    });
    await waitFor(() => f.point.sync?.status().connected === true, { what: 'the point connected', timeoutMs: 15_000 });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await f?.close();
    await proxy?.stop();
    await office?.stop();
    await fake?.close();
    for (const d of [distDir, dataDir]) if (d) rmSync(d, { recursive: true, force: true });
  });

  it('sells by phone: the kiosk shows the QR code and the short link, the phone pays on the payment page, the kiosk shows the receipt', async () => {
    await basketToPay();
    await page.click('[data-testid=pay-phone-choose]');
    await page.waitForSelector('[data-testid=pay-phone-qr]', { timeout: 15_000 });
    const shortUrl = (await page.textContent('[data-testid=pay-phone-url]'))!;
    expect(shortUrl).toMatch(new RegExp(`^${office.backoffice.httpUrl}/p/[a-z2-9]{8}$`));
    expect(await page.textContent('[data-testid=pay-phone]')).toContain('Scannen Sie den QR-Code mit Ihrem Telefon');
    const qr = (await page.locator('[data-testid=pay-phone-qr]').boundingBox())!;
    expect(Math.min(qr.width, qr.height)).toBeGreaterThanOrEqual(200);
    await audit('pay-phone');

    // the customer's phone opens the link: the backoffice redirects to the (fake) Stripe Checkout page
    const phone = await browser.newPage({ viewport: { width: 390, height: 800 } });
    await phone.goto(shortUrl);
    await expect.poll(() => phone.textContent('h1')).toBe('Checkout (Stripe fake)');
    expect(await phone.textContent('table')).toContain('6,99 €');
    await phone.screenshot({ path: `${SHOTS}/phone-checkout.png` });
    await phone.getByRole('button', { name: /Bezahlen/ }).click();
    await expect.poll(() => phone.textContent('body')).toContain('Bezahlt / Paid');
    await phone.close();

    await expect.poll(() => page.textContent('h1'), { timeout: 15_000 }).toBe('✔ Vielen Dank!');
    expect(await page.textContent('[data-testid=shop-total]')).toBe('6,99 €');
    await page.screenshot({ path: `${SHOTS}/kiosk-pay-phone-done.png` });
    expect(eventsOf('sale.committed').map((e) => e.data)).toEqual([expect.objectContaining({ totalCents: 699 })]);
    expect(eventsOf('payment.started').map((e) => e.data['provider'])).toEqual(['phone']);
    expect(fake.ledger().totals).toMatchObject({ captured: 699, refunded: 0 });
    await page.click('[data-testid=done-finish]');
  });

  it('sells on the member account with the uplink down: pay by phone is offered as unavailable, card and PIN book it on the invoice', async () => {
    proxy.refuse(true);
    proxy.resetAll();
    await expect.poll(() => f.point.sync?.status().connected, { timeout: 15_000 }).toBe(false);
    await basketToPay();
    await expect.poll(() => page.isDisabled('[data-testid=pay-phone-choose]'), { timeout: 10_000 }).toBe(true);
    expect(await page.textContent('[data-testid=pay-phone-choose]')).toContain('keine Verbindung zum Server');
    await page.click('[data-testid=pay-account-choose]');
    await page.fill('[data-testid=account-card]', '04:A2:19:7C');
    await page.fill('[data-testid=account-pin]', '0000');
    await page.click('[data-testid=account-submit]');
    await expect.poll(() => page.textContent('[data-testid=pay-message]')).toBe('✖ Falsche PIN.');
    await page.fill('[data-testid=account-pin]', '4711');
    await audit('pay-account');
    await page.click('[data-testid=account-submit]');
    await expect.poll(() => page.textContent('h1'), { timeout: 10_000 }).toBe('✔ Vielen Dank!');
    await page.screenshot({ path: `${SHOTS}/kiosk-pay-account-done.png` });
    const committed = eventsOf('sale.committed');
    expect(committed.at(-1)!.data).toMatchObject({ totalCents: 699 });
    expect(eventsOf('account.captured').map((e) => e.data['amountCents'])).toEqual([699]);
    expect(f.point.sync?.status().connected).toBe(false);
    proxy.refuse(false);
  });
});
