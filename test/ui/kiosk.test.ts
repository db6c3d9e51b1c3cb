/**
 * The kiosk app (kiosk-ui) in real Chromium against a simulated point: built with Vite, served
 * by the controller at /kiosk/, every screen audited with axe-core (WCAG 2.1 A/AA: no serious
 * or critical findings) and photographed (kiosk-*.png) into .tmp/screenshots, or into the README's
 * docs/screenshots with KIOSK_SCREENSHOTS_DIR=docs/screenshots (so a test run leaves the tree clean).
 */
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { createSystemClock } from '../../firmware-bridge/platform/clock.ts';
import { buildKiosk, JS_GZIP_BUDGET, type KioskBuild } from '../../kiosk-ui/build.ts';
import { startSimulatedPoint, type PointFixture } from '../e2e/pointFixture.ts';
import { freePort } from '../support/services.ts';
import { chromiumSkipReason, launchChromium } from './chromium.ts';

const skip = chromiumSkipReason();
if (skip) console.warn(`SKIP kiosk app tests: ${skip}`);

const AXE_PATH = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
const SHOTS = process.env['SCREENSHOTS_DIR'] ?? process.env['KIOSK_SCREENSHOTS_DIR'] ?? '.tmp/screenshots';

/** Records what the page speaks and how often it beeps (stubs speechSynthesis.speak, counts WebAudio tones). */
function recordSpeechAndBeeps(): void {
  const w = window as unknown as { spoken: string[]; beeps: number };
  w.spoken = [];
  w.beeps = 0;
  window.speechSynthesis.speak = (u: SpeechSynthesisUtterance) => void w.spoken.push(u.text);
  const start = OscillatorNode.prototype.start;
  OscillatorNode.prototype.start = function (...args: Parameters<typeof start>) {
    w.beeps++;
    return start.apply(this, args);
  };
}

describe.skipIf(skip !== null)('the kiosk app in Chromium', () => {
  let f: PointFixture;
  let port: number;
  let build: KioskBuild;
  let browser: Browser;
  let page: Page;
  // A short wait for an answer to a help request, so the unanswered fallback shows within the test.
  const start = () =>
    startSimulatedPoint({ clock: createSystemClock(), http: { host: '127.0.0.1', port }, help: { phone: '05555 123456', answerWithinMs: 3000 } });
  const kioskUrl = (query = '') => `http://127.0.0.1:${port}/kiosk/${query}`;
  const spoken = () => page.evaluate(() => (window as unknown as { spoken: string[] }).spoken);

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

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    build = await buildKiosk();
    port = await freePort();
    f = await start();
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.addInitScript(recordSpeechAndBeeps);
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    await f?.close();
  });

  it('keeps the compressed JavaScript within the 170 KB budget', () => {
    expect(build.jsGzipBytes).toBeGreaterThan(10_000); // Preact and the contract are in it
    expect(build.jsGzipBytes).toBeLessThanOrEqual(JS_GZIP_BUDGET);
  });

  it('opens on the German welcome screen with the three big choices and passes the audit', async () => {
    await page.goto(kioskUrl());
    await expect.poll(() => page.textContent('h1')).toBe('Willkommen!');
    await expect.poll(() => page.getAttribute('html', 'lang')).toBe('de');
    for (const name of ['Paket abholen', 'Paket einliefern (Kurier)', 'Hilfe']) {
      const box = await page
        .getByRole('button', { name: new RegExp(`^.?\\s*${name.replace(/[()]/g, '\\$&')}`) })
        .first()
        .boundingBox();
      expect(box!.height).toBeGreaterThanOrEqual(60);
    }
    await audit('welcome');
  });

  it('refuses a wrong pickup code typed on the keypad: the message is shown and spoken, the field cleared, nothing opens', async () => {
    await page.getByRole('button', { name: /Paket abholen/ }).click();
    await expect.poll(() => page.textContent('h1')).toBe('Paket abholen');
    expect(await spoken()).toContain('Paket abholen. Geben Sie Ihren Abholcode ein.');
    const keypad = page.getByRole('group', { name: 'Zifferntasten' });
    const key = await keypad.getByRole('button', { name: '7', exact: true }).boundingBox();
    expect(Math.min(key!.width, key!.height)).toBeGreaterThanOrEqual(60);
    for (const digit of '47110815123') await keypad.getByRole('button', { name: digit, exact: true }).click();
    expect(await page.inputValue('[data-testid=pickup-code]')).toBe('47110815123');
    await page.click('[data-testid=pickup-submit]');
    await expect.poll(() => page.textContent('[data-testid=pickup-message]')).toBe('✖ Dieser Abholcode ist nicht gültig.');
    expect(await spoken()).toContain('Dieser Abholcode ist nicht gültig.');
    expect(await page.inputValue('[data-testid=pickup-code]')).toBe('');
    expect(f.point.lockers.view().filter((c) => c.status === 'open')).toEqual([]);
    expect(f.point.ledger.events(1, 10_000).filter((e) => e.type === 'pickup.failed')).toHaveLength(1);
    await audit('pickup-refused');
  });

  it('takes a QR code from a scanner acting as a keyboard, even when a keypad key had the focus, and refuses it the same way', async () => {
    await page.getByRole('group', { name: 'Zifferntasten' }).getByRole('button', { name: '5', exact: true }).click();
    await page.getByRole('button', { name: 'Alles löschen' }).click(); // the focus is on a keypad key now
    await page.keyboard.type('98765432101');
    expect(await page.inputValue('[data-testid=pickup-qr]')).toBe('98765432101');
    expect(await page.inputValue('[data-testid=pickup-code]')).toBe('');
    await page.keyboard.press('Enter');
    await expect.poll(() => f.point.ledger.events(1, 10_000).filter((e) => e.type === 'pickup.failed').length).toBe(2);
    await expect.poll(() => page.inputValue('[data-testid=pickup-qr]')).toBe(''); // cleared once the answer is in
    expect(await page.textContent('[data-testid=pickup-message]')).toBe('✖ Dieser Abholcode ist nicht gültig.');
  });

  it('switches to English with one tap: screen, speech and the point’s answers', async () => {
    await page.getByRole('button', { name: 'English' }).click();
    await expect.poll(() => page.textContent('h1')).toBe('Collect a parcel');
    await expect.poll(() => page.getAttribute('html', 'lang')).toBe('en');
    for (const digit of '12345678901') await page.getByRole('group', { name: 'Number keys' }).getByRole('button', { name: digit, exact: true }).click();
    await page.click('[data-testid=pickup-submit]');
    await expect.poll(() => page.textContent('[data-testid=pickup-message]')).toBe('✖ This pickup code is not valid.');
    expect((await spoken()).at(-1)).toBe('This pickup code is not valid.');
    await page.getByRole('button', { name: 'Deutsch' }).click();
    await expect.poll(() => page.textContent('h1')).toBe('Paket abholen');
  });

  it('after too many wrong codes shows the lockout wait, counts it down in words, and keeps the submit key off', async () => {
    const failed = () => f.point.ledger.events(1, 10_000).filter((e) => e.type === 'pickup.failed').length;
    for (let i = 0; i < 5 && !(await page.getByTestId('pickup-wait').isVisible()); i++) {
      const before = failed();
      await page.fill('[data-testid=pickup-code]', `1111111111${i}`);
      await page.click('[data-testid=pickup-submit]');
      await expect.poll(failed).toBeGreaterThan(before);
      await expect.poll(() => page.inputValue('[data-testid=pickup-code]')).toBe('');
    }
    const wait = await page.textContent('[data-testid=pickup-wait]');
    expect(wait).toMatch(/Bitte warten: wieder möglich in \d+ Sekunden\./);
    expect(Number(/(\d+) Sekunden/.exec(wait!)![1])).toBeGreaterThan(0);
    expect((await spoken()).at(-1)).toMatch(/Wieder möglich in \d+ s\./);
    await page.fill('[data-testid=pickup-code]', '22222222222');
    expect(await page.isDisabled('[data-testid=pickup-submit]')).toBe(true);
    await audit('pickup-locked-out');
  });

  it('walks a courier through pass, tracking number and size, and ends the session', async () => {
    await page.click('[data-testid=back]');
    await page.getByRole('button', { name: /Paket einliefern/ }).click();
    await page.fill('[data-testid=courier-token]', f.credentials.find((c) => c.memberId === 'c-paket')!.token!);
    await page.getByRole('button', { name: 'Anmelden' }).click();
    await expect.poll(() => page.textContent('[data-testid=courier-message]')).toBe('✔ Angemeldet. Bitte die Sendungsnummer eingeben.');
    await page.fill('[data-testid=courier-reference]', 'JJD 0001 2345');
    await page.getByRole('button', { name: 'Weiter' }).click();
    await expect.poll(() => page.textContent('[data-testid=courier-message]')).toBe('✔ Bitte die Fachgröße wählen.');
    expect(await page.getByRole('button', { name: 'M – mittel' }).isVisible()).toBe(true);
    await audit('courier-size');
    await page.getByRole('button', { name: 'Beenden' }).click();
    await expect.poll(() => page.textContent('[data-testid=courier-message]')).toBe('✔ Einlieferung beendet.');
    expect(f.point.lockers.view().filter((c) => c.status !== 'free')).toEqual([]);
  });

  it('calls for help: the request lands in the ledger as help.requested with the screen it came from', async () => {
    await page.click('[data-testid=back]');
    await page.click('[data-testid=help]');
    await expect.poll(() => page.textContent('h1')).toBe('Hilfe');
    await audit('help');
    const before = f.point.ledger.lastSeq();
    await page.click('[data-testid=help-call]');
    await expect.poll(() => page.textContent('[data-testid=help-message]')).toContain('Hilfe ist gerufen');
    const events = f.point.ledger.events(before + 1, 100).filter((e) => e.type === 'help.requested');
    expect(events).toHaveLength(1);
    expect(events[0]!.data).toEqual({ at: expect.any(Number), screen: 'welcome' });
    await expect.poll(spoken).toContain('Hilfe ist gerufen. Jemand aus dem Team meldet sich oder öffnet die Tür für Sie.');
    await audit('help-called');
  });

  it('offers the team’s phone number, on screen and spoken, when nobody answers the help request in time, and lets the person call again', async () => {
    const unanswered = 'Bisher hat niemand geantwortet. Bitte rufen Sie das Team an: 05555 123456.';
    await expect.poll(() => page.getAttribute('[data-screen=help]', 'data-help-status'), { timeout: 10_000 }).toBe('overdue');
    expect(await page.textContent('[data-testid=help-message]')).toBe(`✖ ${unanswered}`);
    await expect.poll(spoken).toContain(unanswered);
    await audit('help-unanswered');
    const before = f.point.ledger.events(1, 10_000).filter((e) => e.type === 'help.requested').length;
    await page.click('[data-testid=help-call]');
    await expect.poll(() => page.getAttribute('[data-screen=help]', 'data-help-status')).toBe('sent');
    expect(f.point.ledger.events(1, 10_000).filter((e) => e.type === 'help.requested')).toHaveLength(before + 1);
  });

  it('warns after inactivity on screen, by sound and speech; "Mehr Zeit" extends, and without input it returns to the welcome screen with the default settings', async () => {
    await page.goto(kioskUrl('?idle=1500&warn=8000'));
    await page.click('[data-testid=contrast]'); // reset for the next person, checked at the end
    await page.getByRole('button', { name: /Paket abholen/ }).click();
    const warning = page.getByRole('alertdialog', { name: 'Sind Sie noch da?' });
    await warning.waitFor({ timeout: 10_000 });
    expect(await spoken()).toContain('Sind Sie noch da? Tippen Sie auf Mehr Zeit.');
    expect(await page.evaluate(() => (window as unknown as { beeps: number }).beeps)).toBeGreaterThan(0);
    await audit('inactivity-warning');
    await page.getByRole('button', { name: 'Mehr Zeit' }).click();
    await warning.waitFor({ state: 'detached' });
    expect(await page.textContent('h1')).toBe('Paket abholen'); // extended: still on the pickup screen
    await warning.waitFor({ timeout: 10_000 }); // warns again after the next idle period
    await expect.poll(() => page.textContent('h1'), { timeout: 20_000 }).toBe('Willkommen!');
    expect(await warning.count()).toBe(0);
    await expect.poll(() => page.getAttribute('[data-testid=contrast]', 'aria-pressed')).toBe('false');
  }, 60_000);

  it('offers high contrast and large text that pass the audit', async () => {
    await page.goto(kioskUrl());
    await page.click('[data-testid=contrast]');
    await expect.poll(() => page.getAttribute('html', 'class')).toContain('contrast');
    expect(await page.getAttribute('[data-testid=contrast]', 'aria-pressed')).toBe('true');
    await audit('welcome-high-contrast');
    await page.click('[data-testid=contrast]');
  });

  it('shows "out of service" while a board is lost, with the board for the technician, and clears it when the board is back', async () => {
    const post = (body: unknown) =>
      fetch(`http://127.0.0.1:${port}/api/sim/cable`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    await page.goto(kioskUrl());
    expect((await post({ board: 'schliessfach-1', plugged: false })).status).toBe(200);
    const banner = page.getByTestId('out-of-service');
    await banner.waitFor({ timeout: 10_000 });
    expect(await banner.textContent()).toContain('Außer Betrieb: ein Teil der Technik. Bitte rufen Sie Hilfe.');
    expect(await banner.textContent()).toContain('schliessfach-1');
    await audit('out-of-service');
    expect((await post({ board: 'schliessfach-1', plugged: true })).status).toBe(200);
    await banner.waitFor({ state: 'detached', timeout: 15_000 });
  }, 45_000);

  it('shows that the point is unreachable while the controller restarts, and works again after it', async () => {
    await page.goto(kioskUrl());
    await page.click('[data-testid=help]');
    await f.close();
    await page.getByTestId('offline').waitFor({ timeout: 10_000 });
    expect(await page.textContent('[data-testid=offline]')).toContain('Keine Verbindung zum Punkt');
    await audit('offline');
    f = await start();
    await page.getByTestId('offline').waitFor({ state: 'detached', timeout: 15_000 });
    await page.click('[data-testid=help-call]');
    await expect.poll(() => f.point.ledger.events(1, 10_000).filter((e) => e.type === 'help.requested').length).toBe(1);
  }, 60_000);
});
