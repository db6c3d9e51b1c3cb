/**
 * The operators' web app in real Chromium for enrolment, members, parcels and opening rules,
 * against a real standalone backoffice (embedded broker, SQLite) with a simulated point that
 * trusts the backoffice's signing key:
 * - an operator without a second factor is led through TOTP enrolment (the QR code on the page
 *   decodes to the otpauth URI), signs out and back in with a code;
 * - creates a member (bad input refused, nothing saved), issues a QR code the point accepts,
 *   prints the card sheet (its QR code decodes to the same token), revokes it after confirming,
 *   and the point refuses the code;
 * - sets the member's account terms in euros (a bad amount refused, nothing stored), sees the exact
 *   cents stored and the terms at the point;
 * - takes an uncollected parcel back: the point opens the compartment and records the take-back;
 * - edits the opening rules and sees the 14-day preview change; the point gets the rules.
 * Screenshots go to .tmp/screenshots (SCREENSHOTS_DIR=docs/screenshots renews the README's).
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Locator, Page } from 'playwright-core';
import jsQRModule from 'jsqr';
import { createSystemClock } from '../../firmware-bridge/platform/clock.ts';
import { createSilentLogger } from '../../firmware-bridge/platform/logger.ts';
import { startStandalone, type Standalone } from '../../backoffice/standalone.ts';
import { buildWebApp } from '../../backoffice/web/build.ts';
import { createUser } from '../../backoffice/accounts/users.ts';
import { totpCode } from '../../backoffice/accounts/totp.ts';
import { loadOrCreateSigningKey, SIGNING_KEY_FILE } from '../../backoffice/credentials/signingKey.ts';
import { freePort } from '../support/services.ts';
import { TEST_PASSWORD, TEST_SCRYPT } from '../backoffice/authFixture.ts';
import { qrCodesInPdf } from '../backoffice/support/pdfQr.ts';
import { startSimulatedPoint, type PointFixture } from '../e2e/pointFixture.ts';
import { chromiumSkipReason, launchChromium } from './chromium.ts';
import { seriousViolations } from './axe.ts';

type JsQR = (data: Uint8ClampedArray, width: number, height: number) => { data: string } | null;
const jsQR: JsQR = (jsQRModule as unknown as { default?: JsQR }).default ?? (jsQRModule as unknown as JsQR);

const skip = chromiumSkipReason();
if (skip) console.warn(`SKIP backoffice members/opening rules browser tests: ${skip}`);

const SHOTS = process.env['SCREENSHOTS_DIR'] ?? fileURLToPath(new URL('../../.tmp/screenshots/', import.meta.url));

/** Reads the QR code the page draws (an SVG path of 1×1 modules), rasterised 4× as a scanner would see it. */
async function qrOnPage(svg: Locator): Promise<string | null> {
  const d = (await svg.locator('path').getAttribute('d')) ?? '';
  const size = Number((await svg.getAttribute('viewBox'))?.split(' ')[2]);
  const scale = 4;
  const px = size * scale;
  const rgba = new Uint8ClampedArray(px * px * 4).fill(255);
  for (const m of d.matchAll(/M(\d+) (\d+)h1v1h-1z/g)) {
    const x0 = Number(m[1]) * scale;
    const y0 = Number(m[2]) * scale;
    for (let y = y0; y < y0 + scale; y++)
      for (let x = x0; x < x0 + scale; x++) {
        const i = (y * px + x) * 4;
        rgba[i] = rgba[i + 1] = rgba[i + 2] = 0;
      }
  }
  return jsQR(rgba, px, px)?.data ?? null;
}

describe.skipIf(skip !== null)('members, parcels and opening rules in Chromium', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dorfpunkt-bomembers-'));
  const siteId = 'mitglied-dorf';
  let office: Standalone;
  let f: PointFixture;
  let browser: Browser;
  let page: Page;
  let url: string;
  let totpSecret = '';
  let token = '';

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
    const password = await office.createSiteCredentials(siteId);
    const { publicKeyPem } = loadOrCreateSigningKey(join(dir, SIGNING_KEY_FILE));
    f = await startSimulatedPoint({
      clock,
      siteId,
      publicKeyPem,
      sync: { brokerUrl: `mqtt://127.0.0.1:${brokerPort}`, username: siteId, password, keepaliveSec: 10 },
    });
    // An operator account as an admin creates it: no second factor yet.
    await createUser(
      office.backoffice.db,
      { username: 'erna', displayName: 'Erna Betrieb', role: 'operator', password: TEST_PASSWORD },
      Date.now(),
      TEST_SCRYPT,
    );
    browser = await launchChromium();
    page = await (await browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true })).newPage();
    mkdirSync(SHOTS, { recursive: true });
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    await f?.close();
    await office?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const signIn = async (code?: string): Promise<void> => {
    await page.getByLabel('Benutzername').fill('erna');
    await page.getByLabel('Passwort').fill(TEST_PASSWORD);
    if (code) await page.getByLabel('Code aus der Authenticator-App').fill(code);
    await page.getByRole('button', { name: 'Anmelden' }).click();
  };

  it('leads an operator without a second factor through enrolment, then asks for the code at the next sign-in', async () => {
    await page.goto(`${url}/`);
    await signIn();
    await expect.poll(() => page.locator('h1').textContent()).toBe('Zweiten Faktor einrichten');
    const qr = page.getByTestId('totp-qr');
    await expect.poll(() => qr.count()).toBe(1);
    const uri = await qrOnPage(qr);
    expect(uri).toMatch(/^otpauth:\/\/totp\/.*erna.*\?.*secret=[A-Z2-7]+/);
    totpSecret = new URL(uri!).searchParams.get('secret')!;
    expect((await page.getByTestId('totp-secret').textContent())?.replace(/\s/g, '')).toBe(totpSecret);
    // Only the enrolment is open meanwhile: the members list refuses this session.
    expect(await page.evaluate(async () => (await fetch('/api/members')).status)).toBe(403);
    expect(await seriousViolations(page)).toEqual([]);
    await page.screenshot({ path: join(SHOTS, 'backoffice-enrol.png'), fullPage: true });

    await page.getByLabel('Code aus der App').fill('12a');
    await page.getByRole('button', { name: 'Bestätigen' }).click();
    await expect.poll(() => page.getByTestId('enrol-error').textContent()).toBe('Bitte genau 6 Ziffern eingeben.');
    await page.getByLabel('Code aus der App').fill(totpCode(totpSecret, Date.now() - 10 * 60_000));
    await page.getByRole('button', { name: 'Bestätigen' }).click();
    await expect.poll(() => page.getByTestId('enrol-error').textContent()).toBe('Der Code stimmt nicht. Bitte den aktuellen Code aus der App eingeben.');
    await page.getByLabel('Code aus der App').fill(totpCode(totpSecret, Date.now()));
    await page.getByRole('button', { name: 'Bestätigen' }).click();
    await expect.poll(() => page.locator('h1').textContent()).toBe('Dorfpunkte');
    expect(await page.getByTestId('app-notice').textContent()).toContain('Der zweite Faktor ist eingerichtet');

    await page.getByRole('button', { name: 'Abmelden' }).click();
    await expect.poll(() => page.locator('h1').textContent()).toBe('Anmelden');
    await signIn();
    await expect.poll(() => page.getByTestId('login-error').textContent()).toBe('Bitte den 6-stelligen Code aus der Authenticator-App eingeben.');
    // The code just used for the enrolment counts once: the next 30-second step's code signs in.
    await signIn(totpCode(totpSecret, Date.now() + 30_000));
    await expect.poll(() => page.locator('h1').textContent()).toBe('Dorfpunkte');
  }, 60_000);

  it('creates a member, refusing a missing name and a future check date without saving anything', async () => {
    await page.getByRole('link', { name: 'Mitglieder' }).click();
    await expect.poll(() => page.locator('h1').textContent()).toBe('Mitglieder');
    await expect.poll(() => page.getByText('Noch keine Mitglieder.').count()).toBe(1);
    await page.getByRole('button', { name: 'Neues Mitglied' }).click();
    const form = page.getByTestId('member-form');
    await form.getByRole('button', { name: 'Speichern' }).click();
    await expect.poll(() => page.getByTestId('member-form-error').textContent()).toBe('Bitte einen Namen eingeben.');
    await page.getByLabel('Name', { exact: true }).fill('Erika Mustermann');
    await page.getByLabel('Kontakt', { exact: true }).fill('05121 4711');
    await page.getByLabel('Alter persönlich geprüft').check();
    await page.getByLabel('Wie geprüft').selectOption('passport-seen');
    await page.getByLabel('Datum der Prüfung').fill('2099-01-01');
    await form.getByRole('button', { name: 'Speichern' }).click();
    await expect.poll(() => page.getByTestId('member-form-error').textContent()).toBe('Das Datum der Altersprüfung liegt in der Zukunft.');
    expect(await office.backoffice.db.selectFrom('members').selectAll().execute()).toEqual([]);

    await page.getByLabel('Datum der Prüfung').fill('2026-12-01');
    await form.getByRole('button', { name: 'Speichern' }).click();
    const card = page.getByTestId('member-Erika Mustermann');
    await expect.poll(() => card.getByTestId('age').textContent()).toBe('geprüft: Reisepass gesehen, 2026-12-01');
    expect(await card.textContent()).toContain('05121 4711');
    const [row] = await office.backoffice.db.selectFrom('members').selectAll().execute();
    expect([row?.name, row?.contact, row?.age_method, row?.age_date]).toEqual(['Erika Mustermann', '05121 4711', 'passport-seen', '2026-12-01']);

    // Edit: the contact changes; the search finds her by it.
    await card.getByRole('button', { name: 'Bearbeiten' }).click();
    await page.getByLabel('Kontakt', { exact: true }).fill('erika@example.org');
    await page.getByTestId('member-form').getByRole('button', { name: 'Speichern' }).click();
    await expect.poll(() => page.getByTestId('members-notice').textContent()).toBe('Erika Mustermann ist gespeichert.');
    await page.getByLabel('Suchen (Name oder Kontakt)').fill('example.org');
    await expect.poll(() => page.getByTestId('member-list').locator('li').count()).toBe(1);
    await page.getByLabel('Suchen (Name oder Kontakt)').fill('niemand');
    await expect.poll(() => page.getByText('Kein Mitglied passt zur Suche.').count()).toBe(1);
    await page.getByLabel('Suchen (Name oder Kontakt)').fill('');
  }, 60_000);

  it('issues a QR code the point accepts, prints it on the card sheet, revokes it after confirming, and the point refuses it', async () => {
    await expect.poll(() => f.point.sync?.status().connected, { timeout: 15_000 }).toBe(true);
    const card = page.getByTestId('member-Erika Mustermann');
    // A malformed card UID is refused here, nothing issued.
    await card.getByRole('button', { name: 'Karte ausstellen' }).click();
    await card.getByLabel('Karten-UID').fill('04 E2 7F');
    await card.getByRole('button', { name: 'Karte ausstellen' }).first().click();
    await expect.poll(() => card.getByTestId('member-error').textContent()).toMatch(/^Die Karten-UID muss 1 bis 64 Zeichen/);
    expect(await office.backoffice.db.selectFrom('member_credentials').selectAll().execute()).toEqual([]);
    await card.getByRole('button', { name: 'Abbrechen' }).click();

    await card.getByRole('button', { name: 'QR-Code ausstellen' }).click();
    const shown = card.getByTestId('issued-qr');
    await expect.poll(() => shown.count()).toBe(1);
    token = (await qrOnPage(shown))!;
    expect(token).toMatch(/^DP1\./);
    expect(await f.point.api.presentToken(token)).toMatchObject({ granted: true });
    expect(await seriousViolations(page)).toEqual([]);
    await page.screenshot({ path: join(SHOTS, 'backoffice-members.png'), fullPage: true });

    // Print: nothing selected is refused; selected, the PDF downloads and its QR code is the token.
    await page.getByTestId('print-cards').click();
    await expect.poll(() => page.getByTestId('members-error').textContent()).toBe('Bitte zuerst Mitglieder für den Kartendruck auswählen.');
    await card.getByLabel('Erika Mustermann für den Kartendruck auswählen').check();
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('print-cards').click()]);
    expect(download.suggestedFilename()).toBe('mitgliedskarten.pdf');
    const pdf = readFileSync((await download.path())!);
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    expect(qrCodesInPdf(pdf)).toEqual([token]);

    // Revoke: a confirmation with a reason first.
    const credentialId = (await office.backoffice.db.selectFrom('member_credentials').select('id').executeTakeFirstOrThrow()).id;
    const item = card.getByTestId(`credential-${credentialId}`);
    await item.getByRole('button', { name: 'Sperren' }).click();
    await expect.poll(() => item.getByText('Wirklich sperren?').count()).toBe(1);
    await item.getByRole('button', { name: 'Ja, sperren' }).click();
    await expect.poll(() => card.getByTestId('member-error').textContent()).toBe('Bitte einen Grund für die Sperre angeben.');
    expect((await office.backoffice.db.selectFrom('member_credentials').select('revoked_at').executeTakeFirstOrThrow()).revoked_at).toBeNull();
    await item.getByLabel('Grund').fill('Karte verloren');
    await item.getByRole('button', { name: 'Ja, sperren' }).click();
    await expect.poll(() => item.getByTestId('credential-state').textContent()).toMatch(/^gesperrt am .* \(Karte verloren\)$/);
    await expect.poll(() => f.point.ledger.state.isRevoked(credentialId), { timeout: 60_000 }).toBe(true);
    expect(await f.point.api.presentToken(token)).toMatchObject({ granted: false, reason: 'revoked' });
  }, 90_000);

  it('sets a member’s account terms in euros: a bad amount is named and nothing stored; saved, the exact cents are stored and reach the point', async () => {
    const card = page.getByTestId('member-Erika Mustermann');
    const terms = card.getByTestId('account-terms');
    const accountRows = () => office.backoffice.db.selectFrom('member_accounts').select(['mode', 'limit_cents', 'open_cents']).execute();
    const save = () => card.getByRole('button', { name: 'Konto speichern und an die Dorfpunkte senden' }).click();
    const nbsp = (s: string | null) => (s ?? '').replace(/\u00a0/g, ' ');
    expect(await terms.textContent()).toBe('kein Kundenkonto (nur sofort bezahlen)');

    await card.getByRole('button', { name: 'Konto ändern' }).click();
    await card.getByLabel('Kontoart').selectOption('prepaid');
    for (const [typed, message] of [
      ['25,505', 'Höchstens zwei Stellen nach dem Komma – ganze Cent, zum Beispiel 25,50.'],
      ['-5', 'Der Betrag darf nicht negativ sein.'],
      ['', 'Bitte einen Betrag in Euro eingeben.'],
      ['25.50', 'Den Betrag bitte in Euro mit Komma eingeben, zum Beispiel 25,50 (ohne Tausenderpunkt).'],
      ['250000', 'Der Betrag ist zu hoch: höchstens 10.000,00 €.'],
    ] as const) {
      await card.getByLabel('Guthaben in Euro').fill(typed);
      await save();
      await expect.poll(() => card.getByTestId('account-error').textContent().then(nbsp), { message: typed }).toBe(message);
    }
    expect(await accountRows()).toEqual([]);
    expect(await seriousViolations(page)).toEqual([]);

    await card.getByLabel('Guthaben in Euro').fill('25,50');
    await save();
    await expect.poll(() => card.getByTestId('account-notice').textContent()).toBe('Konto gespeichert und an 1 Dorfpunkt(e) gesendet.');
    await expect.poll(() => terms.textContent().then(nbsp)).toMatch(/^Vorkasse: Guthaben 25,50 € \(gesetzt am .+\)$/);
    expect(await card.getByTestId('account-error').textContent()).toBe('');
    expect(await accountRows()).toEqual([{ mode: 'prepaid', limit_cents: 2550, open_cents: 0 }]);
    const memberId = (await office.backoffice.db.selectFrom('members').select('id').executeTakeFirstOrThrow()).id;
    await expect
      .poll(
        () =>
          f.point.ledger
            .events(1, 100_000)
            .filter((e) => e.type === 'account.terms-set')
            .map((e) => e.data as { memberId: string; mode: string; limitCents: number })
            .filter((d) => d.memberId === memberId)
            .map((d) => [d.mode, d.limitCents]),
        { timeout: 20_000 },
      )
      .toEqual([['prepaid', 2550]]);

    // Monthly invoice: the form opens with the amount as typed; the credit limit is stored in cents.
    await card.getByRole('button', { name: 'Konto ändern' }).click();
    expect(await card.getByLabel('Guthaben in Euro').inputValue()).toBe('25,50');
    await card.getByLabel('Kontoart').selectOption('invoice');
    await card.getByLabel('Kreditrahmen in Euro').fill('150');
    await save();
    await expect.poll(() => terms.textContent().then(nbsp)).toMatch(/^Monatsrechnung: Kreditrahmen 150,00 €, davon offen 0,00 € \(gesetzt am .+\)$/);
    expect(await accountRows()).toEqual([{ mode: 'invoice', limit_cents: 15_000, open_cents: 0 }]);
    const audit = await office.backoffice.db.selectFrom('audit_log').select(['outcome', 'username']).where('action', '=', 'member.account.set').execute();
    expect(audit).toEqual([
      { outcome: 'ok', username: 'erna' },
      { outcome: 'ok', username: 'erna' },
    ]);
  }, 60_000);

  it('lists a parcel of the point and takes it back remotely: the point opens the compartment and records the take-back', async () => {
    const parcelId = 'parcel-ui-1';
    f.point.ledger.append('parcel.deposited', {
      parcelId,
      reference: 'DHL 0042',
      compartment: 'A2',
      size: 'S',
      codeId: 'code-ui-1',
      courierId: 'courier-ui',
      credentialId: 'cred-ui',
      depositedAt: Date.now() - 3 * 86_400_000,
    });
    await page.getByRole('link', { name: 'Pakete' }).click();
    await page.getByLabel('Dorfpunkt', { exact: true }).selectOption(siteId);
    await expect.poll(() => page.locator('h1').textContent()).toBe(`Pakete: ${siteId}`);
    const item = page.getByTestId('parcel-A2');
    // The deposit reaches the backoffice through the sync; the page shows it after a reload.
    await expect
      .poll(
        async () => {
          await page.reload();
          return item.count();
        },
        { timeout: 20_000, interval: 1000 },
      )
      .toBe(1);
    expect(await item.textContent()).toContain(`Sendung ${parcelId}`);
    await item.getByRole('button', { name: 'Fach öffnen und Paket zurücknehmen' }).click();
    expect(await item.getByLabel('Grund').inputValue()).toBe('nicht abgeholt, Rücknahme');
    expect(await seriousViolations(page)).toEqual([]);
    await page.screenshot({ path: join(SHOTS, 'backoffice-parcels.png'), fullPage: true });
    await item.getByRole('button', { name: 'Ja, öffnen' }).click();
    await expect.poll(() => page.getByTestId('parcels-notice').textContent()).toMatch(/^Fach A2: Öffnen gesendet \(gilt bis \d\d:\d\d:\d\d Uhr\)\.$/);
    await expect
      .poll(
        () =>
          f.point.ledger
            .events(1, 100_000)
            .filter((e) => e.type === 'parcel.taken-back')
            .map((e) => (e.data as { parcelId: string }).parcelId),
        {
          timeout: 20_000,
        },
      )
      .toEqual([parcelId]);
    const audit = await office.backoffice.db.selectFrom('audit_log').select(['action', 'outcome', 'username']).where('action', '=', 'locker.open').execute();
    expect(audit).toEqual([{ action: 'locker.open', outcome: 'ok', username: 'erna' }]);
  }, 60_000);

  it('edits the point’s opening rules: a wrong window is named and not saved; saved, the preview changes and the point gets them', async () => {
    await page.getByRole('link', { name: 'Öffnungszeiten' }).click();
    await page.getByLabel('Dorfpunkt', { exact: true }).selectOption(siteId);
    await expect.poll(() => page.locator('h1').textContent()).toBe(`Öffnungszeiten: ${siteId}`);
    const sundays = page.locator('[data-testid^="preview-"]', { has: page.locator('th', { hasText: /^So / }) });
    await expect.poll(() => sundays.count()).toBe(2);
    expect(await sundays.first().getByTestId('preview-open').textContent()).toBe('geschlossen');
    expect(await page.getByTestId('rules-state').textContent()).toContain('Standardzeiten');

    const sun = page.getByTestId('w-sun');
    await sun.getByRole('button', { name: 'Zeitfenster hinzufügen' }).click();
    await sun.getByLabel('von').fill('10:00');
    await sun.getByLabel('bis').fill('09:00');
    await sun.getByLabel('für').selectOption('members');
    await page.getByRole('button', { name: 'Speichern und an den Dorfpunkt senden' }).click();
    await expect
      .poll(() => page.getByTestId('rules-error').textContent())
      .toBe('Sonntag, Zeitfenster 1: „bis“ muss nach „von“ liegen. Über Mitternacht bitte in zwei Fenster teilen.');
    expect(await office.backoffice.db.selectFrom('site_opening_rules').selectAll().execute()).toEqual([]);

    await sun.getByLabel('bis').fill('12:00');
    await page.getByRole('button', { name: 'Speichern und an den Dorfpunkt senden' }).click();
    await expect
      .poll(() => page.getByTestId('rules-notice').textContent())
      .toMatch(new RegExp(`^Gespeichert und an ${siteId} gesendet \\(Version \\d+\\)\\.$`));
    await expect.poll(() => sundays.first().getByTestId('preview-open').textContent()).toBe('10:00–12:00 nur Mitglieder');
    expect(await sundays.nth(1).getByTestId('preview-open').textContent()).toBe('10:00–12:00 nur Mitglieder');
    await expect
      .poll(() => (f.point.ledger.state.openingRules() as { weekly?: { sun?: unknown } } | undefined)?.weekly?.sun, { timeout: 20_000 })
      .toEqual([{ from: '10:00', to: '12:00', audience: 'members' }]);
    await expect
      .poll(() => page.reload().then(() => page.getByTestId('rules-state').textContent()), { timeout: 20_000, interval: 1000 })
      .toContain('vom Dorfpunkt übernommen');
    expect(await seriousViolations(page)).toEqual([]);
    await page.screenshot({ path: join(SHOTS, 'backoffice-opening-rules.png'), fullPage: true });
  }, 60_000);

  it('fits the members, parcels and opening rules pages on a 360 px phone without sideways scrolling', async () => {
    await page.setViewportSize({ width: 360, height: 800 });
    for (const [hash, heading] of [
      ['#/members', 'Mitglieder'],
      [`#/parcels/${siteId}`, `Pakete: ${siteId}`],
      [`#/opening-rules/${siteId}`, `Öffnungszeiten: ${siteId}`],
    ] as const) {
      await page.goto(`${url}/${hash}`);
      await expect.poll(() => page.locator('h1').textContent()).toBe(heading);
      await expect.poll(() => page.getByText('Wird geladen …').count()).toBe(0);
      expect(await page.evaluate(() => document.documentElement.scrollWidth), hash).toBeLessThanOrEqual(360);
    }
    await page.screenshot({ path: join(SHOTS, 'backoffice-opening-rules-phone.png'), fullPage: true });
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  it('speaks English on the new pages when switched', async () => {
    await page.goto(`${url}/#/members`);
    await expect.poll(() => page.locator('h1').textContent()).toBe('Mitglieder');
    await page.getByTestId('lang-switch').click();
    await expect.poll(() => page.locator('h1').textContent()).toBe('Members');
    expect(await page.getByRole('button', { name: 'New member' }).count()).toBe(1);
    expect(await page.getByTestId('member-Erika Mustermann').getByTestId('credential-state').first().textContent()).toMatch(
      /^revoked on .* \(Karte verloren\)$/,
    );
    expect(await page.getByTestId('member-Erika Mustermann').getByTestId('account-terms').textContent()).toMatch(
      /^Monthly invoice: credit limit €150\.00, of which open €0\.00 \(set on .+\)$/,
    );
    await page.getByRole('link', { name: 'Opening hours' }).click();
    await page.getByLabel('Village point', { exact: true }).selectOption(siteId);
    await expect.poll(() => page.locator('h1').textContent()).toBe(`Opening hours: ${siteId}`);
    await expect.poll(() => page.getByTestId('preview').locator('th', { hasText: /^Sun / }).count()).toBe(2);
    expect(await page.getByTestId('preview').textContent()).toContain('10:00–12:00 members only');
    await page.getByTestId('lang-switch').click();
    await expect.poll(() => page.locator('h1').textContent()).toBe(`Öffnungszeiten: ${siteId}`);
  });
});
