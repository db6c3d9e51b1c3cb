/**
 * What the kiosk must refuse, in real Chromium against a simulated point: beer for a member whose
 * age was never verified (a teenager with a member card and PIN), and a product from a fridge
 * whose cold chain broke (the farm shop's demo history: its dairy fridge was warm one night and is
 * blocked until a corrective action). Each refusal is shown and spoken, passes the axe audit, and
 * records nothing: no sale, no age-check evidence, no payment.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { createSystemClock } from '../../firmware-bridge/platform/clock.ts';
import { buildKiosk } from '../../kiosk-ui/build.ts';
import { demoGtin } from '../../controller/catalog/demoCatalog.ts';
import { hashPin } from '../../controller/access/pin.ts';
import { startSimulatedPoint, type PointFixture } from '../e2e/pointFixture.ts';
import { freePort } from '../support/services.ts';
import { chromiumSkipReason, launchChromium } from './chromium.ts';
import { seriousViolations } from './axe.ts';

const skip = chromiumSkipReason();
if (skip) console.warn(`SKIP kiosk refusal tests: ${skip}`);

const SHOTS = process.env['SCREENSHOTS_DIR'] ?? '.tmp/screenshots';
const TEEN_CARD = '04:5C:11:E3';
const TEEN_PIN = '2468';

function recordSpeech(): void {
  const w = window as unknown as { spoken: string[] };
  w.spoken = [];
  window.speechSynthesis.speak = (u: SpeechSynthesisUtterance) => void w.spoken.push(u.text);
}

describe.skipIf(skip !== null)('the kiosk refuses in Chromium', () => {
  let f: PointFixture;
  let port: number;
  let distDir: string;
  let browser: Browser;
  let page: Page;
  const spoken = () => page.evaluate(() => (window as unknown as { spoken: string[] }).spoken);
  const count = (type: string) => f.point.ledger.eventsOfTypes([type], 0, 100_000).length;
  const recorded = () => ({ sales: count('sale.cart-fixed'), ages: count('age-check.decided'), payments: count('payment.started') });

  async function audit(name: string): Promise<void> {
    expect({ screen: name, serious: await seriousViolations(page) }).toEqual({ screen: name, serious: [] });
    await page.screenshot({ path: `${SHOTS}/kiosk-${name}.png` });
  }

  async function openShop(): Promise<void> {
    await page.goto(`http://127.0.0.1:${port}/kiosk/`);
    await expect.poll(() => page.textContent('h1')).toBe('Willkommen!');
    await page.getByRole('button', { name: /Einkaufen/ }).click();
    await expect.poll(() => page.textContent('h1')).toBe('Einkaufen');
    await page.waitForSelector('[data-testid=shop-scan]');
  }

  async function scan(code: string): Promise<void> {
    await page.keyboard.type(code);
    await page.keyboard.press('Enter');
  }

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    distDir = mkdtempSync(join(tmpdir(), 'dorfpunkt-kiosk-refusals-'));
    await buildKiosk(distDir);
    port = await freePort();
    f = await startSimulatedPoint({ clock: createSystemClock(), http: { host: '127.0.0.1', port }, kioskDir: distDir, demoHistory: 'farm' });
    // A teenager's member card, as the backoffice would send it: a member, not age-verified.
    f.point.ledger.append('member.upserted', { memberId: 'm-jonas', name: 'Jonas Jung', role: 'member', ageVerified: false });
    f.point.ledger.append('credential.issued', {
      credentialId: 'cred-jonas-1',
      memberId: 'm-jonas',
      role: 'member',
      ageVerified: false,
      expiresAt: null,
      kind: 'card',
      cardUid: TEEN_CARD,
      pinHash: await hashPin(TEEN_PIN),
    });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
    await page.addInitScript(recordSpeech);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await f?.close();
    if (distDir) rmSync(distDir, { recursive: true, force: true });
  });

  it('refuses milk from the dairy fridge whose cold chain broke: the reason is shown and spoken, the cart stays empty, nothing is recorded', async () => {
    expect(f.point.fridges.isBlocked('molkerei')).toBe(true);
    const before = recorded();
    await openShop();
    await scan(demoGtin('Vollmilch 3,5 %'));
    const refusal = 'Die Kühlkette dieses Kühlschranks ist unterbrochen. Produkte daraus dürfen nicht verkauft werden.';
    await expect.poll(() => page.textContent('[data-testid=shop-message]')).toContain(refusal);
    await expect.poll(spoken).toContain(refusal);
    expect(await page.locator('[data-testid=shop-lines] tbody tr').count()).toBe(0);
    await audit('refused-cold-chain');
    // A product from another fridge still sells.
    await scan(demoGtin('Pils'));
    await expect.poll(() => page.textContent('[data-testid=shop-total]')).toBe('1,17 €');
    expect(recorded()).toEqual(before);
  });

  it('refuses beer to a member card whose age was never verified: no card payment is offered, the right PIN does not help, nothing is recorded', async () => {
    const before = recorded();
    await openShop();
    await scan(demoGtin('Pils'));
    await expect.poll(() => page.textContent('[data-testid=shop-total]')).toBe('1,17 €');
    await page.click('[data-testid=shop-pay]');
    await page.waitForSelector('[data-testid=age-card]');
    // Without an age check there is nothing to pay with.
    expect(await page.locator('[data-testid=pay-card]').count()).toBe(0);
    await page.fill('[data-testid=age-card]', TEEN_CARD);
    await page.fill('[data-testid=age-pin]', TEEN_PIN);
    await page.click('[data-testid=age-submit]');
    const refusal = 'Für diese Karte ist kein Alter bestätigt.';
    await expect.poll(() => page.textContent('[data-testid=pay-message]')).toContain(refusal);
    await expect.poll(spoken).toContain(refusal);
    expect(await page.locator('[data-testid=pay-card]').count()).toBe(0);
    await audit('refused-age-not-verified');
    // The sale's cart is fixed (the age step belongs to one sale), but no evidence of a passed check and no payment.
    const after = recorded();
    expect(after.ages).toBe(before.ages);
    expect(after.payments).toBe(before.payments);
    await page.click('[data-testid=shop-cancel]');
    await expect.poll(() => page.textContent('h1')).toBe('Willkommen!');
  });
});
