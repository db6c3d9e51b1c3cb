/**
 * Alarm work in the operators' web app, in real Chromium against a real standalone backoffice
 * (embedded broker, SQLite) that mails alarms to a real local SMTP server: the operator signs in
 * with a TOTP code, turns on e-mail notifications, an ingested alarm is mailed, then acknowledges
 * it, comments (an empty comment is refused plainly), closes it — it stays listed as active while
 * the point still reports it and moves to the closed ones when the point clears it. axe-core audits
 * each page; screenshots go to .tmp/screenshots (SCREENSHOTS_DIR=docs/screenshots renews the README's).
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
import { buildWebApp } from '../../backoffice/web/build.ts';
import { ingestBatch } from '../../backoffice/ingest/ingestStore.ts';
import { freePort } from '../support/services.ts';
import { startSmtpSink, type SmtpSink } from '../support/smtpSink.ts';
import { signIn, TEST_PASSWORD, type SignedIn } from '../backoffice/authFixture.ts';
import { batchOf, ev } from '../backoffice/projectionSupport.ts';
import { chromiumSkipReason, launchChromium } from './chromium.ts';
import { seriousViolations } from './axe.ts';

const skip = chromiumSkipReason();
if (skip) console.warn(`SKIP backoffice alarm web tests: ${skip}`);

const SHOTS = process.env['SCREENSHOTS_DIR'] ?? fileURLToPath(new URL('../../.tmp/screenshots/', import.meta.url));

const code = (secret: string): string => TOTP.generate({ secret: Secret.fromBase32(secret), algorithm: 'SHA1', digits: 6, period: 30, timestamp: Date.now() });

describe.skipIf(skip !== null)('alarm work in the backoffice web app in Chromium', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dorfpunkt-boalarms-'));
  const siteId = 'dorf-linde';
  let office: Standalone;
  let sink: SmtpSink;
  let browser: Browser;
  let page: Page;
  let url: string;
  let operator: SignedIn;

  beforeAll(async () => {
    const webRoot = await buildWebApp(join(dir, 'web'));
    sink = await startSmtpSink();
    office = await startStandalone({
      dataDir: dir,
      brokerPort: await freePort(),
      http: { port: 0 },
      auth: { secureCookie: false },
      webRoot,
      mail: { smtpUrl: sink.url, from: 'dorfpunkt <alarme@dorfpunkt.example>', pollMs: 200 },
      clock: createSystemClock(),
      logger: createSilentLogger(),
    });
    url = office.backoffice.httpUrl!;
    operator = await signIn(office.backoffice.db, 'operator', Date.now(), { secureCookie: false, username: 'anna' });
    await office.backoffice.db.updateTable('users').set({ display_name: 'Anna Weber' }).where('id', '=', operator.user.id).execute();
    browser = await launchChromium();
    page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
    mkdirSync(SHOTS, { recursive: true });
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    await office?.stop();
    await sink?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('signs the operator in and turns on alarm e-mails on the notifications page; a bad address is refused plainly', async () => {
    await page.goto(`${url}/`);
    await page.getByLabel('Benutzername').fill('anna');
    await page.getByLabel('Passwort').fill(TEST_PASSWORD);
    await page.getByLabel('Code aus der Authenticator-App').fill(code(operator.totpSecret!));
    await page.getByRole('button', { name: 'Anmelden' }).click();
    await expect.poll(() => page.locator('h1').textContent()).toBe('Dorfpunkte');

    await page.getByRole('link', { name: 'Benachrichtigungen' }).click();
    await expect.poll(() => page.locator('h1').textContent()).toBe('Benachrichtigungen per E-Mail');
    await expect.poll(() => page.getByLabel('E-Mail-Adresse').count()).toBe(1);
    await page.getByLabel('E-Mails zu Alarmen senden').check();
    await page.getByLabel('E-Mail-Adresse').fill('anna@kein-punkt');
    await page.getByRole('button', { name: 'Speichern' }).click();
    await expect.poll(() => page.getByTestId('notifications-error').textContent()).toBe('Bitte eine gültige E-Mail-Adresse eingeben.');
    await page.getByLabel('E-Mail-Adresse').fill('anna@example.org');
    await page.getByLabel('Ab welcher Schwere').selectOption('warning');
    await page.getByLabel('Ruhezeit: nicht kritische Alarme zurückhalten und danach gesammelt senden').check();
    await page.getByLabel('Ruhezeit von').fill('22:00');
    await page.getByLabel('bis').fill('06:00');
    await page.getByRole('button', { name: 'Speichern' }).click();
    await expect.poll(() => page.getByRole('status').filter({ hasText: 'Gespeichert.' }).count()).toBe(1);
    const saved = await office.backoffice.db.selectFrom('notification_settings').selectAll().where('user_id', '=', operator.user.id).executeTakeFirstOrThrow();
    expect([saved.email, Number(saved.enabled), saved.min_severity, Number(saved.quiet_start), Number(saved.quiet_end)]).toEqual([
      'anna@example.org',
      1,
      'warning',
      22 * 3600,
      6 * 3600,
    ]);
    expect(await seriousViolations(page)).toEqual([]);
    await page.screenshot({ path: join(SHOTS, 'backoffice-notifications.png'), fullPage: true });
  });

  it('mails an ingested critical alarm, and the operator acknowledges, comments and closes it in the alarm list', async () => {
    const t = Date.now();
    await ingestBatch(
      office.backoffice.db,
      batchOf(siteId, [
        ev(1, t, 'alarm.raised', {
          key: 'fridge:k1:temperature',
          source: 'fridge',
          kind: 'temperature',
          severity: 'critical',
          reason: 'Kühl 1: 9.4 °C',
          since: t,
        }),
      ]),
      t,
    );
    await expect
      .poll(() => sink.to('anna@example.org').map((m) => m.subject), { timeout: 10_000 })
      .toEqual([`[dorfpunkt] Kritisch: Kühlung zu warm – ${siteId}`]);

    await page.goto(`${url}/#/sites/${siteId}/alarms`);
    await expect.poll(() => page.locator('h1').textContent()).toBe(`Alarme: ${siteId}`);
    const alarm = page.getByTestId('alarm-1');
    await expect.poll(() => alarm.count()).toBe(1);
    expect(await alarm.textContent()).toContain('Zustand besteht noch');
    expect(await alarm.textContent()).toContain('Kühlung zu warm');

    await alarm.getByRole('button', { name: 'Quittieren' }).click();
    await expect.poll(() => alarm.getByTestId('acked-by').textContent()).toMatch(/^Quittiert von Anna Weber am /);
    expect(await alarm.getByRole('button', { name: 'Quittieren' }).count()).toBe(0);

    await alarm.getByRole('button', { name: 'Kommentar speichern' }).click();
    await expect.poll(() => alarm.getByRole('alert').textContent()).toBe('Bitte einen Kommentar eingeben.');
    await alarm.getByLabel('Kommentar zu diesem Alarm').fill('Kühlschranktür stand offen, Techniker kommt um 9 Uhr.');
    await alarm.getByRole('button', { name: 'Kommentar speichern' }).click();
    await expect.poll(() => alarm.getByTestId('comments').textContent()).toContain('Kühlschranktür stand offen, Techniker kommt um 9 Uhr.');
    expect(await alarm.getByTestId('comments').textContent()).toContain('Anna Weber');
    expect(await alarm.getByLabel('Kommentar zu diesem Alarm').inputValue()).toBe('');

    await alarm.getByRole('button', { name: 'Schließen' }).click();
    await expect.poll(() => alarm.getByTestId('cleared-by').textContent()).toMatch(/^Geschlossen von Anna Weber am /);
    // still reported by the point: listed with the open ones, as active
    expect(await page.getByTestId('alarm-list').getByTestId('alarm-1').count()).toBe(1);
    expect(await alarm.textContent()).toContain('Zustand besteht noch');
    expect(await seriousViolations(page)).toEqual([]);
    await page.screenshot({ path: join(SHOTS, 'backoffice-alarm-work.png'), fullPage: true });

    const audit = await office.backoffice.db
      .selectFrom('audit_log')
      .select('action')
      .where('user_id', '=', operator.user.id)
      .where('action', 'like', 'alarm.%')
      .execute();
    expect(audit.map((a) => a.action).sort()).toEqual(['alarm.acknowledge', 'alarm.clear', 'alarm.comment', 'alarm.comment']);
  });

  it('moves the closed alarm to the closed ones once the point reports its condition gone', async () => {
    const t = Date.now();
    await ingestBatch(office.backoffice.db, batchOf(siteId, [ev(2, t, 'alarm.cleared', { v: 2, key: 'fridge:k1:temperature', reason: 'cold again' })]), t);
    await expect.poll(() => page.getByTestId('closed-alarm-list').getByTestId('alarm-1').count(), { timeout: 10_000 }).toBe(1);
    expect(await page.getByTestId('closed-alarm-list').textContent()).toContain('Zustand behoben');
    expect(await page.getByTestId('closed-alarm-list').textContent()).toContain('Kühlschranktür stand offen');
  });
});
