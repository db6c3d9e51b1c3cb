/**
 * The kiosk's shop flow in real Chromium against a simulated point that pays by card on the
 * local Stripe fake: scan, loose goods, pay, receipt; refusals shown and spoken; the cart and pay
 * screens audited with axe-core (WCAG 2.1 A/AA: no serious or critical findings) and photographed
 * (kiosk-cart*.png) into .tmp/screenshots or SCREENSHOTS_DIR.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { createSystemClock } from '../../firmware-bridge/platform/clock.ts';
import { buildKiosk, JS_GZIP_BUDGET, type KioskBuild } from '../../kiosk-ui/build.ts';
import { demoGtin } from '../../controller/catalog/demoCatalog.ts';
import { withCheckDigit } from '../../controller/catalog/gtin.ts';
import { startFake, TEST_SECRET_KEY, type FakeHarness } from '../../fakes/stripe/testSupport.ts';
import { startSimulatedPoint, type PointFixture } from '../e2e/pointFixture.ts';
import { freePort } from '../support/services.ts';
import { chromiumSkipReason, launchChromium } from './chromium.ts';

const skip = chromiumSkipReason();
if (skip) console.warn(`SKIP kiosk shop tests: ${skip}`);

const AXE_PATH = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
const SHOTS = process.env['SCREENSHOTS_DIR'] ?? '.tmp/screenshots';

/** Records what the page speaks (stubs speechSynthesis.speak). */
function recordSpeech(): void {
  const w = window as unknown as { spoken: string[] };
  w.spoken = [];
  window.speechSynthesis.speak = (u: SpeechSynthesisUtterance) => void w.spoken.push(u.text);
}

describe.skipIf(skip !== null)('the kiosk shop flow in Chromium, card payments on the Stripe fake', () => {
  let stripe: FakeHarness;
  let readerId: string;
  let f: PointFixture;
  let port: number;
  let distDir: string;
  let build: KioskBuild;
  let browser: Browser;
  let page: Page;
  const kioskUrl = () => `http://127.0.0.1:${port}/kiosk/`;
  const spoken = () => page.evaluate(() => (window as unknown as { spoken: string[] }).spoken);
  const eventsOf = (type: string) => f.point.ledger.eventsOfTypes([type], 0, 1000);
  const tap = (number = '4242424242424242') => stripe.sdk().testHelpers.terminal.readers.presentPaymentMethod(readerId, { card_present: { number } });

  async function audit(name: string): Promise<void> {
    if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ path: AXE_PATH });
    const violations = await page.evaluate(async () => {
      const axe = (
        window as unknown as {
          axe: { run(ctx: Document, o: unknown): Promise<{ violations: Array<{ id: string; impact: string | null; nodes: Array<{ target: unknown }> }> }> };
        }
      ).axe;
      const r = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
      return r.violations.map((v) => ({ id: v.id, impact: v.impact, targets: v.nodes.map((n) => JSON.stringify(n.target)) }));
    });
    expect({ screen: name, serious: violations.filter((v) => v.impact === 'serious' || v.impact === 'critical') }).toEqual({ screen: name, serious: [] });
    await page.screenshot({ path: `${SHOTS}/kiosk-${name}.png` });
  }

  async function openShop(): Promise<void> {
    await page.goto(kioskUrl());
    await expect.poll(() => page.textContent('h1')).toBe('Willkommen!');
    const shop = page.getByRole('button', { name: /Einkaufen/ });
    expect((await shop.boundingBox())!.height).toBeGreaterThanOrEqual(60);
    await shop.click();
    await expect.poll(() => page.textContent('h1')).toBe('Einkaufen');
    await page.waitForSelector('[data-testid=shop-scan]');
    await page.waitForSelector('[data-plu="1001"]');
  }

  /** The scanner types the code and Enter, as a keyboard, wherever the focus is. */
  async function scan(code: string): Promise<void> {
    await page.keyboard.type(code);
    await page.keyboard.press('Enter');
  }

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    // an own build folder, so this file and kiosk.test.ts can build at the same time
    distDir = mkdtempSync(join(tmpdir(), 'dorfpunkt-kiosk-cart-'));
    build = await buildKiosk(distDir);
    port = await freePort();
    stripe = await startFake();
    readerId = stripe.fake.registerReader('Kiosk').id;
    f = await startSimulatedPoint({
      clock: createSystemClock(),
      http: { host: '127.0.0.1', port },
      kioskDir: distDir,
      payments: { secretKey: TEST_SECRET_KEY, readerId, api: { host: '127.0.0.1', port: stripe.port, protocol: 'http' } },
    });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
    await page.addInitScript(recordSpeech);
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    await f?.close();
    await stripe?.close();
    if (distDir) rmSync(distDir, { recursive: true, force: true });
  });

  it('keeps the compressed JavaScript with the shop screens within the 170 KB budget', () => {
    expect(build.jsGzipBytes).toBeLessThanOrEqual(JS_GZIP_BUDGET);
  });

  it('refuses an unknown barcode: the message is shown and spoken, the cart stays empty', async () => {
    await openShop();
    await scan(withCheckDigit('400123409999'));
    const refusal = 'Dieses Produkt kennen wir nicht. Bitte legen Sie es zurück.';
    await expect.poll(() => page.textContent('[data-testid=shop-message]')).toBe(`✖ ${refusal}`);
    expect(await spoken()).toContain(refusal);
    expect(await page.textContent('[data-testid=shop-empty]')).toBe('Der Warenkorb ist noch leer.');
    expect(await page.isDisabled('[data-testid=shop-pay]')).toBe(true);
  });

  it('sells a scanned coffee and a loose roll by card: euros on screen, card prompt, receipt with VAT, sale committed in the ledger', async () => {
    await openShop();
    await scan(demoGtin('Kaffee, ganze Bohne'));
    await expect.poll(() => page.textContent('[data-testid=shop-total]')).toBe('6,99 €');
    expect(await page.textContent('[data-testid=shop-message]')).toBe('✔ Kaffee, ganze Bohne hinzugefügt.');

    const roll = page.getByRole('button', { name: /^Brötchen 0,45 € pro Stück$/ });
    const box = (await roll.boundingBox())!;
    expect(Math.min(box.width, box.height)).toBeGreaterThanOrEqual(60);
    await roll.click();
    await expect.poll(() => page.textContent('[data-testid=shop-total]')).toBe('7,44 €');
    const lines = await page.locator('[data-testid=shop-lines] tbody tr').allInnerTexts();
    expect(lines.map((l) => l.replace(/\s+/g, ' ').trim())).toEqual(['1 × Kaffee, ganze Bohne 6,99 €', '1 × Brötchen 0,45 €']);
    await audit('cart');

    await page.click('[data-testid=shop-pay]');
    await expect.poll(() => page.textContent('h1')).toBe('Bezahlen');
    expect(await page.textContent('[data-testid=pay-total]')).toBe('Zu zahlen: 7,44 €');
    // the point took the kiosk's total: the cart is fixed and waits for the card
    await expect.poll(() => eventsOf('sale.cart-fixed').length).toBe(1);
    await page.click('[data-testid=pay-card]');
    await expect.poll(() => page.textContent('[data-testid=pay-present]')).toMatch(/^▭ Karte an das Lesegerät halten/);
    expect(await spoken()).toContain('Karte an das Lesegerät halten');
    await audit('cart-pay');

    await tap();
    await expect.poll(() => page.textContent('h1'), { timeout: 10_000 }).toBe('✔ Vielen Dank!');
    expect(await page.textContent('[data-testid=shop-total]')).toBe('7,44 €');
    expect((await page.textContent('[data-testid=done-vat]'))!.replace(/\s+/g, ' ')).toBe('MwSt. 7 %netto 6,95 €, MwSt. 0,49 €, brutto 7,44 €');
    await page.screenshot({ path: `${SHOTS}/kiosk-cart-done.png` });
    expect(eventsOf('sale.committed').map((e) => e.data)).toEqual([expect.objectContaining({ totalCents: 744, reconciled: false })]);
    expect((await stripe.control('GET', '/_fake/ledger')).body).toMatchObject({ totals: { captured: 744 } });

    await page.click('[data-testid=done-finish]');
    await expect.poll(() => page.textContent('h1')).toBe('Willkommen!');
  });

  it('asks for the member card and PIN before selling beer: a wrong PIN is refused on screen, the right one lets the card pay incl. Pfand', async () => {
    await openShop();
    await scan(demoGtin('Pils'));
    await expect.poll(() => page.textContent('[data-testid=shop-total]')).toBe('1,17 €');
    expect(await page.textContent('[data-testid=shop-lines] tbody')).toContain('inkl. Pfand');
    await page.click('[data-testid=shop-pay]');
    await page.waitForSelector('[data-testid=age-card]');
    expect(await page.textContent('[data-screen=shop-pay] form')).toContain('Im Warenkorb ist Ware ab 16 Jahren.');
    expect(await page.locator('[data-testid=pay-card]').count()).toBe(0);
    await page.fill('[data-testid=age-card]', '04:A2:19:7C');
    await page.fill('[data-testid=age-pin]', '0000');
    await page.click('[data-testid=age-submit]');
    await expect.poll(() => page.textContent('[data-testid=pay-message]')).toBe('✖ Falsche PIN.');
    expect(await spoken()).toContain('Falsche PIN.');
    expect(await page.inputValue('[data-testid=age-pin]')).toBe('0000');
    await page.fill('[data-testid=age-pin]', '4711');
    await page.click('[data-testid=age-submit]');
    await page.click('[data-testid=pay-card]');
    await expect.poll(() => page.textContent('[data-testid=pay-present]')).toMatch(/Karte an das Lesegerät halten/);
    await tap();
    await expect.poll(() => page.textContent('h1'), { timeout: 10_000 }).toBe('✔ Vielen Dank!');
    expect(await page.textContent('[data-testid=shop-total]')).toBe('1,17 €');
    expect(eventsOf('age-check.decided').map((e) => e.data)).toEqual([expect.objectContaining({ method: 'member-pin', passed: true })]);
    await page.click('[data-testid=done-finish]');
  });

  it('"Abbrechen" on the card prompt aborts the sale: the waiting payment is voided, nothing is charged', async () => {
    const capturedBefore = ((await stripe.control('GET', '/_fake/ledger')).body as { totals: { captured: number } }).totals.captured;
    await openShop();
    await scan(demoGtin('Spülmittel'));
    await expect.poll(() => page.textContent('[data-testid=shop-total]')).toBe('1,29 €');
    await page.click('[data-testid=shop-pay]');
    await page.click('[data-testid=pay-card]');
    await expect.poll(() => page.textContent('[data-testid=pay-present]')).toMatch(/Karte an das Lesegerät halten/);
    await page.click('[data-testid=shop-cancel]');
    await expect.poll(() => page.textContent('h1')).toBe('Willkommen!');
    await expect.poll(() => eventsOf('sale.aborted').map((e) => (e.data as { reason: string }).reason)).toEqual(['customer']);
    const books = (await stripe.control('GET', '/_fake/ledger')).body as {
      paymentIntents: Array<{ status: string }>;
      totals: { captured: number; authorised: number };
    };
    expect(books.paymentIntents.at(-1)).toMatchObject({ status: 'canceled' });
    expect(books.totals).toMatchObject({ captured: capturedBefore, authorised: 0 });
  });
});
