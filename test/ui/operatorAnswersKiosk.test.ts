/**
 * The operator answers the customer at the kiosk, in real Chromium: a real standalone backoffice
 * (embedded broker, SQLite) with its web app, and a simulated point linked to it over MQTT that
 * serves the kiosk app and pays by card on the local Stripe fake.
 *
 * - A customer buying beer asks for remote approval at the kiosk → the operator's fleet page pops
 *   the age check up with a sound and a countdown → the operator approves → the kiosk shows it,
 *   the customer pays by card and the sale is committed with the operator as evidence.
 * - A customer calls for help at the kiosk → the help request pops up → the operator releases the
 *   door (after a confirmation) → the simulated point's strike is released.
 *
 * Screenshots (operator-*.png, kiosk-age-remote*.png) go to .tmp/screenshots or SCREENSHOTS_DIR.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { Secret, TOTP } from 'otpauth';
import { createSystemClock } from '../../firmware-bridge/platform/clock.ts';
import { createSilentLogger } from '../../firmware-bridge/platform/logger.ts';
import { startStandalone, type Standalone } from '../../backoffice/standalone.ts';
import { buildWebApp } from '../../backoffice/web/build.ts';
import { buildKiosk } from '../../kiosk-ui/build.ts';
import { demoGtin } from '../../controller/catalog/demoCatalog.ts';
import { startFake, TEST_SECRET_KEY, type FakeHarness } from '../../fakes/stripe/testSupport.ts';
import { freePort } from '../support/services.ts';
import { signIn, TEST_PASSWORD, type SignedIn } from '../backoffice/authFixture.ts';
import { startSimulatedPoint, type PointFixture } from '../e2e/pointFixture.ts';
import { chromiumSkipReason, launchChromium } from './chromium.ts';
import { seriousViolations } from './axe.ts';

const skip = chromiumSkipReason();
if (skip) console.warn(`SKIP operator answers kiosk tests: ${skip}`);

const SHOTS = process.env['SCREENSHOTS_DIR'] ?? '.tmp/screenshots';
const code = (secret: string): string => TOTP.generate({ secret: Secret.fromBase32(secret), algorithm: 'SHA1', digits: 6, period: 30, timestamp: Date.now() });

/** Counts the tones the page starts (Web Audio oscillators) into window.tones. */
function countTones(): void {
  const w = window as unknown as { tones: number };
  w.tones = 0;
  const start = OscillatorNode.prototype.start;
  OscillatorNode.prototype.start = function (this: OscillatorNode, ...args: Parameters<OscillatorNode['start']>) {
    w.tones += 1;
    return start.apply(this, args);
  };
}

describe.skipIf(skip !== null)('the operator answers the customer at the kiosk (Chromium, backoffice + simulated point over MQTT)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dorfpunkt-answer-'));
  const siteId = 'dorf-anruf';
  let office: Standalone;
  let stripe: FakeHarness;
  let readerId: string;
  let f: PointFixture;
  let browser: Browser;
  let operatorPage: Page;
  let kiosk: Page;
  let officeUrl: string;
  let kioskUrl: string;
  let kioskDist: string;
  let anna: SignedIn;
  const tones = () => operatorPage.evaluate(() => (window as unknown as { tones: number }).tones);
  const spoken = () => kiosk.evaluate(() => (window as unknown as { spoken: string[] }).spoken);
  const helpStatus = () => kiosk.getAttribute('[data-screen=help]', 'data-help-status');
  const eventsOf = (type: string) => f.point.ledger.eventsOfTypes([type], 0, 1000).map((e) => e.data as Record<string, unknown>);

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    kioskDist = mkdtempSync(join(tmpdir(), 'dorfpunkt-answer-kiosk-'));
    const [webRoot] = await Promise.all([buildWebApp(join(dir, 'web')), buildKiosk(kioskDist)]);
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
    officeUrl = office.backoffice.httpUrl!;
    const password = await office.createSiteCredentials(siteId);
    stripe = await startFake();
    readerId = stripe.fake.registerReader('Kiosk').id;
    const port = await freePort();
    f = await startSimulatedPoint({
      clock,
      siteId,
      http: { host: '127.0.0.1', port },
      kioskDir: kioskDist,
      sync: { brokerUrl: `mqtt://127.0.0.1:${brokerPort}`, username: siteId, password, keepaliveSec: 10 },
      payments: { secretKey: TEST_SECRET_KEY, readerId, api: { host: '127.0.0.1', port: stripe.port, protocol: 'http' } },
    });
    kioskUrl = `http://127.0.0.1:${port}/kiosk/`;
    anna = await signIn(office.backoffice.db, 'operator', Date.now(), { secureCookie: false, username: 'anna' });
    browser = await launchChromium();
    operatorPage = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
    await operatorPage.addInitScript(countTones);
    kiosk = await (await browser.newContext({ viewport: { width: 1280, height: 1000 } })).newPage();
    await kiosk.addInitScript(() => {
      const w = window as unknown as { spoken: string[] };
      w.spoken = [];
      window.speechSynthesis.speak = (u: SpeechSynthesisUtterance) => void w.spoken.push(u.text);
    });
  }, 120_000);

  it('the operator signs in with password and TOTP and sees the point online and no open requests', async () => {
    await operatorPage.goto(`${officeUrl}/`);
    await operatorPage.getByLabel('Benutzername').fill('anna');
    await operatorPage.getByLabel('Passwort').fill(TEST_PASSWORD);
    await operatorPage.getByLabel('Code aus der Authenticator-App').fill(code(anna.totpSecret!));
    await operatorPage.getByRole('button', { name: 'Anmelden' }).click();
    await expect.poll(() => operatorPage.locator(`[data-testid=site-${siteId}] [data-testid=presence]`).textContent(), { timeout: 20_000 }).toBe('online');
    await expect.poll(() => operatorPage.getByTestId('requests').textContent()).toContain('Keine offenen Anfragen.');
  });

  afterAll(async () => {
    await browser?.close();
    await f?.close();
    await stripe?.close();
    await office?.stop();
    rmSync(dir, { recursive: true, force: true });
    if (kioskDist) rmSync(kioskDist, { recursive: true, force: true });
  });

  it('beer by remote approval: the age check pops up with a sound and a countdown, the operator approves, the kiosk sale goes through', async () => {
    await kiosk.goto(kioskUrl);
    await kiosk.getByRole('button', { name: /Einkaufen/ }).click();
    await kiosk.waitForSelector('[data-testid=shop-scan]');
    await kiosk.keyboard.type(demoGtin('Pils'));
    await kiosk.keyboard.press('Enter');
    await expect.poll(() => kiosk.textContent('[data-testid=shop-message]')).toContain('Pils');
    await kiosk.click('[data-testid=shop-pay]');
    await expect.poll(() => kiosk.textContent('h1')).toBe('Bezahlen');
    await kiosk.getByRole('button', { name: /Mitarbeiter fragen/ }).click();
    await expect.poll(() => kiosk.getAttribute('[data-testid=age-remote-status]', 'data-status')).toBe('waiting');
    expect(await kiosk.textContent('[data-testid=age-remote-status]')).toMatch(/Ein Mitarbeiter prüft Ihr Alter\. Noch \d+ Sekunden\./);
    await kiosk.screenshot({ path: `${SHOTS}/kiosk-age-remote-waiting.png` });
    const [requested] = eventsOf('age-check.requested');
    expect(requested).toMatchObject({ method: 'remote', requiredAge: 16 });
    const checkId = requested!['checkId'] as string;

    // The operator's page pops the request up, with a sound, counting down.
    const tonesBefore = await tones();
    const item = operatorPage.getByTestId(`age-${checkId}`);
    await expect.poll(() => item.count(), { timeout: 15_000 }).toBe(1);
    expect(await operatorPage.getAttribute('[data-testid=requests]', 'class')).toContain('popup');
    await expect.poll(() => tones()).toBeGreaterThan(tonesBefore);
    expect(await operatorPage.getByTestId('requests-alert').textContent()).toBe('1 neue Anfrage(n)');
    const first = await item.getByTestId('age-countdown').textContent();
    expect(first).toMatch(new RegExp(`^${siteId}: Einkauf wartet auf Freigabe, noch \\d+ s$`));
    await expect.poll(() => item.getByTestId('age-countdown').textContent(), { timeout: 5000 }).not.toBe(first);
    expect(await seriousViolations(operatorPage)).toEqual([]);
    await operatorPage.screenshot({ path: `${SHOTS}/operator-age-check.png` });

    await item.getByRole('button', { name: 'Freigeben' }).click();
    await expect.poll(() => item.getByRole('status').textContent()).toMatch(/^Gesendet, gültig bis/);

    // The kiosk shows the approval and takes the card.
    await expect.poll(() => kiosk.getAttribute('[data-testid=age-remote-status]', 'data-status'), { timeout: 15_000 }).toBe('approved');
    await kiosk.screenshot({ path: `${SHOTS}/kiosk-age-remote-approved.png` });
    await kiosk.click('[data-testid=pay-card]');
    await kiosk.waitForSelector('[data-testid=pay-present]');
    await stripe.sdk().testHelpers.terminal.readers.presentPaymentMethod(readerId, { card_present: { number: '4242424242424242' } });
    await expect.poll(() => eventsOf('sale.committed').length, { timeout: 20_000 }).toBe(1);
    expect(eventsOf('age-check.decided')).toEqual([
      expect.objectContaining({ checkId, method: 'remote', passed: true, operator: 'anna', reason: 'operator-approved' }),
    ]);
    // The answered check leaves the operator's list once the point's decision has synced.
    await expect.poll(() => item.count(), { timeout: 15_000 }).toBe(0);
  });

  it('help at the kiosk: the kiosk says the request arrived, the operator releases the door after confirming, the strike is released and the kiosk says so', async () => {
    await kiosk.goto(kioskUrl);
    await kiosk.click('[data-testid=help]');
    await kiosk.click('[data-testid=help-call]');
    await expect.poll(() => eventsOf('help.requested').length).toBe(1);
    const helpSeq = f.point.ledger.eventsOfTypes(['help.requested'], 0, 10)[0]!.seq;
    // Once the backoffice has it, the kiosk says so, on screen and by speech.
    const arrived = 'Ihre Anfrage ist angekommen. Bitte warten Sie, jemand aus dem Team meldet sich gleich.';
    await expect.poll(helpStatus, { timeout: 15_000 }).toBe('arrived');
    expect(await kiosk.textContent('[data-testid=help-message]')).toBe(`✔ ${arrived}`);
    await expect.poll(spoken).toContain(arrived);
    expect(await kiosk.isDisabled('[data-testid=help-call]')).toBe(true);

    const item = operatorPage.getByTestId(`help-${siteId}-${helpSeq}`);
    const tonesBefore = await tones();
    await expect.poll(() => item.count(), { timeout: 15_000 }).toBe(1);
    await expect.poll(() => tones()).toBeGreaterThan(tonesBefore);
    await item.getByRole('button', { name: 'Tür öffnen' }).click();
    const dialog = operatorPage.getByRole('alertdialog');
    expect(await dialog.getByRole('heading').textContent()).toBe(`Tür von ${siteId} öffnen?`);
    expect(await seriousViolations(operatorPage)).toEqual([]);
    await operatorPage.screenshot({ path: `${SHOTS}/operator-door-confirm.png` });
    // Cancel sends nothing; confirming sends the release.
    await dialog.getByRole('button', { name: 'Abbrechen' }).click();
    expect(await operatorPage.getByRole('alertdialog').count()).toBe(0);
    expect(f.sim.strikeReleased).toBe(false);
    await item.getByRole('button', { name: 'Tür öffnen' }).click();
    await operatorPage.getByRole('alertdialog').getByRole('button', { name: 'Ja, Tür öffnen' }).click();

    await expect.poll(() => f.sim.strikeReleased, { timeout: 15_000 }).toBe(true);
    expect(eventsOf('door.remote-release')).toEqual([expect.objectContaining({ operator: 'anna' })]);
    // The kiosk tells the customer that staff opened the door, on screen and by speech.
    const answered = 'Die Tür wurde von einem Mitarbeiter geöffnet. Bitte eintreten.';
    await expect.poll(helpStatus, { timeout: 15_000 }).toBe('answered');
    expect(await kiosk.textContent('[data-testid=help-message]')).toBe(`✔ ${answered}`);
    await expect.poll(spoken).toContain(answered);
    expect(await seriousViolations(kiosk)).toEqual([]);
    await kiosk.screenshot({ path: `${SHOTS}/kiosk-help-answered.png` });
    // The release answers the help request: it leaves the list.
    await expect.poll(() => item.count(), { timeout: 15_000 }).toBe(0);
  });

  it('mutes the sound by the visible toggle, and the choice is remembered', async () => {
    const mute = operatorPage.getByTestId('requests-mute');
    expect(await mute.getAttribute('aria-pressed')).toBe('false');
    await mute.click();
    expect(await mute.getAttribute('aria-pressed')).toBe('true');
    expect(await mute.textContent()).toBe('Ton stumm: ja');
    await operatorPage.reload();
    await expect.poll(() => operatorPage.getByTestId('requests-mute').getAttribute('aria-pressed')).toBe('true');
    // a new request while muted: shown, no sound
    const before = await tones();
    await f.point.api.requestHelp?.('welcome');
    await expect.poll(() => operatorPage.locator('[data-testid^=help-]').count(), { timeout: 15_000 }).toBe(1);
    expect(await tones()).toBe(before);
    // the panel in English
    await operatorPage.getByTestId('lang-switch').click();
    await expect.poll(() => operatorPage.locator('#requests-heading').textContent()).toBe('Requests from the kiosks (1)');
    expect(await operatorPage.getByTestId('requests-mute').textContent()).toBe('Mute sound: yes');
    expect(await operatorPage.locator('[data-testid^=help-] button').allTextContents()).toEqual(['Release door', 'Done']);
    await operatorPage.getByTestId('lang-switch').click();
  });
});
