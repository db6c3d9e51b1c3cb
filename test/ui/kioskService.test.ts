/**
 * Issue 10 in real Chromium against a simulated point that pays by card on the local Stripe fake:
 * the virtual point page's scanner and card reader drive the kiosk (real scanner bytes, the Stripe
 * fake's Terminal test helpers); the Done screen prints the receipt on the simulated ESC/POS printer
 * (its paper shown on the virtual point page) and says plainly when the paper is out; the receipt
 * link as a QR code; technician mode behind the held corner with its PIN lockout, hardware status and
 * the out-of-service switch customers see. Every screen audited with axe-core (no serious or critical
 * findings) and photographed (kiosk-*.png) into .tmp/screenshots or SCREENSHOTS_DIR.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { createSystemClock } from '../../firmware-bridge/platform/clock.ts';
import { buildKiosk } from '../../kiosk-ui/build.ts';
import { demoGtin } from '../../controller/catalog/demoCatalog.ts';
import { DEMO_TECHNICIAN_PIN } from '../../controller/sim/demoTechnician.ts';
import { startFake, TEST_SECRET_KEY, type FakeHarness } from '../../fakes/stripe/testSupport.ts';
import { startSimulatedPoint, type PointFixture } from '../e2e/pointFixture.ts';
import { freePort } from '../support/services.ts';
import { chromiumSkipReason, launchChromium } from './chromium.ts';

const skip = chromiumSkipReason();
if (skip) console.warn(`SKIP kiosk service tests: ${skip}`);

const AXE_PATH = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
const SHOTS = process.env['SCREENSHOTS_DIR'] ?? '.tmp/screenshots';

/** Records what the page speaks (stubs speechSynthesis.speak). */
function recordSpeech(): void {
  const w = window as unknown as { spoken: string[] };
  w.spoken = [];
  window.speechSynthesis.speak = (u: SpeechSynthesisUtterance) => void w.spoken.push(u.text);
}

/** axe-core in the page: the WCAG 2.x A/AA rules; serious and critical findings, with where. */
export async function axeFindings(page: Page): Promise<Array<{ id: string; impact: string | null; targets: string[] }>> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ path: AXE_PATH });
  const violations = await page.evaluate(async () => {
    const axe = (
      window as unknown as {
        axe: { run(ctx: Document, o: unknown): Promise<{ violations: Array<{ id: string; impact: string | null; nodes: Array<{ target: unknown }> }> }> };
      }
    ).axe;
    const r = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22a', 'wcag22aa'] } });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, targets: v.nodes.map((n) => JSON.stringify(n.target)) }));
  });
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

describe.skipIf(skip !== null)('kiosk receipts, technician mode and the virtual point page’s reader, scanner and printer in Chromium', () => {
  let stripe: FakeHarness;
  let f: PointFixture;
  let port: number;
  let distDir: string;
  let browser: Browser;
  let kiosk: Page;
  let panel: Page;
  const base = () => `http://127.0.0.1:${port}`;
  const eventsOf = (type: string) => f.point.ledger.eventsOfTypes([type], 0, 1000);
  const h1 = () => kiosk.textContent('h1');

  async function audit(name: string, page: Page = kiosk): Promise<void> {
    expect({ screen: name, serious: await axeFindings(page) }).toEqual({ screen: name, serious: [] });
    await page.screenshot({ path: `${SHOTS}/kiosk-${name}.png` });
  }

  async function openShop(): Promise<void> {
    await kiosk.goto(`${base()}/kiosk/?hold=600`);
    await expect.poll(h1).toBe('Willkommen!');
    await kiosk.getByRole('button', { name: /Einkaufen/ }).click();
    await kiosk.waitForSelector('[data-testid=shop-scan]');
    await kiosk.waitForSelector('[data-plu="1001"]');
  }

  /** Hold the top-left corner (the hidden technician entry) until technician mode opens. */
  async function holdCorner(): Promise<void> {
    await kiosk.mouse.move(12, 12);
    await kiosk.mouse.down();
    await expect.poll(h1, { timeout: 5000 }).toBe('Technikermodus');
    await kiosk.mouse.up();
  }

  async function enterPin(pin: string): Promise<void> {
    await kiosk.fill('[data-testid=tech-pin]', pin);
    await kiosk.click('[data-testid=tech-sign-in]');
  }

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    distDir = mkdtempSync(join(tmpdir(), 'dorfpunkt-kiosk-service-'));
    await buildKiosk(distDir);
    port = await freePort();
    stripe = await startFake();
    const readerId = stripe.fake.registerReader('Kiosk').id;
    f = await startSimulatedPoint({
      clock: createSystemClock(),
      http: { host: '127.0.0.1', port },
      kioskDir: distDir,
      payments: { secretKey: TEST_SECRET_KEY, readerId, api: { host: '127.0.0.1', port: stripe.port, protocol: 'http' } },
      service: { backofficePublicUrl: 'https://laden.example.org' },
      limits: { pin: { freeFailures: 5, baseLockMs: 2000, maxLockMs: 4000 }, replayWindowMs: 60_000 },
    });
    browser = await launchChromium();
    kiosk = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
    await kiosk.addInitScript(recordSpeech);
    panel = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    await panel.goto(`${base()}/`);
    await panel.waitForSelector(`#scanProducts button[data-gtin="${demoGtin('Kaffee, ganze Bohne')}"]`);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await f?.close();
    await stripe?.close();
    if (distDir) rmSync(distDir, { recursive: true, force: true });
  });

  it('scans a product clicked on the virtual point page into the kiosk cart, pays with its card reader, prints the receipt it then shows on the printer paper', async () => {
    await openShop();
    await panel.click(`#scanProducts button[data-gtin="${demoGtin('Kaffee, ganze Bohne')}"]`);
    await expect.poll(() => kiosk.textContent('[data-testid=shop-total]')).toBe('6,99 €');
    expect(await kiosk.textContent('[data-testid=shop-message]')).toBe('✔ Kaffee, ganze Bohne hinzugefügt.');
    await kiosk.getByRole('button', { name: /^Brötchen 0,45 € pro Stück$/ }).click();
    await expect.poll(() => kiosk.textContent('[data-testid=shop-total]')).toBe('7,44 €');
    await audit('cart-loose-goods');

    await kiosk.click('[data-testid=shop-pay]');
    await expect.poll(h1).toBe('Bezahlen');
    await audit('payment-choice');
    await kiosk.click('[data-testid=pay-card]');
    await expect.poll(() => kiosk.textContent('[data-testid=pay-present]')).toMatch(/Karte an das Lesegerät halten/);
    await audit('payment-progress');

    await panel.click('[data-reader=present]');
    await expect.poll(h1, { timeout: 10_000 }).toBe('✔ Vielen Dank!');
    expect(await panel.textContent('[data-testid=reader-message]')).toBe('Am Kartenleser ausgeführt.');
    const saleId = eventsOf('sale.committed').at(-1)!.data['saleId'] as string;
    const qr = kiosk.getByRole('img', { name: 'QR-Code mit dem Link zu Ihrem Beleg' });
    await qr.waitFor();
    expect(await qr.locator('svg').count()).toBe(1);
    await audit('receipt');

    await kiosk.click('[data-testid=receipt-print]');
    await expect.poll(() => kiosk.textContent('[data-testid=receipt-message]'), { timeout: 10_000 }).toBe('✔ Ihr Beleg wird gedruckt.');
    expect(eventsOf('sale.receipt-printed').map((e) => e.data)).toEqual([expect.objectContaining({ saleId, outcome: 'printed', sent: true })]);
    await expect.poll(() => panel.textContent('[data-testid=paper]'), { timeout: 5000 }).toContain('Kaffee, ganze Bohne');
    const paper = (await panel.textContent('[data-testid=paper]'))!;
    for (const part of ['Dorfladen Musterdorf', 'Brötchen', '7,44 €', 'Karte']) expect(paper).toContain(part);
    await panel.locator('[data-testid=printer-panel]').screenshot({ path: `${SHOTS}/virtual-point-printer.png` });
  }, 60_000);

  it('out of paper: the kiosk says so in words and speech, the receipt stays on the screen, the sale stays booked', async () => {
    const saleId = eventsOf('sale.committed').at(-1)!.data['saleId'] as string;
    await panel.click('[data-paper=out]');
    await expect.poll(() => panel.textContent('[data-testid=paper-state]')).toBe('Papier: leer');
    await kiosk.click('[data-testid=receipt-print]');
    const text = 'Der Drucker hat kein Papier mehr. Ihr Beleg steht auf dem Bildschirm.';
    await expect.poll(() => kiosk.textContent('[data-testid=receipt-message]'), { timeout: 10_000 }).toBe(`✖ ${text}`);
    expect(await kiosk.evaluate(() => (window as unknown as { spoken: string[] }).spoken)).toContain(text);
    expect(eventsOf('sale.receipt-printed').at(-1)!.data).toMatchObject({ saleId, outcome: 'paper-out', sent: false });
    expect(eventsOf('sale.aborted')).toEqual([]);
    await audit('receipt-paper-out');
    await panel.click('[data-paper=ok]');
    await kiosk.click('[data-testid=done-finish]');
    await expect.poll(h1).toBe('Willkommen!');
  });

  it('asks for the age check before beer (the age check screen passes the audit)', async () => {
    await openShop();
    await panel.click(`#scanProducts button[data-gtin="${demoGtin('Pils')}"]`);
    await expect.poll(() => kiosk.textContent('[data-testid=shop-total]')).toBe('1,17 €');
    await kiosk.click('[data-testid=shop-pay]');
    await kiosk.waitForSelector('[data-testid=age-card]');
    await audit('age-check');
    await kiosk.click('[data-testid=shop-cancel]');
    await expect.poll(h1).toBe('Willkommen!');
  });

  it('technician mode: a held corner asks for the PIN, wrong PINs lock it for a while, the right one shows the hardware; out of service is what customers then see', async () => {
    await kiosk.goto(`${base()}/kiosk/?hold=600`);
    await expect.poll(h1).toBe('Willkommen!');
    await kiosk.mouse.click(12, 12); // a short tap in the corner does nothing
    expect(await h1()).toBe('Willkommen!');
    await holdCorner();
    await audit('technician-pin');

    for (let i = 1; i <= 4; i++) {
      await enterPin('1111');
      await expect.poll(() => eventsOf('technician.guard').length).toBe(i);
      await expect.poll(() => kiosk.textContent('[data-testid=tech-message]')).toBe('✖ Die Techniker-PIN ist falsch.');
    }
    await enterPin('1111');
    await expect.poll(() => kiosk.textContent('[data-testid=tech-message]')).toBe('✖ Zu viele falsche PINs. Die Eingabe ist vorübergehend gesperrt.');
    expect(await kiosk.textContent('[data-testid=tech-wait]')).toMatch(/Gesperrt: wieder möglich in [12] Sekunden\./);
    expect(await kiosk.isDisabled('[data-testid=tech-sign-in]')).toBe(true);
    await audit('technician-locked');
    // locked: even the right PIN is refused (asked directly, the button being off)
    const refused = await fetch(`${base()}/api/technician/sign-in`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ pin: DEMO_TECHNICIAN_PIN }),
    });
    expect(await refused.json()).toMatchObject({ ok: false, reason: 'locked', retryAfterMs: expect.any(Number) });
    expect(eventsOf('technician.signed-in')).toEqual([]);

    await kiosk.waitForSelector('[data-testid=tech-wait]', { state: 'detached', timeout: 10_000 });
    await enterPin(DEMO_TECHNICIAN_PIN);
    await kiosk.waitForSelector('[data-testid=tech-status]');
    expect(await kiosk.textContent('[data-testid=tech-service]')).toBe('in Betrieb');
    await expect.poll(() => kiosk.textContent('[data-testid=tech-printer]')).toMatch(/^in Ordnung/);
    const boards = (await kiosk.textContent('[data-testid=tech-boards]'))!;
    for (const b of ['schliessfach-1', 'kasse-drucker', 'kasse-scanner']) expect(boards).toContain(b);
    expect(eventsOf('technician.signed-in')).toHaveLength(1);
    await audit('technician-status');

    await kiosk.click('[data-testid=tech-toggle]');
    await expect.poll(() => kiosk.textContent('[data-testid=tech-service]')).toBe('außer Betrieb');
    expect(eventsOf('kiosk.service-set').map((e) => e.data)).toEqual([{ outOfService: true, by: 'technician', at: expect.any(Number) }]);
    await kiosk.click('[data-testid=back]');
    await kiosk.getByTestId('closed').waitFor();
    expect(await h1()).toBe('⛔ Außer Betrieb');
    expect(await kiosk.getByRole('button', { name: /Einkaufen/ }).count()).toBe(0);
    await audit('closed');

    await holdCorner(); // the technician's way back in works on the out-of-service screen too
    await enterPin(DEMO_TECHNICIAN_PIN);
    await kiosk.click('[data-testid=tech-toggle]');
    await expect.poll(() => kiosk.textContent('[data-testid=tech-service]')).toBe('in Betrieb');
    await kiosk.click('[data-testid=back]');
    await expect.poll(h1).toBe('Willkommen!');
  }, 60_000);
});
