import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { createSystemClock } from '../../firmware-bridge/platform/clock.ts';
import { startSimulatedPoint, type PointFixture } from '../e2e/pointFixture.ts';
import { chromiumSkipReason, launchChromium } from './chromium.ts';

const skip = chromiumSkipReason();
if (skip) console.warn(`SKIP locker page tests: ${skip}`);

describe.skipIf(skip !== null)('lockers, fridges and alarms on the virtual point page in Chromium', () => {
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

  it('shows the twelve compartments of the simulated profile, free and shut', async () => {
    await expect.poll(() => page.locator('[data-testid=compartments] li').count()).toBe(12);
    expect(await page.locator('[data-testid=compartments] li').first().textContent()).toBe('A1 (S)frei · Tür zu');
  });

  it('a wrong code typed on the keypad is refused on the page, cleared from the field, and opens nothing', async () => {
    for (const digit of '47110815123') await page.locator('#keypad').getByRole('button', { name: digit, exact: true }).click();
    expect(await page.inputValue('[data-testid=pickup-code]')).toBe('47110815123');
    await page.click('[data-testid=pickup-submit]');
    await expect.poll(() => page.textContent('[data-testid=pickup-message]')).toBe('Dieser Abholcode ist nicht gültig.');
    expect(await page.inputValue('[data-testid=pickup-code]')).toBe('');
    expect(f.point.lockers.view().filter((c) => c.status === 'open')).toEqual([]);
    expect(f.point.ledger.events(1, 10_000).filter((e) => e.type === 'pickup.failed')).toHaveLength(1);
  });

  it('shows the fridges with their limit, and a fridge door opened from the page reaches the fridge feature', async () => {
    const molkerei = page.locator('[data-testid=fridges] li').first();
    await expect.poll(() => molkerei.textContent()).toContain('Grenze');
    await molkerei.getByRole('button', { name: 'Tür öffnen' }).click();
    await expect.poll(() => molkerei.textContent()).toContain('Tür offen');
    expect(f.point.fridges.view()[0]?.doorOpen).toBe(true);
    await molkerei.getByRole('button', { name: 'Tür schließen' }).click();
    await expect.poll(() => molkerei.textContent()).not.toContain('Tür offen');
  });

  it('lists a forced door among the open alarms live, and drops it when the door is shut', async () => {
    await page.getByRole('button', { name: 'Tür aufbrechen' }).click();
    await expect.poll(() => page.textContent('[data-testid=open-alarms]')).toContain('Tür aufgebrochen');
    await page.getByRole('button', { name: 'Tür schließen' }).first().click();
    await expect.poll(() => page.textContent('[data-testid=open-alarms]')).toBe('keine');
  });

  it('tells a courier who signs in with a member credential that only couriers may drop off', async () => {
    await page.fill('#courierToken', f.credentials.find((c) => c.memberId === 'm-anna')!.token!);
    await page.getByRole('button', { name: 'Anmelden' }).click();
    await expect.poll(() => page.textContent('[data-testid=dropoff-message]')).toContain('kein Kurier-Ausweis');
  });

  it('signs the demo courier in from the form, takes a parcel number, asks for the size, and ends the session', async () => {
    await page.reload();
    await expect.poll(() => page.inputValue('#courierToken')).toMatch(/^DP1\./); // the demo courier's credential, filled in
    await page.getByRole('button', { name: 'Anmelden' }).click();
    await expect.poll(() => page.textContent('[data-testid=dropoff-message]')).toBe('Angemeldet. Bitte die Sendungsnummer eingeben.');
    await page.fill('#parcelRef', 'JJD 0001 2345');
    await page.getByRole('button', { name: 'Weiter' }).click();
    await expect.poll(() => page.textContent('[data-testid=dropoff-message]')).toBe('Bitte die Fachgröße wählen.');
    expect(f.point.lockers.view().filter((c) => c.status !== 'free')).toEqual([]);
    await page.getByRole('button', { name: 'Beenden' }).click();
    await expect.poll(() => page.textContent('[data-testid=dropoff-message]')).toBe('Einlieferung beendet.');
  });
});
