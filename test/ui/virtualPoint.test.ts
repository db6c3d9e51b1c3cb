import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { createSystemClock } from '../../firmware-bridge/platform/clock.ts';
import { startSimulatedPoint, type PointFixture } from '../e2e/pointFixture.ts';
import { chromiumSkipReason, launchChromium } from './chromium.ts';

const skip = chromiumSkipReason();
if (skip) console.warn(`SKIP virtual point page tests: ${skip}`);

describe.skipIf(skip !== null)('the virtual point page in Chromium', () => {
  let f: PointFixture;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    f = await startSimulatedPoint({ clock: createSystemClock(), http: { host: '127.0.0.1', port: 0 } });
    browser = await launchChromium();
    page = await browser.newPage();
    await page.goto(f.point.url!);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await f?.close();
  });

  it('shows the door locked, in German, with the demo credentials and a printed QR code', async () => {
    await expect.poll(() => page.textContent('[data-testid=strike]')).toBe('verriegelt');
    expect(await page.textContent('h1')).toContain('virtueller Versorgungspunkt');
    expect(await page.locator('.credential svg').count()).toBeGreaterThanOrEqual(4);
  });

  it('refuses to open when pushed while locked', async () => {
    await page.getByRole('button', { name: 'Tür aufdrücken' }).click();
    await expect.poll(() => page.textContent('#simMessage')).toContain('verriegelt');
    expect(f.sim.doorOpen).toBe(false);
  });

  it('lets Anna in with her printed QR code and shows the released strike live', async () => {
    await page.locator('[data-testid=credential-m-anna]').click();
    await expect.poll(() => page.textContent('[data-testid=decision]')).toContain('Willkommen');
    await expect.poll(() => page.textContent('[data-testid=strike]')).toBe('freigegeben');
    await page.getByRole('button', { name: 'Tür aufdrücken' }).click();
    await expect.poll(() => page.textContent('[data-testid=contact]')).toBe('offen');
    await page.getByRole('button', { name: 'Tür schließen' }).click();
    await expect.poll(() => page.textContent('[data-testid=contact]')).toBe('geschlossen');
    await expect.poll(() => page.textContent('[data-testid=strike]')).toBe('verriegelt');
  });

  it('tells Clara her credential is blocked', async () => {
    await page.locator('[data-testid=credential-m-clara]').click();
    await expect.poll(() => page.textContent('[data-testid=decision]')).toContain('gesperrt');
    expect(f.sim.strikeReleased).toBe(false);
  });

  it('releases the door on the fire alarm and shows the alarm', async () => {
    await page.getByRole('button', { name: 'Feueralarm auslösen' }).click();
    await expect.poll(() => page.textContent('[data-testid=alarms]')).toContain('Feueralarm');
    await expect.poll(() => page.textContent('[data-testid=strike]')).toBe('freigegeben');
    await page.getByRole('button', { name: 'Feueralarm beenden' }).click();
    await expect.poll(() => page.textContent('[data-testid=strike]'), { timeout: 5000 }).toBe('verriegelt');
  });

  it('switches to English on request', async () => {
    await page.locator('#lang').click();
    await expect.poll(() => page.textContent('[data-testid=strike]')).toBe('locked');
    await page.screenshot({ path: `${f.dataDir}/../dorfpunkt-virtual-point.png`, fullPage: true });
  });
});
