/**
 * The fleet dashboard in real Chromium against a real standalone backoffice (embedded broker,
 * SQLite) with two simulated points that start with `npm start`'s demo history: the operator signs
 * in with a TOTP code and sees both points live under their names — presence, open alarms by
 * severity, door, fridge temperatures, locker occupancy, sync backlog —, a door opening shows up
 * without a reload, the page fits a laptop and a 360 px phone, and a point that stops shows
 * offline. Screenshots go to .tmp/screenshots (SCREENSHOTS_DIR=docs/screenshots renews the README's).
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { Secret, TOTP } from 'otpauth';
import { createSystemClock } from '../../firmware-bridge/platform/clock.ts';
import { createSilentLogger } from '../../firmware-bridge/platform/logger.ts';
import { startStandalone, type Standalone } from '../../backoffice/standalone.ts';
import { nameSite } from '../../backoffice/credentials/siteCredentials.ts';
import { buildWebApp } from '../../backoffice/web/build.ts';
import { freePort } from '../support/services.ts';
import { signIn, TEST_PASSWORD, type SignedIn } from '../backoffice/authFixture.ts';
import { startSimulatedPoint, type PointFixture } from '../e2e/pointFixture.ts';
import { chromiumSkipReason, launchChromium } from './chromium.ts';
import { seriousViolations } from './axe.ts';

const skip = chromiumSkipReason();
if (skip) console.warn(`SKIP fleet dashboard tests: ${skip}`);

const SHOTS = process.env['SCREENSHOTS_DIR'] ?? fileURLToPath(new URL('../../.tmp/screenshots/', import.meta.url));

const code = (secret: string): string => TOTP.generate({ secret: Secret.fromBase32(secret), algorithm: 'SHA1', digits: 6, period: 30, timestamp: Date.now() });

describe.skipIf(skip !== null)('fleet dashboard with two points in Chromium', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dorfpunkt-fleetweb-'));
  let office: Standalone;
  const points = new Map<string, PointFixture>();
  const closed = new Set<string>();
  let browser: Browser;
  let page: Page;
  let url: string;
  let operator: SignedIn;

  beforeAll(async () => {
    const webRoot = await buildWebApp(join(dir, 'web'));
    const clock = createSystemClock();
    const brokerPort = await freePort();
    office = await startStandalone({
      dataDir: dir,
      brokerPort,
      http: { port: 0 },
      auth: { secureCookie: false },
      webRoot,
      clock,
      logger: createSilentLogger(),
    });
    url = office.backoffice.httpUrl!;
    const fleet = [
      { siteId: 'kleinweiler', name: 'Dorfladen Kleinweiler', history: 'shop' as const },
      { siteId: 'bergheim', name: 'Hofladen Bergheim', history: 'farm' as const },
    ];
    await Promise.all(
      fleet.map(async (p) => {
        const password = await office.createSiteCredentials(p.siteId);
        await nameSite(office.backoffice.db, p.siteId, p.name, clock.now());
        const f = await startSimulatedPoint({
          clock,
          siteId: p.siteId,
          demoHistory: p.history,
          sync: { brokerUrl: `mqtt://127.0.0.1:${brokerPort}`, username: p.siteId, password, keepaliveSec: 10 },
        });
        points.set(p.siteId, f);
      }),
    );
    operator = await signIn(office.backoffice.db, 'operator', Date.now(), { secureCookie: false, username: 'anna' });
    browser = await launchChromium();
    page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
    mkdirSync(SHOTS, { recursive: true });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    for (const [siteId, f] of points) if (!closed.has(siteId)) await f.close();
    await office?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const card = (siteId: string) => page.getByTestId(`site-${siteId}`);

  it('signs in with password and TOTP code and shows both points online under their names, with their history', async () => {
    await page.goto(`${url}/`);
    await page.getByLabel('Benutzername').fill('anna');
    await page.getByLabel('Passwort').fill(TEST_PASSWORD);
    await page.getByLabel('Code aus der Authenticator-App').fill(code(operator.totpSecret!));
    await page.getByRole('button', { name: 'Anmelden' }).click();
    await expect.poll(() => page.locator('h1').textContent()).toBe('Dorfpunkte');
    for (const siteId of ['kleinweiler', 'bergheim']) {
      await expect.poll(() => card(siteId).getByTestId('presence').textContent(), { timeout: 30_000 }).toBe('online');
      // everything the point had recorded arrives: the backlog empties on the page
      await expect.poll(() => card(siteId).getByTestId('backlog').textContent(), { timeout: 30_000 }).toMatch(/^keiner \(letzte Daten vor \d+ s\)$/);
    }
    expect(await page.getByTestId('fleet-summary').textContent()).toBe('2 Dorfpunkte: 2 online, 0 offline · 1 kritischer Alarm');
    expect(await card('kleinweiler').locator('h2').textContent()).toBe('Dorfladen Kleinweiler');
    expect(await card('kleinweiler').getByTestId('last-seen').textContent()).toMatch(/^kleinweiler · zuletzt gesehen vor \d+ s$/);
    // the farm shop's dairy fridge was warm one night: blocked until a corrective action, its alarm open
    expect(await card('bergheim').getByTestId('alarms-critical').textContent()).toBe('1 kritisch');
    expect(await card('bergheim').getByTestId('fridges').textContent()).toMatch(/Kühlschrank Molkerei: \d+,\d °C \(Grenze 7,0 °C\) · gesperrt/);
    expect(await card('kleinweiler').getByTestId('alarms-critical').textContent()).toBe('0 kritisch');
    // temperatures of every fridge under its name with the limit the point reported, the door, the parcels waiting
    expect(await card('kleinweiler').getByTestId('fridges').textContent()).toMatch(
      /Getränkekühlschrank: \d+,\d °C \(Grenze 10,0 °C\).*Kühlschrank Molkerei: \d+,\d °C \(Grenze 7,0 °C\).*Tiefkühltruhe: −?-?\d+,\d °C \(Grenze [−-]18,0 °C\)/,
    );
    expect(await card('kleinweiler').getByTestId('door').textContent()).toBe('zu');
    expect(await card('kleinweiler').getByTestId('lockers').textContent()).toMatch(/^2 von 12 Fächern belegt, 0 reserviert, 10 frei/);
    expect(await seriousViolations(page)).toEqual([]);
    await page.screenshot({ path: join(SHOTS, 'fleet-two-points-laptop.png') });
  });

  it('shows a door opening and closing at a point without a reload', async () => {
    const f = points.get('kleinweiler')!;
    f.sim.tapExit(1000);
    await expect.poll(() => f.sim.push(), { timeout: 5_000 }).toBe(true);
    await expect.poll(() => card('kleinweiler').getByTestId('door').textContent(), { timeout: 15_000 }).toBe('offen');
    f.sim.close();
    await expect.poll(() => card('kleinweiler').getByTestId('door').textContent(), { timeout: 15_000 }).toBe('zu');
  });

  it('fits a 360 px phone screen in one column without sideways scrolling', async () => {
    await page.setViewportSize({ width: 360, height: 800 });
    await expect.poll(() => card('bergheim').count()).toBe(1);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
    const [a, b] = await Promise.all([card('bergheim').boundingBox(), card('kleinweiler').boundingBox()]);
    expect(a!.x).toBe(b!.x); // stacked, not side by side
    expect(a!.width).toBeLessThanOrEqual(360);
    expect(await seriousViolations(page)).toEqual([]);
    await page.screenshot({ path: join(SHOTS, 'fleet-two-points-phone.png'), fullPage: true });
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  it('shows a point that stops as offline, the other still online, without a reload', async () => {
    closed.add('bergheim');
    await points.get('bergheim')!.close();
    await expect.poll(() => card('bergheim').getByTestId('presence').textContent(), { timeout: 30_000 }).toBe('offline');
    expect(await card('kleinweiler').getByTestId('presence').textContent()).toBe('online');
    await expect.poll(() => page.getByTestId('fleet-summary').textContent()).toBe('2 Dorfpunkte: 1 online, 1 offline · 1 kritischer Alarm');
  });
});
